import { z } from "zod";
import { awsRegion } from "./regions";
import { namePrefix } from "./names";
import { bool, int } from "./common";
import type { ConfigProblem } from "../problems";

/** An RDS or DocumentDB cluster's ARN: both services name clusters in the rds namespace (arn:aws:rds:<region>:<account>:cluster:<id>). */
const clusterArn = z.string().regex(/^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[a-zA-Z][a-zA-Z0-9-]{0,62}$/, {
    error: 'must be a cluster ARN, e.g. "arn:aws:rds:us-west-2:123456789012:cluster:mlops-dr-mlflow"',
});

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
    drRegion: awsRegion.describe("The region the `dr` stack runs in; it must differ from the stack's own."),
    drNamePrefix: namePrefix.default("mlops-dr").describe("The `dr` stack's `namePrefix`: the keys prepared in the DR region carry its names."),
    cacheGlobalDatastore: bool().default(false)
        .describe("Replicate the cache too, as an ElastiCache global datastore (not for burstable node types)."),
    primaryActive: bool().default(true)
        .describe(
            "True while this stack's region is the platform's primary. Set it to false (and `pulumi up`) in a planned switchover, so that the `dr` stack may promote without `dr.force`; the stack is then verified as a secondary, runs no migrations and no PgBouncer.",
        ),
    fenced: bool().default(false)
        .describe(
            "Cut every client off this stack's stores: their security groups admit no client, PgBouncer runs no pods and no verification Job runs. For a former primary whose DR clusters were detached and promoted: its own clusters stay writable when its region returns, and only this keeps a second writable primary from clients. Needs `primaryActive` false. Lift it only after the stack has been rebuilt as a secondary (docs/runbooks/dr-standup.md, D).",
        ),
    generation: int(1, 99, "the generation of the clusters in service; 1 is the first").default(1)
        .describe(
            "The generation of this stack's Aurora and DocumentDB clusters in service. 1 is the first set, under the original names (`mlops-prod-mlflow`, global cluster `mlops-prod-mlflow-global`); a later one is this region rebuilt as a secondary for fail-back (docs/runbooks/dr-standup.md, D.3): new global clusters (`…-global-2`) made from the DR clusters now serving (listed in `rebuilds`), and new clusters here (`mlops-prod-mlflow-g2`) joining them as secondaries. The cache is not rebuilt.",
        ),
    rebuilds: z
        .array(
            z.strictObject({
                generation: int(2, 99, "a rebuilt generation (2 or more)")
                    .describe("A rebuilt generation (2 or more), at most `generation`, each listed once."),
                auroraSource: clusterArn
                    .describe("The Aurora cluster serving in the DR region that becomes the new global cluster's primary, by ARN."),
                documentdbSource: clusterArn.describe("The same for DocumentDB (DocumentDB cluster ARNs are in the rds namespace)."),
            }),
        )
        .default([])
        .describe(
            "Every generation after the first, with the DR clusters (in `drRegion`) it was built from. Keep each entry while its generation is declared.",
        ),
    retired: z.enum(RETIRED_ACTIONS).default("keep")
        .describe(
            "What happens to the generations out of service (the clusters a rebuild replaced, with their global clusters), as `dr.retired`; they admit no client in any case, and `remove` keeps their master passwords and keys.",
        ),
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
export function replicationProblems(cfg: ReplicationContext): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
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
