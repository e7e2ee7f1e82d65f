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
import { pagingProblems } from "./schema/alarms";
import { ENVIRONMENTS, stackConfigSchema } from "./schema/stack";
import { backupPlanProblems } from "./schema/backup";
import { replicationProblems } from "./schema/replication";
import { ALLOWED_CIDRS_PROPERTY, INGRESS_POLICY, approvedClientCidrs } from "./policyConfig";
import type { ConfigProblem } from "./problems";
import { recoveryProblems } from "./recovery";
import { STORE_WINDOWS, StoreWindows, WINDOWED_STORES, WindowFormatError, checkStackWindows, parseDailyWindow, parseWeeklyWindow } from "./windows";

/** The Pulumi project name: the namespace of this program's config keys. */
export const PROJECT = "mlops-data";

export { ENVIRONMENTS } from "./schema/stack";
export type { ConfigProblem } from "./problems";

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

/**
 * The window rules across all stores of the stack (see checkStackWindows). They
 * read the raw values so that they are reported even when some unrelated key
 * is wrong too (zod skips object-level refinements once a field fails). A store
 * whose windows are missing or malformed is left out: the schema reports those
 * field by field.
 */
function stackWindowProblems(raw: Record<string, unknown>): ConfigProblem[] {
    const stores: StoreWindows[] = [];
    for (const store of WINDOWED_STORES) {
        const rule = STORE_WINDOWS[store];
        const section = raw[store] as Record<string, unknown> | undefined;
        try {
            stores.push({
                rule,
                backup: { key: `${store}.${rule.backup}`, window: parseDailyWindow(String(section?.[rule.backup])) },
                maintenance: { key: `${store}.${rule.maintenance}`, window: parseWeeklyWindow(String(section?.[rule.maintenance])) },
            });
        } catch (e) {
            if (!(e instanceof WindowFormatError)) throw e;
        }
    }
    return checkStackWindows(stores);
}

/** The stack schema's output, before it is sorted into a primary or a dr stack's config. */
type ParsedStackConfig = z.output<typeof stackConfigSchema>;
type Section<K extends keyof ParsedStackConfig> = NonNullable<ParsedStackConfig[K]>;
/** What every stack has. */
type Common = Omit<ParsedStackConfig, (typeof PRIMARY_SECTIONS)[number] | "replication" | "dr" | "namePrefix"> & { namePrefix: string };

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
export type KubernetesConfig = Section<"kubernetes">;
export type NetworkConfig = PrimaryStackConfig["network"];

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

/** How YAML writes NaN and the infinities (the stack file reader keeps them as written). */
const NON_FINITE_YAML = /^[-+]?\.(nan|inf)$/i;

