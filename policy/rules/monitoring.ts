/**
 * Who can tell: Enhanced Monitoring and Performance Insights on the database
 * instances where the environment asks for them, log groups kept long enough,
 * and alarms that notify someone.
 *
 * Anchors: Checkov CKV_AWS_118 (enhanced monitoring), CKV_AWS_353 and Trivy
 * AVD-AWS-0133 (Performance Insights), CKV_AWS_66 / CKV_AWS_338 (log group
 * retention set / at least a year: here a per-environment minimum), CKV_AWS_319
 * (alarm actions enabled: here also at least one action).
 * Enhanced Monitoring intervals: 0 (off), 1, 5, 10, 15, 30 or 60 seconds
 * (RDS CreateDBInstance MonitoringInterval).
 */
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import * as aws from "../../infra/sdk/aws";
import { configWithDefaults, schema } from "./lib/config";

const emSchema = schema<{ required: boolean; maximumIntervalSeconds: number }>({
    required: { type: "boolean", default: true, description: "Whether every Aurora and RDS instance must have Enhanced Monitoring on." },
    maximumIntervalSeconds: { type: "integer", enum: [1, 5, 10, 15, 30, 60], default: 60, description: "Longest Enhanced Monitoring interval allowed, in seconds." },
});

export const enhancedMonitoring: ResourceValidationPolicy = {
    name: "enhanced-monitoring",
    description: "Aurora cluster instances and RDS instances have Enhanced Monitoring on (monitoringInterval from 1 to the configured maximum), where the environment requires it.",
    enforcementLevel: "mandatory",
    remediationSteps: "Set monitoringInterval (aurora.monitoringIntervalSeconds in the stack file) to 60 or less, with a monitoringRoleArn for the monitoring role.",
    configSchema: emSchema,
    validateResource: [aws.rds.ClusterInstance, aws.rds.Instance].map((cls) =>
        validateResourceOfType(cls as typeof aws.rds.ClusterInstance, (i, args, report) => {
            const cfg = configWithDefaults(emSchema, args);
            if (!cfg.required) return;
            const interval = i.monitoringInterval ?? 0;
            if (interval === 0) report("Instance: Enhanced Monitoring is off (monitoringInterval is 0 or unset).");
            else if (interval > cfg.maximumIntervalSeconds) report(`Instance: monitoringInterval is ${interval} s; at most ${cfg.maximumIntervalSeconds} is allowed.`);
        }),
    ),
};

const piSchema = schema<{ aurora: boolean; documentdb: boolean }>({
    aurora: { type: "boolean", default: true, description: "Whether Aurora cluster instances and RDS instances must have Performance Insights on." },
    documentdb: { type: "boolean", default: true, description: "Whether DocumentDB instances must have Performance Insights on." },
});

export const performanceInsights: ResourceValidationPolicy = {
    name: "performance-insights",
    description: "Database instances have Performance Insights on where the environment requires it (Aurora and RDS: performanceInsightsEnabled; DocumentDB: enablePerformanceInsights).",
    enforcementLevel: "mandatory",
    remediationSteps: "Enable it (aurora.performanceInsights.enabled, documentdb.performanceInsights in the stack file), encrypted with the store's CMK.",
    configSchema: piSchema,
    validateResource: [
        ...[aws.rds.ClusterInstance, aws.rds.Instance].map((cls) =>
            validateResourceOfType(cls as typeof aws.rds.ClusterInstance, (i, args, report) => {
                if (configWithDefaults(piSchema, args).aurora && i.performanceInsightsEnabled !== true) report("Instance: performanceInsightsEnabled is not true.");
            }),
        ),
        validateResourceOfType(aws.docdb.ClusterInstance, (i, args, report) => {
            if (configWithDefaults(piSchema, args).documentdb && i.enablePerformanceInsights !== true) report("DocumentDB instance: enablePerformanceInsights is not true.");
        }),
    ],
};

const retentionSchema = schema<{ minimumDays: number }>({
    minimumDays: { type: "integer", minimum: 1, default: 365, description: "Fewest days a log group keeps its events (unset retention keeps them forever, which passes)." },
});

export const logGroupRetention: ResourceValidationPolicy = {
    name: "log-group-retention",
    description: "CloudWatch log groups keep their events at least the environment's minimum (slow and audit logs are what an incident review reads).",
    enforcementLevel: "mandatory",
    remediationSteps: "Set retentionInDays on the aws.cloudwatch.LogGroup to at least the minimum (redis.slowLogRetentionDays in the stack file), or lower the minimum in policy/config/<env>.json.",
    configSchema: retentionSchema,
    validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (g, args, report) => {
        const { minimumDays } = configWithDefaults(retentionSchema, args);
        const days = g.retentionInDays ?? 0;
        if (days !== 0 && days < minimumDays) report(`Log group: retentionInDays is ${days}; at least ${minimumDays} are required.`);
    }),
};

