/**
 * The one table of what forces the AWS provider to REPLACE a stateful
 * resource (delete it and create a new one) instead of updating it in place.
 *
 * Source: @pulumi/aws is bridged from the Terraform AWS provider, whose
 * resource schemas mark these arguments `ForceNew` (or force a new resource
 * from `CustomizeDiff` for the conditional ones). Each entry links the schema
 * it was read from (hashicorp/terraform-provider-aws, internal/service/...);
 * the same facts appear as "Changing this forces a new resource" in the
 * provider's registry docs. Property names are @pulumi/aws's (camelCase).
 * Re-check this file when @pulumi/aws moves to a new major version.
 *
 * The facts live in engine/provider/<service>.ts, one spec per resource type.
 * The diff (engine/diff.ts) reads every spec's `forceNew` through specOf, the
 * stateful and stateless types alike; this module is the view of the stateful
 * ones (what a replacement destroys), and names a ForceNew input's schema argument.
 */

import { SPECS } from "./provider";
import type { ReplacingProperty } from "./provider/spec";

export type { ReplacingProperty };

export interface StatefulType {
    type: string;
    /** What it is, for the report. */
    what: string;
    /** What a replacement destroys or interrupts, for the report's DATA LOSS RISK line. */
    risk: string;
    /** Where the list below was read. */
    source: string;
    properties: ReplacingProperty[];
}

export const STATEFUL_TYPES: StatefulType[] = SPECS.filter((s) => s.stateful).map((s) => ({ type: s.type, ...s.stateful!, source: s.source, properties: s.forceNew }));

/** The argument as the provider schema (the source) names it: masterUsername is master_username. */
export function terraformArgument(p: ReplacingProperty): string {
    return p.terraform ?? p.property.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}
