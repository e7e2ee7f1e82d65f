/**
 * Whether the declared backups can meet each store's recovery objectives, and
 * the rules that keep AWS Backup jobs out of the stores' own windows. One place
 * for the model, used by config validation (a stack that cannot meet its RPO
 * fails before anything is created) and readable by the policy packs.
 *
 * The model, and why: an RPO is measured against recovery points in the
 * stack's AWS Backup vault, not against the clusters' native automated
 * backups. Native backups are deleted with the cluster and sit outside the
 * vault's lock and access policy; the vault's recovery points survive a deleted
 * cluster and a compromised operator. So:
 *   - Aurora with AWS Backup continuous backup: point-in-time recovery to within
 *     CONTINUOUS_RPO_MINUTES (AWS: restorable to within about 5 minutes);
 *   - otherwise (and always for DocumentDB, which continuous backup does not
 *     support): the longest gap between two scheduled backups.
 */
import type { PrimaryStackConfig } from "./config";
import { longestGapMinutes, parseSchedule } from "./schedule";
import type { ConfigProblem } from "./problems";
import { NamedWindow, checkClearOf, jobStartWindow, parseDailyWindow, parseWeeklyWindow } from "./windows";

/** How far behind the present AWS Backup's continuous backup of Aurora can restore: about 5 minutes, per AWS. */
export const CONTINUOUS_RPO_MINUTES = 5;
/** AWS Backup runs a scheduled rule at most once an hour. */
export const MIN_SCHEDULE_INTERVAL_MINUTES = 60;
/**
 * The fastest restore from a recovery point: a new cluster from the snapshot
 * plus one instance, which AWS documents as taking tens of minutes even for
 * small clusters. An RTO below this cannot be met by restoring; it is a floor,
 * not a promise (the monthly restore test in staging measures the real figure).
 */
export const RESTORE_FLOOR_MINUTES = 30;

/** The stores AWS Backup covers, with whether continuous backup applies to them. */
const COVERED = [
    { store: "aurora", continuousSupported: true },
    { store: "documentdb", continuousSupported: false },
] as const;

/** The newest recovery point of the store is at most this many minutes old. */
export function achievableRpoMinutes(cfg: PrimaryStackConfig, store: "aurora" | "documentdb"): { minutes: number; how: string } {
    const continuous = store === "aurora" && cfg.backup.continuous.enabled;
    if (continuous) return { minutes: CONTINUOUS_RPO_MINUTES, how: "AWS Backup continuous backup" };
    const gap = longestGapMinutes(parseSchedule(cfg.backup.schedule));
    return { minutes: gap, how: `schedule "${cfg.backup.schedule}", which leaves up to ${gap} minutes between backups` };
}

