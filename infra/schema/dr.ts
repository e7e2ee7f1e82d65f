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
    primaryStack: z.string().regex(/^([\w.-]+\/){0,2}[\w.-]+$/, { error: 'must be a stack name such as "acme/mlops-data/prod"' })
        .describe(
            "The primary stack, as `pulumi stack ls` names it: `org/mlops-data/prod` (or `prod` in the same organisation); it must be readable and export `drHandoff`.",
        ),
    mode: z.enum(DR_MODES).describe("`standby`: follow the primary; `promote`: become the primary; `restore`: rebuild from snapshots."),
    force: bool().default(false)
        .describe("Promote or restore even though the primary stack still says it is the primary (its region is down and cannot say otherwise)."),
    standby: z
        .strictObject({
            auroraInstances: int(0, 16, "Aurora instances in standby; 0 is headless").default(1)
                .describe("Aurora instances while standing by; 0 is headless (storage replicates, no instance to pay for)."),
            documentdbInstances: int(0, 16, "DocumentDB instances in standby; 0 is headless").default(1)
                .describe("DocumentDB instances while standing by; 0 is headless."),
            generation: generation("the standby secondaries' generation; 1 is the first").default(1)
                .describe(
                    "The generation of the secondaries (and of the clusters `promote` adopts). A generation detached from its global clusters can never be a secondary again: standing by after that takes new secondaries, under the next generation.",
                ),
            restoreGeneration: generation("the restore generation that stands by after prod was rebuilt from it").optional()
                .describe(
                    "A restore generation (listed in `dr.restored`) whose clusters prod was rebuilt from (`replication.rebuilds`, docs/runbooks/dr-standup.md D.3): after the switch back they stand by (and are promoted) as they are, in place of standby generation `generation`'s clusters; the restore's own cache is replaced by a new secondary of prod's global datastore. Unset: the standby generation's own clusters.",
                ),
        })
        .prefault({}).describe("The standby secondaries."),
    detached: z.array(generation("a detached standby generation")).optional()
        .describe(
            "Standby generations whose clusters were removed from their global clusters (`remove-from-global-cluster`); AWS never adds an existing cluster to a global cluster again. Required in promote mode (`[]` after a switchover or a failover, which keep the membership). Unset outside promote: none.",
        ),
    restore: z
        .strictObject({
            generation: generation("the restored stores' generation; a new restore takes the next one").default(1)
                .describe(
                    "The generation of the restored stores: each restore builds new ones (`mlops-dr-mlflow-r<generation>`); a new restore takes the next one.",
                ),
            auroraSnapshot: snapshotReference.optional()
                .describe(
                    "The Aurora cluster snapshot to restore: an identifier, or the ARN of a snapshot or of an AWS Backup recovery point copied to the DR vault.",
                ),
            documentdbSnapshot: snapshotReference.optional().describe("The same for DocumentDB."),
        })
        .prefault({}).describe("The stores restore mode builds from snapshots."),
    restored: z
        .array(
            z.strictObject({
                generation: generation("an earlier restore's generation").describe("The earlier restore's generation."),
                auroraSnapshot: snapshotReference.describe("The Aurora snapshot it was restored from."),
                documentdbSnapshot: snapshotReference.describe("The DocumentDB snapshot it was restored from."),
            }),
        )
        .default([]).describe("Earlier restores, out of service now: their generations and the snapshots they were restored from."),
    retired: z.enum(RETIRED_ACTIONS).default("keep")
        .describe(
            "What happens to the stores out of service: `keep` (still declared exactly as when they served), `unprotect` (the same, with deletion protection and Pulumi's `protect` off: the step before `remove`), `remove` (no longer declared, so `pulumi up` deletes them; blocked by `protect` unless an `unprotect` up ran first).",
        ),
});
