/**
 * The provider-rules layer: every custom resource of a plan checked against
 * its type's rules (engine/provider/<service>.ts). A violation is what
 * `pulumi preview` (provider rules) or `pulumi up` (AWS rules) would fail on:
 * the resource's URN, the property and the rule's message.
 */
import type { Plan, PlannedResource } from "../plan";
import { ResourceTypeSpec, RuleContext, RuleOrigin } from "./spec";
import { SPECS } from "./index";

export interface ProviderViolation {
    urn: string;
    type: string;
    property: string;
    rule: string;
    origin: RuleOrigin;
    message: string;
    source: string;
}

const BY_TYPE = new Map<string, ResourceTypeSpec>(SPECS.map((s) => [s.type, s]));

export function specOf(type: string): ResourceTypeSpec | undefined {
    return BY_TYPE.get(type);
}

/** The region a resource lands in: its own `region` input (provider v7), else its explicit provider's, else the stack's. */
function regionOf(r: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>, stackRegion: string): string {
    if (typeof r.inputs.region === "string") return r.inputs.region;
    const providerUrn = r.provider?.split("::").slice(0, 4).join("::");
    const provider = providerUrn ? byUrn.get(providerUrn) : undefined;
    return typeof provider?.inputs.region === "string" ? provider.inputs.region : stackRegion;
}

export interface CheckResult {
    violations: ProviderViolation[];
    /** Custom resource types of the plan that have no spec: nothing was checked for them. */
    uncheckedTypes: string[];
}

export function checkResources(resources: PlannedResource[], stackRegion: string): CheckResult {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const violations: ProviderViolation[] = [];
    const unchecked = new Set<string>();
    for (const r of resources) {
        if (!r.custom || r.type === "pulumi:pulumi:StackReference") continue;
        const spec = BY_TYPE.get(r.type);
        if (!spec) {
            unchecked.add(r.type);
            continue;
        }
        const ctx: RuleContext = {
            resource: r,
            region: regionOf(r, byUrn, stackRegion),
            byUrn,
            sourceOf: (property, type) =>
                (r.propertyDependencies[property] ?? []).map((u) => byUrn.get(u)).find((d) => d?.type === type),
        };
        for (const rule of spec.rules) {
            const message = rule.check(r.inputs, ctx);
            if (message !== undefined) {
                violations.push({ urn: r.urn, type: r.type, property: rule.property, rule: rule.id, origin: rule.origin, message, source: rule.source });
            }
        }
    }
    return { violations, uncheckedTypes: [...unchecked].sort() };
}

export function checkPlan(plan: Plan): CheckResult {
    return checkResources(plan.resources, plan.region);
}

/** One line per violation, as `pulumi preview` would name it. */
export function formatViolation(v: ProviderViolation): string {
    const what = v.origin === "provider" ? "the provider refuses it at preview" : "AWS refuses it at create/update";
    return `${v.urn}: ${v.property}: ${v.message} [${v.rule}; ${what}; ${v.source}]`;
}
