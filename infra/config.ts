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
import { AURORA_POSTGRES_INSTANCE_CLASSES, AURORA_POSTGRES_INSTANCE_CLASS_HINT } from "./auroraInstanceClasses";
import {
    MIN_WINDOW_MINUTES,
    NamedWindow,
    WindowFormatError,
    WindowProblem,
    checkMinimumLength,
    checkNoOverlap,
    parseDailyWindow,
    parseWeeklyWindow,
} from "./windows";

/** The Pulumi project name: the namespace of this program's config keys. */
export const PROJECT = "mlops-data";

export const ENVIRONMENTS = ["dev", "staging", "prod", "dr"] as const;

/** Enhanced Monitoring intervals RDS accepts; 0 turns it off. */
export const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;

const awsRegion = z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/, { error: 'must be an AWS region name such as "us-east-1"' });

/** A window string that the windows module can parse; its format message is the module's. */
const windowString = (parse: (text: string) => unknown) =>
    z.string().superRefine((v, ctx) => {
        try {
            parse(v);
        } catch (e) {
            if (!(e instanceof WindowFormatError)) throw e;
            ctx.addIssue({ code: "custom", message: `malformed window: ${e.message}` });
        }
    });
const dailyWindow = windowString(parseDailyWindow);
const weeklyWindow = windowString(parseWeeklyWindow);

const ipv4Cidr = z.string().superRefine((v, ctx) => {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(v);
    if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
        ctx.addIssue({ code: "custom", message: 'must be an IPv4 CIDR block such as "10.20.0.0/16"' });
        return;
    }
    if (Number(m[5]) < 8) {
        ctx.addIssue({
            code: "custom",
            message: `prefix /${m[5]} opens the database to a large part of the internet (0.0.0.0/0 to everyone); allowed: a prefix length from /8 to /32 covering only the clients`,
        });
    }
});

const int = (min: number, max: number, what: string) =>
    z
        .number({ error: `must be a number (${what})` })
        .int({ error: `must be a whole number (${what})` })
        .min(min, { error: `must be from ${min} to ${max} (${what})` })
        .max(max, { error: `must be from ${min} to ${max} (${what})` });

const networkSchema = z.strictObject({
    vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { error: 'must be a VPC id such as "vpc-0123456789abcdef0"' }),
    privateSubnetIds: z
        .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { error: 'must be a subnet id such as "subnet-0123456789abcdef0"' }))
        .min(2, { error: "must list at least 2 private subnets in different availability zones (an RDS subnet group needs two AZs)" })
        .refine((ids) => new Set(ids).size === ids.length, { error: "must not list a subnet twice" }),
    clientSecurityGroupIds: z
        .array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, { error: 'must be a security group id such as "sg-0123456789abcdef0"' }))
        .min(1, { error: "must list at least one client security group allowed to reach the databases" }),
    clientCidrs: z.array(ipv4Cidr).default([]),
});

const tagValue = z.string().min(1, { error: "must not be empty" }).max(256, { error: "must be at most 256 characters (AWS tag limit)" });

const tagsSchema = z.strictObject({
    owner: tagValue,
    costCenter: tagValue,
    dataClassification: z.enum(["public", "internal", "confidential", "restricted"]),
    /** Further tags to put on every resource. */
    extra: z.record(z.string().min(1).max(128), tagValue).default({}),
});

const alarmsSchema = z
    .strictObject({
        /** SNS topic that alarms notify; alarms are still created (visible in the console) without one. */
        topicArn: z
            .string()
            .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, { error: "must be an SNS topic ARN" })
            .optional(),
    })
    .default({});

const auroraAlarmsSchema = z
    .strictObject({
        cpuPercent: int(1, 100, "CPU utilisation percent that raises the alarm").default(80),
        freeableMemoryMiB: int(16, 1_048_576, "MiB of freeable memory below which the alarm is raised").default(512),
        connections: int(1, 262_143, "database connections above which the alarm is raised").default(800),
        replicaLagMs: int(1, 3_600_000, "Aurora replica lag in milliseconds above which the alarm is raised").default(1000),
    })
    .default({ cpuPercent: 80, freeableMemoryMiB: 512, connections: 800, replicaLagMs: 1000 });

