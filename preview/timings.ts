/**
 * Where a preview's time goes (`--timings`): named spans of wall-clock time,
 * per thread, printed to stderr so that stdout's report is unchanged.
 *
 * Times are absolute (performance.timeOrigin + now(), in ms) because every
 * worker thread has its own time origin; the printout puts them relative to
 * the process's start, which is the main thread's origin.
 */
import { threadId } from "worker_threads";

export interface Span {
    /** "main", or "worker <n>". */
    thread: string;
    /** What ran, e.g. "prod: policies". */
    name: string;
    /** What kind of work, for the totals. */
    kind: SpanKind;
    start: number;
    end: number;
}

export const SPAN_KINDS = ["load", "evaluate", "provider rules", "policies", "plan", "render", "write"] as const;
export type SpanKind = (typeof SPAN_KINDS)[number];

const now = () => performance.timeOrigin + performance.now();

export class Timings {
    readonly spans: Span[] = [];
    constructor(readonly thread = threadId === 0 ? "main" : `worker ${threadId}`) {}

    /** Records a span that ran from `start` (absolute ms) until now. */
    since(kind: SpanKind, name: string, start: number): void {
        this.spans.push({ thread: this.thread, name, kind, start, end: now() });
    }

    time<T>(kind: SpanKind, name: string, fn: () => T): T {
        const start = now();
        try {
            return fn();
        } finally {
            this.since(kind, name, start);
        }
    }

    async timeAsync<T>(kind: SpanKind, name: string, fn: () => Promise<T>): Promise<T> {
        const start = now();
        try {
            return await fn();
        } finally {
            this.since(kind, name, start);
        }
    }

    static now = now;
}

/** Spans that record nothing: what the preview passes when --timings is off. */
export const NO_TIMINGS = new (class extends Timings {
    since(): void {}
})();

const ms = (v: number) => `${Math.round(v)}`.padStart(6);

/** The spans as lines: each with its thread, start and end (ms from the process's start) and length; then totals by kind. */
export function formatTimings(spans: Span[], processStart = performance.timeOrigin): string {
    const sorted = [...spans].sort((a, b) => a.start - b.start || a.thread.localeCompare(b.thread));
    const lines = ["timings (wall-clock ms from the process's start):", `  ${"thread".padEnd(10)} ${"from".padStart(6)} ${"to".padStart(6)} ${"took".padStart(6)}  what`];
    for (const s of sorted) lines.push(`  ${s.thread.padEnd(10)} ${ms(s.start - processStart)} ${ms(s.end - processStart)} ${ms(s.end - s.start)}  ${s.name}`);
    const threads = new Set(spans.map((s) => s.thread)).size;
    lines.push(`  totals by kind, summed over ${threads} thread(s):`);
    for (const kind of SPAN_KINDS) {
        const total = spans.filter((s) => s.kind === kind).reduce((n, s) => n + (s.end - s.start), 0);
        if (total > 0) lines.push(`    ${kind.padEnd(15)} ${ms(total)}`);
    }
    return lines.join("\n");
}
