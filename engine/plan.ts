/**
 * The plan file: what one stack declares, as the offline engine recorded it,
 * with every secret masked, in a stable order (resources by URN, keys sorted),
 * so that two plans of the same program are byte-identical and two plans of
 * different revisions diff into what a pull request changes.
 */
import * as fs from "fs";
import { MASKED, StackFileConfig } from "./stackFile";
import { RecordedResource, StackEvaluation, isSecret, maskSecrets } from "./mockEngine";
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

export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    /** Provider reference ("urn::id"), when the resource names one. */
    provider?: string;
    custom: boolean;
    protect: boolean;
    ignoreChanges: string[];
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

/** Plaintext secret values that reached resource inputs: what must never be printed. */
export function secretValues(resources: RecordedResource[]): Set<string> {
    const found = new Set<string>();
    const leaves = (v: unknown): void => {
        if (typeof v === "string") found.add(v);
        else if (Array.isArray(v)) v.forEach(leaves);
        else if (v !== null && typeof v === "object") Object.values(v).forEach(leaves);
    };
    const stated = new Set<string>();
    const walk = (v: unknown): void => {
        if (isSecret(v)) leaves(unwrap(v.value));
        else if (typeof v === "string") stated.add(v);
        else if (Array.isArray(v)) v.forEach(walk);
        else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
    };
    for (const r of resources) walk(r.rawInputs);
    // Short values would match ordinary words; the program's secrets are generated passwords and tokens.
    // A value the program also states outside any secret (a host name or a region inside a
    // Kubernetes Secret, say) is not a secret, and masking it would only garble the output.
    for (const s of found) if (s.length < 8 || s === MASKED || stated.has(s)) found.delete(s);
    return found;
}

function unwrap(v: unknown): unknown {
    if (isSecret(v)) return unwrap(v.value);
    if (Array.isArray(v)) return v.map(unwrap);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, unwrap(e)]));
    return v;
}

/** Replaces every occurrence of a secret value in a text by "[secret]". */
export function redact(text: string, secrets: Set<string>): string {
    let out = text;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASKED);
    return out;
}

function redactDeep<T>(value: T, secrets: Set<string>): T {
    if (typeof value === "string") return redact(value, secrets) as T;
    if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as T;
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)])) as T;
    }
    return value;
}

export function buildPlan(ev: StackEvaluation, stackConfig: StackFileConfig, violations: PolicyViolation[] | null): Plan {
    const secrets = secretValues(ev.resources);
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

export function planText(plan: Plan): string {
    return stableStringify(plan);
}

export function writePlan(file: string, plan: Plan): void {
    fs.writeFileSync(file, planText(plan));
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
    return p as Plan;
}
