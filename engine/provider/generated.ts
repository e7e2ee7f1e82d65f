/**
 * What a generated value can be. A password the program generates reaches
 * resource inputs as a secret, so the plan never shows it; what a rule can
 * judge is the generator's own inputs: which characters, how long.
 *
 * random.RandomPassword's semantics are read from
 * hashicorp/terraform-provider-random (internal/random/string.go,
 * CreateString; internal/provider/resource_password.go): upper, lower,
 * numeric and special each default to true; the special set is
 * `!@#$%&*()-_=+[]{}<>:?` unless override_special gives one.
 */
import type { PlannedResource } from "../plan";
import type { Inputs } from "./spec";

export const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
export const RANDOM_DEFAULT_SPECIALS = "!@#$%&*()-_=+[]{}<>:?";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const NUMERIC = "0123456789";

export interface GeneratedValue {
    /** The generator's URN, for messages. */
    urn: string;
    length: number;
    /** Every character the generator may put in the value. */
    characters: Set<string>;
}

/** The characters and length a RandomPassword's inputs produce. */
export function randomPasswordOutput(inputs: Inputs, urn = ""): GeneratedValue {
    const on = (k: string) => inputs[k] !== false;
    let pool = "";
    if (on("upper")) pool += UPPER;
    if (on("lower")) pool += LOWER;
    if (on("numeric") && inputs.number !== false) pool += NUMERIC;
    if (on("special")) pool += typeof inputs.overrideSpecial === "string" && inputs.overrideSpecial !== "" ? inputs.overrideSpecial : RANDOM_DEFAULT_SPECIALS;
    return { urn, length: Number(inputs.length), characters: new Set(pool) };
}

/** The generated value behind an input, when a RandomPassword of this plan produces it. */
export function generatedBehind(resource: PlannedResource | undefined): GeneratedValue | undefined {
    if (!resource || resource.type !== RANDOM_PASSWORD) return undefined;
    return randomPasswordOutput(resource.inputs, resource.urn);
}

/** Marks a case input as "the result of a RandomPassword with these inputs" (the rule tests register one). */
export const GENERATED = "__generatedByRandomPassword";
export function generated(randomPasswordInputs: Inputs): Inputs {
    return { [GENERATED]: randomPasswordInputs };
}

/** The characters of a set outside an allowed one, shown for a message. */
export function outside(characters: Iterable<string>, allowed: (c: string) => boolean): string[] {
    return [...characters].filter((c) => !allowed(c));
}
