import { z } from "zod";
import { DOCUMENTDB_CLASSES } from "../instanceClasses";
import { bool, dailyWindow, instanceClass, int, thresholds, weeklyWindow } from "./common";

/** DocumentDB reserves these master user names. */
const RESERVED_USERNAMES = ["admin", "root", "serviceadmin"];

export const documentDbSchema = z.strictObject({
    /** DocumentDB engine version; on a replicating stack the global cluster's (see the runbook's upgrade section). */
    engineVersion: z.literal("5.0.0", { error: 'must be "5.0.0" (this platform pins DocumentDB 5.0)' }),
    instanceClass: instanceClass(DOCUMENTDB_CLASSES),
    instances: int(1, 16, "one primary plus up to 15 replicas"),
    masterUsername: z
        .string()
        .regex(/^[a-zA-Z][a-zA-Z0-9]{0,62}$/, { error: "must start with a letter and hold only letters and digits, at most 63 characters" })
        .refine((u) => !RESERVED_USERNAMES.includes(u.toLowerCase()), {
            error: `must not be one of ${RESERVED_USERNAMES.join(", ")} (reserved by DocumentDB)`,
        })
        .default("platformadmin"),
    port: int(1150, 65535, "TCP port DocumentDB accepts").default(27017),
    backupRetentionDays: int(1, 35, "days of automated backups DocumentDB keeps"),
    preferredBackupWindow: dailyWindow,
    preferredMaintenanceWindow: weeklyWindow,
    deletionProtection: bool(),
    finalSnapshot: bool().default(true),
    profilerThresholdMs: int(50, 2_147_483_646, "operations slower than this many milliseconds are profiled").default(100),
    performanceInsights: bool().default(false),
    applyImmediately: bool().default(false),
    /** Generation of the master password: increasing it sets a new one on the cluster in place (ModifyDBCluster), never a replacement. */
    masterPasswordRotation: int(1, 1_000_000, "generation of the master password; increase it to rotate").default(1),
    alarms: thresholds({
        cpuPercent: int(1, 100, "CPU utilisation percent that raises the alarm").default(80),
        connections: int(1, 30_000, "connections above which the alarm is raised").default(500),
        replicaLagMs: int(1, 3_600_000, "replica lag in milliseconds above which the alarm is raised").default(1000),
        freeableMemoryMiB: int(16, 1_048_576, "MiB of freeable memory per instance below which the alarm is raised").default(512),
        freeLocalStorageMiB: int(64, 1_048_576, "MiB of free local storage per instance below which the alarm is raised").default(1024),
        volumeUsedGiB: int(1, 131_072, "GiB of cluster volume above which the capacity alarm is raised; DocumentDB's limit is 128 TiB").default(1024),
    }),
});
