/**
 * The stack configuration's schema: every key of `stacks/Pulumi.<stack>.yaml`, its type,
 * range, default and meaning. docs/configuration.md is generated from it
 * (`node scripts/gen-docs.js`); infra/config.ts runs it and adds the rules across sections.
 */
import { z } from "zod";
import { alarmsSchema } from "./alarms";
import { auroraSchema } from "./aurora";
import { backupSchema } from "./backup";
import { documentDbSchema } from "./documentdb";
import { drSchema } from "./dr";
import { kubernetesSchema } from "./kubernetes";
import { namePrefix } from "./names";
import { networkSchema } from "./network";
import { recoverySchema } from "./recovery";
import { redisSchema } from "./redis";
import { awsRegion } from "./regions";
import { replicationSchema } from "./replication";
import { tagsSchema } from "./tags";

export const ENVIRONMENTS = ["dev", "staging", "prod", "dr"] as const;

/** Said of the sections a primary stack must have and the dr stack takes from its primary (config.ts's PRIMARY_SECTIONS). */
const PRIMARY_ONLY = "Required in dev, staging and prod; refused in dr, which takes it from its primary stack.";

/**
 * One schema for every stack. The store sections are optional here because the
 * `dr` stack inherits them from the primary stack; config.ts's presence rules say
 * which sections each kind of stack must and must not have.
 */
export const stackConfigSchema = z.strictObject({
    environment: z.enum(ENVIRONMENTS)
        .describe("The environment: used in names and tags. The program never branches on the stack's name; an environment is what its file says."),
    region: awsRegion
        .describe(
            "The stack's AWS region, the key `aws:region` (the only `aws:` provider setting a stack may hold: credentials and accounts come from the environment, so that the DR region's provider uses the same).",
        ),
    namePrefix: namePrefix.optional().describe("Prefix of every physical name. Unset: `mlops-<environment>`."),
    network: networkSchema,
    tags: tagsSchema,
    alarms: alarmsSchema,
    aurora: auroraSchema.optional().describe(`Aurora PostgreSQL 16: MLflow's tracking store and model registry. ${PRIMARY_ONLY}`),
    documentdb: documentDbSchema.optional().describe(`Amazon DocumentDB 5.0: experiment metadata and run logs. ${PRIMARY_ONLY}`),
    redis: redisSchema.optional().describe(`ElastiCache (Valkey): sessions and the model and feature cache. ${PRIMARY_ONLY}`),
    recovery: recoverySchema.optional().describe(`Recovery objectives each store's backups must meet (checked against the backup plan). ${PRIMARY_ONLY}`),
    backup: backupSchema.optional().describe(`AWS Backup: one vault and plan per stack, covering the Aurora and DocumentDB clusters. ${PRIMARY_ONLY}`),
    replication: replicationSchema.optional()
        .describe("A primary stack (prod) replicating its stores to a DR region through global clusters. Refused in dr."),
    dr: drSchema.optional().describe("The `dr` stack: which primary stack it follows and what it does now. Required in dr, refused elsewhere."),
    kubernetes: kubernetesSchema.optional()
        .describe("The stack's wiring on the platform's existing Kubernetes cluster. Absent or `enabled: false`: nothing is declared there."),
    kubeconfig: z
        .string()
        .min(1)
        .optional()
        .describe('A kubeconfig for the cluster; must be a secret (`pulumi config set --secret kubeconfig "$(cat kubeconfig)"`), plaintext is refused. Unset: the ambient one.'),
});
