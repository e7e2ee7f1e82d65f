/**
 * A store (and its data) cannot be deleted by accident where the environment
 * says so: AWS refuses the delete, Pulumi refuses it too (`protect`), and a
 * deliberate delete still leaves a final snapshot.
 */
import * as aws from "../../infra/sdk/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configWithDefaults, schema } from "./lib/config";
import { isSet } from "./lib/values";

const required = (what: string) =>
    schema<{ required: boolean }>({ required: { type: "boolean", default: true, description: `Whether this environment requires ${what}.` } });

const protectionSchema = required("deletion protection");

export const deletionProtection: ResourceValidationPolicy = {
    name: "deletion-protection",
    description: "Where the environment requires it, Aurora and DocumentDB clusters and global clusters have deletionProtection on and the clusters are protected in Pulumi.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set deletionProtection: true and the resource option protect: true (this repo: aurora.deletionProtection in the stack file sets both). " +
        "To delete on purpose: turn both off, pulumi up, then destroy.",
    configSchema: protectionSchema,
    validateResource: [
        validateResourceOfType(aws.rds.Cluster, (c, args, report) => {
            if (!configWithDefaults(protectionSchema, args).required) return;
            if (c.deletionProtection !== true) report("Aurora cluster: deletionProtection is not true.");
            if (args.opts.protect !== true) report("Aurora cluster: the Pulumi resource option protect is not set.");
        }),
        validateResourceOfType(aws.docdb.Cluster, (c, args, report) => {
            if (!configWithDefaults(protectionSchema, args).required) return;
            if (c.deletionProtection !== true) report("DocumentDB cluster: deletionProtection is not true.");
            if (args.opts.protect !== true) report("DocumentDB cluster: the Pulumi resource option protect is not set.");
        }),
        validateResourceOfType(aws.rds.Instance, (i, args, report) => {
            if (!configWithDefaults(protectionSchema, args).required) return;
            if (i.deletionProtection !== true) report("RDS instance: deletionProtection is not true.");
            if (args.opts.protect !== true) report("RDS instance: the Pulumi resource option protect is not set.");
        }),
        validateResourceOfType(aws.rds.GlobalCluster, (g, args, report) => {
            if (configWithDefaults(protectionSchema, args).required && g.deletionProtection !== true) report("Aurora global cluster: deletionProtection is not true.");
        }),
        validateResourceOfType(aws.docdb.GlobalCluster, (g, args, report) => {
            if (configWithDefaults(protectionSchema, args).required && g.deletionProtection !== true) report("DocumentDB global cluster: deletionProtection is not true.");
        }),
    ],
};

const snapshotSchema = required("a final snapshot on deletion");

export const finalSnapshot: ResourceValidationPolicy = {
    name: "final-snapshot",
    description: "Where the environment requires it, deleting a cluster or replication group leaves a final snapshot.",
    enforcementLevel: "mandatory",
    remediationSteps: "Set skipFinalSnapshot: false and a finalSnapshotIdentifier (unique, e.g. with a random suffix); ElastiCache: finalSnapshotIdentifier.",
    configSchema: snapshotSchema,
    validateResource: [
        validateResourceOfType(aws.rds.Cluster, (c, args, report) => {
            if (!configWithDefaults(snapshotSchema, args).required) return;
            if (c.skipFinalSnapshot === true) report("Aurora cluster: skipFinalSnapshot is true.");
            else if (!isSet(c, "finalSnapshotIdentifier")) report("Aurora cluster: finalSnapshotIdentifier is not set, so deletion fails or leaves nothing.");
        }),
        validateResourceOfType(aws.docdb.Cluster, (c, args, report) => {
            if (!configWithDefaults(snapshotSchema, args).required) return;
            if (c.skipFinalSnapshot === true) report("DocumentDB cluster: skipFinalSnapshot is true.");
            else if (!isSet(c, "finalSnapshotIdentifier")) report("DocumentDB cluster: finalSnapshotIdentifier is not set, so deletion fails or leaves nothing.");
        }),
        validateResourceOfType(aws.elasticache.ReplicationGroup, (rg, args, report) => {
            if (configWithDefaults(snapshotSchema, args).required && !isSet(rg, "finalSnapshotIdentifier")) {
                report("ElastiCache replication group: finalSnapshotIdentifier is not set.");
            }
        }),
    ],
};
