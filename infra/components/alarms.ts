import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ThresholdAlarm {
    /** Alarm name; unique in the account and region. */
    alarmName: string;
    description: string;
    namespace: string;
    metricName: string;
    dimensions: pulumi.Input<Record<string, pulumi.Input<string>>>;
    statistic: "Average" | "Maximum" | "Minimum" | "Sum";
    comparison: "GreaterThanThreshold" | "LessThanThreshold";
    threshold: number;
    /** Seconds per datapoint. @default 300 */
    periodSeconds?: number;
    /** Datapoints that must breach, out of as many periods. @default 3 */
    datapoints?: number;
}

/** Where alarms go and what they carry: the same for every alarm of a store. */
export interface AlarmTarget {
    /** SNS topic notified on alarm and on recovery; alarms exist without one. */
    topicArn?: string;
    tags: Record<string, string>;
    parent: pulumi.Resource;
}

/**
 * A CloudWatch alarm on one metric crossing a threshold for several periods
 * in a row, notifying (and notifying on recovery) when a topic is configured.
 * Missing data is "missing", not "breaching": a stopped dev cluster should not page.
 */
export function thresholdAlarm(name: string, alarm: ThresholdAlarm, target: AlarmTarget): aws.cloudwatch.MetricAlarm {
    const actions = target.topicArn ? [target.topicArn] : [];
    const datapoints = alarm.datapoints ?? 3;
    return new aws.cloudwatch.MetricAlarm(
        name,
        {
            name: alarm.alarmName,
            alarmDescription: alarm.description,
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
            alarmActions: actions,
            okActions: actions,
            tags: target.tags,
        },
        { parent: target.parent },
    );
}

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
    thresholds: { cpuPercent: number; connections: number; replicaLagMs: number; freeableMemoryMiB?: number; globalReplicationLagMs?: number };
    /** The cluster is a secondary of a global cluster. */
    secondary: boolean;
}

/**
 * The alarms of an Aurora or DocumentDB cluster: CPU (and freeable memory, when
 * a threshold is given) per instance, connections to the cluster, and, with
 * replicas, the cluster-wide maximum replica lag. The maximum, not a per-reader
 * alarm, because it stays right after a failover moves the writer.
 */
export function clusterAlarms(c: ClusterAlarms, target: AlarmTarget): void {
    const t = c.thresholds;
    const m = CLUSTER_METRICS[c.engine];
    const cluster = { DBClusterIdentifier: c.clusterIdentifier };
    c.instanceIdentifiers.forEach((identifier, i) => {
        const n = i + 1;
        const instance = { DBInstanceIdentifier: identifier };
        thresholdAlarm(
            `${c.name}-cpu-${n}`,
            {
                alarmName: `${identifier}-cpu`,
                description: `CPU of ${m.label} instance ${identifier} above ${t.cpuPercent}% for 15 minutes`,
                namespace: m.namespace,
                metricName: "CPUUtilization",
                dimensions: instance,
                statistic: "Average",
                comparison: "GreaterThanThreshold",
                threshold: t.cpuPercent,
            },
            target,
        );
        if (t.freeableMemoryMiB !== undefined) {
            thresholdAlarm(
                `${c.name}-memory-${n}`,
                {
                    alarmName: `${identifier}-freeable-memory`,
                    description: `Freeable memory of ${m.label} instance ${identifier} below ${t.freeableMemoryMiB} MiB for 15 minutes`,
                    namespace: m.namespace,
                    metricName: "FreeableMemory",
                    dimensions: instance,
                    statistic: "Minimum",
                    comparison: "LessThanThreshold",
                    threshold: t.freeableMemoryMiB * 1024 * 1024,
                },
                target,
            );
        }
    });
    thresholdAlarm(
        `${c.name}-connections`,
        {
            alarmName: `${c.clusterIdentifier}-connections`,
            description: `Connections to ${m.label} cluster ${c.clusterIdentifier} above ${t.connections} for 15 minutes`,
            namespace: m.namespace,
            metricName: "DatabaseConnections",
            dimensions: cluster,
            statistic: "Maximum",
            comparison: "GreaterThanThreshold",
            threshold: t.connections,
        },
        target,
    );
    if (c.secondary && t.globalReplicationLagMs !== undefined) {
        thresholdAlarm(
            `${c.name}-global-lag`,
            {
                alarmName: `${c.clusterIdentifier}-global-replication-lag`,
                description: `${m.label} ${c.clusterIdentifier} more than ${t.globalReplicationLagMs} ms behind its primary region (the RPO)`,
                namespace: m.namespace,
                metricName: m.globalLag,
                dimensions: cluster,
                statistic: "Maximum",
                comparison: "GreaterThanThreshold",
                threshold: t.globalReplicationLagMs,
                periodSeconds: 60,
            },
            target,
        );
    }
    if (c.instanceIdentifiers.length > 1) {
        thresholdAlarm(
            `${c.name}-replica-lag`,
            {
                alarmName: `${c.clusterIdentifier}-replica-lag`,
                description: `Largest ${m.label} replica lag in ${c.clusterIdentifier} above ${t.replicaLagMs} ms for 3 minutes`,
                namespace: m.namespace,
                metricName: m.replicaLag,
                dimensions: cluster,
                statistic: "Maximum",
                comparison: "GreaterThanThreshold",
                threshold: t.replicaLagMs,
                periodSeconds: 60,
            },
            target,
        );
    }
}
