/**
 * Reading resource properties that may be unknown.
 *
 * During `pulumi preview` a value that comes from a resource not yet created
 * (a new key's ARN, a new cluster's id) is unknown. The policy SDK hands
 * policies a proxy that throws on reading such a value, and reports the policy
 * as "can't run during preview" (advisory). That is the right default when a
 * rule cannot decide without the value. Where a rule CAN decide (e.g. "some
 * resource's output is there, so this is not an AWS-managed key"), it reads
 * through `peek` and handles UNKNOWN itself.
 */

// The SDK's error for unknown values. Not part of its typed API, but it is the
// very class its proxy throws (same module instance: resolved from the same
// node_modules as the pack's @pulumi/policy).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { UnknownValueError } = require("@pulumi/policy/proxy") as { UnknownValueError: new (...args: any[]) => Error };

export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Maybe<T> = T | typeof UNKNOWN;

/** The value `read` returns, or UNKNOWN when it touches a value unknown during preview. */
export function peek<T>(read: () => T): Maybe<T> {
    try {
        return read();
    } catch (e) {
        if (e instanceof UnknownValueError) return UNKNOWN;
        throw e;
    }
}

/** True when the property is set (known or unknown). Does not read the value, so never throws and never touches a secret. */
export function isSet(props: object, key: string): boolean {
    return key in props;
}

/** A known string, or undefined for anything else (absent, unknown, other type). */
export function knownString(read: () => unknown): string | undefined {
    const v = peek(read);
    return typeof v === "string" ? v : undefined;
}

/** Known elements of a list; `unknown` tells whether some could not be read. */
export function knownList<T>(read: () => T[] | undefined): { items: T[]; unknown: boolean } {
    const list = peek(read);
    if (list === UNKNOWN) return { items: [], unknown: true };
    const items: T[] = [];
    let unknown = false;
    for (let i = 0; i < (list?.length ?? 0); i++) {
        const v = peek(() => list![i]);
        if (v === UNKNOWN) unknown = true;
        else items.push(v);
    }
    return { items, unknown };
}

/**
 * For a rule that cannot decide without a value that is unknown: reads it
 * plainly, so that the SDK's proxy throws and the engine reports the policy as
 * "can't run during preview" (advisory), exactly as for any unguarded read.
 */
export function cannotDecideWithout(read: () => unknown): never {
    read();
    throw new Error("cannotDecideWithout: the value was known after all");
}