const auroraSchema = z.strictObject({
    engineVersion: z.string().regex(/^16\.\d{1,2}$/, { error: 'must be an Aurora PostgreSQL 16 minor version such as "16.6"' }),
    instanceClass: z.string().refine((c) => AURORA_POSTGRES_INSTANCE_CLASSES.has(c), {
        error: `is not an instance class Aurora PostgreSQL 16 offers; allowed: ${AURORA_POSTGRES_INSTANCE_CLASS_HINT}`,
    }),
    instances: int(1, 16, "one writer plus up to 15 readers"),
    databaseName: z
        .string()
        .regex(/^[a-z][a-z0-9_]{0,62}$/, { error: "must start with a letter and hold only a-z, 0-9 and _, at most 63 characters" })
        .default("mlflow"),
    masterUsername: z
        .string()
        .regex(/^[a-z][a-z0-9_]{0,62}$/, { error: "must start with a letter and hold only a-z, 0-9 and _, at most 63 characters" })
        .refine((u) => !/^(rds|pg_)/.test(u) && u !== "postgres", {
            error: 'must not be "postgres" or start with "rds" or "pg_" (reserved by RDS and PostgreSQL)',
        })
        .default("mlflow_admin"),
    port: int(1150, 65535, "TCP port RDS accepts").default(5432),
    backupRetentionDays: int(1, 35, "days of automated backups Aurora keeps"),
    preferredBackupWindow: dailyWindow,
    preferredMaintenanceWindow: weeklyWindow,
    deletionProtection: z.boolean({ error: "must be true or false" }),
    finalSnapshot: z.boolean({ error: "must be true or false" }).default(true),
    performanceInsights: z
        .strictObject({
            enabled: z.boolean({ error: "must be true or false" }),
            retentionDays: z
                .number()
                .refine((d) => d === 7 || d === 731 || (Number.isInteger(d / 31) && d >= 31 && d <= 713), {
                    error: "must be 7, a multiple of 31 up to 713, or 731 (the retention periods RDS offers)",
                })
                .default(7),
        })
        .default({ enabled: false, retentionDays: 7 }),
    monitoringIntervalSeconds: z
        .number()
        .refine((n) => (MONITORING_INTERVALS as readonly number[]).includes(n), {
            error: `must be one of ${MONITORING_INTERVALS.join(", ")} (0 turns Enhanced Monitoring off)`,
        })
        .default(60),
    slowQueryMs: int(0, 60_000, "log_min_duration_statement in milliseconds; the scaling guide's line is 1000").default(1000),
    applyImmediately: z.boolean({ error: "must be true or false" }).default(false),
    alarms: auroraAlarmsSchema,
});

const stackConfigSchema = z
    .strictObject({
        environment: z.enum(ENVIRONMENTS),
        region: awsRegion,
        namePrefix: z
            .string()
            .regex(/^[a-z][a-z0-9-]{1,23}$/, { error: "must be 2-24 characters of a-z, 0-9 and -, starting with a letter" })
            .optional(),
        network: networkSchema,
        tags: tagsSchema,
        alarms: alarmsSchema,
        aurora: auroraSchema,
    });

/**
 * Window rules across fields, for Aurora. They read the raw values so that they
 * are reported even when some unrelated key is wrong too (zod skips object-level
 * refinements once a field fails). Malformed windows are reported field by field
 * by the schema, so they are skipped here.
 */
function auroraWindowProblems(raw: Record<string, unknown>): WindowProblem[] {
    const aurora = raw.aurora as Record<string, unknown> | undefined;
    let backup: NamedWindow;
    let maintenance: NamedWindow;
    try {
        backup = { key: "aurora.preferredBackupWindow", window: parseDailyWindow(String(aurora?.preferredBackupWindow)) };
        maintenance = { key: "aurora.preferredMaintenanceWindow", window: parseWeeklyWindow(String(aurora?.preferredMaintenanceWindow)) };
    } catch (e) {
        if (e instanceof WindowFormatError) return [];
        throw e;
    }
    return [
        ...checkMinimumLength(backup, MIN_WINDOW_MINUTES.backup),
        ...checkMinimumLength(maintenance, MIN_WINDOW_MINUTES.maintenance),
        ...checkNoOverlap([backup, maintenance]),
    ];
}

export type StackConfig = z.output<typeof stackConfigSchema> & { namePrefix: string };
export type AuroraConfig = StackConfig["aurora"];
export type NetworkConfig = StackConfig["network"];

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
    for (const p of auroraWindowProblems(raw)) {
        problems.push({ key: `${PROJECT}:${p.key}`, value: p.value, message: p.message });
    }
    if (!result.success || problems.length > 0) throw new ConfigError(problems);
    const cfg = result.data;
    return { ...cfg, namePrefix: cfg.namePrefix ?? `mlops-${cfg.environment}` };
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
    if (key === "environment" || key === "namePrefix") return text;
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}
