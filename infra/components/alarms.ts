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

/**
 * A CloudWatch alarm on one metric crossing a threshold for several periods
 * in a row, notifying (and notifying on recovery) when a topic is configured.
 * Missing data is "missing", not "breaching": a stopped dev cluster should not page.
 */
export function thresholdAlarm(
    name: string,
    alarm: ThresholdAlarm,
    topicArn: string | undefined,
    tags: Record<string, string>,
    parent: pulumi.Resource,
): aws.cloudwatch.MetricAlarm {
    const actions = topicArn ? [topicArn] : [];
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
            tags,
        },
        { parent },
    );
}
