/**
 * Reads `stacks/Pulumi.<stack>.yaml` into the form the Pulumi runtime keeps
 * config in: "namespace:key" to string, structured values as JSON text.
 * Encrypted values (`secure: ...`) cannot be decrypted offline; they become a
 * masked placeholder and their keys are marked secret, as the engine would.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { REPO_ROOT } from "./repoRoot";

export const STACKS_DIR = path.join(REPO_ROOT, "stacks");
export const MASKED = "[secret]";

export interface StackFileConfig {
    stack: string;
    file: string;
    config: Record<string, string>;
    secretKeys: string[];
}

export class StackFileError extends Error {}

/** Stack names that have a stack file, sorted. */
export function listStacks(dir = STACKS_DIR): string[] {
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

export function readStackFile(stack: string, dir = STACKS_DIR): StackFileConfig {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new StackFileError(`no stack file for stack "${stack}" (looked for ${file}); stacks: ${listStacks(dir).join(", ")}`);
    }
    let doc: unknown;
    try {
        const parsed = YAML.parseDocument(fs.readFileSync(file, "utf8"));
        if (parsed.errors.length > 0) throw parsed.errors[0];
        // YAML reads .nan and .inf as NaN and Infinity, which JSON (the runtime's config format)
        // cannot hold: JSON.stringify would turn them into null. Keep them as written (".nan"),
        // so that validation reports the value the file holds.
        YAML.visit(parsed, {
            Scalar(_key, node) {
                if (typeof node.value === "number" && !Number.isFinite(node.value)) node.value = node.source ?? String(node.value);
            },
        });
        doc = parsed.toJS();
    } catch (e) {
        throw new StackFileError(`${file} is not valid YAML: ${(e as Error).message}`);
    }
    const raw = (doc as { config?: unknown } | null)?.config ?? {};
    if (typeof raw !== "object" || Array.isArray(raw)) {
        throw new StackFileError(`${file}: "config" must be a mapping of "namespace:key" to values`);
    }
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        const [masked, hadSecret] = maskSecure(value);
        if (hadSecret) secretKeys.push(key);
        config[key] = typeof masked === "string" ? masked : JSON.stringify(masked);
    }
    return { stack, file, config, secretKeys };
}

/** Replaces every `{ secure: "..." }` (at any depth) with the masked placeholder. */
function maskSecure(value: unknown): [unknown, boolean] {
    if (value === null || typeof value !== "object") return [value, false];
    if (!Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value) return [MASKED, true];
    let secret = false;
    const out: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
    for (const [k, v] of Object.entries(value)) {
        const [m, s] = maskSecure(v);
        secret ||= s;
        (out as Record<string, unknown>)[k] = m;
    }
    return [out, secret];
}
