/**
 * What Aurora PostgreSQL needs beyond the alarms every cluster gets
 * (alarms.ts clusterAlarms): the writer's lock and wraparound alarms, the slow
 * statement count from the exported PostgreSQL log, the composite alarm that
 * names lock contention as the cause, and reader auto scaling.
 */
import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { auroraDefaultMaxConnections } from "../instanceClasses";
import { AlarmTarget, compositeAlarm, inAlarm, thresholdAlarm } from "./alarms";

/** Namespace of the metrics this program derives from logs (not an AWS/ namespace, which AWS reserves). */
export const DERIVED_METRICS_NAMESPACE = "MLOps/DataTier";

/** The log group RDS exports a cluster's PostgreSQL log to (enabledCloudwatchLogsExports ["postgresql"]). */
export function postgresLogGroupName(clusterIdentifier: string): string {
    return `/aws/rds/cluster/${clusterIdentifier}/postgresql`;
}

/**
 * The filter pattern that counts slow statements. With log_min_duration_statement
 * set (and log_duration off, its default), PostgreSQL writes "duration: <ms> ms
 * statement: ..." only for statements that ran at least that long
 * (https://www.postgresql.org/docs/16/runtime-config-logging.html), so every line
 * holding the term "duration:" is one slow statement. A quoted term matches
 * the exact phrase (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html).
 */
export const SLOW_STATEMENT_PATTERN = '"duration:"';

export interface AuroraWriterAlarms {
    name: string;
    clusterIdentifier: string;
    thresholds: {
        connections: number;
        deadlocksPerMinute: number;
        slowStatementsPer5Minutes: number;
        transactionIdsWarning: number;
        transactionIdsCritical: number;
    };
    /** log_min_duration_statement (ms): what "slow" means in the log. */
    slowQueryMs: number;
    /** The cluster's connection alarm, a member of the lock-contention composite. */
    connectionsAlarm: aws.cloudwatch.MetricAlarm;
    /** The cluster takes writes (not a read-only secondary): deadlocks and wraparound are the writer's. */
    writable: boolean;
    /** Registered before the metric filter: RDS creates the log group when the first instance starts exporting. */
    instances: pulumi.Resource[];
}

/**
 * The writer's alarms. Deadlocks and MaximumUsedTransactionIDs are published
 * per instance and, aggregated, per cluster and role: the dimensions
 * DBClusterIdentifier + Role=WRITER follow the writer across failovers
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/dimensions.html).
 */
export function auroraWriterAlarms(a: AuroraWriterAlarms, target: AlarmTarget): void {
    const id = a.clusterIdentifier;
    const t = a.thresholds;
    const writer = { DBClusterIdentifier: id, Role: "WRITER" };

    const filter = new aws.cloudwatch.LogMetricFilter(
        `${a.name}-slow-statements`,
        {
            name: `${id}-slow-statements`,
            logGroupName: postgresLogGroupName(id),
            pattern: SLOW_STATEMENT_PATTERN,
            metricTransformation: { name: `${id}-slow-statements`, namespace: DERIVED_METRICS_NAMESPACE, value: "1", defaultValue: "0", unit: "Count" },
        },
        // PutMetricFilter fails on a log group that does not exist yet; RDS creates it once an instance
        // exports its first log (not verified against a real account: see the report of issue 17).
        { parent: target.parent, dependsOn: a.instances },
    );
    const slow = thresholdAlarm(
        `${a.name}-slow-statements`,
        {
            alarmName: `${id}-slow-statements`,
            description: `More than ${t.slowStatementsPer5Minutes} statements per 5 minutes slower than ${a.slowQueryMs} ms on ${id}, for 15 minutes`,
            kind: "slow-statements",
            namespace: DERIVED_METRICS_NAMESPACE,
            metricName: `${id}-slow-statements`,
            dimensions: {},
            statistic: "Sum",
            comparison: "GreaterThanThreshold",
            threshold: t.slowStatementsPer5Minutes,
            dependsOn: [filter],
        },
        target,
    );
    if (!a.writable) return;

    // Deadlocks: "the average number of deadlocks in the database per second" (Aurora's CloudWatch metrics).
    const deadlocks = thresholdAlarm(
        `${a.name}-deadlocks`,
        {
            alarmName: `${id}-deadlocks`,
            description: `At least ${t.deadlocksPerMinute} deadlocks per minute on the writer of ${id}, for 3 minutes`,
            kind: "deadlocks",
            namespace: "AWS/RDS",
            metricName: "Deadlocks",
            dimensions: writer,
            statistic: "Average",
            comparison: "GreaterThanOrEqualToThreshold",
            threshold: t.deadlocksPerMinute / 60,
            periodSeconds: 60,
        },
        target,
    );
    for (const [kind, threshold, suffix] of [
        ["transaction-ids-warning", t.transactionIdsWarning, "warning"],
        ["transaction-ids-critical", t.transactionIdsCritical, "critical"],
    ] as const) {
        thresholdAlarm(
            `${a.name}-transaction-ids-${suffix}`,
            {
                alarmName: `${id}-transaction-ids-${suffix}`,
                description: `Oldest unvacuumed transaction ID on ${id} more than ${threshold} transactions old (writes stop near 2^31)`,
                kind,
                namespace: "AWS/RDS",
                metricName: "MaximumUsedTransactionIDs",
                dimensions: writer,
                statistic: "Maximum",
                comparison: "GreaterThanThreshold",
                threshold,
            },
            target,
        );
    }
    // One cause, several alarms: sessions waiting on locks deadlock, run long and pile up as connections.
    compositeAlarm(
        `${a.name}-lock-contention`,
        {
            alarmName: `${id}-lock-contention`,
            description: `Lock contention on ${id}: deadlocks while statements run slow or connections pile up (the cause of the alarms ${id}-deadlocks, -slow-statements, -connections)`,
            kind: "lock-contention",
            rule: `${inAlarm(`${id}-deadlocks`)} AND (${inAlarm(`${id}-slow-statements`)} OR ${inAlarm(`${id}-connections`)})`,
            members: [deadlocks, slow, a.connectionsAlarm],
        },
        target,
    );
}

