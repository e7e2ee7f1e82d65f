/**
 * Backup and maintenance windows: parsing, lengths and overlap.
 *
 * This is the one place that knows what a window is. Stack configuration
 * validation, every store component and the policy packs call these functions,
 * so a rule changed here changes everywhere at once.
 *
 * All windows are UTC, as AWS defines them. A daily window ("hh24:mi-hh24:mi",
 * e.g. an Aurora `preferredBackupWindow`) recurs every day; a weekly window
 * ("ddd:hh24:mi-ddd:hh24:mi", e.g. a `preferredMaintenanceWindow`) recurs every
 * week. Both may wrap: "23:45-00:15" crosses midnight and "sun:23:30-mon:00:30"
 * crosses into the next day (and "sat:23:00-sun:01:00" into the next week).
 * Internally every window becomes a set of intervals in minutes of the week.
 */
import type { ConfigProblem } from "./problems";

export const MINUTES_PER_DAY = 24 * 60;
export const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/** Day names in the order AWS uses for weekly windows; index = day offset in the week. */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The shapes the AWS APIs accept, shown in error messages. */
export const DAILY_WINDOW_FORMAT = '"hh24:mi-hh24:mi" in UTC with two-digit hours 00-23 and minutes 00-59, e.g. "03:00-03:30"';
export const WEEKLY_WINDOW_FORMAT =
    '"ddd:hh24:mi-ddd:hh24:mi" in UTC with ddd one of mon..sun, two-digit hours 00-23 and minutes 00-59, e.g. "sun:04:00-sun:04:30"';

/** Minimum lengths AWS enforces, per service and window. */
export const MIN_WINDOW_MINUTES = {
    /** Aurora and DocumentDB `preferredBackupWindow`. */
    rdsBackup: 30,
    /** Aurora and DocumentDB `preferredMaintenanceWindow`. */
    rdsMaintenance: 30,
    /** ElastiCache `snapshotWindow`. */
    elasticacheSnapshot: 60,
    /** ElastiCache `maintenanceWindow`. */
    elasticacheMaintenance: 60,
} as const;

/**
 * Maximum lengths AWS documents for a weekly maintenance window.
 * - RDS (Aurora) and DocumentDB: "between 30 minutes and up to 23 hours and 30 minutes"
 *   (AWS re:Post knowledge center, "How long is the Amazon RDS maintenance window?",
 *   https://repost.aws/knowledge-center/maintenance-window-amazon-rds-how-long).
 *   DocumentDB's own documentation states no maximum that could be found here; it
 *   runs on the RDS maintenance machinery, so the RDS maximum is applied to it (unverified).
 * - ElastiCache: "a time range of up to 24 hours in duration" (ElastiCache User Guide,
 *   Maintenance Window, https://docs.aws.amazon.com/AmazonElastiCache/latest/UserGuide/CacheClusterMaintenanceWindow.html).
 */
export const MAX_WINDOW_MINUTES = {
    rdsMaintenance: 23 * 60 + 30,
    elasticacheMaintenance: 24 * 60,
} as const;

/** A half-open interval [start, end) in minutes since Monday 00:00 UTC; never wraps. */
export interface Interval {
    start: number;
    end: number;
}

export interface Window {
    kind: "daily" | "weekly";
    /** The text as configured, for messages. */
    text: string;
    /** Length of one occurrence in minutes. */
    minutes: number;
    /** Every occurrence within one week, split where it wraps past the week's end. */
    intervals: Interval[];
}

/** Thrown (or collected) when a window string is malformed. */
export class WindowFormatError extends Error {}

const TIME = "([0-9]{2}):([0-9]{2})";
const DAILY_RE = new RegExp(`^${TIME}-${TIME}$`);
const WEEKLY_RE = new RegExp(`^([a-z]{3}):${TIME}-([a-z]{3}):${TIME}$`);

