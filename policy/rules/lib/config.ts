/**
 * Policy configuration: every threshold is a property of the policy's config
 * schema, with a default. The engine fills the defaults in before it calls the
 * pack, but a policy reads them through `configWithDefaults` anyway so that it
 * behaves the same when no configuration was sent at all.
 *
 * Defaults are the strict (production) values: running a pack without
 * `--policy-pack-config` is never laxer than prod. Environments relax them in
 * policy/config/<env>.json.
 */
import { PolicyConfigSchema } from "@pulumi/policy";

export interface Schema<T> extends PolicyConfigSchema {
    /** Only for typing: the shape the properties describe. */
    readonly __shape?: T;
}

/** Declares a config schema whose properties all have defaults. */
export function schema<T>(properties: PolicyConfigSchema["properties"]): Schema<T> {
    for (const [k, p] of Object.entries(properties)) {
        if (typeof p !== "object" || !("default" in p)) throw new Error(`config property ${k} needs a default`);
    }
    return { properties };
}

export function configWithDefaults<T>(s: Schema<T>, args: { getConfig<C extends object>(): C }): T {
    const defaults = Object.fromEntries(Object.entries(s.properties).map(([k, p]) => [k, (p as { default: unknown }).default]));
    return { ...defaults, ...args.getConfig<object>() } as T;
}

/** A schema for a policy with no threshold: only its enforcement level can be configured. */
export const NO_THRESHOLDS: PolicyConfigSchema = { properties: {} };
