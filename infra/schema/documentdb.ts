import { z } from "zod";
import { DOCUMENTDB_CLASSES } from "../instanceClasses";
import { bool, dailyWindow, instanceClass, int, thresholds, weeklyWindow } from "./common";

/** DocumentDB reserves these master user names. */
const RESERVED_USERNAMES = ["admin", "root", "serviceadmin"];

export const documentDbSchema = z.strictObject({
    engineVersion: z.literal("5.0.0", { error: 'must be "5.0.0" (this platform pins DocumentDB 5.0)' })
        .describe(
            "DocumentDB engine version (this platform pins 5.0); on a replicating stack the global cluster's (docs/runbooks/dr-standup.md, the upgrade section).",
        ),
    instanceClass: instanceClass(DOCUMENTDB_CLASSES).describe("Instance class of every instance."),
    instances: int(1, 16, "one primary plus up to 15 replicas").describe("Instances: one primary plus replicas."),
    masterUsername: z
        .string()
        .regex(/^[a-zA-Z][a-zA-Z0-9]{0,62}$/, { error: "must start with a letter and hold only letters and digits, at most 63 characters" })
        .refine((u) => !RESERVED_USERNAMES.includes(u.toLowerCase()), {
            error: `must not be one of ${RESERVED_USERNAMES.join(", ")} (reserved by DocumentDB)`,
        })
        .default("platformadmin")
        .describe("Master user name; its password is generated and kept in Secrets Manager. Changing it replaces the cluster."),
    port: int(1150, 65535, "TCP port DocumentDB accepts").default(27017).describe("TCP port of the cluster."),
    backupRetentionDays: int(1, 35, "days of automated backups DocumentDB keeps").describe("Days of automated backups the cluster keeps."),
    preferredBackupWindow: dailyWindow
        .describe("Daily automated backup window, UTC, at least 30 minutes, clear of every maintenance window of the stack."),
    preferredMaintenanceWindow: weeklyWindow.describe("Weekly maintenance window, UTC, 30 minutes to 23 h 30."),
    deletionProtection: bool()
        .describe(
            "Refuse deletion in AWS and `protect` the cluster in Pulumi; on a replicating stack also the DocumentDB global cluster's (independently of Aurora's).",
        ),
    finalSnapshot: bool().default(true).describe("Take a uniquely named final snapshot when the cluster is deleted."),
    profilerThresholdMs: int(50, 2_147_483_646, "operations slower than this many milliseconds are profiled").default(100)
        .describe("Operations slower than this many milliseconds go to the profiler log."),
    performanceInsights: bool().default(false).describe("Performance Insights on every instance, encrypted with the cluster's key."),
    applyImmediately: bool().default(false).describe("Apply modifications now instead of in the maintenance window."),
    masterPasswordRotation: int(1, 1_000_000, "generation of the master password; increase it to rotate").default(1)
        .describe("Generation of the master password: increasing it sets a new one on the cluster in place (ModifyDBCluster), never a replacement."),
    alarms: thresholds({
        cpuPercent: int(1, 100, "CPU utilisation percent that raises the alarm").default(80)
            .describe("CPU utilisation percent (average over 5 minutes, 3 periods) above which an instance alarms."),
        connections: int(1, 30_000, "connections above which the alarm is raised").default(500)
            .describe("Connections to the cluster (maximum over 5 minutes, 3 periods) above which the cluster alarms."),
        replicaLagMs: int(1, 3_600_000, "replica lag in milliseconds above which the alarm is raised").default(1000)
            .describe("Largest replica lag in the cluster, in milliseconds, above which it alarms (only with replicas)."),
        freeableMemoryMiB: int(16, 1_048_576, "MiB of freeable memory per instance below which the alarm is raised").default(512)
            .describe("Freeable memory per instance in MiB (minimum over 5 minutes, 3 periods) below which it alarms."),
        freeLocalStorageMiB: int(64, 1_048_576, "MiB of free local storage per instance below which the alarm is raised").default(1024)
            .describe("Free local storage per instance in MiB (minimum over 5 minutes, 3 periods) below which it alarms."),
        volumeUsedGiB: int(1, 131_072, "GiB of cluster volume above which the capacity alarm is raised; DocumentDB's limit is 128 TiB").default(1024)
            .describe("Cluster volume in GiB above which the Sev 4 capacity alarm is raised; DocumentDB's limit is 128 TiB."),
    }).describe("Alarm thresholds (docs/operations.md)."),
});
