import { z } from "zod";
import { ScheduleFormatError, parseSchedule } from "../schedule";
import { NamedWindow, STORE_WINDOWS, WINDOWED_STORES, WindowedStore, checkClearOf, jobStartWindow, parseDailyWindow, parseWeeklyWindow } from "../windows";
import type { ConfigProblem } from "../problems";
import { bool, int } from "./common";
import { awsRegion } from "./regions";

const schedule = z.string().superRefine((v, ctx) => {
    try {
        parseSchedule(v);
    } catch (e) {
        if (!(e instanceof ScheduleFormatError)) throw e;
        ctx.addIssue({ code: "custom", message: `malformed schedule: ${e.message}` });
    }
});

/**
 * A monthly AWS Backup cron expression (six fields, UTC): a day of the month 1-28 (so that every month has it),
 * cron(M H D * ? *), or the Nth weekday, cron(M H ? * DOW#N *) with N 1-4 and DOW 1-7 or SUN-SAT
 * (EventBridge cron syntax: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html).
 */
const MONTHLY = /^cron\(([0-5]?\d) (1?\d|2[0-3]) (?:([1-9]|1\d|2[0-8]) \* \?|\? \* ([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)#[1-4]) \*\)$/;
const monthlySchedule = z.string().regex(MONTHLY, {
    error: 'must be a monthly AWS Backup cron expression in UTC: "cron(M H D * ? *)" with day D 1-28, or "cron(M H ? * DOW#N *)" for the Nth weekday (N 1-4), e.g. "cron(0 9 1 * ? *)" or "cron(0 9 ? * TUE#1 *)"',
});

const days = (what: string) => int(1, 36_500, what);

/**
 * The stores the stack's AWS Backup plan covers, with whether AWS Backup's
 * continuous backup applies to them (Aurora yes, DocumentDB no: AWS Backup
 * Developer Guide, "Feature availability by resource").
 */
export const AWS_BACKUP_STORES = [
    { store: "aurora", continuousSupported: true },
    { store: "documentdb", continuousSupported: false },
] as const;

/** AWS Backup: one vault and plan per stack, covering the Aurora and DocumentDB clusters (AWS_BACKUP_STORES). */
export const backupSchema = z.strictObject({
    breakGlassRoleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, {
        error: 'must be an IAM role ARN such as "arn:aws:iam::123456789012:role/backup-break-glass"',
    }).describe("The one role that may delete or shorten recovery points: an existing IAM role, used only in an emergency."),
    schedule: schedule.describe(
        "When the plan's jobs start: an AWS Backup cron expression, UTC, at most hourly, starting outside every maintenance and cluster backup window, e.g. `cron(0 7 ? * * *)`.",
    ),
    startWindowMinutes: int(60, 1440, "minutes a job may wait to start; AWS requires at least 60").default(60)
        .describe("Minutes a job may wait to start; AWS requires at least 60."),
    completionWindowMinutes: int(120, 43_200, "minutes a started job may run").default(480)
        .describe("Minutes a started job may run; at least `startWindowMinutes` + 60."),
    deleteAfterDays: days("days AWS Backup keeps each scheduled recovery point").describe("Days AWS Backup keeps each scheduled recovery point."),
    continuous: z
        .strictObject({
            enabled: bool()
                .describe("Point-in-time recovery of Aurora from the vault (AWS Backup continuous backup); DocumentDB does not support it."),
            retentionDays: int(1, 35, "days of continuous backup; AWS allows at most 35").default(35)
                .describe("Days of continuous backup; at most 35, and equal to `aurora.backupRetentionDays`."),
        })
        .prefault({ enabled: false }).describe("AWS Backup continuous backup."),
    copy: z
        .strictObject({
            region: awsRegion.describe("The region a copy of every recovery point goes to (the DR region)."),
            deleteAfterDays: days("days the copies are kept").describe("Days the copies are kept."),
        })
        .optional().describe("Copy every recovery point to a vault in another region. Unset: no copy."),
    vaultLock: z
        .strictObject({
            mode: z.enum(["governance", "compliance"])
                .describe("`governance`: an authorised principal can remove the lock; `compliance`: immutable after the grace time."),
            minRetentionDays: days("shortest retention the vault accepts").describe("Shortest retention the vault accepts."),
            maxRetentionDays: days("longest retention the vault accepts").describe("Longest retention the vault accepts."),
            changeableForDays: int(3, 36_500, "grace days before a compliance lock becomes immutable").optional()
                .describe("Compliance mode only: days until the lock can no longer be changed or removed (at least 3)."),
        })
        .optional().describe("Vault lock on the vault and the copy vault. Unset: none."),
    restoreTesting: z
        .strictObject({
            enabled: bool().describe("Turn restore testing on."),
            schedule: monthlySchedule.default("cron(0 9 1 * ? *)").meta({ allowed: 'monthly: `cron(M H D * ? *)` with day D 1-28, or `cron(M H ? * DOW#N *)` for the Nth weekday (N 1-4)', description: "When a test starts: an AWS Backup cron expression, UTC." }),
            startWindowHours: int(1, 168, "hours a restore test may wait to start").default(24).describe("Hours a restore test may wait to start."),
            selectionWindowDays: int(1, 365, "days back from the test in which a recovery point is chosen").default(30)
                .describe("How far back, in days, a recovery point may be to be tested; at most `deleteAfterDays`."),
            validationWindowHours: int(1, 168, "hours the restored cluster is kept for validation, then deleted").default(24)
                .describe("Hours the restored cluster is kept for validation (run `dbops verify` against it then) before AWS Backup deletes it."),
            algorithm: z.enum(["LATEST_WITHIN_WINDOW", "RANDOM_WITHIN_WINDOW"]).default("LATEST_WITHIN_WINDOW")
                .describe("Which recovery point in the window is tested."),
        })
        .prefault({ enabled: false })
        .describe(
            "AWS Backup restore testing: on a schedule (monthly, as the operations guide recommends) AWS Backup restores the latest recovery point of the Aurora and DocumentDB clusters from this stack's vault, keeps the restored cluster for the validation window and deletes it. docs/runbooks/restore.md has the manual procedure, now the fallback.",
        ),
}).superRefine((b, ctx) => {
    const t = b.restoreTesting;
    if (t.enabled && t.selectionWindowDays > b.deleteAfterDays) {
        ctx.addIssue({
            code: "custom",
            path: ["restoreTesting", "selectionWindowDays"],
            input: t.selectionWindowDays,
            message: `must be at most deleteAfterDays (${b.deleteAfterDays}): older recovery points are gone by then`,
        });
    }
});

/** AWS Backup runs a scheduled rule at most once an hour. */
export const MIN_SCHEDULE_INTERVAL_MINUTES = 60;

/** What the backup plan's rules read besides the backup section: the stores' windows and Aurora's retention. */
type BackupContext = { backup: z.output<typeof backupSchema>; aurora: { backupRetentionDays: number } } & Record<WindowedStore, Record<string, unknown>>;

/**
 * The rules of the backup plan that read more than one of its keys, or other
 * sections (run once the whole configuration passed the schema): how often it
 * fires, how long its jobs may take, what its vault lock admits, and when its
 * jobs start.
 */
export function backupPlanProblems(cfg: BackupContext): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const b = cfg.backup;
    const problem = (key: string, value: unknown, message: string) => problems.push({ key, value: value as string, message });

    const { firings } = parseSchedule(b.schedule);
    const shortestGap = Math.min(...firings.map((f, i) => (i === 0 ? Infinity : f - firings[i - 1])));
    if (shortestGap < MIN_SCHEDULE_INTERVAL_MINUTES) {
        problem("backup.schedule", b.schedule, `fires ${shortestGap} minutes apart; AWS Backup runs a rule at most once every ${MIN_SCHEDULE_INTERVAL_MINUTES} minutes`);
    }
    if (b.continuous.enabled && cfg.aurora.backupRetentionDays !== b.continuous.retentionDays) {
        // AWS Backup takes over Aurora's automated backups when it backs Aurora up
        // continuously and sets their retention to its own: a different value here
        // would show as drift on every preview.
        problem(
            "aurora.backupRetentionDays",
            cfg.aurora.backupRetentionDays,
            `must equal backup.continuous.retentionDays (${b.continuous.retentionDays}): AWS Backup manages Aurora's automated backup retention once continuous backup is on`,
        );
    }
    if (b.completionWindowMinutes < b.startWindowMinutes + 60) {
        problem("backup.completionWindowMinutes", b.completionWindowMinutes, `must be at least startWindowMinutes + 60 (${b.startWindowMinutes + 60})`);
    }
    problems.push(...vaultLockProblems(b));
    problems.push(...backupJobWindowProblems(cfg));
    return problems;
}

/** The vault lock: consistent in itself, and admitting every recovery point the plan keeps. */
function vaultLockProblems(b: z.output<typeof backupSchema>): ConfigProblem[] {
    const lock = b.vaultLock;
    if (!lock) return [];
    const problems: ConfigProblem[] = [];
    const problem = (key: string, value: unknown, message: string) => problems.push({ key, value: value as string, message });
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
    return problems;
}


/**
 * Rule: AWS Backup jobs start outside every store's maintenance window and
 * outside the clusters' own backup windows (AWS delays or fails a job that
 * collides with either, and the two would compete for the same I/O).
 */
export function backupJobWindowProblems(cfg: BackupContext): ConfigProblem[] {
    const b = cfg.backup;
    const jobs: NamedWindow = { key: "backup.schedule", window: jobStartWindow(b.schedule, parseSchedule(b.schedule).firings, b.startWindowMinutes) };
    const windowOf = (store: WindowedStore, which: "backup" | "maintenance"): NamedWindow => {
        const name = STORE_WINDOWS[store][which];
        const text = String(cfg[store][name]);
        return { key: `${store}.${name}`, window: which === "backup" ? parseDailyWindow(text) : parseWeeklyWindow(text) };
    };
    const others = [...WINDOWED_STORES.map((s) => windowOf(s, "maintenance")), ...AWS_BACKUP_STORES.map((s) => windowOf(s.store, "backup"))];
    return checkClearOf(jobs, others, `starts jobs (within ${b.startWindowMinutes} minutes of each firing) inside`);
}
