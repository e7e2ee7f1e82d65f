/**
 * Policy pack configuration, handled as the Pulumi engine handles
 * `--policy-pack-config <file>`: the file maps a policy name (or "all") to an
 * enforcement level, or to an object of config properties with an optional
 * `enforcementLevel`. The engine starts from each policy's defaults (its
 * enforcement level and the schema's `default` values), applies "all", then
 * each policy's entry, and validates the result against the policy's schema.
 *
 * One difference, on purpose: the engine ignores names it does not know (a
 * misspelt policy or property silently configures nothing). Here they are
 * errors, checked against every pack of the repository, since one file serves
 * both packs.
 */
import type { ConfigProblem } from "../../infra/problems";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { CONFIG_DIR, PACKS } from "./packs";

export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];

export interface PolicyConfigEntry {
    enforcementLevel?: EnforcementLevel;
    properties: Record<string, unknown>;
}
export type PolicyPackConfig = Record<string, PolicyConfigEntry>;

/** What a pack says about one of its policies (GetAnalyzerInfo). */
export interface PolicyInfo {
    name: string;
    enforcementLevel: EnforcementLevel;
    configSchema?: { properties: Record<string, any>; required?: string[] };
}

export class PolicyConfigError extends Error {
    constructor(
        public readonly source: string,
        public readonly problems: ConfigProblem[],
    ) {
        super(
            `invalid policy pack configuration ${source} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p.key}: ${p.message}${p.value === undefined ? "" : ` (got ${JSON.stringify(p.value)})`}`).join("\n"),
        );
        this.name = "PolicyConfigError";
    }
}

function isLevel(v: unknown): v is EnforcementLevel {
    return typeof v === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(v);
}

/** Environments that have a config file, sorted. */
export function listConfigEnvironments(dir = CONFIG_DIR): string[] {
    return fs.readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort();
}

export function configFileFor(environment: string, dir = CONFIG_DIR): string {
    const file = path.join(dir, `${environment}.json`);
    if (!fs.existsSync(file)) {
        throw new PolicyConfigError(file, [
            { key: "environment", value: environment, message: `has no policy config file; environments with one: ${listConfigEnvironments(dir).join(", ")}` },
        ]);
    }
    return file;
}

export function readConfigFile(file: string): PolicyPackConfig {
    let raw: unknown;
    try {
        raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new PolicyConfigError(file, [{ key: "(file)", value: undefined, message: `is not readable JSON: ${(e as Error).message}` }]);
    }
    return parseConfig(raw, file);
}

/** The engine's reading of a config document, plus the stricter name checks described above. */
export function parseConfig(raw: unknown, source = "(config)"): PolicyPackConfig {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        throw new PolicyConfigError(source, [{ key: "(file)", value: raw, message: "must be a JSON object mapping policy names to settings" }]);
    }
    const known = new Map(PACKS.flatMap((p) => p.policies.map((pol) => [pol.name, Object.keys(pol.configSchema?.properties ?? {})] as const)));
    const problems: ConfigProblem[] = [];
    const out: PolicyPackConfig = {};
    for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
        if (name !== "all" && !known.has(name)) {
            problems.push({ key: name, value: undefined, message: `is not a policy of ${PACKS.map((p) => p.name).join(" or ")}; policies: all, ${[...known.keys()].sort().join(", ")}` });
            continue;
        }
        if (typeof v === "string") {
            if (isLevel(v)) out[name] = { enforcementLevel: v, properties: {} };
            else problems.push({ key: name, value: v, message: `is not an enforcement level; allowed: ${ENFORCEMENT_LEVELS.join(", ")}` });
            continue;
        }
        if (v === null || typeof v !== "object" || Array.isArray(v)) {
            problems.push({ key: name, value: v, message: "must be an enforcement level or an object of config properties" });
            continue;
        }
        const { enforcementLevel, ...properties } = v as Record<string, unknown>;
        if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) {
            problems.push({ key: `${name}.enforcementLevel`, value: enforcementLevel, message: `allowed: ${ENFORCEMENT_LEVELS.join(", ")}` });
        }
        const allowed = name === "all" ? [] : known.get(name)!;
        for (const k of Object.keys(properties)) {
            if (!allowed.includes(k)) {
                problems.push({ key: `${name}.${k}`, value: undefined, message: `is not a config property of ${name}; allowed: enforcementLevel${allowed.length ? ", " + allowed.join(", ") : ""}` });
            }
        }
        out[name] = { enforcementLevel: isLevel(enforcementLevel) ? enforcementLevel : undefined, properties };
    }
    if (problems.length) throw new PolicyConfigError(source, problems);
    return out;
}

