/**
 * The stack configuration: one typed, validated schema for everything that
 * differs between environments. Every value comes from
 * `stacks/Pulumi.<stack>.yaml`; the program never branches on the stack name.
 *
 * `parseStackConfig` is pure (raw values in, typed config or every problem
 * out), so it is tested without the Pulumi runtime; `loadStackConfig` reads the
 * raw values from Pulumi config and runs before any resource is declared.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { auroraSchema } from "./schema/aurora";
import { awsRegion, backupSchema, recoverySchema } from "./schema/backup";
import { documentDbSchema } from "./schema/documentdb";
import { alarmsSchema, networkSchema, tagsSchema } from "./schema/network";
import { recoveryProblems } from "./recovery";
import { redisSchema } from "./schema/redis";
import { drSchema, namePrefix, replicationSchema } from "./schema/replication";
import { kubernetesSchema } from "./schema/kubernetes";
import { MIN_WINDOW_MINUTES, StoreWindows, WindowFormatError, WindowProblem, checkStackWindows, parseDailyWindow, parseWeeklyWindow } from "./windows";

/** The Pulumi project name: the namespace of this program's config keys. */
export const PROJECT = "mlops-data";

export const ENVIRONMENTS = ["dev", "staging", "prod", "dr"] as const;

/**
 * One schema for every stack. The store sections are optional here because the
 * `dr` stack inherits them from the primary stack; `presenceProblems` says which
 * sections each kind of stack must and must not have.
 */
const stackConfigSchema = z.strictObject({
    environment: z.enum(ENVIRONMENTS),
    region: awsRegion,
    namePrefix: namePrefix.optional(),
    network: networkSchema,
    tags: tagsSchema,
    alarms: alarmsSchema,
    aurora: auroraSchema.optional(),
    documentdb: documentDbSchema.optional(),
    redis: redisSchema.optional(),
    recovery: recoverySchema.optional(),
    backup: backupSchema.optional(),
    replication: replicationSchema.optional(),
    dr: drSchema.optional(),
    kubernetes: kubernetesSchema.optional(),
    /** A kubeconfig for the cluster (set it with `pulumi config set --secret kubeconfig`); without it, the ambient one. */
    kubeconfig: z.string().min(1).optional(),
});

/** Sections a primary stack must have and the `dr` stack takes from its primary. */
const PRIMARY_SECTIONS = ["aurora", "documentdb", "redis", "recovery", "backup"] as const;

/** Which sections each kind of stack must have and must not have. */
function presenceProblems(raw: Record<string, unknown>): ConfigProblem[] {
    const env = raw.environment;
    if (!(ENVIRONMENTS as readonly unknown[]).includes(env)) return [];
    const problem = (section: string, message: string): ConfigProblem => ({ key: `${PROJECT}:${section}`, value: undefined, showValue: false, message });
    if (env === "dr") {
        return [
            ...(raw.dr === undefined ? [problem("dr", "is required in the dr environment: the primary stack to follow and the mode (missing)")] : []),
            ...[...PRIMARY_SECTIONS, "replication" as const]
                .filter((s) => raw[s] !== undefined)
                .map((s) => problem(s, "does not belong in the dr environment: the dr stack takes it from its primary stack (dr.primaryStack); remove it")),
        ];
    }
    return [
        ...PRIMARY_SECTIONS.filter((s) => raw[s] === undefined).map((s) => ({ key: `${PROJECT}:${s}`, value: undefined, message: "is required" })),
        ...(raw.dr !== undefined ? [problem("dr", `applies to the dr environment only, not ${String(env)}; remove it`)] : []),
    ];
}

/** Where each store keeps its two windows in the config, and the minimum lengths its service allows. */
const STORE_WINDOW_KEYS = [
    {
        store: "aurora",
        backup: "preferredBackupWindow",
        backupMinimumMinutes: MIN_WINDOW_MINUTES.rdsBackup,
        maintenance: "preferredMaintenanceWindow",
        maintenanceMinimumMinutes: MIN_WINDOW_MINUTES.rdsMaintenance,
    },
    {
        store: "documentdb",
        backup: "preferredBackupWindow",
        backupMinimumMinutes: MIN_WINDOW_MINUTES.rdsBackup,
        maintenance: "preferredMaintenanceWindow",
        maintenanceMinimumMinutes: MIN_WINDOW_MINUTES.rdsMaintenance,
    },
    {
        store: "redis",
        backup: "snapshotWindow",
        backupMinimumMinutes: MIN_WINDOW_MINUTES.elasticacheSnapshot,
        maintenance: "maintenanceWindow",
        maintenanceMinimumMinutes: MIN_WINDOW_MINUTES.elasticacheMaintenance,
    },
] as const;

