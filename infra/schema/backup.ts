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
    /** The one role that may delete or shorten recovery points (an existing role, used only in an emergency). */
    breakGlassRoleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, {
        error: 'must be an IAM role ARN such as "arn:aws:iam::123456789012:role/backup-break-glass"',
    }),
    schedule,
    startWindowMinutes: int(60, 1440, "minutes a job may wait to start; AWS requires at least 60").default(60),
    completionWindowMinutes: int(120, 43_200, "minutes a started job may run").default(480),
    deleteAfterDays: days("days AWS Backup keeps each scheduled recovery point"),
    continuous: z
        .strictObject({
            /** Point-in-time recovery for Aurora from the vault (AWS Backup continuous backup); DocumentDB does not support it. */
            enabled: bool(),
            retentionDays: int(1, 35, "days of continuous backup; AWS allows at most 35").default(35),
        })
        .prefault({ enabled: false }),
    copy: z
        .strictObject({
            /** The region a copy of every recovery point goes to (the DR region). */
            region: awsRegion,
            deleteAfterDays: days("days the copies are kept"),
        })
        .optional(),
    vaultLock: z
        .strictObject({
            /** governance: the lock can be removed by an authorised principal; compliance: immutable after the grace time. */
            mode: z.enum(["governance", "compliance"]),
            minRetentionDays: days("shortest retention the vault accepts"),
            maxRetentionDays: days("longest retention the vault accepts"),
            /** Compliance mode only: days until the lock can no longer be changed or removed (at least 3). */
            changeableForDays: int(3, 36_500, "grace days before a compliance lock becomes immutable").optional(),
        })
        .optional(),
    /**
     * AWS Backup restore testing: on a schedule (monthly, as the operations guide recommends), AWS Backup
     * restores the latest recovery point of the Aurora and DocumentDB clusters from this stack's vault,
     * keeps the restored cluster for the validation window (run `dbops verify` against it then), and
     * deletes it. Off unless enabled. docs/runbooks/restore.md has the manual procedure, now the fallback.
     */
    restoreTesting: z
        .strictObject({
            enabled: bool(),
            /** When a test starts: an AWS Backup cron expression, UTC. @default the 1st of every month, 09:00 */
            schedule: monthlySchedule.default("cron(0 9 1 * ? *)"),
            startWindowHours: int(1, 168, "hours a restore test may wait to start").default(24),
            /** How far back a recovery point may be to be tested; at most the days the vault keeps them. */
            selectionWindowDays: int(1, 365, "days back from the test in which a recovery point is chosen").default(30),
            /** Hours the restored cluster is kept for validation before AWS Backup deletes it. */
            validationWindowHours: int(1, 168, "hours the restored cluster is kept for validation, then deleted").default(24),
            algorithm: z.enum(["LATEST_WITHIN_WINDOW", "RANDOM_WITHIN_WINDOW"]).default("LATEST_WITHIN_WINDOW"),
        })
        .prefault({ enabled: false }),
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