/**
 * `code.optimize: false`: skips ajv's passes over the validator source it generates (ajv 8.20,
 * dist/compile/codegen/index.js optimizeNodes and optimizeNames: they drop empty blocks and
 * inline names, leaving what the code checks unchanged), which cost more than they save here:
 * each of the 29 distinct schemas is compiled once per process and then
 * validates a handful of objects per stack; compiling took 85 ms with them, 60 ms without
 * (docs/benchmarks/2026-12-03-bench-preview.md).
 */
const ajv = new Ajv({ allErrors: true, strict: true, code: { optimize: false } });
const compiled = new Map<string, ReturnType<typeof ajv.compile>>();

function validatorFor(schema: object) {
    const key = JSON.stringify(schema);
    let v = compiled.get(key);
    if (!v) compiled.set(key, (v = ajv.compile(schema)));
    return v;
}

/**
 * Defaults, then "all", then each policy's entry; validated against the
 * policy's schema (with `enforcementLevel` added, as the engine adds it).
 * Returns the configuration the engine would send with Configure.
 */
export function reconcile(policies: PolicyInfo[], given: PolicyPackConfig, source = "(config)"): Record<string, Required<PolicyConfigEntry>> {
    const result: Record<string, Required<PolicyConfigEntry>> = {};
    for (const p of policies) {
        const defaults = Object.fromEntries(
            Object.entries(p.configSchema?.properties ?? {})
                .filter(([, s]) => s && typeof s === "object" && "default" in s)
                .map(([k, s]) => [k, s.default]),
        );
        result[p.name] = { enforcementLevel: given.all?.enforcementLevel ?? p.enforcementLevel, properties: defaults };
        const entry = given[p.name];
        if (entry) {
            if (entry.enforcementLevel) result[p.name].enforcementLevel = entry.enforcementLevel;
            result[p.name].properties = { ...defaults, ...entry.properties };
        }
    }
    const problems: ConfigProblem[] = [];
    for (const p of policies) {
        const validate = validatorFor({
            type: "object",
            properties: { ...(p.configSchema?.properties ?? {}), enforcementLevel: { type: "string", enum: [...ENFORCEMENT_LEVELS] } },
            ...(p.configSchema?.required?.length ? { required: p.configSchema.required } : {}),
        });
        if (!validate(result[p.name].properties)) {
            for (const e of validate.errors ?? []) {
                const prop = e.instancePath.replace(/^\//, "").replace(/\//g, ".");
                const value = prop ? prop.split(".").reduce<any>((v, k) => v?.[k], result[p.name].properties) : undefined;
                const allowed = e.params && "allowedValues" in e.params ? `; allowed: ${(e.params.allowedValues as unknown[]).join(", ")}` : "";
                problems.push({ key: prop ? `${p.name}.${prop}` : p.name, value, message: `${e.message}${allowed}` });
            }
        }
    }
    if (problems.length) throw new PolicyConfigError(source, problems);
    return result;
}

/** The key of a stack file naming the stack's environment. */
const ENVIRONMENT_KEY = "mlops-data:environment";

/**
 * The policy config file the packs run with for a stack: its environment's,
 * policy/config/<environment>.json, whatever the stack is called (the program
 * never branches on the stack's name). The offline preview and policy run pass
 * the stack's environment to evaluatePolicies, which takes configFileFor of it;
 * the CI workflows ask this through policy/offline/configFile.ts.
 */
export function configFileForStack(stack: { file: string; config: Record<string, string> }, dir = CONFIG_DIR): string {
    const environment = stack.config[ENVIRONMENT_KEY];
    if (!environment) {
        throw new PolicyConfigError(stack.file, [{ key: ENVIRONMENT_KEY, value: undefined, message: "is required: the policy config file is chosen by the stack's environment" }]);
    }
    return configFileFor(environment, dir);
}
