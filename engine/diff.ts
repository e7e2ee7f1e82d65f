/**
 * What a change to the program does to a stack: two plans of it (base and
 * head) compared resource by resource (by URN) and property by property.
 *
 * A stateful resource (engine/replacements.ts) whose change touches a
 * property that forces a new resource is a REPLACE, and so is one whose such
 * property takes its value from a resource being replaced (during
 * `pulumi preview` that value is unknown, and the provider replaces on an
 * unknown value of such a property). A removed stateful resource is a DELETE.
 * Both put data at risk.
 */
import { Plan, PlannedResource } from "./plan";
import { ReplacingProperty, StatefulType, statefulType, terraformArgument } from "./replacements";

export type ChangeKind = "add" | "delete" | "update" | "replace";

export interface PropertyChange {
    /** Dotted path below the inputs ("tags.owner", "rules[0].schedule"), or "(protect)" for the resource option. */
    path: string;
    before: unknown;
    after: unknown;
}

export interface ResourceChange {
    urn: string;
    type: string;
    name: string;
    kind: ChangeKind;
    properties: PropertyChange[];
    /** Why it is replaced or deleted, one line each. */
    reasons: string[];
    /** Where each replacing input is declared to force a new resource: the provider schema's argument. */
    sources: { argument: string; url: string }[];
    /** Its entry in the replacement table, when it holds state. */
    stateful?: StatefulType;
    /** A stateful resource replaced or deleted. */
    dataLossRisk: boolean;
    /** Pulumi's protect option on the existing resource: `pulumi up` refuses to delete it. */
    protect: boolean;
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

function isObject(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

function equal(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
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
    return [{ path, before, after }];
}

function topProperty(path: string): string {
    return path.split(/[.[]/)[0];
}

function show(v: unknown): string {
    return v === undefined ? "(unset)" : JSON.stringify(v);
}

/** Whether a change of this input, per the table, makes the provider replace the resource. */
function forcesReplacement(rule: ReplacingProperty, before: unknown, after: unknown, inputs: Record<string, unknown>): boolean {
    const b = before === undefined ? rule.default : before;
    const a = after === undefined ? rule.default : after;
    if (equal(a, b)) return false;
    if (after === undefined && rule.keepsValueWhenRemoved) return false;
    return rule.only ? rule.only.test(before, after, inputs) : true;
}

function compareResource(base: PlannedResource, head: PlannedResource): ResourceChange | undefined {
    const properties = propertyChanges(base.inputs, head.inputs);
    if (base.protect !== head.protect) properties.push({ path: "(protect)", before: base.protect, after: head.protect });
    if (properties.length === 0) return undefined;
    const stateful = statefulType(head.type);
    const reasons: string[] = [];
    const rules: ReplacingProperty[] = [];
    for (const rule of stateful?.properties ?? []) {
        const touched = properties.some((p) => topProperty(p.path) === rule.property);
        if (touched && forcesReplacement(rule, base.inputs[rule.property], head.inputs[rule.property], head.inputs)) {
            reasons.push(`${rule.property}: ${show(base.inputs[rule.property])} → ${show(head.inputs[rule.property])} forces a new ${stateful!.what}${rule.only ? ` (when ${rule.only.when})` : ""}`);
            rules.push(rule);
        }
    }
    return change(head, reasons.length ? "replace" : "update", properties, reasons, base.protect, rules);
}

function change(r: PlannedResource, kind: ChangeKind, properties: PropertyChange[], reasons: string[], protect: boolean, rules: ReplacingProperty[] = []): ResourceChange {
    const stateful = statefulType(r.type);
    const dataLossRisk = stateful !== undefined && (kind === "replace" || kind === "delete");
    const sources = rules.map((rule) => ({ argument: terraformArgument(rule), url: stateful!.source }));
    return { urn: r.urn, type: r.type, name: r.name, kind, properties, reasons, sources, stateful, dataLossRisk, protect };
}

/**
 * Replacements travel: a stateful resource whose replacing input comes from a
 * replaced resource is replaced too (until nothing more changes).
 */
function propagateReplacements(changes: Map<string, ResourceChange>, base: Map<string, PlannedResource>, head: Map<string, PlannedResource>): void {
    for (let grew = true; grew; ) {
        grew = false;
        const replaced = new Set([...changes.values()].filter((c) => c.kind === "replace").map((c) => c.urn));
        for (const r of head.values()) {
            const stateful = statefulType(r.type);
            const existing = changes.get(r.urn);
            if (!stateful || !base.has(r.urn) || existing?.kind === "replace") continue;
            const reasons: string[] = [];
            const rules: ReplacingProperty[] = [];
            for (const rule of stateful.properties) {
                const from = (r.propertyDependencies[rule.property] ?? []).filter((u) => replaced.has(u));
                for (const u of from) reasons.push(`${rule.property} comes from ${head.get(u)?.name ?? u}, which is replaced: its new value is unknown until then, and a new value forces a new ${stateful.what}`);
                if (from.length) rules.push(rule);
            }
            if (reasons.length === 0) continue;
            changes.set(r.urn, change(r, "replace", existing?.properties ?? [], reasons, base.get(r.urn)!.protect, rules));
            grew = true;
        }
    }
}

const ORDER: Record<ChangeKind, number> = { replace: 0, delete: 1, add: 2, update: 3 };

export function diffPlans(base: Plan | undefined, head: Plan | undefined): StackDiff {
    const plan = (head ?? base)!;
    const baseResources = new Map((base?.resources ?? []).map((r) => [r.urn, r]));
    const headResources = new Map((head?.resources ?? []).map((r) => [r.urn, r]));
    const changes = new Map<string, ResourceChange>();
    for (const [urn, h] of headResources) {
        const b = baseResources.get(urn);
        const c = b ? compareResource(b, h) : change(h, "add", [], [], false);
        if (c) changes.set(urn, c);
    }
    for (const [urn, b] of baseResources) {
        if (headResources.has(urn)) continue;
        const stateful = statefulType(b.type);
        const reasons = stateful ? [`removed from the program (or renamed without an alias): pulumi up deletes this ${stateful.what}`] : [];
        changes.set(urn, change(b, "delete", [], reasons, b.protect));
    }
    propagateReplacements(changes, baseResources, headResources);
    for (const c of changes.values()) {
        if (c.dataLossRisk && c.protect) c.reasons.push("protect is set on it: pulumi up refuses to delete it and fails until protect is lifted");
    }
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
export function diffPlanSets(base: Map<string, Plan>, head: Map<string, Plan>): StackDiff[] {
    const stacks = [...new Set([...base.keys(), ...head.keys()])].sort();
    return stacks.map((s) => diffPlans(base.get(s), head.get(s)));
}

/** A replaced or deleted data store where that is an incident: what `--fail-on-replace` fails on. */
export function blockingChanges(diff: StackDiff): ResourceChange[] {
    return diff.changes.filter((c) => c.dataLossRisk && (diff.protectedEnvironment || c.protect));
}

export function countKinds(diff: StackDiff): Record<ChangeKind, number> {
    const n: Record<ChangeKind, number> = { add: 0, delete: 0, update: 0, replace: 0 };
    for (const c of diff.changes) n[c.kind]++;
    return n;
}
