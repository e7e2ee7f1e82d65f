/**
 * The plan file: what one stack declares, as the offline engine recorded it,
 * with every secret masked, in a stable order (resources by URN, keys sorted),
 * so that two plans of the same program are byte-identical and two plans of
 * different revisions diff into what a pull request changes.
 */
import * as fs from "fs";
import { MASKED, StackFileConfig } from "./stackFile";
import type { RecordedResource, RegisteredResource, StackEvaluation } from "./mockEngine";
import { isSecret, maskSecrets } from "./secrets";
import { isProtectedEnvironment } from "./protection";
import { stableStringify } from "./stableJson";

export const PLAN_FORMAT = "mlops-data/offline-plan@1";

/** One finding of a policy pack, as a plan records it (the packs' runner, policy/offline/, produces them). */
export interface PolicyViolation {
    policyPack: string;
    policyPackVersion: string;
    policyName: string;
    enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
    message: string;
    /** The resource it is about; undefined for a finding about the stack as a whole. */
    urn?: string;
}

/** One resource of a plan; options absent from plan files written before they were recorded read as their defaults. */
export interface PlannedResource extends RegisteredResource {
    /** Inputs as the program declared them, each secret replaced by "[secret]". */
    inputs: Record<string, unknown>;
    /** Dotted paths of the inputs that are secrets. */
    secretPaths: string[];
    /** URNs it depends on, sorted. */
    dependencies: string[];
    /** For each input, the URNs its value came from (sorted): what a replacement propagates along. */
    propertyDependencies: Record<string, string[]>;
}

export interface Plan {
    format: typeof PLAN_FORMAT;
    stack: string;
    project: string;
    /** The stack's `environment` config. */
    environment: string;
    region: string;
    /** Whether a stateful replacement here fails `--fail-on-replace` (see engine/protection.ts). */
    protectedEnvironment: boolean;
    resources: PlannedResource[];
    /** Stack outputs; a secret output is "[secret]" as a whole. */
    outputs: Record<string, unknown>;
    /** The policy packs' findings; null when they were not run (a plan made only to diff against). */
    violations: PolicyViolation[] | null;
}

export class PlanFileError extends Error {}

/** The generator of the program's credentials: its `result` (and `bcryptHash`) are secret by Pulumi's schema. */
const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
const STACK_REFERENCE = "pulumi:pulumi:StackReference";

/**
 * A key under which a secret holds a credential: "masterPassword", "authToken",
 * "secretString", "password", "PGPASSWORD", "sqlalchemyUrl" is not one (it holds a
 * password, which is redacted on its own). Identifiers of secrets are not
 * credentials ("secretArn", "kmsKeyId").
 */
const CREDENTIAL_KEY = /pass(word|wd)?|token|secret|credential|private|api.?key/i;
const IDENTIFIER_KEY = /(arn|arns|id|ids|name|names)$/i;

/** The shortest value substring redaction replaces: a shorter one would match ordinary words and garble them. */
const MIN_REDACTED_LENGTH = 8;

/**
 * Plaintext secrets that reached the stack: what must never be printed, and
 * what redaction replaces wherever it appears, even inside a longer string.
 *
 * Only credentials count, not everything that travels inside a secret: a
 * Kubernetes Secret's stringData or the DR handoff is secret as a whole and
 * also carries host names, ports and the region. Replacing those substrings
 * garbled ordinary values ("us-east-1a" became "[secret]a", and an ARN lost its
 * region), and a diff against such a plan reported replacements that are not
 * there (issue 13, defect 6). The credentials are
 * - what a random.RandomPassword generated (the program's passwords and tokens);
 * - leaves under a credential key (CREDENTIAL_KEY) inside a secret input, or
 *   inside a secret output of a referenced stack (the DR stack's passwords).
 * A secret input as a whole is still masked where it is an input (maskSecrets),
 * whatever it holds; stack-file `secure:` values never reach the engine in
 * plaintext (engine/stackFile.ts).
 */
export function secretValues(resources: RecordedResource[]): Set<string> {
    const found = new Set<string>();
    const credentials = (v: unknown, key: string, inCredential: boolean): void => {
        // A key judges the string (or list of strings) it holds; an object's fields are judged by their own keys.
        const here = inCredential || (CREDENTIAL_KEY.test(key) && !IDENTIFIER_KEY.test(key));
        if (isSecret(v)) credentials(v.value, key, here);
        else if (typeof v === "string") {
            if (here) found.add(v);
        } else if (Array.isArray(v)) v.forEach((e) => credentials(e, key, here));
        else if (v !== null && typeof v === "object") for (const [k, e] of Object.entries(v)) credentials(e, k, false);
    };
    const secretLeaves = (v: unknown, key: string): void => {
        if (isSecret(v)) credentials(v.value, key, false);
        else if (Array.isArray(v)) v.forEach((e) => secretLeaves(e, key));
        else if (v !== null && typeof v === "object") for (const [k, e] of Object.entries(v)) secretLeaves(e, k);
    };
    for (const r of resources) {
        secretLeaves(r.rawInputs, "");
        if (r.type === RANDOM_PASSWORD) {
            for (const k of ["result", "bcryptHash"]) if (typeof r.outputs?.[k] === "string") found.add(r.outputs[k]);
        }
        if (r.type === STACK_REFERENCE) {
            const outputs = (r.outputs?.outputs ?? {}) as Record<string, unknown>;
            for (const name of (r.outputs?.secretOutputNames ?? []) as string[]) credentials(outputs[name], name, false);
        }
    }
    for (const s of found) if (s.length < MIN_REDACTED_LENGTH || s.includes(MASKED)) found.delete(s);
    return found;
}

