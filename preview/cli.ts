/**
 * `make preview`: evaluates every stack (or those named with --stack) under
 * the runtime mocks, with no cloud credentials, and prints what each would
 * declare. Exit codes: 0 all stacks evaluated, 1 a program error, 2 bad input
 * (unknown flag or stack, invalid stack configuration).
 */
import { ConfigError } from "../infra/config";
import { StackEvaluationError, evaluateStack } from "./mockEngine";
import { StackFileError, listStacks } from "./stackFile";
import { countsByType, renderTree } from "./tree";

class UsageError extends Error {}

function parseArgs(argv: string[]): { stacks: string[] } {
    const stacks: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--stack" || a === "-s") {
            const v = argv[++i];
            if (!v) throw new UsageError("--stack needs a stack name");
            stacks.push(v);
        } else if (a.startsWith("--stack=")) {
            stacks.push(a.slice("--stack=".length));
        } else if (a === "--help" || a === "-h") {
            console.log("usage: preview [--stack <name>]...   (default: every stacks/Pulumi.<name>.yaml)");
            process.exit(0);
        } else {
            throw new UsageError(`unknown argument "${a}"; allowed: --stack <name> (repeatable), --help`);
        }
    }
    const known = listStacks();
    for (const s of stacks) {
        if (!known.includes(s)) throw new UsageError(`unknown stack "${s}"; stacks: ${known.join(", ")}`);
    }
    return { stacks: stacks.length ? stacks : known };
}

async function run(): Promise<number> {
    const { stacks } = parseArgs(process.argv.slice(2));
    let worst = 0;
    for (const stack of stacks) {
        try {
            const ev = await evaluateStack(stack);
            console.log(`\nStack ${stack} (${ev.outputs.region}): ${ev.resources.length} resources, offline preview`);
            console.log(renderTree(ev.resources));
            console.log("  by type:");
            for (const [type, n] of countsByType(ev.resources)) console.log(`    ${String(n).padStart(3)}  ${type}`);
            const secret = new Set(ev.secretOutputs);
            console.log("  outputs:");
            for (const k of Object.keys(ev.outputs).sort()) {
                console.log(`    ${k}: ${secret.has(k) ? "[secret]" : JSON.stringify(ev.outputs[k])}`);
            }
        } catch (e) {
            const cause = e instanceof StackEvaluationError ? e.cause : e;
            if (cause instanceof ConfigError || cause instanceof StackFileError) {
                console.error(`\nStack ${stack}: ${cause.message}`);
                worst = Math.max(worst, 2);
            } else {
                console.error(`\nStack ${stack}: the program failed: ${(cause as Error).stack ?? cause}`);
                worst = 1;
            }
        }
    }
    return worst;
}

run().then(
    (code) => process.exit(code),
    (e) => {
        console.error(e instanceof UsageError ? `preview: ${e.message}` : e);
        process.exit(e instanceof UsageError ? 2 : 1);
    },
);
