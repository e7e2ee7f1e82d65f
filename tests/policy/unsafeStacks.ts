/**
 * Deliberately unsafe stack configurations: each file in tests/policy/unsafe/
 * names a base stack and the values it changes, so that the unsafe variants
 * follow the real stack file instead of drifting from a stale copy.
 *
 *   base: prod
 *   set:
 *     mlops-data:aurora.instances: 1     # "<config key>.<path>": new value
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { StackFileConfig, readStackFile } from "../../engine/stackFile";

export const UNSAFE_DIR = path.join(__dirname, "unsafe");

export function readUnsafeStack(name: string): StackFileConfig {
    const doc = YAML.parse(fs.readFileSync(path.join(UNSAFE_DIR, `${name}.yaml`), "utf8")) as { base: string; set: Record<string, unknown> };
    const base = readStackFile(doc.base);
    const config = { ...base.config };
    for (const [dotted, value] of Object.entries(doc.set)) {
        const [key, ...pathParts] = dotted.split(/\.(?![^:]*:)/);
        if (pathParts.length === 0) {
            config[key] = typeof value === "string" ? value : JSON.stringify(value);
            continue;
        }
        if (!(key in config)) throw new Error(`${name}: the base stack ${doc.base} has no ${key}`);
        const structured = JSON.parse(config[key]);
        let target = structured;
        for (const p of pathParts.slice(0, -1)) target = target[p];
        target[pathParts[pathParts.length - 1]] = value;
        config[key] = JSON.stringify(structured);
    }
    return { ...base, stack: name, file: path.join(UNSAFE_DIR, `${name}.yaml`), config };
}
