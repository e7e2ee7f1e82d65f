/**
 * Automated backups kept long enough for the environment: point-in-time
 * restore reaches back exactly as far as the retention period.
 */
import * as aws from "../../infra/sdk/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configWithDefaults, schema } from "./lib/config";

const retentionSchema = schema<{ minimumDays: number; redisMinimumDays: number }>({
    minimumDays: {
        type: "integer",
        minimum: 1,
        maximum: 35,
        default: 7,
        description: "Fewest days of automated backups for Aurora and DocumentDB clusters (backupRetentionPeriod; AWS allows 1-35).",
    },
    redisMinimumDays: {
        type: "integer",
        minimum: 0,
        maximum: 35,
        default: 7,
        description: "Fewest days of ElastiCache snapshots (snapshotRetentionLimit; 0 means no snapshots).",
    },
});

export const backupRetentionMinimum: ResourceValidationPolicy = {
    name: "backup-retention-minimum",
    description: "Aurora and DocumentDB keep automated backups, and Redis keeps snapshots, for at least the environment's minimum number of days.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Raise backupRetentionPeriod (Aurora, DocumentDB) or snapshotRetentionLimit (ElastiCache) to at least the minimum in policy/config/<env>.json. " +
        "Applied without downtime; older restore points than before become available only as they accrue.",
    configSchema: retentionSchema,
    validateResource: [
        validateResourceOfType(aws.rds.Cluster, (c, args, report) => {
            const { minimumDays } = configWithDefaults(retentionSchema, args);
            const days = c.backupRetentionPeriod ?? 1; // AWS's default
            if (days < minimumDays) report(`Aurora cluster: backupRetentionPeriod is ${days} days; at least ${minimumDays} are required.`);
        }),
        validateResourceOfType(aws.docdb.Cluster, (c, args, report) => {
            const { minimumDays } = configWithDefaults(retentionSchema, args);
            const days = c.backupRetentionPeriod ?? 1;
            if (days < minimumDays) report(`DocumentDB cluster: backupRetentionPeriod is ${days} days; at least ${minimumDays} are required.`);
        }),
        validateResourceOfType(aws.rds.Instance, (i, args, report) => {
            const { minimumDays } = configWithDefaults(retentionSchema, args);
            // A read replica keeps no backups of its own; its source does.
            if (i.replicateSourceDb !== undefined) return;
            const days = i.backupRetentionPeriod ?? 0; // 0 (no backups) is the provider's default for a plain instance
            if (days < minimumDays) report(`RDS instance: backupRetentionPeriod is ${days} days; at least ${minimumDays} are required.`);
        }),
        validateResourceOfType(aws.elasticache.ReplicationGroup, (rg, args, report) => {
            const { redisMinimumDays } = configWithDefaults(retentionSchema, args);
            const days = rg.snapshotRetentionLimit ?? 0;
            if (days < redisMinimumDays) {
                report(`ElastiCache replication group: snapshotRetentionLimit is ${days} days; at least ${redisMinimumDays} are required.`);
            }
        }),
    ],
};
