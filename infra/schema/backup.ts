import { z } from "zod";
import { ScheduleFormatError, parseSchedule } from "../schedule";
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

/** AWS Backup: one vault and plan per stack, covering the Aurora and DocumentDB clusters. */
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
