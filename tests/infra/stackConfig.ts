/** The stack files' values, validated as the program validates them, for tests to compare against. */
import * as assert from "assert";
import { DrStackConfig, PrimaryStackConfig, StackConfig, parseStackConfig } from "../../infra/config";
import { StackFileConfig, readStackFile } from "../../engine/stackFile";

export function rawConfigOf(file: StackFileConfig): Record<string, unknown> {
    const raw: Record<string, unknown> = { region: file.config["aws:region"] };
    for (const [k, v] of Object.entries(file.config)) {
        if (!k.startsWith("mlops-data:")) continue;
        const key = k.slice("mlops-data:".length);
        try {
            raw[key] = JSON.parse(v);
        } catch {
            raw[key] = v;
        }
    }
    return raw;
}

export function anyConfigOf(name: string): StackConfig {
    return parseStackConfig(rawConfigOf(readStackFile(name)));
}

/** A primary stack's (dev, staging, prod) validated config. */
export function configOf(name: string): PrimaryStackConfig {
    const cfg = anyConfigOf(name);
    assert.strictEqual(cfg.kind, "primary", `${name} is not a primary stack`);
    return cfg as PrimaryStackConfig;
}

export function drConfigOf(name: string): DrStackConfig {
    const cfg = anyConfigOf(name);
    assert.strictEqual(cfg.kind, "dr", `${name} is not a dr stack`);
    return cfg as DrStackConfig;
}