function clock(hh: string, mm: string, text: string, format: string): number {
    const h = Number(hh);
    const m = Number(mm);
    if (h > 23 || m > 59) {
        throw new WindowFormatError(`"${text}": ${hh}:${mm} is not a time of day; expected ${format}`);
    }
    return h * 60 + m;
}

function day(name: string, text: string): number {
    const i = WEEKDAYS.indexOf(name as Weekday);
    if (i < 0) {
        throw new WindowFormatError(`"${text}": "${name}" is not a day; allowed: ${WEEKDAYS.join(", ")}`);
    }
    return i;
}

/** Occurrence of length `minutes` starting at `start` (minute of week), split at the week boundary. */
function occurrence(start: number, minutes: number): Interval[] {
    const s = ((start % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
    const e = s + minutes;
    if (e <= MINUTES_PER_WEEK) return [{ start: s, end: e }];
    return [
        { start: s, end: MINUTES_PER_WEEK },
        { start: 0, end: e - MINUTES_PER_WEEK },
    ];
}

/** Parses "hh24:mi-hh24:mi". An end equal to the start is rejected: AWS has no empty or 24-hour daily window. */
export function parseDailyWindow(text: string): Window {
    const m = DAILY_RE.exec(text);
    if (!m) throw new WindowFormatError(`"${text}" is not a daily window; expected ${DAILY_WINDOW_FORMAT}`);
    const start = clock(m[1], m[2], text, DAILY_WINDOW_FORMAT);
    const end = clock(m[3], m[4], text, DAILY_WINDOW_FORMAT);
    if (start === end) throw new WindowFormatError(`"${text}" starts and ends at the same time; expected ${DAILY_WINDOW_FORMAT}`);
    const minutes = (end - start + MINUTES_PER_DAY) % MINUTES_PER_DAY;
    const intervals: Interval[] = [];
    for (let d = 0; d < 7; d++) intervals.push(...occurrence(d * MINUTES_PER_DAY + start, minutes));
    return { kind: "daily", text, minutes, intervals: normalize(intervals) };
}

/** Parses "ddd:hh24:mi-ddd:hh24:mi". */
export function parseWeeklyWindow(text: string): Window {
    const m = WEEKLY_RE.exec(text);
    if (!m) throw new WindowFormatError(`"${text}" is not a weekly window; expected ${WEEKLY_WINDOW_FORMAT}`);
    const start = day(m[1], text) * MINUTES_PER_DAY + clock(m[2], m[3], text, WEEKLY_WINDOW_FORMAT);
    const end = day(m[4], text) * MINUTES_PER_DAY + clock(m[5], m[6], text, WEEKLY_WINDOW_FORMAT);
    if (start === end) throw new WindowFormatError(`"${text}" starts and ends at the same time; expected ${WEEKLY_WINDOW_FORMAT}`);
    const minutes = (end - start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
    return { kind: "weekly", text, minutes, intervals: normalize(occurrence(start, minutes)) };
}

function normalize(intervals: Interval[]): Interval[] {
    return [...intervals].sort((a, b) => a.start - b.start);
}

/** True when the two windows share at least one minute in some week. Touching ends ("03:00-03:30", "03:30-04:00") do not overlap. */
export function windowsOverlap(a: Window, b: Window): boolean {
    return a.intervals.some((x) => b.intervals.some((y) => x.start < y.end && y.start < x.end));
}

/** True when minute-of-week `minute` falls inside the window. */
export function windowContains(w: Window, minute: number): boolean {
    const m = ((minute % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
    return w.intervals.some((i) => i.start <= m && m < i.end);
}

/** A window with the config key it came from, for rule messages. */
export interface NamedWindow {
    key: string;
    window: Window;
}

/** A broken window rule: the key it is reported against and what is wrong. */

/** Rule: an occurrence must last at least `min` minutes. */
export function checkMinimumLength(w: NamedWindow, min: number): ConfigProblem[] {
    if (w.window.minutes >= min) return [];
    return [
        {
            key: w.key,
            value: w.window.text,
            message: `lasts ${w.window.minutes} minutes; AWS requires at least ${min} minutes`,
        },
    ];
}

/** "1 day 2 hours 5 minutes": a length in minutes as people read it. */
export function formatDuration(minutes: number): string {
    const parts: string[] = [];
    const d = Math.floor(minutes / MINUTES_PER_DAY);
    const h = Math.floor((minutes % MINUTES_PER_DAY) / 60);
    const m = minutes % 60;
    if (d) parts.push(`${d} day${d === 1 ? "" : "s"}`);
    if (h) parts.push(`${h} hour${h === 1 ? "" : "s"}`);
    if (m || parts.length === 0) parts.push(`${m} minute${m === 1 ? "" : "s"}`);
    return parts.join(" ");
}

/**
 * Rule: an occurrence must last at most `max` minutes. A weekly window whose end
 * comes before its start ("sun:07:00-sun:05:00") is read by AWS as wrapping
 * through the rest of the week; it is reported as such.
 */
export function checkMaximumLength(w: NamedWindow, max: number): ConfigProblem[] {
    if (w.window.minutes <= max) return [];
    const limit = `AWS allows a maintenance window of at most ${max} minutes (${formatDuration(max)})`;
    // Longer than half a week: almost surely written backwards (a window's end is always
    // read forward from its start, so "sun:07:00-sun:05:00" lasts 6 days 22 hours).
    const backwards = w.window.kind === "weekly" && w.window.minutes > MINUTES_PER_WEEK / 2;
    const endsBefore = MINUTES_PER_WEEK - w.window.minutes;
    const message =
        backwards
            ? `ends ${formatDuration(endsBefore)} before it starts: read as a weekly window it wraps through the rest of the week and lasts ` +
              `${w.window.minutes} minutes (${formatDuration(w.window.minutes)}); ${limit}; swap its start and end if they are reversed`
            : `lasts ${w.window.minutes} minutes (${formatDuration(w.window.minutes)}); ${limit}`;
    return [{ key: w.key, value: w.window.text, message }];
}

function overlapProblem(earlier: NamedWindow, later: NamedWindow, verb = "overlaps"): ConfigProblem {
    return {
        key: later.key,
        value: later.window.text,
        message: `${verb} ${earlier.key} ("${earlier.window.text}"); the two must not share any minute (UTC)`,
    };
}

/**
 * Rule: no two of the given windows may overlap. Used for a store's own backup
 * vs. maintenance windows, and across stores so that a stack's backups and
 * maintenance are staggered instead of piling onto the same minutes.
 */
export function checkNoOverlap(windows: NamedWindow[]): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    for (let i = 0; i < windows.length; i++) {
        for (let j = i + 1; j < windows.length; j++) {
            if (windowsOverlap(windows[i].window, windows[j].window)) problems.push(overlapProblem(windows[i], windows[j]));
        }
    }
    return problems;
}

/**
 * Rule: `subject` overlaps none of `others` (which may overlap each other).
 * Reported against the subject; `verb` says what the overlap means.
 */
export function checkClearOf(subject: NamedWindow, others: NamedWindow[], verb = "overlaps"): ConfigProblem[] {
    return others.filter((o) => windowsOverlap(subject.window, o.window)).map((o) => overlapProblem(o, subject, verb));
}

/**
 * The window in which scheduled jobs may start: `minutes` long from each firing
 * (minute of the week), e.g. an AWS Backup rule's start window.
 */
export function jobStartWindow(text: string, firings: number[], minutes: number): Window {
    return { kind: "weekly", text, minutes, intervals: normalize(firings.flatMap((f) => occurrence(f, minutes))) };
}

/**
 * What one store's two windows are called and how long AWS lets them be. The
 * names are both the keys in the store's section of the stack configuration
 * and the provider's properties of the store's cluster (the config spells them
 * as AWS does), so the same table reads a stack file and a planned resource.
 */
export interface StoreWindowRule {
    /** The backup (snapshot) window, daily. */
    backup: string;
    /** AWS's minimum for it (see MIN_WINDOW_MINUTES). */
    backupMinimumMinutes: number;
    /** The maintenance window, weekly. */
    maintenance: string;
    maintenanceMinimumMinutes: number;
    /** AWS's maximum for the maintenance window (see MAX_WINDOW_MINUTES). */
    maintenanceMaximumMinutes: number;
}

/**
 * Every store's windows, by the store's config section: the one table that
 * config validation (config.ts), the AWS Backup job rule (schema/backup.ts)
 * and the window policies (policy/rules/windows.ts) read.
 */
export const STORE_WINDOWS = {
    aurora: {
        backup: "preferredBackupWindow",
        backupMinimumMinutes: MIN_WINDOW_MINUTES.rdsBackup,
        maintenance: "preferredMaintenanceWindow",
        maintenanceMinimumMinutes: MIN_WINDOW_MINUTES.rdsMaintenance,
        maintenanceMaximumMinutes: MAX_WINDOW_MINUTES.rdsMaintenance,
    },
    documentdb: {
        backup: "preferredBackupWindow",
        backupMinimumMinutes: MIN_WINDOW_MINUTES.rdsBackup,
        maintenance: "preferredMaintenanceWindow",
        maintenanceMinimumMinutes: MIN_WINDOW_MINUTES.rdsMaintenance,
        maintenanceMaximumMinutes: MAX_WINDOW_MINUTES.rdsMaintenance,
    },
    redis: {
        backup: "snapshotWindow",
        backupMinimumMinutes: MIN_WINDOW_MINUTES.elasticacheSnapshot,
        maintenance: "maintenanceWindow",
        maintenanceMinimumMinutes: MIN_WINDOW_MINUTES.elasticacheMaintenance,
        maintenanceMaximumMinutes: MAX_WINDOW_MINUTES.elasticacheMaintenance,
    },
} as const satisfies Record<string, StoreWindowRule>;

export type WindowedStore = keyof typeof STORE_WINDOWS;
export const WINDOWED_STORES = Object.keys(STORE_WINDOWS) as WindowedStore[];

/** One data store's windows as found, with the rule for its service. */
export interface StoreWindows {
    rule: StoreWindowRule;
    /** Absent when the store takes no backups (Redis without snapshots) or the window is unset or unreadable. */
    backup?: NamedWindow;
    /** Absent when unset or unreadable. */
    maintenance?: NamedWindow;
}

/**
 * The rules for one store's windows: each long enough, the maintenance window
 * not too long, and the backup outside the maintenance window.
 */
export function checkStoreWindows(s: StoreWindows): ConfigProblem[] {
    const { rule, backup, maintenance } = s;
    const tooLong = maintenance ? checkMaximumLength(maintenance, rule.maintenanceMaximumMinutes) : [];
    return [
        ...(backup ? checkMinimumLength(backup, rule.backupMinimumMinutes) : []),
        ...(maintenance ? checkMinimumLength(maintenance, rule.maintenanceMinimumMinutes) : []),
        ...tooLong,
        // A maintenance window that is too long (most often one written backwards) overlaps
        // everything; its length is the problem to report, not the overlaps that follow from it.
        ...(tooLong.length > 0 || !backup || !maintenance ? [] : checkNoOverlap([backup, maintenance])),
    ];
}

/**
 * The rules for all windows of one stack: every store's own (checkStoreWindows),
 * and no two stores backing up at the same time (their snapshots would compete
 * for the same I/O and the same operator attention).
 */
export function checkStackWindows(stores: StoreWindows[]): ConfigProblem[] {
    return [...stores.flatMap(checkStoreWindows), ...checkNoOverlap(stores.flatMap((s) => (s.backup ? [s.backup] : [])))];
}
