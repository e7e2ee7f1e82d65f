/**
 * What the offline engine knows of each resource type the program registers:
 * the checks the provider runs on a plan (its schema: Required, ConflictsWith,
 * ExactlyOneOf, validators, CustomizeDiff checks that need only inputs), the
 * rules AWS enforces at create time that the provider does not, and the
 * arguments that force a new resource (ForceNew). `pulumi preview` fails on a
 * violated provider rule, and `pulumi up` on a violated AWS rule; under
 * Pulumi's runtime mocks neither happens, so the engine applies them itself
 * (engine/provider/check.ts).
 *
 * One file per provider service (rds.ts, elasticache.ts, ...), one spec per
 * resource type, each rule citing where it was read. Facts are read from
 * hashicorp/terraform-provider-aws (which @pulumi/aws bridges; property names
 * here are @pulumi/aws's camelCase), pulumi-aws's provider/resources.go for
 * renames, AWS's API reference and user guides.
 */
import type { PlannedResource } from "../plan";

export type Inputs = Record<string, unknown>;

/** Where a rule comes from: the provider's schema (fails `pulumi preview`) or AWS's API (fails `pulumi up`). */
export type RuleOrigin = "provider" | "aws";

export interface RuleContext {
    /** The resource being checked, as the plan records it (secrets masked as "[secret]"). */
    resource: PlannedResource;
    /** The region the resource lands in: its provider's, else the stack's. */
    region: string;
    /** Every resource of the plan, by URN. */
    byUrn: ReadonlyMap<string, PlannedResource>;
    /**
     * The resource of the given type that an input's value comes from (the
     * registration's property dependencies), e.g. the RandomPassword behind an
     * AUTH token: a rule then judges what that generator can produce.
     */
    sourceOf(property: string, type: string): PlannedResource | undefined;
}

export interface Rule {
    /** Stable id, shown with every violation. @example "elasticache-auth-token-characters" */
    id: string;
    /** The input the rule is about (a dotted path where it is nested). */
    property: string;
    origin: RuleOrigin;
    /** Where the rule was read: provider file and attribute, or the AWS documentation page. */
    source: string;
    /** undefined when the inputs satisfy the rule; otherwise what is wrong, naming the value and what is allowed. */
    check(inputs: Inputs, ctx: RuleContext): string | undefined;
    /**
     * Cases the tests register through the engine, each merged over the type's
     * `example`: every `pass` must satisfy this rule, every `fail` must violate it.
     * A key set to `undefined` removes it from the example. A value made with
     * `generated(...)` (engine/provider/generated.ts) is registered as the result of a
     * random.RandomPassword with those inputs.
     */
    cases: { pass: Inputs[]; fail: Inputs[] };
}

/** An input whose change makes the provider replace the resource. */
export interface ReplacingProperty {
    /** The input, as @pulumi/aws names it; a change anywhere below it counts. */
    property: string;
    /** The argument's name in the provider schema, where the bridge does not just snake_case it. */
    terraform?: string;
    /**
     * Optional and Computed in the provider schema: with the input removed from
     * the program the provider keeps the current value, so only a new value replaces.
     */
    keepsValueWhenRemoved?: true;
    /** The value the provider assumes when the input is not set (a change between the two is no change). */
    default?: unknown;
    /** Only some changes replace (the provider decides in CustomizeDiff or suppresses a diff): which ones. */
    only?: { when: string; test: (before: unknown, after: unknown, inputs: Record<string, unknown>) => boolean };
}

export interface ResourceTypeSpec {
    /** The Pulumi type token. @example "aws:elasticache/replicationGroup:ReplicationGroup" */
    type: string;
    /** The provider source the spec was read from. */
    source: string;
    /** Inputs of a valid resource of this type, as this program would register one: the rules' cases start here. */
    example: Inputs;
    rules: Rule[];
    /** Every input the provider marks ForceNew (or replaces on from CustomizeDiff). Empty when none. */
    forceNew: ReplacingProperty[];
    /** For a type that holds data: what it is and what a replacement or deletion destroys (the report's DATA LOSS RISK). */
    stateful?: { what: string; risk: string };
}

export const TF = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service";

/** An input removed from the program keeps its value (Optional + Computed): only a new value replaces. */
export const identifier = (property: string): ReplacingProperty => ({ property, keepsValueWhenRemoved: true });

/** The masked placeholder plan files hold for a secret: its value cannot be judged from the plan. */
export const MASKED_VALUE = "[secret]";

/** A value a rule can judge: present, and not a masked secret. */
export function known(v: unknown): boolean {
    return v !== undefined && v !== null && v !== MASKED_VALUE;
}

/** Removing a snapshot to restore from does not replace (the provider suppresses that diff); naming a new one does. */
export const namesASnapshot = { when: "set to a snapshot (removing it does not replace)", test: (_b: unknown, after: unknown) => after !== undefined && after !== "" };

function versionParts(v: unknown): number[] {
    return String(v ?? "").split(".").map((p) => Number.parseInt(p, 10) || 0);
}
export function isDowngrade(before: unknown, after: unknown): boolean {
    const [b, a] = [versionParts(before), versionParts(after)];
    for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
    return false;
}
