/**
 * Whether the declared backups can meet each store's recovery objectives (RPO,
 * RTO, surviving the loss of the region). One place for the model, used by
 * config validation (a stack that cannot meet its RPO fails before anything is
 * created) and by the stack's outputs (main.ts). The rules about the backup plan
 * itself (schedule, vault lock, job windows) are beside its schema
 * (schema/backup.ts); those about replication beside its (schema/replication.ts).
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
import { AWS_BACKUP_STORES } from "./schema/backup";

/** How far behind the present AWS Backup's continuous backup of Aurora can restore: about 5 minutes, per AWS. */
export const CONTINUOUS_RPO_MINUTES = 5;
/**
 * The fastest restore from a recovery point: a new cluster from the snapshot
 * plus one instance, which AWS documents as taking tens of minutes even for
 * small clusters. An RTO below this cannot be met by restoring; it is a floor,
 * not a promise (the monthly restore test in staging measures the real figure).
 */
export const RESTORE_FLOOR_MINUTES = 30;

type Parsed = PrimaryStackConfig;

/** The newest recovery point of the store is at most this many minutes old. */
export function achievableRpoMinutes(cfg: Parsed, store: "aurora" | "documentdb"): { minutes: number; how: string } {
    const continuous = store === "aurora" && cfg.backup.continuous.enabled;
    if (continuous) return { minutes: CONTINUOUS_RPO_MINUTES, how: "AWS Backup continuous backup" };
    const gap = longestGapMinutes(parseSchedule(cfg.backup.schedule));
    return { minutes: gap, how: `schedule "${cfg.backup.schedule}", which leaves up to ${gap} minutes between backups` };
}

/** Whether each store's recovery objectives can be met by the backups declared. */
export function recoveryProblems(cfg: Parsed): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const b = cfg.backup;
    const problem = (key: string, value: unknown, message: string) => problems.push({ key, value: value as string, message });

    for (const { store, continuousSupported } of AWS_BACKUP_STORES) {
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
    return problems;
}
