import { z } from "zod";
import { bool, int } from "./common";

/**
 * An image pinned by digest (Checkov CKV_K8S_43 "Image should use digest"): a tag can be moved to
 * other content by anyone who can push to the registry; a digest names the content. A tag may be
 * kept in front of the digest for readers (Kubernetes pulls by the digest and ignores the tag).
 */
const image = z
    .string()
    .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+(:[A-Za-z0-9._-]{1,128})?@sha256:[0-9a-f]{64}$/, {
        error: 'must be an image reference pinned by digest, e.g. "ghcr.io/acme/dbops:1.4.2@sha256:<64 hex digits>" (a tag alone can be moved to other content); `crane digest <image>` or `docker buildx imagetools inspect <image>` prints it',
    })
    .refine((i) => !/:latest@/.test(i), { error: 'must not use the "latest" tag, even with a digest: it misleads readers about what runs' });

/** A five-field cron schedule as Kubernetes CronJobs take it. */
const cron = z.string().regex(/^(\S+\s+){4}\S+$/, { error: 'must be a five-field cron schedule, e.g. "30 4 * * *"' });

const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi)?$/, { error: 'must be a Kubernetes quantity, e.g. "250m" or "256Mi"' });
const resources = z.strictObject({ cpu: quantity.describe("CPU, e.g. `250m`."), memory: quantity.describe("Memory, e.g. `256Mi`.") });

/** The stack's wiring on the platform's existing Kubernetes cluster. Absent or `enabled: false`: nothing is declared there. */
export const kubernetesSchema = z.strictObject({
    enabled: bool().describe("Declare the wiring on the cluster."),
    namespace: z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: "must be a DNS label (a-z, 0-9, -; at most 63 characters)" })
        .default("mlops-data").describe("Namespace of the data tier's objects."),
    pgbouncer: z
        .strictObject({
            image: image.optional()
                .describe(
                    "The PgBouncer image, pinned by digest (no `latest`); required when `enabled`. No default: the digest of an upstream tag cannot be known on the machine that wrote this; set the one your registry mirror holds, e.g. of CloudNativePG's `ghcr.io/cloudnative-pg/pgbouncer:1.22.1-16`.",
                ),
            replicas: int(1, 20, "PgBouncer pods").describe("PgBouncer pods."),
            defaultPoolSize: int(1, 1000, "server connections per database/user pair").default(20)
                .describe("Server connections per database and user pair, per pod: Aurora's connection budget is shared by every pod."),
            reservePoolSize: int(0, 100, "extra server connections for bursts").default(5).describe("Extra server connections for bursts."),
            maxClientConnections: int(1, 100_000, "client connections each PgBouncer accepts").default(1000)
                .describe("Client connections each PgBouncer accepts."),
            requests: resources.default({ cpu: "100m", memory: "64Mi" }).describe("CPU and memory each pod requests (Kubernetes quantities)."),
            limits: resources.default({ cpu: "500m", memory: "256Mi" }).describe("CPU and memory limits of each pod."),
        })
        .prefault({ replicas: 2 }).describe("PgBouncer in front of Aurora, connecting as `mlflow_app`."),
    dbops: z.strictObject({
        image: image
            .describe("The dbops image built from dbops/Dockerfile, pinned by the digest the build pushed; it also carries the RDS CA bundle."),
        archiveSchedule: cron.default("0 3 1 * *").describe("When `dbops archive` runs (five-field cron, UTC): monthly by default."),
        archiveOlderThan: z.string().regex(/^[1-9][0-9]*d$/, { error: 'must be a number of days such as "90d"' }).default("90d")
            .describe("What `dbops archive` moves out: runs older than this many days."),
        vacuumSchedule: cron.default("30 4 * * *")
            .describe("When the daily VACUUM (ANALYZE) runs: after the stores' backups, before their maintenance."),
        reindexSchedule: cron.default("45 4 * * 6")
            .describe("When the weekly REINDEX CONCURRENTLY runs: Saturday, away from every maintenance window."),
    }).describe("The dbops Jobs and CronJobs: verification after each deploy, migrations, archival and maintenance."),
}).superRefine((k, ctx) => {
    if (k.enabled && k.pgbouncer.image === undefined) {
        ctx.addIssue({
            code: "custom",
            path: ["pgbouncer", "image"],
            input: undefined,
            message: 'is required when enabled is true: the PgBouncer image pinned by digest, e.g. "ghcr.io/cloudnative-pg/pgbouncer:1.22.1-16@sha256:<64 hex digits>"',
        });
    }
});

