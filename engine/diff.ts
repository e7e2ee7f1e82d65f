/**
 * What a change to the program does to a stack: two plans of it (base = the
 * stack's state, head = the new program) compared resource by resource (by
 * URN) and property by property, with the step the Pulumi engine would plan.
 *
 * The engine's rules, as this module applies them (Pulumi's resource options,
 * https://www.pulumi.com/docs/iac/concepts/options/, and the step generator,
 * pulumi/pulumi pkg/resource/deploy/step_generator.go):
 * - ignoreChanges (https://www.pulumi.com/docs/iac/concepts/options/ignorechanges/):
 *   the head's paths take the base's value ("the old value from the state
 *   instead of the value provided by the program"); a removed one stays removed.
 *   It has no effect on a new resource.
 * - ForceNew: an input the provider marks ForceNew (engine/provider/<service>.ts,
 *   every type with a spec) that changes makes a REPLACE; for a stateful type it
 *   is a DATA LOSS RISK. A ForceNew input whose value comes from a replaced
 *   resource is unknown during preview, and the provider replaces on it: the
 *   replacement travels along the registration's property dependencies.
 * - replaceOnChanges (https://www.pulumi.com/docs/iac/concepts/options/replaceonchanges/):
 *   a change at or below one of the head's paths ("*": any) replaces.
 * - deleteBeforeReplace (https://www.pulumi.com/docs/iac/concepts/options/deletebeforereplace/):
 *   the head's option; the old resource is deleted before the new one exists.
 * - retainOnDelete (https://www.pulumi.com/docs/iac/concepts/options/retainondelete/):
 *   the delete (or the delete half of a replacement) leaves the cloud resource,
 *   removed from the state: orphaned, not destroyed. The state's (base's) value
 *   counts: DeleteStep.Apply reads `s.old.RetainOnDelete` (pkg/resource/deploy/step.go).
 * - protect (https://www.pulumi.com/docs/iac/concepts/options/protect/): a replace
 *   fails when the resource is protected in the state AND in the program
 *   (step_generator.go: `if new.Protect && old.Protect`, "we do allow unprotecting
 *   and replacing to happen in a single update"); a delete fails when it is
 *   protected in the state (DeleteStep: `s.old.Protect`). Setting protect in the
 *   same change protects only after that update. Such a change is `blocked`.
 * - A masked secret ("[secret]", or a string containing it) cannot be compared:
 *   it never makes a replacement, and is reported as "secret (not compared)".
 */
import { Plan, PlannedResource } from "./plan";
import { specOf } from "./provider/check";
import type { ReplacingProperty, ResourceTypeSpec } from "./provider/spec";
import { StatefulType, terraformArgument } from "./replacements";

export type ChangeKind = "add" | "delete" | "update" | "replace";

/** The masked placeholder of a secret in a plan (engine/stackFile.ts MASKED). */
const MASKED = "[secret]";

export interface PropertyChange {
    /** Dotted path below the inputs ("tags.owner", "rules[0].schedule"), or "(protect)" for the resource option. */
    path: string;
    before: unknown;
    after: unknown;
    /** A side holds a masked secret: what changed is not known, and it replaces nothing. */
    masked?: true;
}

export interface ResourceChange {
    urn: string;
    type: string;
    name: string;
    kind: ChangeKind;
    properties: PropertyChange[];
    /** Why it is replaced, deleted or blocked, one line each. */
    reasons: string[];
    /** Where each replacing input is declared to force a new resource: the provider schema's argument. */
    sources: { argument: string; url: string }[];
    /** Its entry in the replacement table, when it holds state. */
    stateful?: StatefulType;
    /** A stateful resource replaced or deleted (and not retained). */
    dataLossRisk: boolean;
    /** Pulumi's protect option on the existing resource (the state's). */
    protect: boolean;
    /** `pulumi up` (and `pulumi preview`) fails on this change: it deletes or replaces a protected resource. */
    blocked: boolean;
    /** retainOnDelete: the delete (or the replacement's delete) leaves the cloud resource, orphaned. */
    retained: boolean;
    /** deleteBeforeReplace: the replacement deletes the old resource first (downtime until the new one exists). */
    deleteBeforeReplace: boolean;
    /** Paths the head's ignoreChanges holds at the state's value although the program changed them. */
    ignored: string[];
    /** Paths whose value is a masked secret on a side and agrees where visible: "secret (not compared)". */
    notCompared: string[];
}

export interface StackDiff {
    stack: string;
    environment: string;
    protectedEnvironment: boolean;
    /** The stack has no plan on that side (a new or a removed stack). */
    missingBase: boolean;
    missingHead: boolean;
    changes: ResourceChange[];
}

