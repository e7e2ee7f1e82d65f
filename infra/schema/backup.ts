import { z } from "zod";
import { ScheduleFormatError, parseSchedule } from "../schedule";
import { bool, int } from "./common";
import { awsRegion } from "./regions";

/** Re-exported from the one list of regions (./regions). */
export { awsRegion } from "./regions";

const schedule = z.string().superRefine((v, ctx) => {
    try {
        parseSchedule(v);
    } catch (e) {
        if (!(e instanceof ScheduleFormatError)) throw e;
        ctx.addIssue({ code: "custom", message: `malformed schedule: ${e.message}` });
    }
});

const objective = z.strictObject({
    /** Most data, in minutes, the store may lose: the oldest the newest protected recovery point may be. */
    rpoMinutes: int(1, 527_040, "recovery point objective in minutes"),
    /** Longest time, in minutes, the store may be unavailable before it is restored. */
    rtoMinutes: int(1, 527_040, "recovery time objective in minutes"),
});

/** What each environment must survive, per store. The backup rules in infra/recovery.ts hold the plan to it. */
export const recoverySchema = z.strictObject({
    aurora: objective,
    documentdb: objective,
    /** The stack's data must survive the loss of its region: backups are copied to another region. */
    survivesRegionLoss: bool(),
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
});
