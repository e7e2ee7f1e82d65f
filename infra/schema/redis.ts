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
    /**
     * Valkey version. With replication.cacheGlobalDatastore it is the global datastore's version: a minor
     * change upgrades both regions through the datastore; 7.2 to 8.0 is a major change and a planned
     * procedure (docs/runbooks/dr-standup.md, "Upgrading the engine of a global database").
     */
    engineVersion: z.enum(["7.2", "8.0"], { error: 'must be a Valkey version ElastiCache offers: "7.2" or "8.0"' }),
    nodeType: instanceClass(ELASTICACHE_NODE_TYPES),
    nodes: int(1, 6, "one primary plus up to 5 replicas"),
    port: int(1024, 65535, "TCP port").default(6379),
    snapshotRetentionDays: int(0, 35, "days of automatic snapshots kept; 0 turns them off"),
    snapshotWindow: dailyWindow,
    maintenanceWindow: weeklyWindow,
    finalSnapshot: bool().default(true),
    evictionPolicy: z.enum(EVICTION_POLICIES).default("allkeys-lru"),
    /** Bump to generate a new AUTH token; see the RedisCache component for the rotation procedure. */
    authTokenRotation: int(1, 1_000_000, "generation of the AUTH token; increase it to rotate").default(1),
    authTokenUpdateStrategy: z.enum(["ROTATE", "SET"]).default("ROTATE"),
    slowLogRetentionDays: z
        .number({ error: `must be a number, one of the retention periods CloudWatch Logs offers: ${LOG_RETENTION_DAYS.join(", ")}` })
        .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
            error: `must be one of the retention periods CloudWatch Logs offers: ${LOG_RETENTION_DAYS.join(", ")}`,
        })
        .default(30),
    applyImmediately: bool().default(false),
    alarms: thresholds({
        cpuPercent: int(1, 100, "host CPU percent that raises the alarm").default(90),
        engineCpuPercent: int(1, 100, "engine (main thread) CPU percent that raises the alarm").default(80),
        memoryPercent: int(1, 100, "used memory percent that raises the alarm").default(80),
        evictions: int(1, 100_000_000, "evicted keys per 5 minutes that raise the alarm").default(1000),
        replicationLagSeconds: int(1, 3600, "replication lag in seconds that raises the alarm").default(30),
    }),
});