/**
 * The window rules across all stores of the stack (see checkStackWindows). They
 * read the raw values so that they are reported even when some unrelated key
 * is wrong too (zod skips object-level refinements once a field fails). A store
 * whose windows are missing or malformed is left out: the schema reports those
 * field by field.
 */
function stackWindowProblems(raw: Record<string, unknown>): WindowProblem[] {
    const stores: StoreWindows[] = [];
    for (const k of STORE_WINDOW_KEYS) {
        const section = raw[k.store] as Record<string, unknown> | undefined;
        try {
            stores.push({
                store: k.store,
                backup: { key: `${k.store}.${k.backup}`, window: parseDailyWindow(String(section?.[k.backup])) },
                backupMinimumMinutes: k.backupMinimumMinutes,
                maintenance: { key: `${k.store}.${k.maintenance}`, window: parseWeeklyWindow(String(section?.[k.maintenance])) },
                maintenanceMinimumMinutes: k.maintenanceMinimumMinutes,
            });
        } catch (e) {
            if (!(e instanceof WindowFormatError)) throw e;
        }
    }
    return checkStackWindows(stores);
}

type Parsed = z.output<typeof stackConfigSchema>;
type Section<K extends keyof Parsed> = NonNullable<Parsed[K]>;
/** What every stack has. */
type Common = Omit<Parsed, (typeof PRIMARY_SECTIONS)[number] | "replication" | "dr" | "namePrefix"> & { namePrefix: string };

/** dev, staging, prod: a stack that owns its stores. */
export type PrimaryStackConfig = Common & {
    kind: "primary";
    aurora: Section<"aurora">;
    documentdb: Section<"documentdb">;
    redis: Section<"redis">;
    recovery: Section<"recovery">;
    backup: Section<"backup">;
    replication?: Section<"replication">;
};

/** The `dr` stack: follows a primary stack and takes its store settings from it. */
export type DrStackConfig = Common & { kind: "dr"; dr: Section<"dr"> };

export type StackConfig = PrimaryStackConfig | DrStackConfig;
export type AuroraConfig = PrimaryStackConfig["aurora"];
export type DocumentDbConfig = PrimaryStackConfig["documentdb"];
export type RedisConfig = PrimaryStackConfig["redis"];
export type BackupConfig = PrimaryStackConfig["backup"];
export type RecoveryConfig = PrimaryStackConfig["recovery"];
export type ReplicationConfig = Section<"replication">;
export type DrConfig = Section<"dr">;
export type KubernetesConfig = Section<"kubernetes">;
export type NetworkConfig = PrimaryStackConfig["network"];

/** One thing wrong with the configuration. */
export interface ConfigProblem {
    /** The full Pulumi config key, e.g. "mlops-data:aurora.backupRetentionDays". */
    key: string;
    /** The value found; undefined when the key is missing. */
    value: unknown;
    message: string;
    /** False when the problem is about keys rather than one value (e.g. unknown keys). */
    showValue?: boolean;
}

