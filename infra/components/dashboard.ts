import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";

/** What the dashboard shows of each store: its identifiers, and the limits to draw beside the metrics. */
export interface DashboardArgs {
    /** Dashboard name: `<namePrefix>-data-tier`. */
    namePrefix: string;
    /** The region the metrics are in (the stack's). */
    region: string;
    aurora: { clusterIdentifier: pulumi.Input<string>; instanceIdentifiers: pulumi.Input<string>[]; connectionsAlarm: number; secondary: boolean };
    documentdb: { clusterIdentifier: pulumi.Input<string>; instanceIdentifiers: pulumi.Input<string>[]; connectionsAlarm: number; secondary: boolean };
    /** Undefined when the stack has no cache. */
    cache?: { nodeIdentifiers: string[]; memoryAlarmPercent: number; secondary: boolean };
}

/** The dashboard's name for a stack; the preview report links it. */
export function dashboardName(namePrefix: string): string {
    return `${namePrefix}-data-tier`;
}

type Metric = (string | Record<string, unknown>)[];
interface Widget {
    title: string;
    metrics: Metric[];
    /** Horizontal lines: an alarm threshold or a limit, so that the curve is read against it. */
    annotations?: { label: string; value: number }[];
    stat?: string;
}

/** Widgets per row and their size on CloudWatch's 24-column grid. */
const WIDTH = 8;
const HEIGHT = 6;

/**
 * One CloudWatch dashboard per stack with the operations guide's key metrics
 * per store: latency percentiles, connections against their alarm, cache hit
 * ratio, replication and global lag, storage, CPU and memory. A responder
 * looks here before reading anything else; each alarm's runbook says which
 * widget to read. Widget JSON: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 * (the percentile statistics on AWS/RDS, AWS/DocDB and AWS/ElastiCache latency
 * metrics are assumed available; not verified against a real account here).
 */
export class DataTierDashboard extends pulumi.ComponentResource {
    public readonly dashboard: aws.cloudwatch.Dashboard;
    public readonly name: string;

    constructor(name: string, args: DashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlops:observability:Dashboard", name, {}, opts);
        this.name = dashboardName(args.namePrefix);
        const body = pulumi
            .all([
                args.aurora.clusterIdentifier,
                pulumi.all(args.aurora.instanceIdentifiers),
                args.documentdb.clusterIdentifier,
                pulumi.all(args.documentdb.instanceIdentifiers),
            ])
            .apply(([auroraId, auroraInstances, docsId, docsInstances]) => JSON.stringify(dashboardBody(args, auroraId, auroraInstances, docsId, docsInstances)));
        this.dashboard = new aws.cloudwatch.Dashboard(name, { dashboardName: this.name, dashboardBody: body }, { parent: this });
        this.registerOutputs({ dashboardName: this.name });
    }
}