/** Gathers every issue zod found, including nested union/key issues, as problems. */
function toProblems(raw: unknown, issues: z.core.$ZodIssue[]): ConfigProblem[] {
    return issues.flatMap((issue): ConfigProblem | ConfigProblem[] => {
        const value = "input" in issue && issue.input !== undefined ? issue.input : valueAt(raw, issue.path);
        const key = configKey(issue.path);
        switch (issue.code) {
            case "invalid_type":
                if (value === undefined) return { key, value, message: "is required" };
                if (issue.expected === "number" && typeof value === "string" && NON_FINITE_YAML.test(value)) {
                    return { key, value, message: `${issue.message.startsWith("Invalid input") ? "must be a number" : issue.message}; ${value} is YAML for a value that is not a finite number` };
                }
                // Keep the schema's own wording where it has one; replace zod's generic text.
                return { key, value, message: issue.message.startsWith("Invalid input") ? `must be ${article(issue.expected)}` : issue.message };
            case "unrecognized_keys":
                if (issue.path.length === 0) {
                    return issue.keys.map((k) => ({
                        key: `${PROJECT}:${k}`,
                        value: undefined,
                        showValue: false,
                        message: `unknown key; ${didYouMean(`${PROJECT}:${k}`, knownConfigKeys())}allowed: ${allowedKeysAt([]).join(", ")}`,
                    }));
                }
                return {
                    key,
                    value,
                    showValue: false,
                    message:
                        `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}; ` +
                        issue.keys.map((k) => didYouMean(k, allowedKeysAt(issue.path))).join("") +
                        `allowed: ${allowedKeysAt(issue.path).join(", ")}`,
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
 * Each client CIDR must be approved in the policy config of the stack's
 * environment, exactly as written (the policy compares strings): otherwise the
 * mandatory policy would refuse the ingress rules the program declares for it.
 */
function clientCidrProblems(environment: string, cidrs: string[]): ConfigProblem[] {
    if (cidrs.length === 0) return [];
    const approved = approvedClientCidrs(environment);
    const where = `"${INGRESS_POLICY}": { "${ALLOWED_CIDRS_PROPERTY}": [...] } in policy/config/${environment}.json`;
    return cidrs.flatMap((cidr, i) => {
        if ("cidrs" in approved && approved.cidrs.includes(cidr)) return [];
        const why =
            "problem" in approved
                ? approved.problem
                : `it is not in ${where} (approved there now: ${approved.cidrs.length ? approved.cidrs.join(", ") : "none"})`;
        return [
            {
                key: `${PROJECT}:network.clientCidrs[${i}]`,
                value: cidr,
                message:
                    `is not an approved client network: ${why}; the mandatory policy ${INGRESS_POLICY} would refuse the ingress rules for it. ` +
                    `Allowed: a CIDR listed, exactly as written, both here and in ${where} (a reviewer approves it there), or the client's security group in network.clientSecurityGroupIds`,
            },
        ];
    });
}

/**
 * Validates raw configuration values (as they appear in the stack file, with
 * `region` standing for `aws:region`). Throws ConfigError listing every problem.
 */
export function parseStackConfig(raw: Record<string, unknown>, keyProblems: ConfigProblem[] = []): StackConfig {
    const result = stackConfigSchema.safeParse(raw, { reportInput: true });
    const problems = [...keyProblems, ...(result.success ? [] : toProblems(raw, result.error.issues))];
    problems.push(...presenceProblems(raw));
    for (const p of stackWindowProblems(raw)) {
        problems.push({ key: `${PROJECT}:${p.key}`, value: p.value, message: p.message });
    }
    if (result.success) problems.push(...clientCidrProblems(result.data.environment, result.data.network.clientCidrs));
    if (result.success) {
        for (const p of pagingProblems(result.data.environment, result.data.alarms)) problems.push({ key: `${PROJECT}:${p.key}`, value: undefined, showValue: false, message: p.message });
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
    // These rules read several sections at once, so they run on a config that passed the schema.
    const recoveryIssues = [...recoveryProblems(cfg), ...backupPlanProblems(cfg), ...replicationProblems(cfg)].map((p) => ({ key: `${PROJECT}:${p.key}`, value: p.value, message: p.message }));
    if (recoveryIssues.length > 0) throw new ConfigError(recoveryIssues);
    return cfg;
}

/**
 * AWS provider settings the program accepts in stack config: only the region.
 * Every other key of node_modules/@pulumi/aws/config/vars.d.ts is refused, on
 * purpose: stack config configures only the default provider, while the DR
 * region's explicit provider (dataPlatform.ts) takes its settings from its
 * arguments, so `aws:profile`, `aws:assumeRoles` or `aws:allowedAccountIds`
 * would silently apply to one region and not the other; and `aws:defaultTags`
 * would add tags past the tag checks (tags.extra). Credentials come from the
 * environment (AWS_PROFILE, a CI role), which both providers read alike.
 */
export const AWS_CONFIG_KEYS = ["aws:region"] as const;

/** Keys that hold credentials: the only ones that may be, and must be, secret (`pulumi config set --secret`). */
export const SECRET_CONFIG_KEYS = [`${PROJECT}:kubeconfig`] as const;

/** Every full config key a stack file may hold, for "unknown key" messages. */
export function knownConfigKeys(): string[] {
    return [...AWS_CONFIG_KEYS, ...allowedKeysAt([]).filter((k) => k !== "aws:region").map((k) => `${PROJECT}:${k}`)];
}

/** Optimal string alignment distance: edits, with a swap of two neighbours counting as one. */
function editDistance(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}

/** The known key closest to a misspelt one, when it is close enough to be the one meant. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
    let best: { key: string; distance: number } | undefined;
    for (const k of known) {
        const distance = editDistance(key.toLowerCase(), k.toLowerCase());
        if (!best || distance < best.distance) best = { key: k, distance };
    }
    return best && best.distance <= Math.max(2, Math.floor(key.length / 5)) ? best.key : undefined;
}

const didYouMean = (key: string, known: readonly string[]) => {
    const k = closestKey(key, known);
    return k ? `did you mean ${k}? ` : "";
};

/**
 * Sorts the runtime's config entries ("namespace:key" to text) into the raw
 * values the schema judges, and reports what the schema cannot see: keys
 * outside this project's namespace and aws:region, and secrets where they do
 * not belong (or credentials that are not secret). Pure: the secret keys are
 * passed in (the runtime knows them; see loadStackConfig).
 */
export function rawConfigFrom(entries: Record<string, string>, secretKeys: readonly string[]): { raw: Record<string, unknown>; problems: ConfigProblem[] } {
    const raw: Record<string, unknown> = {};
    const problems: ConfigProblem[] = [];
    const known = knownConfigKeys();
    const unknown = (key: string, why: string) =>
        problems.push({ key, value: undefined, showValue: false, message: `unknown key${why}; ${didYouMean(key, known)}allowed: ${known.join(", ")}` });
    for (const [fullKey, text] of Object.entries(entries)) {
        const colon = fullKey.indexOf(":");
        const namespace = colon < 0 ? "" : fullKey.slice(0, colon);
        const key = fullKey.slice(colon + 1);
        if (fullKey === "aws:region") {
            raw.region = text;
        } else if (namespace === PROJECT) {
            // "region" is the schema's name for aws:region, never a key of this namespace.
            if (key === "region") problems.push({ key: fullKey, value: undefined, showValue: false, message: `unknown key; did you mean aws:region? allowed: ${known.join(", ")}` });
            else raw[key] = parseConfigValue(key, text);
        } else if (namespace === "aws") {
            unknown(fullKey, ": the only AWS provider setting a stack may hold is aws:region (credentials and accounts come from the environment, so that the DR region's provider uses the same)");
        } else {
            unknown(fullKey, namespace ? ` (namespace "${namespace}" is neither this project's, "${PROJECT}", nor "aws")` : ` (no "namespace:" prefix)`);
        }
    }
    for (const key of secretKeys) {
        if ((SECRET_CONFIG_KEYS as readonly string[]).includes(key) || !(key in entries)) continue;
        problems.push({
            key,
            value: undefined,
            showValue: false,
            message:
                `holds a secret (secure:) value, but only credentials may be secret (${SECRET_CONFIG_KEYS.join(", ")}): ` +
                `a secret here would be masked as [secret] wherever it is used (tags, plans, diffs); set it in plaintext, ` +
                `with pulumi config set (--path for a nested key) and without --secret`,
        });
    }
    for (const key of SECRET_CONFIG_KEYS) {
        if (key in entries && !secretKeys.includes(key)) {
            problems.push({
                key,
                value: undefined,
                showValue: false,
                message: `is a credential and must be a secret, not plaintext in the stack file: set it with pulumi config set --secret ${key.slice(PROJECT.length + 1)} "$(cat kubeconfig)"`,
            });
        }
    }
    return { raw, problems };
}

/**
 * Reads this stack's configuration from Pulumi config and validates it: every
 * key the runtime holds (under `pulumi up`, exactly the stack's config; under
 * the offline engine, the stack file's), so that no key is silently ignored.
 */
export function loadStackConfig(): StackConfig {
    const entries = pulumi.runtime.allConfig();
    const { raw, problems } = rawConfigFrom(entries, Object.keys(entries).filter(isConfigSecret));
    return parseStackConfig(raw, problems);
}

/**
 * Whether the runtime holds a key as a secret. The SDK knows (PULUMI_CONFIG_SECRET_KEYS,
 * set by the language host under `pulumi up` and by setAllConfig under mocks)
 * but exports the check only from its runtime module, untyped; the SDK version
 * is pinned, and this fails loudly if the function goes away.
 */
function isConfigSecret(key: string): boolean {
    const check = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
    if (typeof check !== "function") throw new Error("@pulumi/pulumi no longer exports runtime.isConfigSecret; infra/config.ts must follow it");
    return check(key);
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