/** What Application Auto Scaling tracks, per `readerAutoScaling.metric` (PredefinedMetricType values). */
const PREDEFINED_METRIC = { cpu: "RDSReaderAverageCPUUtilization", connections: "RDSReaderAverageDatabaseConnections" } as const;

export interface ReaderAutoScaling {
    enabled: boolean;
    minReaders: number;
    maxReaders: number;
    metric: keyof typeof PREDEFINED_METRIC;
    target: number;
    scaleInCooldownSeconds: number;
    scaleOutCooldownSeconds: number;
}

/**
 * Aurora Auto Scaling: a scalable target on the cluster's replica count
 * (service namespace rds, dimension rds:cluster:ReadReplicaCount, resource
 * cluster:<identifier>) and a target-tracking policy on the readers' average
 * CPU or connections (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Integrating.AutoScaling.html).
 * The floor is validated in the config (never below the declared readers, nor below one).
 */
export function readerAutoScaling(name: string, clusterIdentifier: string, s: ReaderAutoScaling, tags: Record<string, string>, opts: pulumi.CustomResourceOptions): void {
    const target = new aws.appautoscaling.Target(
        `${name}-readers`,
        {
            serviceNamespace: "rds",
            scalableDimension: "rds:cluster:ReadReplicaCount",
            resourceId: `cluster:${clusterIdentifier}`,
            minCapacity: s.minReaders,
            maxCapacity: s.maxReaders,
            tags,
        },
        opts,
    );
    new aws.appautoscaling.Policy(
        `${name}-readers`,
        {
            name: `${clusterIdentifier}-readers-${s.metric}`,
            policyType: "TargetTrackingScaling",
            serviceNamespace: target.serviceNamespace,
            scalableDimension: target.scalableDimension,
            resourceId: target.resourceId,
            targetTrackingScalingPolicyConfiguration: {
                predefinedMetricSpecification: { predefinedMetricType: PREDEFINED_METRIC[s.metric] },
                targetValue: s.target,
                scaleInCooldown: s.scaleInCooldownSeconds,
                scaleOutCooldown: s.scaleOutCooldownSeconds,
                disableScaleIn: false,
            },
        },
        opts,
    );
}

export interface AuroraConnectionLimitAlarms {
    name: string;
    clusterIdentifier: string;
    /** The instances' identifiers, in order; all of one class (aurora.instanceClass). */
    instanceIdentifiers: string[];
    instanceClass: string;
    /** aurora.alarms.connectionsLimitPercent. */
    percent: number;
}

/**
 * One Sev 1 alarm per instance when its connections come near its max_connections, where PostgreSQL
 * refuses new ones ("FATAL: sorry, too many clients already" / "remaining connection slots are
 * reserved"): the cluster's Sev 2 alarm is a number an operator chose, this one is the limit itself.
 * Per instance, because the limit is (each instance counts its own connections), and per minute, with
 * 3 of 3 minutes breaching: a page within minutes, as the guide asks of Sev 1, not on one spike.
 */
export function auroraConnectionLimitAlarms(a: AuroraConnectionLimitAlarms, target: AlarmTarget): aws.cloudwatch.MetricAlarm[] {
    const limit = auroraDefaultMaxConnections(a.instanceClass);
    const threshold = Math.floor((limit * a.percent) / 100);
    return a.instanceIdentifiers.map((identifier, i) =>
        thresholdAlarm(
            `${a.name}-connections-limit-${i + 1}`,
            {
                alarmName: `${identifier}-connections-near-limit`,
                description: `Connections to Aurora instance ${identifier} at ${threshold} or more, ${a.percent}% of its max_connections ${limit} (${a.instanceClass}'s default), for 3 minutes: new connections will be refused`,
                kind: "connections-limit",
                namespace: "AWS/RDS",
                metricName: "DatabaseConnections",
                dimensions: { DBInstanceIdentifier: identifier },
                statistic: "Maximum",
                comparison: "GreaterThanOrEqualToThreshold",
                threshold,
                periodSeconds: 60,
                datapoints: 3,
            },
            target,
        ),
    );
}
