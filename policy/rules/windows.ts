/**
 * Backup and maintenance windows: well-formed, long enough, and apart.
 *
 * What a window is, how long it must be and when two overlap is defined once,
 * in infra/windows.ts; the stack configuration validation uses the same
 * functions, so the program and the policies can never disagree.
 */
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    NamedWindow,
    STORE_WINDOWS,
    StoreWindowRule,
    WINDOWED_STORES,
    Window,
    WindowFormatError,
    WindowedStore,
    checkMinimumLength,
    checkNoOverlap,
    checkStoreWindows,
    parseDailyWindow,
    parseWeeklyWindow,
} from "../../infra/windows";
import { NO_THRESHOLDS, configWithDefaults, schema } from "./lib/config";
import { ofType } from "./lib/references";
import { regionOf } from "./lib/regions";
import { T } from "./lib/types";
import { UNKNOWN, peek } from "./lib/values";

/** The resource that holds each store's windows (infra/windows.ts STORE_WINDOWS), and how messages name it. */
interface WindowedResource {
    label: string;
    rule: StoreWindowRule;
    /** Whether the store takes backups at all with these props (Redis without snapshots has no snapshot window to keep). */
    backsUp: (props: Record<string, any>) => boolean;
}

const STORES: Record<string, WindowedResource> = {
    [T.rdsCluster]: { label: "Aurora cluster", rule: STORE_WINDOWS.aurora, backsUp: () => true },
    [T.docdbCluster]: { label: "DocumentDB cluster", rule: STORE_WINDOWS.documentdb, backsUp: () => true },
    [T.redisGroup]: { label: "ElastiCache replication group", rule: STORE_WINDOWS.redis, backsUp: (p) => (peek(() => p.snapshotRetentionLimit) ?? 0) !== 0 },
};
/** Instances carry their own maintenance window, under the same rule as their cluster's. */
const INSTANCES: Record<string, StoreWindowRule> = { [T.rdsInstance]: STORE_WINDOWS.aurora, [T.docdbInstance]: STORE_WINDOWS.documentdb };

/** "Aurora preferredBackupWindow / preferredMaintenanceWindow (at least 30 / 30 minutes)", for the policy's texts. */
const STORE_NAMES: Record<WindowedStore, string> = { aurora: "Aurora", documentdb: "DocumentDB", redis: "ElastiCache" };
const WINDOW_SUMMARY = WINDOWED_STORES.map((s) => {
    const r = STORE_WINDOWS[s];
    return `${STORE_NAMES[s]} ${r.backup} / ${r.maintenance} (at least ${r.backupMinimumMinutes} / ${r.maintenanceMinimumMinutes} minutes)`;
}).join("; ");

/** A window property as read from a resource: the window, why it is not one, or that it is unset or not known yet. */
type WindowReading = { window?: Window; problem?: string; unset?: boolean; unknown?: boolean };

function parse(props: Record<string, any>, key: string, parser: (t: string) => Window): WindowReading {
    const v = peek(() => props[key]);
    if (v === UNKNOWN) return { unknown: true };
    if (v === undefined || v === null || v === "") return { unset: true };
    try {
        return { window: parser(String(v)) };
    } catch (e) {
        if (e instanceof WindowFormatError) return { problem: `${key} ${e.message}` };
        throw e;
    }
}

const windowsSchema = schema<{ requireExplicitWindows: boolean }>({
    requireExplicitWindows: {
        type: "boolean",
        default: true,
        description: "Windows must be set: otherwise AWS picks a random 30-minute slot, which can land in business hours or on another store's backup.",
    },
});

export const backupAndMaintenanceWindows: ResourceValidationPolicy = {
    name: "backup-and-maintenance-windows",
    description:
        `Backup (snapshot) and maintenance windows of every store are set, well-formed, long enough and not too long, and do not overlap each other: ${WINDOW_SUMMARY}.`,
    enforcementLevel: "mandatory",
    remediationSteps:
        'Set the windows in UTC: backups "hh24:mi-hh24:mi", maintenance "ddd:hh24:mi-ddd:hh24:mi", each at least as long as its service requires ' +
        `(${WINDOW_SUMMARY}), and move one of a store's two windows so they share no minute.`,
    configSchema: windowsSchema,
    validateResource: (args, report) => {
        const props = args.props as Record<string, any>;
        const instance = INSTANCES[args.type];
        if (instance) {
            const m = parse(props, instance.maintenance, parseWeeklyWindow);
            if (m.problem) report(`Instance: ${m.problem}.`);
            else if (m.window) checkMinimumLength({ key: instance.maintenance, window: m.window }, instance.maintenanceMinimumMinutes).forEach((p) => report(`Instance: ${p.key} "${p.value}" ${p.message}.`));
            return;
        }
        const f = STORES[args.type];
        if (!f) return;
        const { requireExplicitWindows } = configWithDefaults(windowsSchema, args);
        const found: Partial<Record<"backup" | "maintenance", NamedWindow>> = {};
        const checks: ["backup" | "maintenance", (t: string) => Window, boolean][] = [
            ["backup", parseDailyWindow, f.backsUp(props)],
            ["maintenance", parseWeeklyWindow, true],
        ];
        for (const [which, parser, applies] of checks) {
            if (!applies) continue;
            const key = f.rule[which];
            const w = parse(props, key, parser);
            if (w.problem) report(`${f.label}: ${w.problem}.`);
            else if (w.unset && requireExplicitWindows) report(`${f.label}: ${key} is not set, so AWS picks one at random.`);
            else if (w.window) found[which] = { key, window: w.window };
        }
        for (const p of checkStoreWindows({ rule: f.rule, ...found })) report(`${f.label}: ${p.key} "${p.value}" ${p.message}.`);
    },
};

export const backupWindowsStaggered: StackValidationPolicy = {
    name: "backup-windows-staggered",
    description: "The backup and snapshot windows of the stack's stores do not overlap one another, so backups never compete for the same minutes.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Give each store of a region its own backup slot: move one of the overlapping backup (snapshot) windows so that they share no minute, " +
        "e.g. one store's backups starting when the other's end.",
    configSchema: NO_THRESHOLDS,
    validateStack: (args, report) => {
        // Backups compete for I/O and snapshot bandwidth within a region; stores in
        // another region (a DR secondary) keep their own schedule.
        const byRegion = new Map<string, (NamedWindow & { r: PolicyResource })[]>();
        for (const [type, f] of Object.entries(STORES)) {
            for (const r of ofType(args.resources, type)) {
                if (!f.backsUp(r.props)) continue;
                const w = parse(r.props, f.rule.backup, parseDailyWindow);
                const region = regionOf(r) ?? "(unknown)";
                if (w.window) byRegion.set(region, [...(byRegion.get(region) ?? []), { key: `${f.label} ${r.name} ${f.rule.backup}`, window: w.window, r }]);
            }
        }
        for (const named of byRegion.values()) {
            for (const p of checkNoOverlap(named)) {
                const r = named.find((n) => n.key === p.key)!.r;
                report(`${p.key} "${p.value}" ${p.message}.`, r.urn);
            }
        }
    },
};
