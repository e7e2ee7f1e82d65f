import { z } from "zod";
import { ELASTICACHE_NODE_TYPES } from "../instanceClasses";
import { bool, dailyWindow, instanceClass, int, thresholds, weeklyWindow } from "./common";

/** `maxmemory-policy` values Valkey and Redis OSS accept. */
export const EVICTION_POLICIES = [
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
    "noeviction",
] as const;

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const redisSchema = z.strictObject({
    engineVersion: z.enum(["7.2", "8.0"], { error: 'must be a Valkey version ElastiCache offers: "7.2" or "8.0"' })
        .describe(
            "Valkey version. With `replication.cacheGlobalDatastore` it is the global datastore's: a minor change upgrades both regions through the datastore; 7.2 to 8.0 is a major change and a planned procedure (docs/runbooks/dr-standup.md, \"Upgrading the engine of a global database\").",
        ),
    nodeType: instanceClass(ELASTICACHE_NODE_TYPES).describe("Node type of every node."),
    nodes: int(1, 6, "one primary plus up to 5 replicas")
        .describe("Nodes: one primary plus replicas; 2 or more turn on automatic failover and Multi-AZ."),
    port: int(1024, 65535, "TCP port").default(6379).describe("TCP port of the cache."),
    snapshotRetentionDays: int(0, 35, "days of automatic snapshots kept; 0 turns them off")
        .describe("Days of automatic snapshots kept; 0 turns them off."),
    snapshotWindow: dailyWindow.describe("Daily snapshot window, UTC, at least 60 minutes, clear of every maintenance window of the stack."),
    maintenanceWindow: weeklyWindow.describe("Weekly maintenance window, UTC, 60 minutes to 24 hours."),
    finalSnapshot: bool().default(true).describe("Take a uniquely named final snapshot when the replication group is deleted."),
    evictionPolicy: z.enum(EVICTION_POLICIES).default("allkeys-lru")
        .describe("`maxmemory-policy`; the default evicts the least recently used keys, right for a cache."),
    authTokenRotation: int(1, 1_000_000, "generation of the AUTH token; increase it to rotate").default(1)
        .describe(
            "Generation of the AUTH token: increasing it generates a new token, applied in place (never a replacement) by `authTokenUpdateStrategy`.",
        ),
    authTokenUpdateStrategy: z.enum(["ROTATE", "SET"]).default("ROTATE")
        .describe(
            "How a new AUTH token is applied: `ROTATE` adds the new token while the old one keeps working (clients move over from the secret at their own pace); `SET` makes the current token the only one. Rotation: bump `authTokenRotation` with `ROTATE`, `up`, roll the clients, then set `SET` and `up` again.",
        ),
    slowLogRetentionDays: z
        .number({ error: `must be a number, one of the retention periods CloudWatch Logs offers: ${LOG_RETENTION_DAYS.join(", ")}` })
        .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
            error: `must be one of the retention periods CloudWatch Logs offers: ${LOG_RETENTION_DAYS.join(", ")}`,
        })
        .default(30).meta({ allowed: `the retention periods CloudWatch Logs offers: ${LOG_RETENTION_DAYS.join(", ")}`, description: "Days CloudWatch Logs keeps the slow log." }),
    applyImmediately: bool().default(false).describe("Apply modifications now instead of in the maintenance window."),
    alarms: thresholds({
        cpuPercent: int(1, 100, "host CPU percent that raises the alarm").default(90)
            .describe("Host CPU percent per node (average over 5 minutes, 3 periods) that raises the alarm."),
        engineCpuPercent: int(1, 100, "engine (main thread) CPU percent that raises the alarm").default(80)
            .describe("Engine (main thread) CPU percent per node: the engine is single-threaded, so this saturates first."),
        memoryPercent: int(1, 100, "used memory percent that raises the alarm").default(80)
            .describe("Used memory percent per node that raises the alarm."),
        evictions: int(1, 100_000_000, "evicted keys per 5 minutes that raise the alarm").default(1000)
            .describe("Evicted keys per 5 minutes per node that raise the alarm: evictions mean the cache is too small for its working set."),
        replicationLagSeconds: int(1, 3600, "replication lag in seconds that raises the alarm").default(30)
            .describe("Replication lag in seconds on a replica that raises the alarm (only with replicas)."),
    }).describe("Alarm thresholds (docs/operations.md)."),
});