/** Replaces every occurrence of a secret value in a text by "[secret]". */
export function redact(text: string, secrets: Set<string>): string {
    let out = text;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASKED);
    return out;
}

/**
 * A copy of `value` with every string redacted. A string shorter than the shortest secret
 * cannot hold one, so it is kept as it is without a search per secret: nearly all of a plan's
 * strings are such (names, regions, ports), and a plan has thousands.
 */
function redactDeep<T>(value: T, secrets: Set<string>, shortest = shortestLength(secrets)): T {
    if (typeof value === "string") return (value.length < shortest ? value : redact(value, secrets)) as T;
    if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets, shortest)) as T;
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets, shortest)])) as T;
    }
    return value;
}

function shortestLength(secrets: Set<string>): number {
    let n = Infinity;
    for (const s of secrets) n = Math.min(n, s.length);
    return n;
}

/** `secrets`: secretValues(ev.resources), when the caller has it already. */
export function buildPlan(ev: StackEvaluation, stackConfig: StackFileConfig, violations: PolicyViolation[] | null, secrets = secretValues(ev.resources)): Plan {
    const environment = stackConfig.config["mlops-data:environment"] ?? "";
    const secretOutputs = new Set(ev.secretOutputs);
    const resources = ev.resources
        .map(
            (r): PlannedResource => ({
                urn: r.urn,
                type: r.type,
                name: r.name,
                parent: r.parent,
                provider: r.provider,
                custom: r.custom,
                protect: r.protect,
                ignoreChanges: [...r.ignoreChanges].sort(),
                deleteBeforeReplace: r.deleteBeforeReplace ?? false,
                replaceOnChanges: [...(r.replaceOnChanges ?? [])].sort(),
                retainOnDelete: r.retainOnDelete ?? false,
                inputs: maskSecrets(r.rawInputs) as Record<string, unknown>,
                secretPaths: [...r.secretPaths].sort(),
                dependencies: [...new Set(r.dependencies ?? [])].sort(),
                propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, urns]) => [k, [...new Set(urns)].sort()])),
            }),
        )
        .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
    const outputs = Object.fromEntries(Object.entries(ev.outputs).map(([k, v]) => [k, secretOutputs.has(k) ? MASKED : v]));
    return redactDeep(
        {
            format: PLAN_FORMAT,
            stack: ev.stack,
            project: ev.project,
            environment,
            region: stackConfig.config["aws:region"] ?? "us-east-1",
            protectedEnvironment: isProtectedEnvironment(environment),
            resources,
            outputs,
            violations,
        },
        secrets,
    );
}

/**
 * What buildPlan(ev, stackConfig, violations, secrets) returns, given `plan`, buildPlan's result
 * for the same evaluation without findings: the resources and outputs are computed once per
 * stack, not again once the packs have run (the preview builds the plan before the provider
 * rules and needs it again with the findings). The findings are redacted as buildPlan redacts them.
 */
export function withViolations(plan: Plan, violations: PolicyViolation[] | null, secrets: Set<string>): Plan {
    return { ...plan, violations: redactDeep(violations, secrets) };
}

export function planText(plan: Plan): string {
    return stableStringify(plan);
}

/** Reads and checks a plan file; a file that is not one is bad input (PlanFileError). */
export function readPlan(file: string): Plan {
    let raw: unknown;
    try {
        raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        const reason = (e as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `is not readable JSON (${(e as Error).message})`;
        throw new PlanFileError(`plan file ${file} ${reason}`);
    }
    const p = raw as Partial<Plan> | null;
    if (p?.format !== PLAN_FORMAT) {
        throw new PlanFileError(`${file} is not a plan file: "format" must be "${PLAN_FORMAT}" (got ${JSON.stringify(p?.format)}); write one with make preview`);
    }
    if (typeof p.stack !== "string" || !Array.isArray(p.resources) || p.resources.some((r) => typeof r?.urn !== "string" || typeof r.type !== "string")) {
        throw new PlanFileError(`${file} is not a complete plan file: it needs "stack" and "resources" with a "urn" and "type" each`);
    }
    // Plan files written before the resource options were recorded lack them: the options' defaults.
    const resources = p.resources.map((r) => ({
        ...r,
        protect: r.protect ?? false,
        ignoreChanges: r.ignoreChanges ?? [],
        deleteBeforeReplace: r.deleteBeforeReplace ?? false,
        replaceOnChanges: r.replaceOnChanges ?? [],
        retainOnDelete: r.retainOnDelete ?? false,
        inputs: r.inputs ?? {},
        secretPaths: r.secretPaths ?? [],
        dependencies: r.dependencies ?? [],
        propertyDependencies: r.propertyDependencies ?? {},
    }));
    return { ...(p as Plan), resources };
}
