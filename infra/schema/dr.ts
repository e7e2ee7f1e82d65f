import { z } from "zod";
import { bool, int } from "./common";
import { RETIRED_ACTIONS } from "./replication";

/** A cluster snapshot: an identifier, or the ARN of a snapshot or of an AWS Backup recovery point copied to the DR vault. */
const snapshotReference = z.string().regex(/^(arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster-snapshot:)?[a-zA-Z][a-zA-Z0-9:-]{0,254}$/, {
    error: 'must be a cluster snapshot identifier or ARN, e.g. "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:awsbackup:copyjob-…"',
});

export const DR_MODES = ["standby", "promote", "restore"] as const;

/**
 * A generation of DR stores: 1 is the first set, under the original names
 * ("mlops-dr-mlflow"); a later one gets new Pulumi names and new identifiers
 * ("mlops-dr-mlflow-s2", "mlops-dr-mlflow-r1"), so Pulumi creates it instead of
 * updating the set before it.
 */
const generation = (what: string) => int(1, 99, what);

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
            /**
             * The generation of the secondaries (and of the clusters `promote` adopts). A generation
             * detached from its global clusters can never be a secondary again: standing by after
             * that takes new secondaries, under the next generation.
             */
            generation: generation("the standby secondaries' generation; 1 is the first").default(1),
            /**
             * A restore generation (listed in dr.restored) whose clusters prod was rebuilt from
             * (replication.rebuilds, docs/runbooks/dr-standup.md D.3): after the switch back they are
             * secondaries of prod's new global clusters, and they stand by (and are promoted) as they
             * are, in place of standby generation `generation`'s clusters (AWS takes one secondary
             * cluster per region, so no new generation could join beside them). The restore's own
             * standalone cache is replaced by a new secondary of prod's global datastore
             * ("mlops-dr-cache-r<g>s"). Unset: the standby generation's own clusters.
             */
            restoreGeneration: generation("the restore generation that stands by after prod was rebuilt from it").optional(),
        })
        .prefault({}),
    /**
     * Standby generations whose clusters were removed from their global clusters
     * (`remove-from-global-cluster`); AWS never adds an existing cluster to a global
     * cluster again. Required in promote mode ([] after a switchover or a failover,
     * which keep the membership). Unset outside promote: none.
     */
    detached: z.array(generation("a detached standby generation")).optional(),
    restore: z
        .strictObject({
            /** The generation of the restored stores: each restore builds new ones ("mlops-dr-mlflow-r<generation>"). */
            generation: generation("the restored stores' generation; a new restore takes the next one").default(1),
            auroraSnapshot: snapshotReference.optional(),
            documentdbSnapshot: snapshotReference.optional(),
        })
        .prefault({}),
    /** Earlier restores, out of service now: their generations and the snapshots they were restored from. */
    restored: z
        .array(z.strictObject({ generation: generation("an earlier restore's generation"), auroraSnapshot: snapshotReference, documentdbSnapshot: snapshotReference }))
        .default([]),
    /** What happens to the stores out of service (see RETIRED_ACTIONS). */
    retired: z.enum(RETIRED_ACTIONS).default("keep"),
});
