/**
 * Pulumi's wire form of a secret, and masking by it. Kept apart from the mock
 * runtime (mockEngine.ts) so that code which only reads and writes plans (the
 * preview's main thread, while worker threads evaluate the stacks) does not
 * load @pulumi/pulumi, which costs about as much as the Node floor itself.
 */
import { MASKED } from "./stackFile";

/** The marker Pulumi uses on the wire for a secret value (@pulumi/pulumi runtime/rpc.ts, specialSigKey and specialSecretSig). */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isSecret(v: unknown): v is { value: unknown } {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

let sdk: typeof import("@pulumi/pulumi") | undefined;
/** A resource object inside inputs only exists where a program ran, so the SDK is loaded by then: asking it costs nothing. */
function isResource(v: unknown): boolean {
    sdk ??= require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
    return sdk.Resource.isInstance(v);
}

/** Inputs with every secret replaced by the masked placeholder: safe to print or write. */
export function maskSecrets(v: unknown): unknown {
    if (isSecret(v)) return MASKED;
    if (Array.isArray(v)) return v.map(maskSecrets);
    if (v !== null && typeof v === "object") {
        if (isResource(v)) return "[resource]";
        return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, maskSecrets(e)]));
    }
    return v;
}
