/**
 * Following references between resources in stack policies.
 *
 * A cluster names its parameter group, an instance its cluster, a backup
 * selection the clusters it covers. During preview those values are often
 * unknown (outputs of resources not yet created), but the engine tells stack
 * policies which resources each property's value came from
 * (`propertyDependencies`). So a reference is followed by dependency first and
 * by known value second.
 */
import { PolicyResource } from "@pulumi/policy";
import { UNKNOWN, cannotDecideWithout, knownList, peek } from "./values";

export function ofType(resources: PolicyResource[], ...types: string[]): PolicyResource[] {
    return resources.filter((r) => types.includes(r.type));
}

/** The values a reference property holds (one, or a list), as far as they are known. */
function referenceValues(from: PolicyResource, property: string): string[] {
    const v = peek(() => from.props[property]);
    if (v === UNKNOWN || v === undefined || v === null) return [];
    if (Array.isArray(v)) return knownList(() => from.props[property] as unknown[]).items.filter((x): x is string => typeof x === "string");
    return typeof v === "string" ? [v] : [];
}

/**
 * The candidates `from.props[property]` points at: those its value came from
 * (property dependencies), else those with a known identifier equal to one of
 * its values. `identifiers` lists a candidate's identifying properties (name,
 * id, ARN ...), read from its outputs.
 */
export function referencedBy(
    from: PolicyResource,
    property: string,
    candidates: PolicyResource[],
    identifiers: (c: PolicyResource) => unknown[],
): PolicyResource[] {
    const deps = new Set((from.propertyDependencies[property] ?? []).map((d) => d.urn));
    const byDependency = candidates.filter((c) => deps.has(c.urn));
    if (byDependency.length > 0) return byDependency;
    const values = new Set(referenceValues(from, property));
    if (values.size === 0) return [];
    return candidates.filter((c) => identifiers(c).some((id) => typeof id === "string" && values.has(id)));
}

/** Known identifying values of a resource: the named properties plus its physical id when the engine has one. */
export function ids(r: PolicyResource, ...properties: string[]): unknown[] {
    return ["id", ...properties].map((p) => peek(() => r.props[p])).filter((v) => v !== UNKNOWN);
}

/** What a single reference property resolves to. */
export type Resolved =
    | { kind: "unset" }
    /** Declared in this stack. */
    | { kind: "declared"; resource: PolicyResource }
    /** Names something this stack does not declare (e.g. an AWS default group). */
    | { kind: "external"; value: string };

/**
 * Resolves a reference to one resource of the stack. When the value is unknown
 * and no dependency says where it came from, the rule cannot decide: the
 * property is read plainly so that the SDK reports the policy as "can't run
 * during preview", as for any other unknown value.
 */
export function resolveOne(
    from: PolicyResource,
    property: string,
    candidates: PolicyResource[],
    identifiers: (c: PolicyResource) => unknown[],
): Resolved {
    if (!(property in from.props)) return { kind: "unset" };
    const [found] = referencedBy(from, property, candidates, identifiers);
    if (found) return { kind: "declared", resource: found };
    const value = peek(() => from.props[property]);
    if (value === UNKNOWN) cannotDecideWithout(() => from.props[property]);
    return { kind: "external", value: String(value) };
}

/** `name` parameters of a parameter group: name -> value (known ones). */
export function parametersOf(group: PolicyResource): Map<string, string> {
    const out = new Map<string, string>();
    for (const p of knownList(() => group.props.parameters as { name: string; value: string }[]).items) {
        const name = peek(() => p.name);
        const value = peek(() => p.value);
        if (typeof name === "string" && value !== UNKNOWN) out.set(name, String(value));
    }
    return out;
}
