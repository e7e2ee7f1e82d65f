/** The stack files' values, validated as the program validates them, for tests to compare against. */
import * as assert from "assert";
import { DrStackConfig, PrimaryStackConfig, StackConfig, parseStackConfig, rawConfigFrom } from "../../infra/config";
import { StackFileConfig, readStackFile } from "../../engine/stackFile";

/** The raw values the program validates, read from a stack file as the program reads the runtime's config. */
export function rawConfigOf(file: StackFileConfig): Record<string, unknown> {
    const { raw, problems } = rawConfigFrom(file.config, file.secretKeys);
    assert.deepStrictEqual(problems, [], `${file.file}: ${problems.map((p) => `${p.key}: ${p.message}`).join("; ")}`);
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
