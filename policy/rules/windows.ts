/**
 * Backup and maintenance windows: well-formed, long enough, and apart.
 *
 * What a window is, how long it must be and when two overlap is defined once,
 * in infra/windows.ts; the stack configuration validation uses the same
 * functions, so the program and the policies can never disagree.
 */
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    MIN_WINDOW_MINUTES,
    NamedWindow,
    Window,
    WindowFormatError,
    checkMinimumLength,
    checkNoOverlap,
    parseDailyWindow,
    parseWeeklyWindow,
} from "../../infra/windows";
import { NO_THRESHOLDS, configWithDefaults, schema } from "./lib/config";
import { ofType } from "./lib/references";
import { regionOf } from "./lib/regions";
import { T } from "./lib/types";
import { UNKNOWN, peek } from "./lib/values";

/** Where each store keeps its windows. */
interface WindowFields {
    backup: string;
    maintenance: string;
    backupMinimum: number;
    maintenanceMinimum: number;
    /** Whether the store takes backups at all with these props (Redis without snapshots has no snapshot window to keep). */
    backsUp: (props: Record<string, any>) => boolean;
}

const STORES: Record<string, WindowFields & { store: string }> = {
    [T.rdsCluster]: { store: "Aurora cluster", backup: "preferredBackupWindow", maintenance: "preferredMaintenanceWindow", backupMinimum: MIN_WINDOW_MINUTES.rdsBackup, maintenanceMinimum: MIN_WINDOW_MINUTES.rdsMaintenance, backsUp: () => true },
    [T.docdbCluster]: { store: "DocumentDB cluster", backup: "preferredBackupWindow", maintenance: "preferredMaintenanceWindow", backupMinimum: MIN_WINDOW_MINUTES.rdsBackup, maintenanceMinimum: MIN_WINDOW_MINUTES.rdsMaintenance, backsUp: () => true },
    [T.redisGroup]: {
        store: "ElastiCache replication group",
        backup: "snapshotWindow",
        maintenance: "maintenanceWindow",
        backupMinimum: MIN_WINDOW_MINUTES.elasticacheSnapshot,
        maintenanceMinimum: MIN_WINDOW_MINUTES.elasticacheMaintenance,
        backsUp: (p) => (peek(() => p.snapshotRetentionLimit) ?? 0) !== 0,
    },
};
const INSTANCE_TYPES = new Set<string>([T.rdsInstance, T.docdbInstance]);

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
        "Backup (snapshot) and maintenance windows of every store are set, well-formed, long enough (30 min; ElastiCache snapshots and maintenance 60 min) and do not overlap each other.",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Set the windows in UTC: backups "hh24:mi-hh24:mi", maintenance "ddd:hh24:mi-ddd:hh24:mi", and move one of them so they share no minute. ' +
        "For this repo's stores, the stack file's aurora.preferredBackupWindow / preferredMaintenanceWindow.",
    configSchema: windowsSchema,
    validateResource: (args, report) => {
        const props = args.props as Record<string, any>;
        if (INSTANCE_TYPES.has(args.type)) {
            const m = parse(props, "preferredMaintenanceWindow", parseWeeklyWindow);
            if (m.problem) report(`Instance: ${m.problem}.`);
            else if (m.window) checkMinimumLength({ key: "preferredMaintenanceWindow", window: m.window }, MIN_WINDOW_MINUTES.rdsMaintenance).forEach((p) => report(`Instance: ${p.key} "${p.value}" ${p.message}.`));
            return;
        }
        const f = STORES[args.type];
        if (!f) return;
        const { requireExplicitWindows } = configWithDefaults(windowsSchema, args);
        const named: NamedWindow[] = [];
        const checks: [string, (t: string) => Window, number, boolean][] = [
            [f.backup, parseDailyWindow, f.backupMinimum, f.backsUp(props)],
            [f.maintenance, parseWeeklyWindow, f.maintenanceMinimum, true],
        ];
        for (const [key, parser, minimum, applies] of checks) {
            if (!applies) continue;
            const w = parse(props, key, parser);
            if (w.problem) report(`${f.store}: ${w.problem}.`);
            else if (w.unset && requireExplicitWindows) report(`${f.store}: ${key} is not set, so AWS picks one at random.`);
            else if (w.window) {
                named.push({ key, window: w.window });
                for (const p of checkMinimumLength({ key, window: w.window }, minimum)) report(`${f.store}: ${p.key} "${p.value}" ${p.message}.`);
            }
        }
        for (const p of checkNoOverlap(named)) report(`${f.store}: ${p.key} "${p.value}" ${p.message}.`);
    },
};

export const backupWindowsStaggered: StackValidationPolicy = {
    name: "backup-windows-staggered",
    description: "The backup and snapshot windows of the stack's stores do not overlap one another, so backups never compete for the same minutes.",
    enforcementLevel: "mandatory",
    remediationSteps: "Give each store its own backup slot (this repo: Aurora 02:00-02:30, DocumentDB 02:30-03:00, Redis snapshots 03:00-04:00 UTC).",
    configSchema: NO_THRESHOLDS,
    validateStack: (args, report) => {
        // Backups compete for I/O and snapshot bandwidth within a region; stores in
        // another region (a DR secondary) keep their own schedule.
        const byRegion = new Map<string, (NamedWindow & { r: PolicyResource })[]>();
        for (const [type, f] of Object.entries(STORES)) {
            for (const r of ofType(args.resources, type)) {
                if (!f.backsUp(r.props)) continue;
                const w = parse(r.props, f.backup, parseDailyWindow);
                const region = regionOf(r) ?? "(unknown)";
                if (w.window) byRegion.set(region, [...(byRegion.get(region) ?? []), { key: `${f.store} ${r.name} ${f.backup}`, window: w.window, r }]);
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