export function recoveryProblems(cfg: PrimaryStackConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const b = cfg.backup;
    const problem = (key: string, value: unknown, message: string) => problems.push({ key, value: value as string, message });

    const schedule = parseSchedule(b.schedule);
    const shortestGap = Math.min(...schedule.firings.map((f, i) => (i === 0 ? Infinity : f - schedule.firings[i - 1])));
    if (shortestGap < MIN_SCHEDULE_INTERVAL_MINUTES) {
        problem("backup.schedule", b.schedule, `fires ${shortestGap} minutes apart; AWS Backup runs a rule at most once every ${MIN_SCHEDULE_INTERVAL_MINUTES} minutes`);
    }

    for (const { store, continuousSupported } of COVERED) {
        const objective = cfg.recovery[store];
        const achieved = achievableRpoMinutes(cfg, store);
        if (achieved.minutes > objective.rpoMinutes) {
            const remedies = [`an RPO of at least ${achieved.minutes} minutes`, `a schedule that fires at least every ${objective.rpoMinutes} minutes (AWS Backup runs at most hourly)`];
            if (continuousSupported) remedies.push(`backup.continuous.enabled (about ${CONTINUOUS_RPO_MINUTES} minutes)`);
            problem(
                `recovery.${store}.rpoMinutes`,
                objective.rpoMinutes,
                `cannot be met: with ${achieved.how}, ${store}'s newest protected recovery point can be ${achieved.minutes} minutes old; allowed: ${remedies.join(", or ")}`,
            );
        }
        if (objective.rtoMinutes < RESTORE_FLOOR_MINUTES) {
            problem(
                `recovery.${store}.rtoMinutes`,
                objective.rtoMinutes,
                `cannot be met by a restore: creating a cluster and an instance from a recovery point takes at least ${RESTORE_FLOOR_MINUTES} minutes; allowed: ${RESTORE_FLOOR_MINUTES} or more`,
            );
        }
    }
    if (cfg.environment === "prod" && !cfg.recovery.survivesRegionLoss) {
        problem("recovery.survivesRegionLoss", false, "must be true in prod: production data must survive the loss of its region");
    }
    if (cfg.recovery.survivesRegionLoss && !b.copy) {
        problem("backup.copy", undefined, "is required when recovery.survivesRegionLoss is true: give the DR region and how long copies are kept");
    }
    if (b.copy && b.copy.region === cfg.region) {
        problem("backup.copy.region", b.copy.region, `is the stack's own region; a copy must go to another region to survive the loss of ${cfg.region}`);
    }

    const r = cfg.replication;
    if (cfg.environment === "prod" && !r) {
        problem("replication", undefined, "is required in prod: every store replicates to the DR region (give replication.drRegion)");
    }
    if (r && r.drRegion === cfg.region) {
        problem("replication.drRegion", r.drRegion, `is the stack's own region; the DR region must be another one than ${cfg.region}`);
    }
    if (r && b.copy && b.copy.region !== r.drRegion && b.copy.region !== cfg.region) {
        problem("backup.copy.region", b.copy.region, `must be the DR region, replication.drRegion (${r.drRegion}): the dr stack restores from the copies there`);
    }
    if (r?.cacheGlobalDatastore && /^cache\.t/.test(cfg.redis.nodeType)) {
        problem("redis.nodeType", cfg.redis.nodeType, "is a burstable type, which ElastiCache global datastores do not support; allowed: an m or r node type, or replication.cacheGlobalDatastore false");
    }

    if (cfg.backup.continuous.enabled && cfg.aurora.backupRetentionDays !== cfg.backup.continuous.retentionDays) {
        // AWS Backup takes over Aurora's automated backups when it backs Aurora up
        // continuously and sets their retention to its own: a different value here
        // would show as drift on every preview.
        problem(
            "aurora.backupRetentionDays",
            cfg.aurora.backupRetentionDays,
            `must equal backup.continuous.retentionDays (${cfg.backup.continuous.retentionDays}): AWS Backup manages Aurora's automated backup retention once continuous backup is on`,
        );
    }

    if (b.completionWindowMinutes < b.startWindowMinutes + 60) {
        problem("backup.completionWindowMinutes", b.completionWindowMinutes, `must be at least startWindowMinutes + 60 (${b.startWindowMinutes + 60})`);
    }

    const lock = b.vaultLock;
    if (lock) {
        if (lock.minRetentionDays > lock.maxRetentionDays) {
            problem("backup.vaultLock.minRetentionDays", lock.minRetentionDays, `must not exceed maxRetentionDays (${lock.maxRetentionDays})`);
        }
        const kept: [string, number][] = [["backup.deleteAfterDays", b.deleteAfterDays]];
        if (b.copy) kept.push(["backup.copy.deleteAfterDays", b.copy.deleteAfterDays]);
        if (b.continuous.enabled) kept.push(["backup.continuous.retentionDays", b.continuous.retentionDays]);
        for (const [key, d] of kept) {
            if (d < lock.minRetentionDays || d > lock.maxRetentionDays) {
                problem(key, d, `is outside the vault lock's ${lock.minRetentionDays}-${lock.maxRetentionDays} days; the vault would refuse these recovery points`);
            }
        }
        if (lock.mode === "compliance" && lock.changeableForDays === undefined) {
            problem("backup.vaultLock.changeableForDays", undefined, "is required in compliance mode (at least 3): the grace time before the lock becomes immutable");
        }
        if (lock.mode === "governance" && lock.changeableForDays !== undefined) {
            problem("backup.vaultLock.changeableForDays", lock.changeableForDays, "applies to compliance mode only; remove it or set mode: compliance");
        }
    }

    problems.push(...backupJobWindowProblems(cfg));
    return problems;
}

/**
 * Rule: AWS Backup jobs start outside every store's maintenance window and
 * outside the clusters' own backup windows (AWS delays or fails a job that
 * collides with either, and the two would compete for the same I/O).
 */
export function backupJobWindowProblems(cfg: PrimaryStackConfig): ConfigProblem[] {
    const schedule = parseSchedule(cfg.backup.schedule);
    const jobs: NamedWindow = {
        key: "backup.schedule",
        window: jobStartWindow(cfg.backup.schedule, schedule.firings, cfg.backup.startWindowMinutes),
    };
    const others: NamedWindow[] = [
        { key: "aurora.preferredMaintenanceWindow", window: parseWeeklyWindow(cfg.aurora.preferredMaintenanceWindow) },
        { key: "documentdb.preferredMaintenanceWindow", window: parseWeeklyWindow(cfg.documentdb.preferredMaintenanceWindow) },
        { key: "redis.maintenanceWindow", window: parseWeeklyWindow(cfg.redis.maintenanceWindow) },
        { key: "aurora.preferredBackupWindow", window: parseDailyWindow(cfg.aurora.preferredBackupWindow) },
        { key: "documentdb.preferredBackupWindow", window: parseDailyWindow(cfg.documentdb.preferredBackupWindow) },
    ];
    return checkClearOf(jobs, others, `starts jobs (within ${cfg.backup.startWindowMinutes} minutes of each firing) inside`);
}