export interface DiffOptions {
    /** The provider facts of a type (ForceNew, stateful); default: engine/provider's specs. */
    specOf?: (type: string) => ResourceTypeSpec | undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

function equal(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether a value holds a masked secret anywhere. */
export function isMasked(v: unknown): boolean {
    if (typeof v === "string") return v.includes(MASKED);
    if (Array.isArray(v)) return v.some(isMasked);
    if (isObject(v)) return Object.values(v).some(isMasked);
    return false;
}

/**
 * "[secret]a" could be "us-east-1a", and "[secret]" could be anything: the
 * visible parts agree, so no change can be seen.
 */
function maskedAgrees(before: unknown, after: unknown): boolean {
    if (before === MASKED || after === MASKED) return true;
    if (typeof before !== "string" || typeof after !== "string") return false;
    if (before.includes(MASKED) && after.includes(MASKED)) return true;
    const [pattern, other] = before.includes(MASKED) ? [before, after] : [after, before];
    const re = new RegExp(`^${pattern.split(MASKED).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[\\s\\S]*")}$`);
    return re.test(other);
}

/** The leaf-level differences between two values; arrays of different lengths count as one change. */
export function propertyChanges(before: unknown, after: unknown, path = ""): PropertyChange[] {
    if (equal(before, after)) return [];
    if (isObject(before) && isObject(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
        return keys.flatMap((k) => propertyChanges(before[k], after[k], path ? `${path}.${k}` : k));
    }
    if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
        return before.flatMap((b, i) => propertyChanges(b, after[i], `${path}[${i}]`));
    }
    return [{ path, before, after, ...(isMasked(before) || isMasked(after) ? { masked: true as const } : {}) }];
}

type Segment = string | number;

/** A Pulumi property path ("tags.owner", "rules[0].schedule", `tags["a.b"]`, "tags.*") as segments. */
export function parsePath(path: string): Segment[] {
    const segments: Segment[] = [];
    const re = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\[\*\]|([^.[\]]+)/g;
    for (let m = re.exec(path); m; m = re.exec(path)) {
        if (m[1] !== undefined) segments.push(Number(m[1]));
        else if (m[2] !== undefined) segments.push(m[2].replace(/\\(.)/g, "$1"));
        else if (m[3] !== undefined) segments.push(m[3]);
        else segments.push("*");
    }
    return segments;
}

/** Whether a change at `changed` is at or below the option's `path` (or above it: the whole value changed). */
function pathCovers(path: string, changed: string): boolean {
    if (path === "*") return true;
    const [p, c] = [parsePath(path), parsePath(changed)];
    for (let i = 0; i < Math.min(p.length, c.length); i++) if (p[i] !== "*" && p[i] !== c[i]) return false;
    return true;
}

function keysOf(v: unknown): Segment[] {
    if (Array.isArray(v)) return v.map((_, i) => i);
    return isObject(v) ? Object.keys(v) : [];
}

/**
 * The head's inputs with every ignoreChanges path set to the state's value, or
 * removed where the state has none (Pulumi's processIgnoreChanges, which resets
 * each path from the old inputs).
 */
export function applyIgnoreChanges(head: Record<string, unknown>, base: Record<string, unknown>, ignoreChanges: string[]): Record<string, unknown> {
    const reset = (h: unknown, b: unknown, segs: Segment[]): unknown => {
        if (segs.length === 0) return b === undefined ? undefined : structuredClone(b);
        const [first, ...rest] = segs;
        if (!isObject(h) && !Array.isArray(h)) return h;
        const out: any = Array.isArray(h) ? [...h] : { ...h };
        const keys = first === "*" ? [...new Set([...keysOf(h), ...keysOf(b)])] : [first];
        for (const k of keys) {
            const next = reset(out[k as any], (b as any)?.[k as any], rest);
            if (next === undefined && !Array.isArray(out)) delete out[k as string];
            else out[k as any] = next;
        }
        return out;
    };
    let inputs: unknown = head;
    for (const path of ignoreChanges) inputs = path === "*" ? structuredClone(base) : reset(inputs, base, parsePath(path));
    return (inputs ?? {}) as Record<string, unknown>;
}

function topProperty(path: string): string {
    return String(parsePath(path)[0] ?? path);
}

function show(v: unknown): string {
    return v === undefined ? "(unset)" : JSON.stringify(v);
}

/** Whether a change of this input makes the provider replace the resource (both sides visible). */
function forcesReplacement(rule: ReplacingProperty, before: unknown, after: unknown, inputs: Record<string, unknown>): boolean {
    const b = before === undefined ? rule.default : before;
    const a = after === undefined ? rule.default : after;
    if (equal(a, b)) return false;
    if (after === undefined && rule.keepsValueWhenRemoved) return false;
    return rule.only ? rule.only.test(before, after, inputs) : true;
}

/** What a type is called in a reason: the stateful name, else the type's last segment. */
function whatOf(type: string, spec: ResourceTypeSpec | undefined): string {
    return spec?.stateful?.what ?? type.split(":").pop() ?? type;
}

interface Context {
    spec: (type: string) => ResourceTypeSpec | undefined;
    base: Map<string, PlannedResource>;
    head: Map<string, PlannedResource>;
}

function compareResource(base: PlannedResource, head: PlannedResource, ctx: Context): ResourceChange | undefined {
    const inputs = applyIgnoreChanges(head.inputs, base.inputs, head.ignoreChanges);
    const ignored = propertyChanges(inputs, head.inputs).map((p) => p.path);
    const notCompared: string[] = [];
    const properties = propertyChanges(base.inputs, inputs).filter((p) => {
        if (p.masked && maskedAgrees(p.before, p.after)) {
            notCompared.push(p.path);
            return false;
        }
        return true;
    });
    for (const option of ["protect", "retainOnDelete", "deleteBeforeReplace"] as const) {
        if (base[option] !== head[option]) properties.push({ path: `(${option})`, before: base[option], after: head[option] });
    }
    if (properties.length === 0) return undefined;
    const spec = ctx.spec(head.type);
    const what = whatOf(head.type, spec);
    const reasons: string[] = [];
    const rules: ReplacingProperty[] = [];
    for (const rule of spec?.forceNew ?? []) {
        const touched = properties.filter((p) => !p.path.startsWith("(") && topProperty(p.path) === rule.property);
        if (touched.length === 0) continue;
        const [before, after] = [base.inputs[rule.property], inputs[rule.property]];
        if (isMasked(before) || isMasked(after)) {
            reasons.push(`${rule.property}: secret (not compared): a masked value replaces nothing here; if it changed, the provider replaces this ${what}`);
            continue;
        }
        if (forcesReplacement(rule, before, after, inputs)) {
            reasons.push(`${rule.property}: ${show(before)} → ${show(after)} forces a new ${what}${rule.only ? ` (when ${rule.only.when})` : ""}`);
            rules.push(rule);
        }
    }
    for (const path of head.replaceOnChanges) {
        const hit = properties.filter((p) => !p.path.startsWith("(") && !p.masked && pathCovers(path, p.path));
        if (hit.length) reasons.push(`replaceOnChanges ${JSON.stringify(path)}: ${hit.map((p) => p.path).join(", ")} changed, which the program says replaces this ${what}`);
    }
    const replaces = rules.length > 0 || reasons.some((r) => r.startsWith("replaceOnChanges"));
    const kept = replaces ? reasons : reasons.filter((r) => r.includes("secret (not compared)"));
    return change(head, replaces ? "replace" : "update", properties, kept, base, ctx, rules, { ignored, notCompared });
}

function change(
    r: PlannedResource,
    kind: ChangeKind,
    properties: PropertyChange[],
    reasons: string[],
    base: PlannedResource | undefined,
    ctx: Context,
    rules: ReplacingProperty[] = [],
    extra: { ignored?: string[]; notCompared?: string[] } = {},
): ResourceChange {
    const spec = ctx.spec(r.type);
    const stateful: StatefulType | undefined = spec?.stateful ? { type: r.type, ...spec.stateful, source: spec.source, properties: spec.forceNew } : undefined;
    const removes = kind === "replace" || kind === "delete";
    const protect = base?.protect ?? false;
    const retained = removes && (base?.retainOnDelete ?? false);
    const deleteBeforeReplace = kind === "replace" && r.deleteBeforeReplace;
    // A replace needs protect lifted in the program or in the state; a delete, in the state.
    const head = kind === "delete" ? undefined : ctx.head.get(r.urn);
    const blocked = removes && protect && (kind === "delete" || head?.protect !== false);
    const out = [...reasons];
    if (blocked) {
        out.push(
            kind === "delete"
                ? `unable to delete resource "${r.urn}" as it is currently marked for protection: pulumi up fails (unprotect it with \`pulumi state unprotect\`, or protect: false in an update first)`
                : `unable to replace resource "${r.urn}" as it is currently marked for protection: pulumi up fails until protect is removed from the program`,
        );
    } else if (removes && protect) {
        out.push("protect is set in the state but removed from the program: Pulumi allows unprotecting and replacing in one update");
    }
    if (retained) out.push(`retainOnDelete: the old ${whatOf(r.type, spec)} is left in the cloud, removed from the stack: orphaned, not destroyed (its cost and data stay until someone deletes it by hand)`);
    if (deleteBeforeReplace) out.push(`deleteBeforeReplace: the old ${whatOf(r.type, spec)} is deleted before the new one is created: downtime until it exists`);
    const dataLossRisk = stateful !== undefined && removes && !retained;
    const sources = rules.map((rule) => ({ argument: terraformArgument(rule), url: spec?.source ?? stateful?.source ?? "" }));
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        kind,
        properties,
        reasons: out,
        sources,
        stateful,
        dataLossRisk,
        protect,
        blocked,
        retained,
        deleteBeforeReplace,
        ignored: extra.ignored ?? [],
        notCompared: extra.notCompared ?? [],
    };
}

/**
 * Replacements travel: a resource whose ForceNew input (or replaceOnChanges
 * path) comes from a replaced resource is replaced too, until nothing more changes.
 * An input the head's ignoreChanges holds at the state's value does not travel.
 */
function propagateReplacements(changes: Map<string, ResourceChange>, ctx: Context): void {
    for (let grew = true; grew; ) {
        grew = false;
        const replaced = new Set([...changes.values()].filter((c) => c.kind === "replace").map((c) => c.urn));
        for (const r of ctx.head.values()) {
            const existing = changes.get(r.urn);
            const base = ctx.base.get(r.urn);
            if (!base || existing?.kind === "replace") continue;
            const spec = ctx.spec(r.type);
            const what = whatOf(r.type, spec);
            const reasons: string[] = [];
            const rules: ReplacingProperty[] = [];
            const fromReplaced = (property: string) =>
                r.ignoreChanges.some((p) => pathCovers(p, property) && parsePath(p).length <= 1) ? [] : (r.propertyDependencies[property] ?? []).filter((u) => replaced.has(u));
            for (const rule of spec?.forceNew ?? []) {
                const from = fromReplaced(rule.property);
                for (const u of from) reasons.push(`${rule.property} comes from ${ctx.head.get(u)?.name ?? u}, which is replaced: its new value is unknown until then, and a new value forces a new ${what}`);
                if (from.length) rules.push(rule);
            }
            for (const path of r.replaceOnChanges) {
                const properties = Object.keys(r.propertyDependencies).filter((p) => pathCovers(path, p));
                const from = [...new Set(properties.flatMap(fromReplaced))];
                if (from.length) reasons.push(`replaceOnChanges ${JSON.stringify(path)}: its value comes from ${from.map((u) => ctx.head.get(u)?.name ?? u).join(", ")}, which is replaced`);
            }
            if (reasons.length === 0) continue;
            changes.set(r.urn, change(r, "replace", existing?.properties ?? [], reasons, base, ctx, rules, { ignored: existing?.ignored, notCompared: existing?.notCompared }));
            grew = true;
        }
    }
}

const ORDER: Record<ChangeKind, number> = { replace: 0, delete: 1, add: 2, update: 3 };

export function diffPlans(base: Plan | undefined, head: Plan | undefined, options: DiffOptions = {}): StackDiff {
    const plan = (head ?? base)!;
    const ctx: Context = {
        spec: options.specOf ?? specOf,
        base: new Map((base?.resources ?? []).map((r) => [r.urn, r])),
        head: new Map((head?.resources ?? []).map((r) => [r.urn, r])),
    };
    const changes = new Map<string, ResourceChange>();
    for (const [urn, h] of ctx.head) {
        const b = ctx.base.get(urn);
        const c = b ? compareResource(b, h, ctx) : change(h, "add", [], [], undefined, ctx);
        if (c) changes.set(urn, c);
    }
    for (const [urn, b] of ctx.base) {
        if (ctx.head.has(urn)) continue;
        const spec = ctx.spec(b.type);
        const reasons = spec?.stateful && !b.retainOnDelete ? [`removed from the program (or renamed without an alias): pulumi up deletes this ${spec.stateful.what}`] : [];
        changes.set(urn, change(b, "delete", [], reasons, b, ctx));
    }
    propagateReplacements(changes, ctx);
    return {
        stack: plan.stack,
        environment: plan.environment,
        protectedEnvironment: plan.protectedEnvironment,
        missingBase: base === undefined,
        missingHead: head === undefined,
        changes: [...changes.values()].sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0)),
    };
}

/** Diffs every stack either side has a plan of, sorted by stack name. */
export function diffPlanSets(base: Map<string, Plan>, head: Map<string, Plan>, options: DiffOptions = {}): StackDiff[] {
    const stacks = [...new Set([...base.keys(), ...head.keys()])].sort();
    return stacks.map((s) => diffPlans(base.get(s), head.get(s), options));
}

/**
 * What `--fail-on-replace` fails on: a change `pulumi up` itself would refuse
 * (blocked by protect), and a replaced or deleted data store in a protected environment.
 */
export function blockingChanges(diff: StackDiff): ResourceChange[] {
    return diff.changes.filter((c) => c.blocked || (c.dataLossRisk && diff.protectedEnvironment));
}

export function countKinds(diff: StackDiff): Record<ChangeKind, number> {
    const n: Record<ChangeKind, number> = { add: 0, delete: 0, update: 0, replace: 0 };
    for (const c of diff.changes) n[c.kind]++;
    return n;
}
