/**
 * AWS Backup schedule expressions: `cron(minutes hours day-of-month month day-of-week year)`,
 * UTC. Parsed into the minutes of the week at which a rule fires, which is
 * what the recovery-point-objective check (how long between two backups) and
 * the window rules (do jobs start inside a maintenance window) need.
 *
 * Supported, as AWS Backup uses them: numbers, `*`, `?`, lists (`,`), ranges
 * (`-`), steps (`/`) in minutes and hours; day-of-week as 1-7 (1 = Sunday) or
 * SUN-SAT, with ranges and lists; day-of-month and month only as `*` or `?`
 * (a monthly or yearly schedule cannot serve an RPO measured in minutes, and
 * saying so is clearer than modelling calendars).
 */
import { MINUTES_PER_DAY, MINUTES_PER_WEEK } from "./windows";

export const SCHEDULE_FORMAT =
    'an AWS Backup cron expression "cron(M H ? * D *)" in UTC with minutes M and hours H as numbers, lists, ranges or steps, day-of-month "?" or "*", month "*", and day-of-week D as "*", "?", 1-7 or SUN-SAT, e.g. "cron(0 5 ? * * *)"';

export class ScheduleFormatError extends Error {}

export interface Schedule {
    text: string;
    /** Minutes of the week (Monday 00:00 = 0, as in windows.ts) at which the rule fires, sorted. */
    firings: number[];
}

const AWS_DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

function field(text: string, raw: string, min: number, max: number, names: string[] = [], offset = 0): number[] {
    const value = (token: string): number => {
        const named = names.indexOf(token.toUpperCase());
        if (named >= 0) return named + offset;
        if (!/^\d+$/.test(token)) throw new ScheduleFormatError(`"${text}": "${token}" is not a number${names.length ? ` or a day name` : ""}`);
        const n = Number(token);
        if (n < min || n > max) throw new ScheduleFormatError(`"${text}": ${n} is outside ${min}-${max}`);
        return n;
    };
    const out = new Set<number>();
    for (const part of raw.split(",")) {
        const [range, stepText] = part.split("/");
        const step = stepText === undefined ? 1 : value(stepText);
        if (step < 1) throw new ScheduleFormatError(`"${text}": step must be at least 1`);
        let from: number;
        let to: number;
        if (range === "*" || range === "?") [from, to] = [min, max];
        else if (range.includes("-")) [from, to] = range.split("-").map(value) as [number, number];
        else [from, to] = [value(range), stepText === undefined ? value(range) : max];
        if (from > to) throw new ScheduleFormatError(`"${text}": range ${range} runs backwards`);
        for (let n = from; n <= to; n += step) out.add(n);
    }
    return [...out].sort((a, b) => a - b);
}

export function parseSchedule(text: string): Schedule {
    const m = /^cron\((.+)\)$/.exec(text.trim());
    const parts = m?.[1].trim().split(/\s+/);
    if (!parts || parts.length !== 6) throw new ScheduleFormatError(`"${text}" is not ${SCHEDULE_FORMAT}`);
    const [min, hour, dom, month, dow] = parts;
    if (!["*", "?"].includes(dom) || month !== "*") {
        throw new ScheduleFormatError(`"${text}": day-of-month must be "?" or "*" and month "*"; expected ${SCHEDULE_FORMAT}`);
    }
    const minutes = field(text, min, 0, 59);
    const hours = field(text, hour, 0, 23);
    // AWS numbers days 1-7 from Sunday; windows.ts counts from Monday = 0.
    const awsDays = dow === "*" || dow === "?" ? [1, 2, 3, 4, 5, 6, 7] : field(text, dow, 1, 7, AWS_DAYS, 1);
    const weekDays = awsDays.map((d) => (d + 5) % 7);
    const firings: number[] = [];
    for (const d of weekDays) for (const h of hours) for (const mi of minutes) firings.push(d * MINUTES_PER_DAY + h * 60 + mi);
    return { text, firings: firings.sort((a, b) => a - b) };
}

/** The longest time between two consecutive firings, wrapping around the week: the worst-case age of the newest backup. */
export function longestGapMinutes(schedule: Schedule): number {
    const f = schedule.firings;
    let gap = MINUTES_PER_WEEK - f[f.length - 1] + f[0];
    for (let i = 1; i < f.length; i++) gap = Math.max(gap, f[i] - f[i - 1]);
    return gap;
}