export function dashboardBody(args: DashboardArgs, auroraId: string, auroraInstances: string[], docsId: string, docsInstances: string[]): { widgets: object[] } {
    const rds = (metric: string, dims: Record<string, string>, extra: Record<string, unknown> = {}): Metric => [
        "AWS/RDS",
        metric,
        ...Object.entries(dims).flat(),
        ...(Object.keys(extra).length ? [extra] : []),
    ];
    const docdb = (metric: string, dims: Record<string, string>, extra: Record<string, unknown> = {}): Metric => [
        "AWS/DocDB",
        metric,
        ...Object.entries(dims).flat(),
        ...(Object.keys(extra).length ? [extra] : []),
    ];
    const cache = (metric: string, node: string, extra: Record<string, unknown> = {}): Metric => [
        "AWS/ElastiCache",
        metric,
        "CacheClusterId",
        node,
        ...(Object.keys(extra).length ? [extra] : []),
    ];
    const perInstance = (ns: typeof rds, metric: string, ids: string[]) => ids.map((id) => ns(metric, { DBInstanceIdentifier: id }));
    const p = (stat: string) => ({ stat });

    const widgets: Widget[] = [
        {
            title: `Aurora ${auroraId}: read and write latency (p50, p99)`,
            metrics: [
                rds("ReadLatency", { DBClusterIdentifier: auroraId }, p("p50")),
                rds("ReadLatency", { DBClusterIdentifier: auroraId }, p("p99")),
                rds("WriteLatency", { DBClusterIdentifier: auroraId }, p("p50")),
                rds("WriteLatency", { DBClusterIdentifier: auroraId }, p("p99")),
            ],
        },
        {
            title: `Aurora ${auroraId}: connections`,
            metrics: [rds("DatabaseConnections", { DBClusterIdentifier: auroraId })],
            annotations: [{ label: "connections alarm", value: args.aurora.connectionsAlarm }],
            stat: "Maximum",
        },
        { title: `Aurora ${auroraId}: CPU per instance`, metrics: perInstance(rds, "CPUUtilization", auroraInstances) },
        {
            title: `Aurora ${auroraId}: replica lag${args.aurora.secondary ? " and global lag" : ""} (ms)`,
            metrics: [
                rds("AuroraReplicaLagMaximum", { DBClusterIdentifier: auroraId }),
                ...(args.aurora.secondary ? [rds("AuroraGlobalDBReplicationLag", { DBClusterIdentifier: auroraId })] : []),
            ],
            stat: "Maximum",
        },
        { title: `Aurora ${auroraId}: free local storage per instance`, metrics: perInstance(rds, "FreeLocalStorage", auroraInstances), stat: "Minimum" },
        { title: `Aurora ${auroraId}: freeable memory per instance`, metrics: perInstance(rds, "FreeableMemory", auroraInstances), stat: "Minimum" },
        {
            title: `Aurora ${auroraId}: volume used, deadlocks, oldest transaction ID`,
            metrics: [
                rds("VolumeBytesUsed", { DBClusterIdentifier: auroraId }),
                rds("Deadlocks", { DBClusterIdentifier: auroraId, Role: "WRITER" }, { yAxis: "right" }),
                rds("MaximumUsedTransactionIDs", { DBClusterIdentifier: auroraId, Role: "WRITER" }, { yAxis: "right" }),
            ],
            stat: "Maximum",
        },
        {
            title: `DocumentDB ${docsId}: read and write latency (p50, p99)`,
            metrics: [
                docdb("ReadLatency", { DBClusterIdentifier: docsId }, p("p50")),
                docdb("ReadLatency", { DBClusterIdentifier: docsId }, p("p99")),
                docdb("WriteLatency", { DBClusterIdentifier: docsId }, p("p50")),
                docdb("WriteLatency", { DBClusterIdentifier: docsId }, p("p99")),
            ],
        },
        {
            title: `DocumentDB ${docsId}: connections`,
            metrics: [docdb("DatabaseConnections", { DBClusterIdentifier: docsId })],
            annotations: [{ label: "connections alarm", value: args.documentdb.connectionsAlarm }],
            stat: "Maximum",
        },
        { title: `DocumentDB ${docsId}: CPU per instance`, metrics: perInstance(docdb, "CPUUtilization", docsInstances) },
        {
            title: `DocumentDB ${docsId}: replica lag${args.documentdb.secondary ? " and global lag" : ""} (ms)`,
            metrics: [
                docdb("DBClusterReplicaLagMaximum", { DBClusterIdentifier: docsId }),
                ...(args.documentdb.secondary ? [docdb("GlobalClusterReplicationLag", { DBClusterIdentifier: docsId })] : []),
            ],
            stat: "Maximum",
        },
        {
            title: `DocumentDB ${docsId}: freeable memory and free local storage`,
            metrics: [...perInstance(docdb, "FreeableMemory", docsInstances), ...perInstance(docdb, "FreeLocalStorage", docsInstances)],
            stat: "Minimum",
        },
    ];
    if (args.cache) {
        const nodes = args.cache.nodeIdentifiers;
        widgets.push(
            {
                title: "Cache: read and write latency (p50, p99, microseconds)",
                metrics: nodes.flatMap((n) => [cache("SuccessfulReadRequestLatency", n, p("p50")), cache("SuccessfulReadRequestLatency", n, p("p99")), cache("SuccessfulWriteRequestLatency", n, p("p99"))]),
            },
            { title: "Cache: hit ratio (percent)", metrics: nodes.map((n) => cache("CacheHitRate", n)) },
            {
                title: "Cache: memory used (percent) and evictions",
                metrics: nodes.flatMap((n) => [cache("DatabaseMemoryUsagePercentage", n), cache("Evictions", n, { stat: "Sum", yAxis: "right" })]),
                annotations: [{ label: "memory alarm", value: args.cache.memoryAlarmPercent }],
            },
            { title: "Cache: engine CPU (percent)", metrics: nodes.map((n) => cache("EngineCPUUtilization", n)) },
            { title: "Cache: connections", metrics: nodes.map((n) => cache("CurrConnections", n)), stat: "Maximum" },
            {
                title: `Cache: replication lag${args.cache.secondary ? " and global datastore lag" : ""} (seconds)`,
                metrics: nodes.flatMap((n) => [cache("ReplicationLag", n), ...(args.cache!.secondary ? [cache("GlobalDatastoreReplicationLag", n)] : [])]),
                stat: "Maximum",
            },
        );
    }
    return {
        widgets: widgets.map((w, i) => ({
            type: "metric",
            x: (i % (24 / WIDTH)) * WIDTH,
            y: Math.floor(i / (24 / WIDTH)) * HEIGHT,
            width: WIDTH,
            height: HEIGHT,
            properties: {
                title: w.title,
                region: args.region,
                view: "timeSeries",
                stat: w.stat ?? "Average",
                period: 60,
                metrics: w.metrics,
                ...(w.annotations ? { annotations: { horizontal: w.annotations } } : {}),
            },
        })),
    };
}
