import { z } from "zod";
import { awsRegion } from "./backup";
import { bool, int } from "./common";

/** An RDS or DocumentDB cluster's ARN: both services name clusters in the rds namespace (arn:aws:rds:<region>:<account>:cluster:<id>). */
const clusterArn = z.string().regex(/^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[a-zA-Z][a-zA-Z0-9-]{0,62}$/, {
    error: 'must be a cluster ARN, e.g. "arn:aws:rds:us-west-2:123456789012:cluster:mlops-dr-mlflow"',
});

export const namePrefix = z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,23}$/, { error: "must be 2-24 characters of a-z, 0-9 and -, starting with a letter" });

/**
 * What happens to a set of stores that is out of service (in the dr stack: the
 * standby secondaries kept beside a restore, a generation detached from its
 * global clusters, an earlier restore; in prod: the generations a rebuild replaced):
 *   keep: still declared exactly as when it served, so nothing about it changes;
 *   unprotect: the same, but with deletion protection off (AWS) and without Pulumi's
 *     `protect` (an update in place), the step before `remove`;
 *   remove: no longer declared, so `pulumi up` deletes it (blocked by `protect` unless
 *     an `unprotect` up ran first).
 */
export const RETIRED_ACTIONS = ["keep", "unprotect", "remove"] as const;

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
    /**
     * Cut every client off this stack's stores: their security groups admit no
     * client (security group or CIDR), PgBouncer runs no pods and no verification
     * Job runs (nothing could reach the stores). For a former primary whose DR
     * clusters were detached (remove-from-global-cluster) and promoted: its own
     * clusters stay writable when its region returns, and only this keeps a
     * second writable primary from clients. Needs primaryActive false. A manual
     * fence (rules removed by hand while the region was down) would be undone by
     * the next `up` without it. Lift it only after the stack has been rebuilt as a
     * secondary (docs/runbooks/dr-standup.md, D).
     */
    fenced: bool().default(false),
    /**
     * The generation of this stack's Aurora and DocumentDB clusters in service. 1 is the first set,
     * under the original names ("mlops-prod-mlflow") and global clusters ("mlops-prod-mlflow-global").
     * A later one is this region rebuilt as a secondary for fail-back (docs/runbooks/dr-standup.md, D.3):
     * new global clusters ("mlops-prod-mlflow-global-2") made from the DR clusters now serving (listed
     * in `rebuilds`), and new clusters here ("mlops-prod-mlflow-g2") joining them as secondaries, until a
     * switchover makes them the primaries. The cache is not rebuilt: its content is disposable and its
     * global datastore survives a detach (the runbook fails it back instead).
     */
    generation: int(1, 99, "the generation of the clusters in service; 1 is the first").default(1),
    /** Every generation after the first, with the DR clusters it was built from. Keep each entry while its generation is declared. */
    rebuilds: z
        .array(
            z.strictObject({
                generation: int(2, 99, "a rebuilt generation (2 or more)"),
                /** The Aurora cluster serving in the DR region that becomes the new global cluster's primary, by ARN. */
                auroraSource: clusterArn,
                /** The same for DocumentDB (DocumentDB cluster ARNs are in the rds namespace). */
                documentdbSource: clusterArn,
            }),
        )
        .default([]),
    /**
     * What happens to the generations out of service (the clusters a rebuild replaced, with their
     * global clusters): as dr.retired (RETIRED_ACTIONS). They admit no client in any case.
     */
    retired: z.enum(RETIRED_ACTIONS).default("keep"),
}).superRefine((r, ctx) => {
    if (r.fenced && r.primaryActive) {
        ctx.addIssue({ code: "custom", path: ["fenced"], message: "needs replication.primaryActive false: only a stack that has handed over may be fenced" });
    }
    const generations = r.rebuilds.map((b) => b.generation);
    if (r.generation > 1 && !generations.includes(r.generation)) {
        ctx.addIssue({
            code: "custom",
            path: ["rebuilds"],
            message: `must list generation ${r.generation} (replication.generation) with the DR clusters it is built from (auroraSource, documentdbSource: their ARNs, from \`pulumi stack output auroraClusterArn --stack dr\` and documentDbClusterArn)`,
        });
    }
    r.rebuilds.forEach((b, i) => {
        if (b.generation > r.generation) {
            ctx.addIssue({ code: "custom", path: ["rebuilds", i, "generation"], message: `is above replication.generation (${r.generation}): a generation is listed once it is declared` });
        }
        if (generations.indexOf(b.generation) !== i) ctx.addIssue({ code: "custom", path: ["rebuilds", i, "generation"], message: "names a generation twice" });
        for (const k of ["auroraSource", "documentdbSource"] as const) {
            const region = b[k].split(":")[3];
            if (region !== r.drRegion) {
                ctx.addIssue({
                    code: "custom",
                    path: ["rebuilds", i, k],
                    message: `is a cluster in ${region}; a rebuild is made from the cluster serving in the DR region (replication.drRegion, ${r.drRegion})`,
                });
            }
        }
    });
});

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

/** What the replication rules read besides the replication section. */
interface ReplicationContext {
    environment: string;
    region: string;
    replication?: z.output<typeof replicationSchema>;
    backup: { copy?: { region: string } };
    redis: { nodeType: string };
}

/**
 * The replication rules that read other sections (run once the whole
 * configuration passed the schema): prod replicates, to another region, the
 * one its backups are copied to, and a replicated cache runs on a node type
 * global datastores accept.
 */
export function replicationProblems(cfg: ReplicationContext): { key: string; value: string; message: string }[] {
    const problems: { key: string; value: string; message: string }[] = [];
    const problem = (key: string, value: unknown, message: string) => problems.push({ key, value: value as string, message });
    const r = cfg.replication;
    const copy = cfg.backup.copy;
    if (cfg.environment === "prod" && !r) {
        problem("replication", undefined, "is required in prod: every store replicates to the DR region (give replication.drRegion)");
    }
    if (r && r.drRegion === cfg.region) {
        problem("replication.drRegion", r.drRegion, `is the stack's own region; the DR region must be another one than ${cfg.region}`);
    }
    if (r && copy && copy.region !== r.drRegion && copy.region !== cfg.region) {
        problem("backup.copy.region", copy.region, `must be the DR region, replication.drRegion (${r.drRegion}): the dr stack restores from the copies there`);
    }
    // ElastiCache User Guide, global datastore prerequisites: no burstable (T) node types. The
    // other types config accepts (ELASTICACHE_NODE_TYPES) are M and R of size large and above, which it takes.
    if (r?.cacheGlobalDatastore && /^cache\.t/.test(cfg.redis.nodeType)) {
        problem("redis.nodeType", cfg.redis.nodeType, "is a burstable type, which ElastiCache global datastores do not support; allowed: an m or r node type, or replication.cacheGlobalDatastore false");
    }
    return problems;
}
