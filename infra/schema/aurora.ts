import { z } from "zod";
import { AURORA_POSTGRES_CLASSES } from "../instanceClasses";
import { bool, dailyWindow, instanceClass, int, thresholds, weeklyWindow } from "./common";

/** Enhanced Monitoring intervals RDS accepts; 0 turns it off. */
export const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;

const pgIdentifier = z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, { error: "must start with a letter and hold only a-z, 0-9 and _, at most 63 characters" });

export const auroraSchema = z.strictObject({
    engineVersion: z.string().regex(/^16\.\d{1,2}$/, { error: 'must be an Aurora PostgreSQL 16 minor version such as "16.6"' })
        .describe(
            "Aurora PostgreSQL 16 minor version, e.g. `\"16.6\"`. On a stack that replicates (`replication.drRegion`) this is the global cluster's version: changing it upgrades prod's and the DR region's clusters together through the global cluster; AWS applies no automatic minor upgrade there (docs/runbooks/dr-standup.md, \"Upgrading the engine of a global database\"). The dr stack takes prod's value from the handoff.",
        ),
    instanceClass: instanceClass(AURORA_POSTGRES_CLASSES)
        .describe(
            "Instance class of every instance; a change restarts instances one at a time in the maintenance window (or at once with `applyImmediately`).",
        ),
    instances: int(1, 16, "one writer plus up to 15 readers")
        .describe("Instances: one writer plus `instances - 1` readers, spread over the subnets' zones."),
    databaseName: pgIdentifier.default("mlflow").describe("The database MLflow uses. Changing it replaces the cluster."),
    masterUsername: pgIdentifier
        .refine((u) => !/^(rds|pg_)/.test(u) && u !== "postgres", {
            error: 'must not be "postgres" or start with "rds" or "pg_" (reserved by RDS and PostgreSQL)',
        })
        .default("mlflow_admin")
        .describe("Master user name; its password is generated and kept in Secrets Manager. Changing it replaces the cluster."),
    port: int(1150, 65535, "TCP port RDS accepts").default(5432).describe("TCP port of the cluster."),
    backupRetentionDays: int(1, 35, "days of automated backups Aurora keeps")
        .describe("Days of automated backups (point-in-time recovery) the cluster keeps."),
    preferredBackupWindow: dailyWindow
        .describe("Daily automated backup window, UTC, at least 30 minutes, clear of every maintenance window of the stack."),
    preferredMaintenanceWindow: weeklyWindow.describe("Weekly maintenance window, UTC, 30 minutes to 23 h 30."),
    deletionProtection: bool()
        .describe("Refuse deletion in AWS and `protect` the cluster in Pulumi; on a replicating stack also the Aurora global cluster's."),
    finalSnapshot: bool().default(true).describe("Take a uniquely named final snapshot when the cluster is deleted."),
    performanceInsights: z
        .strictObject({
            enabled: bool().describe("Performance Insights on every instance, encrypted with the cluster's key."),
            retentionDays: z
                .number({ error: "must be a number: 7, a multiple of 31 up to 713, or 731 (the retention periods RDS offers)" })
                .refine((d) => d === 7 || d === 731 || (Number.isInteger(d / 31) && d >= 31 && d <= 713), {
                    error: "must be 7, a multiple of 31 up to 713, or 731 (the retention periods RDS offers)",
                })
                .default(7).meta({ allowed: "7, a multiple of 31 up to 713, or 731 (the retention periods RDS offers)", description: "Days Performance Insights keeps its data." }),
        })
        .prefault({ enabled: false }).describe("Performance Insights."),
    monitoringIntervalSeconds: z
        .number({ error: `must be a number, one of ${MONITORING_INTERVALS.join(", ")} (0 turns Enhanced Monitoring off)` })
        .refine((n) => (MONITORING_INTERVALS as readonly number[]).includes(n), {
            error: `must be one of ${MONITORING_INTERVALS.join(", ")} (0 turns Enhanced Monitoring off)`,
        })
        .default(60).meta({ allowed: MONITORING_INTERVALS.join(", "), description: "Enhanced Monitoring interval in seconds; 0 turns it off. On, it creates the monitoring role." }),
    slowQueryMs: int(0, 60_000, "log_min_duration_statement in milliseconds; the scaling guide's line is 1000").default(1000)
        .describe("`log_min_duration_statement`: statements slower than this many milliseconds are logged; the scaling guide's line is 1000."),
    applyImmediately: bool().default(false).describe("Apply modifications now instead of in the maintenance window."),
    mlflowSchemaRevision: z
        .string()
        .regex(/^[0-9a-f]{12,32}$/, {
            error: "must be an Alembic revision id as in alembic_version: 12 to 32 lowercase hex digits (MLflow 3.8's is 1bd49d398cd23)",
        })
        .optional()
        .describe(
            "MLflow's schema revision (`alembic_version`) the verifier expects, pinned with the MLflow release: lowercase hex, 12 or more (MLflow's ids are not all generated: 3.8's head is `1bd49d398cd23`, 13 digits) and at most the 32 characters `alembic_version.version_num` holds. Unset: not checked.",
        ),
    masterPasswordRotation: int(1, 1_000_000, "generation of the master password; increase it to rotate").default(1)
        .describe(
            "Generation of the master password: increasing it generates a new password, which the next `up` sets on the cluster in place (ModifyDBCluster; never a replacement), in its secret and in the dbops Jobs' contract. Only dbops connects as the master user.",
        ),
    application: z
        .strictObject({
            passwordRotation: int(1, 1_000_000, "generation of mlflow_app's password; increase it to rotate").default(1)
                .describe("Generation of `mlflow_app`'s password: increase it to rotate."),
            statementTimeoutMs: int(0, 86_400_000, "statement_timeout in milliseconds for mlflow_app (0: none)").default(60_000)
                .describe(
                    "`statement_timeout` of `mlflow_app`'s sessions: a runaway query is cancelled (MLflow's slowest request, a search over many runs, takes seconds); 0 turns it off.",
                ),
            idleInTransactionSessionTimeoutMs: int(0, 86_400_000, "idle_in_transaction_session_timeout in milliseconds for mlflow_app (0: none)").default(60_000)
                .describe(
                    "`idle_in_transaction_session_timeout`: a session forgotten inside a transaction is ended, releasing its locks and the xmin horizon; 0 turns it off.",
                ),
            lockTimeoutMs: int(0, 86_400_000, "lock_timeout in milliseconds for mlflow_app (0: none)").default(10_000)
                .describe(
                    "`lock_timeout`: a request waiting this long for a lock gives up instead of queueing everything behind it; 0 turns it off.",
                ),
        })
        .prefault({})
        .describe(
            "The MLflow application's role `mlflow_app` (dbops/migrations/V1__roles.sql) and its two logins, `mlflow_app_a` (odd generations) and `mlflow_app_b` (even ones), which act as it alternately so that a rotation never locks out the previous generation's pods: PgBouncer and MLflow connect as the generation's login, never as the master user. `dbops migrate` sets that login's password and per-role timeouts on every run; they apply to each new session of the login.",
        ),
    alarms: thresholds({
        cpuPercent: int(1, 100, "CPU utilisation percent that raises the alarm").default(80)
            .describe("CPU utilisation percent (average over 5 minutes, 3 periods) above which an instance alarms."),
        freeableMemoryMiB: int(16, 1_048_576, "MiB of freeable memory below which the alarm is raised").default(512)
            .describe("Freeable memory in MiB (minimum over 5 minutes, 3 periods) below which an instance alarms."),
        connections: int(1, 262_143, "database connections above which the alarm is raised").default(800)
            .describe("Connections to the cluster (maximum over 5 minutes, 3 periods) above which the cluster alarms."),
        connectionsLimitPercent: int(50, 99, "percent of an instance's max_connections at which the Sev 1 alarm is raised").default(85)
            .describe(
                "Percent of each instance's `max_connections` (Aurora's default for its instance class, `LEAST(DBInstanceClassMemory/9531392, 5000)`) that its connections (maximum over a minute, 3 minutes running) reach before the Sev 1 alarm pages: new connections are refused at the limit. The limit is computed from the class's nominal memory, an upper bound, so leave room.",
            ),
        replicaLagMs: int(1, 3_600_000, "Aurora replica lag in milliseconds above which the alarm is raised").default(1000)
            .describe("Largest replica lag in the cluster, in milliseconds, above which it alarms (only with readers)."),
        freeLocalStorageMiB: int(64, 1_048_576, "MiB of free local (temporary) storage per instance below which the alarm is raised").default(1024)
            .describe("Free local (temporary) storage per instance in MiB (minimum over 5 minutes, 3 periods) below which it alarms."),
        volumeUsedGiB: int(1, 131_072, "GiB of cluster volume above which the capacity alarm is raised; Aurora's limit is 128 TiB").default(1024)
            .describe("Cluster volume in GiB above which the Sev 4 capacity alarm is raised; Aurora's limit is 128 TiB."),
        deadlocksPerMinute: z
            .number({ error: "must be a number: deadlocks per minute, sustained for 3 minutes, that raise the alarm" })
            .positive({ error: "must be above 0 (deadlocks per minute, sustained for 3 minutes, that raise the alarm)" })
            .max(600, { error: "must be at most 600 (deadlocks per minute)" })
            .default(1).describe("Deadlocks per minute on the writer, sustained for 3 minutes, that raise the alarm."),
        slowStatementsPer5Minutes: int(1, 1_000_000, "statements slower than slowQueryMs per 5 minutes, for 15 minutes, that raise the alarm").default(10)
            .describe("Statements slower than `slowQueryMs` per 5 minutes, for 15 minutes, that raise the alarm."),
        // PostgreSQL stops assigning transaction IDs (writes fail) about 3 million short of 2^31; AWS's
        // guidance alarms at 1 billion and treats 1.5 billion as critical
        // (https://aws.amazon.com/blogs/database/implement-an-early-warning-system-for-transaction-id-wraparound-in-amazon-rds-for-postgresql/).
        transactionIdsWarning: int(1_000_000, 2_000_000_000, "age of the oldest unvacuumed transaction ID (MaximumUsedTransactionIDs) that raises the Sev 2 alarm").default(1_000_000_000)
            .describe(
                "Age of the oldest unvacuumed transaction ID (MaximumUsedTransactionIDs) that raises the Sev 2 alarm; below `transactionIdsCritical`.",
            ),
        transactionIdsCritical: int(1_000_000, 2_000_000_000, "age of the oldest unvacuumed transaction ID that raises the Sev 1 alarm").default(1_500_000_000)
            .describe(
                "Age of the oldest unvacuumed transaction ID that raises the Sev 1 alarm. PostgreSQL stops assigning transaction IDs about 3 million short of 2^31.",
            ),
    }).refine((t) => t.transactionIdsWarning < t.transactionIdsCritical, {
        error: "transactionIdsWarning must be below transactionIdsCritical (the Sev 2 warning comes before the Sev 1 page)",
        path: ["transactionIdsWarning"],
    }).describe("Alarm thresholds (docs/operations.md)."),
    readerAutoScaling: z
        .strictObject({
            enabled: bool().describe("Aurora Auto Scaling of the readers; needs `instances` of at least 2."),
            minReaders: int(1, 15, "fewest Aurora Replicas auto scaling keeps; at least instances - 1 and at least 1").default(1)
                .describe("Fewest readers; at least the declared ones (`instances - 1`) and at least 1 (the Multi-AZ minimum)."),
            maxReaders: int(1, 15, "most Aurora Replicas auto scaling adds up to (Aurora allows 15)").default(3)
                .describe("Most readers auto scaling adds up to; at least `minReaders`, and room for the writer (Aurora allows 15 replicas)."),
            metric: z.enum(["cpu", "connections"], { error: 'must be "cpu" (readers\' average CPU, percent) or "connections" (readers\' average connections)' }).default("cpu")
                .describe("The tracked metric: the readers' average CPU or average connections."),
            target: z.number({ error: "must be a number: the tracked metric's target (percent CPU, or connections per reader)" }).positive({ error: "must be above 0" }).default(60)
                .describe("Target of the tracked metric: percent CPU (at most 100), or connections per reader."),
            scaleInCooldownSeconds: int(0, 86_400, "seconds after a scale-in before the next").default(300)
                .describe("Seconds after a scale-in before the next."),
            scaleOutCooldownSeconds: int(0, 86_400, "seconds after a scale-out before the next").default(300)
                .describe("Seconds after a scale-out before the next."),
        })
        .superRefine((a, ctx) => {
            if (a.maxReaders < a.minReaders) ctx.addIssue({ code: "custom", path: ["maxReaders"], input: a.maxReaders, message: `must be at least minReaders (${a.minReaders})` });
            if (a.metric === "cpu" && a.target > 100) ctx.addIssue({ code: "custom", path: ["target"], input: a.target, message: "must be at most 100 with metric cpu (a percentage)" });
        })
        .prefault({ enabled: false })
        .describe(
            "Aurora Auto Scaling of the readers (Application Auto Scaling on the cluster's replica count, target tracking). The readers the stack declares stay: Aurora Auto Scaling only removes replicas it added.",
        ),
}).superRefine((a, ctx) => {
    const s = a.readerAutoScaling;
    if (!s.enabled) return;
    // Scale-in must never take the cluster below Multi-AZ: a writer and a declared reader in another zone.
    // Replicas that auto scaling adds are placed by AWS, so the Multi-AZ reader is one the stack declares.
    if (a.instances < 2) {
        ctx.addIssue({
            code: "custom",
            path: ["readerAutoScaling", "enabled"],
            input: s.enabled,
            message: `needs instances of at least 2 (a writer and a declared reader in another zone, the Multi-AZ minimum), got instances ${a.instances}; raise instances or turn auto scaling off`,
        });
    } else if (s.minReaders < a.instances - 1) {
        ctx.addIssue({
            code: "custom",
            path: ["readerAutoScaling", "minReaders"],
            input: s.minReaders,
            message: `must be at least the declared readers (instances - 1 = ${a.instances - 1}): Aurora Auto Scaling never removes replicas it did not add, so a lower minimum misstates the floor`,
        });
    }
    if (s.maxReaders + 1 > 16) ctx.addIssue({ code: "custom", path: ["readerAutoScaling", "maxReaders"], input: s.maxReaders, message: "must leave room for the writer: an Aurora cluster has at most 15 replicas" });
});
