/**
 * Small settings that decide how a store ages: snapshots keep the tags that
 * say whose data they hold, and minor versions (security fixes) arrive in the
 * maintenance window without anyone remembering to apply them.
 */
import * as aws from "../../infra/sdk/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { NO_THRESHOLDS } from "./lib/config";

export const copyTagsToSnapshots: ResourceValidationPolicy = {
    name: "copy-tags-to-snapshots",
    description: "Aurora clusters copy their tags to snapshots, so a snapshot still says who owns it and how sensitive it is.",
    enforcementLevel: "mandatory",
    remediationSteps: "Set copyTagsToSnapshot: true on the aws.rds.Cluster.",
    configSchema: NO_THRESHOLDS,
    validateResource: [
        validateResourceOfType(aws.rds.Cluster, (c, _args, report) => {
            if (c.copyTagsToSnapshot !== true) report("Aurora cluster: copyTagsToSnapshot is not true.");
        }),
        validateResourceOfType(aws.rds.Instance, (i, _args, report) => {
            if (i.copyTagsToSnapshot !== true) report("RDS instance: copyTagsToSnapshot is not true.");
        }),
    ],
};

export const autoMinorVersionUpgrade: ResourceValidationPolicy = {
    name: "auto-minor-version-upgrade",
    description: "Database instances and Redis replication groups take minor version upgrades automatically in their maintenance window.",
    enforcementLevel: "mandatory",
    remediationSteps: "Remove autoMinorVersionUpgrade: false (it defaults to true), or set it to true.",
    configSchema: NO_THRESHOLDS,
    validateResource: [
        validateResourceOfType(aws.rds.ClusterInstance, (i, _args, report) => {
            if (i.autoMinorVersionUpgrade === false) report("Aurora instance: autoMinorVersionUpgrade is false.");
        }),
        validateResourceOfType(aws.rds.Instance, (i, _args, report) => {
            if (i.autoMinorVersionUpgrade === false) report("RDS instance: autoMinorVersionUpgrade is false.");
        }),
        validateResourceOfType(aws.docdb.ClusterInstance, (i, _args, report) => {
            if (i.autoMinorVersionUpgrade === false) report("DocumentDB instance: autoMinorVersionUpgrade is false.");
        }),
        validateResourceOfType(aws.elasticache.ReplicationGroup, (rg, _args, report) => {
            if (rg.autoMinorVersionUpgrade === false) report("ElastiCache replication group: autoMinorVersionUpgrade is false.");
        }),
    ],
};
