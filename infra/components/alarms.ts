import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { ALARM_KINDS, AlarmKindName, INCIDENT_TAG, SEVERITY_TAG, runbookLink } from "../incidents";
import { SEVERITY_MEANING, Severity } from "../schema/alarms";

export interface ThresholdAlarm {
    /** Alarm name; unique in the account and region. */
    alarmName: string;
    /** What the alarm means, in one sentence; the severity and the runbook link are added to it. */
    description: string;
    /** Which kind of alarm (infra/incidents.ts): its incident type, runbook section and severity band. */
    kind: AlarmKindName;
    namespace: string;
    metricName: string;
    dimensions: pulumi.Input<Record<string, pulumi.Input<string>>>;
    statistic: "Average" | "Maximum" | "Minimum" | "Sum";
    comparison: "GreaterThanThreshold" | "LessThanThreshold" | "GreaterThanOrEqualToThreshold";
    threshold: number;
    /** Seconds per datapoint. @default 300 */
    periodSeconds?: number;
    /** Datapoints that must breach, out of as many periods. @default 3 */
    datapoints?: number;
    /** Resources the alarm's metric needs first (a metric filter). */
    dependsOn?: pulumi.Resource[];
}

/** Where a stack's alarms go: the topic of each severity band, and the base of the runbook links. */
export interface AlarmRouting {
    topicArns: Record<Severity, pulumi.Input<string>>;
    /** Prefix of every runbook link (alarms.runbookBaseUrl); undefined: the repository path alone. */
    runbookBaseUrl?: string;
}

/** Where alarms go and what they carry: the same for every alarm of a store. */
export interface AlarmTarget {
    routing: AlarmRouting;
    tags: Record<string, string>;
    parent: pulumi.Resource;
}

/**
 * The actions of an alarm of a band: the band's topic on alarm, and on recovery
 * too for the bands someone responds to (so that the responder learns it is
 * over); a Sev 4 alarm is tracked, its recovery notifies nobody.
 */
export function alarmActions(routing: AlarmRouting, severity: Severity): { alarmActions: pulumi.Input<string>[]; okActions: pulumi.Input<string>[] } {
    const topic = routing.topicArns[severity];
    return { alarmActions: [topic], okActions: severity === "sev4" ? [] : [topic] };
}

/** The description every alarm carries: band, what it means, and the runbook section to open. */
export function alarmDescription(kind: AlarmKindName, text: string, routing: AlarmRouting): string {
    return `${SEVERITY_MEANING[ALARM_KINDS[kind].severity]}: ${text}. Runbook: ${runbookLink(kind, routing.runbookBaseUrl)}`;
}

function alarmTags(kind: AlarmKindName, tags: Record<string, string>): Record<string, string> {
    const k = ALARM_KINDS[kind];
    return { ...tags, [SEVERITY_TAG]: k.severity, [INCIDENT_TAG]: k.incident };
}

/**
 * A CloudWatch alarm on one metric crossing a threshold for several periods
 * in a row, notifying the topic of its severity band (and on recovery).
 * Missing data is "missing", not "breaching": a stopped dev cluster should not page.
 */
export function thresholdAlarm(name: string, alarm: ThresholdAlarm, target: AlarmTarget): aws.cloudwatch.MetricAlarm {
    const datapoints = alarm.datapoints ?? 3;
    return new aws.cloudwatch.MetricAlarm(
        name,
        {
            name: alarm.alarmName,
            alarmDescription: alarmDescription(alarm.kind, alarm.description, target.routing),
            namespace: alarm.namespace,
            metricName: alarm.metricName,
            dimensions: alarm.dimensions,
            statistic: alarm.statistic,
            comparisonOperator: alarm.comparison,
            threshold: alarm.threshold,
            period: alarm.periodSeconds ?? 300,
            evaluationPeriods: datapoints,
            datapointsToAlarm: datapoints,
            treatMissingData: "missing",
            ...alarmActions(target.routing, ALARM_KINDS[alarm.kind].severity),
            tags: alarmTags(alarm.kind, target.tags),
        },
        { parent: target.parent, dependsOn: alarm.dependsOn },
    );
}

