/** The stack files' values, validated as the program validates them, for tests to compare against. */
import { StackConfig, parseStackConfig } from "../../infra/config";
import { readStackFile } from "../../preview/stackFile";

export function configOf(name: string): StackConfig {
    const { config } = readStackFile(name);
    const raw: Record<string, unknown> = { region: config["aws:region"] };
    for (const [k, v] of Object.entries(config)) {
        if (!k.startsWith("mlops-data:")) continue;
        const key = k.slice("mlops-data:".length);
        try {
            raw[key] = JSON.parse(v);
        } catch {
            raw[key] = v;
        }
    }
    return parseStackConfig(raw);
}