export class ConfigError extends Error {
    constructor(public readonly problems: ConfigProblem[]) {
        super(
            `invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was created:\n` +
                problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

function formatProblem(p: ConfigProblem): string {
    if (p.showValue === false) return `${p.key}: ${p.message}`;
    const got = p.value === undefined ? "missing" : `got ${JSON.stringify(p.value)}`;
    return `${p.key}: ${p.message} (${got})`;
}

/** Maps a schema path to the key a user types in `pulumi config set`. */
function configKey(path: PropertyKey[]): string {
    if (path.length === 0) return PROJECT;
    const [head, ...rest] = path.map(String);
    const base = head === "region" ? "aws:region" : `${PROJECT}:${head}`;
    return rest.reduce((k, p) => (/^\d+$/.test(p) ? `${k}[${p}]` : `${k}.${p}`), base);
}

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
    let v: unknown = raw;
    for (const p of path) {
        if (v === null || typeof v !== "object") return undefined;
        v = (v as Record<PropertyKey, unknown>)[p];
    }
    return v;
}

/** Gathers every issue zod found, including nested union/key issues, as problems. */
function toProblems(raw: unknown, issues: z.core.$ZodIssue[]): ConfigProblem[] {
    return issues.flatMap((issue): ConfigProblem | ConfigProblem[] => {
        const value = "input" in issue && issue.input !== undefined ? issue.input : valueAt(raw, issue.path);
        const key = configKey(issue.path);
        switch (issue.code) {
            case "invalid_type":
                if (value === undefined) return { key, value, message: "is required" };
                // Keep the schema's own wording where it has one; replace zod's generic text.
                return { key, value, message: issue.message.startsWith("Invalid input") ? `must be ${article(issue.expected)}` : issue.message };
            case "unrecognized_keys":
                if (issue.path.length === 0) {
                    return issue.keys.map((k) => ({
                        key: `${PROJECT}:${k}`,
                        value: undefined,
                        showValue: false,
                        message: `unknown key; allowed: ${allowedKeysAt([]).join(", ")}`,
                    }));
                }
                return {
                    key,
                    value,
                    showValue: false,
                    message: `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}; allowed: ${allowedKeysAt(issue.path).join(", ")}`,
                };
            case "invalid_value":
                if (!issue.message.startsWith("Invalid")) return { key, value, message: issue.message };
                return { key, value, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}` };
            default:
                return { key, value, message: issue.message };
        }
    });
}

/** The keys the schema allows at a path, for "unknown key" messages. */
function allowedKeysAt(path: PropertyKey[]): string[] {
    // Walks zod's definitions through defaults and optionals down to the object at `path`.
    let node: any = stackConfigSchema;
    const unwrap = () => {
        while (node?._zod?.def?.innerType) node = node._zod.def.innerType;
    };
    unwrap();
    for (const p of path) {
        node = node?._zod?.def?.shape?.[p];
        unwrap();
    }
    return Object.keys(node?._zod?.def?.shape ?? {}).map((k) => (path.length === 0 && k === "region" ? "aws:region" : k));
}

function article(type: string): string {
    if (type === "int") return "a whole number";
    if (type === "object") return "a mapping";
    if (type === "array") return "a list";
    return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/**
 * Validates raw configuration values (as they appear in the stack file, with
 * `region` standing for `aws:region`). Throws ConfigError listing every problem.
 */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
    const result = stackConfigSchema.safeParse(raw, { reportInput: true });
    const problems = result.success ? [] : toProblems(raw, result.error.issues);
    problems.push(...presenceProblems(raw));
    for (const p of stackWindowProblems(raw)) {
        problems.push({ key: `${PROJECT}:${p.key}`, value: p.value, message: p.message });
    }
    if (!result.success || problems.length > 0) throw new ConfigError(problems);
    const { replication, dr, namePrefix: prefix, aurora, documentdb, redis, recovery, backup, ...common } = result.data;
    const base = { ...common, namePrefix: prefix ?? `mlops-${common.environment}` };
    if (dr) return { ...base, kind: "dr", dr };
    const cfg: PrimaryStackConfig = {
        ...base,
        kind: "primary",
        aurora: aurora!,
        documentdb: documentdb!,
        redis: redis!,
        recovery: recovery!,
        backup: backup!,
        replication,
    };
    // The recovery rules read several sections at once, so they run on a config that passed the schema.
    const recoveryIssues = recoveryProblems(cfg).map((p) => ({ key: `${PROJECT}:${p.key}`, value: p.value, message: p.message }));
    if (recoveryIssues.length > 0) throw new ConfigError(recoveryIssues);
    return cfg;
}

/** Reads this stack's configuration from Pulumi config and validates it. */
export function loadStackConfig(): StackConfig {
    const raw: Record<string, unknown> = { region: new pulumi.Config("aws").get("region") };
    // Every key of this project's namespace, so that a misspelt top-level key is
    // reported as unknown instead of silently ignored.
    for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
        if (!fullKey.startsWith(`${PROJECT}:`)) continue;
        const key = fullKey.slice(PROJECT.length + 1);
        raw[key] = parseConfigValue(key, text);
    }
    return parseStackConfig(raw);
}

/** Structured values arrive as JSON text, plain strings as they are; the schema judges either. */
function parseConfigValue(key: string, text: string): unknown {
    if (key === "environment" || key === "namePrefix" || key === "kubeconfig") return text;
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}