/**
 * A composite alarm: one root cause that fires several alarms at once, named
 * as that cause, so that the responder reads the cause before its symptoms.
 * `rule` is CloudWatch's alarm rule language (ALARM("name") AND/OR ...;
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html).
 * The members keep their own actions: a composite adds the cause, it hides nothing.
 */
export function compositeAlarm(
    name: string,
    c: { alarmName: string; description: string; kind: AlarmKindName; rule: pulumi.Input<string>; members: pulumi.Resource[] },
    target: AlarmTarget,
): aws.cloudwatch.CompositeAlarm {
    return new aws.cloudwatch.CompositeAlarm(
        name,
        {
            alarmName: c.alarmName,
            alarmDescription: alarmDescription(c.kind, c.description, target.routing),
            alarmRule: c.rule,
            actionsEnabled: true,
            ...alarmActions(target.routing, ALARM_KINDS[c.kind].severity),
            tags: alarmTags(c.kind, target.tags),
        },
        // A composite alarm's rule may only name alarms that exist (PutCompositeAlarm validates it).
        { parent: target.parent, dependsOn: c.members },
    );
}

/** `ALARM("name")` for the rule of a composite alarm. */
export const inAlarm = (alarmName: string) => `ALARM("${alarmName}")`;

/** Where each cluster engine publishes its metrics, and under which names. */
const CLUSTER_METRICS = {
    aurora: { label: "Aurora", namespace: "AWS/RDS", replicaLag: "AuroraReplicaLagMaximum", globalLag: "AuroraGlobalDBReplicationLag" },
    docdb: { label: "DocumentDB", namespace: "AWS/DocDB", replicaLag: "DBClusterReplicaLagMaximum", globalLag: "GlobalClusterReplicationLag" },
} as const;

export interface ClusterAlarms {
    /** Prefix of the alarms' logical names. */
    name: string;
    engine: keyof typeof CLUSTER_METRICS;
    clusterIdentifier: string;
    /** Identifiers of the instances, in order. */
    instanceIdentifiers: string[];
    /**
     * `globalReplicationLagMs` applies to a secondary of a global cluster only:
     * its replication lag from the primary region, alarmed at the RPO.
     */
    thresholds: {
        cpuPercent: number;
        connections: number;
        replicaLagMs: number;
        freeableMemoryMiB?: number;
        freeLocalStorageMiB: number;
        volumeUsedGiB: number;
        globalReplicationLagMs?: number;
    };
    /** The cluster is a secondary of a global cluster. */
    secondary: boolean;
}

const MIB = 1024 * 1024;

/**
 * The alarms of an Aurora or DocumentDB cluster: CPU, free local storage (and
 * freeable memory, when a threshold is given) per instance, connections to the
 * cluster, the cluster volume, and, with replicas, the cluster-wide maximum
 * replica lag. The maximum, not a per-reader alarm, because it stays right
 * after a failover moves the writer. Returns the alarms by kind, for composites.
 */
