import { z } from "zod";
import { AURORA_POSTGRES_CLASSES } from "../instanceClasses";
import { bool, dailyWindow, instanceClass, int, thresholds, weeklyWindow } from "./common";

/** Enhanced Monitoring intervals RDS accepts; 0 turns it off. */
export const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;

const pgIdentifier = z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, { error: "must start with a letter and hold only a-z, 0-9 and _, at most 63 characters" });

export const auroraSchema = z.strictObject({
    /**
     * Aurora PostgreSQL 16 minor version. On a stack that replicates (replication.drRegion) this is the
     * global cluster's version: changing it upgrades prod's and the DR region's clusters together through
     * the global cluster; AWS applies no automatic minor upgrade there (docs/runbooks/dr-standup.md,
     * "Upgrading the engine of a global database"). The dr stack takes prod's value from the handoff.
     */
    engineVersion: z.string().regex(/^16\.\d{1,2}$/, { error: 'must be an Aurora PostgreSQL 16 minor version such as "16.6"' }),
    instanceClass: instanceClass(AURORA_POSTGRES_CLASSES),
    instances: int(1, 16, "one writer plus up to 15 readers"),
    databaseName: pgIdentifier.default("mlflow"),
    masterUsername: pgIdentifier
        .refine((u) => !/^(rds|pg_)/.test(u) && u !== "postgres", {
            error: 'must not be "postgres" or start with "rds" or "pg_" (reserved by RDS and PostgreSQL)',
        })
        .default("mlflow_admin"),
    port: int(1150, 65535, "TCP port RDS accepts").default(5432),
    backupRetentionDays: int(1, 35, "days of automated backups Aurora keeps"),
    preferredBackupWindow: dailyWindow,
    preferredMaintenanceWindow: weeklyWindow,
    deletionProtection: bool(),
    finalSnapshot: bool().default(true),
    performanceInsights: z
        .strictObject({
            enabled: bool(),
            retentionDays: z
                .number({ error: "must be a number: 7, a multiple of 31 up to 713, or 731 (the retention periods RDS offers)" })
                .refine((d) => d === 7 || d === 731 || (Number.isInteger(d / 31) && d >= 31 && d <= 713), {
                    error: "must be 7, a multiple of 31 up to 713, or 731 (the retention periods RDS offers)",
                })
                .default(7),
        })
        .default({ enabled: false, retentionDays: 7 }),
    monitoringIntervalSeconds: z
        .number({ error: `must be a number, one of ${MONITORING_INTERVALS.join(", ")} (0 turns Enhanced Monitoring off)` })
        .refine((n) => (MONITORING_INTERVALS as readonly number[]).includes(n), {
            error: `must be one of ${MONITORING_INTERVALS.join(", ")} (0 turns Enhanced Monitoring off)`,
        })
        .default(60),
    slowQueryMs: int(0, 60_000, "log_min_duration_statement in milliseconds; the scaling guide's line is 1000").default(1000),
    applyImmediately: bool().default(false),
    /**
     * MLflow's schema revision (`alembic_version`) the verifier expects; pinned with the MLflow release.
     * Alembic's generated ids are 12 hex digits, but MLflow's are not all generated: 3.8.0/3.8.1's head is
     * `1bd49d398cd23` (13; ../shared/facts/mlflow-schema.md). So: lowercase hex, 12 or more, and at most the
     * 32 characters `alembic_version.version_num` (varchar(32)) holds.
     */
    mlflowSchemaRevision: z
        .string()
        .regex(/^[0-9a-f]{12,32}$/, {
            error: "must be an Alembic revision id as in alembic_version: 12 to 32 lowercase hex digits (MLflow 3.8's is 1bd49d398cd23)",
        })
        .optional(),
    alarms: thresholds({
        cpuPercent: int(1, 100, "CPU utilisation percent that raises the alarm").default(80),
        freeableMemoryMiB: int(16, 1_048_576, "MiB of freeable memory below which the alarm is raised").default(512),
        connections: int(1, 262_143, "database connections above which the alarm is raised").default(800),
        replicaLagMs: int(1, 3_600_000, "Aurora replica lag in milliseconds above which the alarm is raised").default(1000),
    }),
});
