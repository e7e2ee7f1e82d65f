import { z } from "zod";
import { awsRegion } from "./backup";
import { bool, int } from "./common";

export const namePrefix = z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,23}$/, { error: "must be 2-24 characters of a-z, 0-9 and -, starting with a letter" });

/** A primary stack (prod) replicating its stores to a DR region. */
export const replicationSchema = z.strictObject({
    /** The region the `dr` stack runs in; it must differ from the stack's own. */
    drRegion: awsRegion,
    /** The `dr` stack's namePrefix: the keys prepared in the DR region carry its names. */
    drNamePrefix: namePrefix.default("mlops-dr"),
    /** Replicate the cache too, as an ElastiCache global datastore (not for burstable node types). */
    cacheGlobalDatastore: bool().default(false),
    /**
     * True while this stack's region is the platform's primary. Set it to false
     * (and `pulumi up`) in a planned switchover, so that the `dr` stack may
     * promote without `dr.force`.
     */
    primaryActive: bool().default(true),
});

/** A cluster snapshot: an identifier, or the ARN of a snapshot or of an AWS Backup recovery point copied to the DR vault. */
const snapshotReference = z.string().regex(/^(arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster-snapshot:)?[a-zA-Z][a-zA-Z0-9:-]{0,254}$/, {
    error: 'must be a cluster snapshot identifier or ARN, e.g. "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:awsbackup:copyjob-…"',
});

export const DR_MODES = ["standby", "promote", "restore"] as const;

/** The `dr` stack: which primary stack it follows and what it does now. */
export const drSchema = z.strictObject({
    /** The primary stack, as `pulumi stack ls` names it: "org/mlops-data/prod" (or "prod" in the same organisation). */
    primaryStack: z.string().regex(/^([\w.-]+\/){0,2}[\w.-]+$/, { error: 'must be a stack name such as "acme/mlops-data/prod"' }),
    /** standby: follow the primary; promote: become the primary; restore: rebuild from snapshots. */
    mode: z.enum(DR_MODES),
    /** Promote or restore even though the primary stack still says it is the primary (its region is down and cannot say otherwise). */
    force: bool().default(false),
    standby: z
        .strictObject({
            /** Aurora instances while standing by; 0 is headless (storage replicates, no instance to pay for). */
            auroraInstances: int(0, 16, "Aurora instances in standby; 0 is headless").default(1),
            documentdbInstances: int(0, 16, "DocumentDB instances in standby; 0 is headless").default(1),
        })
        .prefault({}),
    restore: z
        .strictObject({
            auroraSnapshot: snapshotReference.optional(),
            documentdbSnapshot: snapshotReference.optional(),
        })
        .prefault({}),
});