export function clusterAlarms(c: ClusterAlarms, target: AlarmTarget): Partial<Record<AlarmKindName, aws.cloudwatch.MetricAlarm[]>> {
    const t = c.thresholds;
    const m = CLUSTER_METRICS[c.engine];
    const cluster = { DBClusterIdentifier: c.clusterIdentifier };
    const out: Partial<Record<AlarmKindName, aws.cloudwatch.MetricAlarm[]>> = {};
    const add = (kind: AlarmKindName, a: aws.cloudwatch.MetricAlarm) => (out[kind] ??= []).push(a);
    c.instanceIdentifiers.forEach((identifier, i) => {
        const n = i + 1;
        const instance = { DBInstanceIdentifier: identifier };
        add(
            "cpu",
            thresholdAlarm(
                `${c.name}-cpu-${n}`,
                {
                    alarmName: `${identifier}-cpu`,
                    description: `CPU of ${m.label} instance ${identifier} above ${t.cpuPercent}% for 15 minutes`,
                    kind: "cpu",
                    namespace: m.namespace,
                    metricName: "CPUUtilization",
                    dimensions: instance,
                    statistic: "Average",
                    comparison: "GreaterThanThreshold",
                    threshold: t.cpuPercent,
                },
                target,
            ),
        );
        if (t.freeableMemoryMiB !== undefined) {
            add(
                "freeable-memory",
                thresholdAlarm(
                    `${c.name}-memory-${n}`,
                    {
                        alarmName: `${identifier}-freeable-memory`,
                        description: `Freeable memory of ${m.label} instance ${identifier} below ${t.freeableMemoryMiB} MiB for 15 minutes`,
                        kind: "freeable-memory",
                        namespace: m.namespace,
                        metricName: "FreeableMemory",
                        dimensions: instance,
                        statistic: "Minimum",
                        comparison: "LessThanThreshold",
                        threshold: t.freeableMemoryMiB * MIB,
                    },
                    target,
                ),
            );
        }
        // FreeLocalStorage: the instance's local (temporary) storage, where sorts, hashes and temporary
        // tables spill; both engines publish it per instance (Aurora: "Amazon CloudWatch metrics for
        // Amazon Aurora"; DocumentDB: "Monitoring Amazon DocumentDB with CloudWatch").
        add(
            "free-local-storage",
            thresholdAlarm(
                `${c.name}-local-storage-${n}`,
                {
                    alarmName: `${identifier}-free-local-storage`,
                    description: `Free local storage of ${m.label} instance ${identifier} below ${t.freeLocalStorageMiB} MiB for 15 minutes`,
                    kind: "free-local-storage",
                    namespace: m.namespace,
                    metricName: "FreeLocalStorage",
                    dimensions: instance,
                    statistic: "Minimum",
                    comparison: "LessThanThreshold",
                    threshold: t.freeLocalStorageMiB * MIB,
                },
                target,
            ),
        );
    });
    add(
        "connections",
        thresholdAlarm(
            `${c.name}-connections`,
            {
                alarmName: `${c.clusterIdentifier}-connections`,
                description: `Connections to ${m.label} cluster ${c.clusterIdentifier} above ${t.connections} for 15 minutes`,
                kind: "connections",
                namespace: m.namespace,
                metricName: "DatabaseConnections",
                dimensions: cluster,
                statistic: "Maximum",
                comparison: "GreaterThanThreshold",
                threshold: t.connections,
            },
            target,
        ),
    );
    // VolumeBytesUsed: the cluster volume (billed storage), per cluster; published about hourly, so one
    // datapoint of an hour decides. A trend for capacity planning, not an outage: Sev 4.
    add(
        "volume-growth",
        thresholdAlarm(
            `${c.name}-volume`,
            {
                alarmName: `${c.clusterIdentifier}-volume-used`,
                description: `${m.label} cluster ${c.clusterIdentifier} volume above ${t.volumeUsedGiB} GiB`,
                kind: "volume-growth",
                namespace: m.namespace,
                metricName: "VolumeBytesUsed",
                dimensions: cluster,
                statistic: "Maximum",
                comparison: "GreaterThanThreshold",
                threshold: t.volumeUsedGiB * 1024 * MIB,
                periodSeconds: 3600,
                datapoints: 1,
            },
            target,
        ),
    );
    if (c.secondary && t.globalReplicationLagMs !== undefined) {
        add(
            "global-lag",
            thresholdAlarm(
                `${c.name}-global-lag`,
                {
                    alarmName: `${c.clusterIdentifier}-global-replication-lag`,
                    description: `${m.label} ${c.clusterIdentifier} more than ${t.globalReplicationLagMs} ms behind its primary region (the RPO)`,
                    kind: "global-lag",
                    namespace: m.namespace,
                    metricName: m.globalLag,
                    dimensions: cluster,
                    statistic: "Maximum",
                    comparison: "GreaterThanThreshold",
                    threshold: t.globalReplicationLagMs,
                    periodSeconds: 60,
                },
                target,
            ),
        );
    }
    if (c.instanceIdentifiers.length > 1) {
        add(
            "replica-lag",
            thresholdAlarm(
                `${c.name}-replica-lag`,
                {
                    alarmName: `${c.clusterIdentifier}-replica-lag`,
                    description: `Largest ${m.label} replica lag in ${c.clusterIdentifier} above ${t.replicaLagMs} ms for 3 minutes`,
                    kind: "replica-lag",
                    namespace: m.namespace,
                    metricName: m.replicaLag,
                    dimensions: cluster,
                    statistic: "Maximum",
                    comparison: "GreaterThanThreshold",
                    threshold: t.replicaLagMs,
                    periodSeconds: 60,
                },
                target,
            ),
        );
    }
    return out;
}
