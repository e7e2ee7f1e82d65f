/**
 * `make policy` / `npx tsx policy/offline/cli.ts [--stack <name>]... [--config <file>] [--pack security|resilience]... [--json]`
 *
 * Evaluates each stack (default: every stack file) under the runtime mocks,
 * runs the policy packs over what it registers, as `pulumi preview
 * --policy-pack ...` would, and prints the violations. The policy config is
 * policy/config/<environment>.json unless --config names another file.
 * Exit codes: 0 no mandatory violation, 1 a mandatory violation (or a program
 * or pack failure), 2 bad input (flag, stack, stack config, policy config).
 * Messages never carry property values of secrets: rules only test their presence.
 */
import * as path from "path";
import { ConfigError } from "../../infra/config";
import { REPO_ROOT } from "../../engine/repoRoot";
import { StackEvaluationError, evaluateStack } from "../../engine/mockEngine";
import { StackFileError, listStacks, readStackFile } from "../../engine/stackFile";
import { PolicyViolation, closePolicyPacks, evaluatePolicies } from "./evaluate";
import { PolicyConfigError, configFileForStack, readConfigFile } from "./packConfig";
import { PACKS, PackSpec } from "./packs";
import { ArgReader, UsageError, unknownArgument } from "../../engine/cliArgs";


interface Args {
    stacks: string[];
    config?: string;
    packs?: PackSpec["id"][];
    json: boolean;
}

const USAGE = "usage: policy [--stack <name>]... [--config <file>] [--pack security|resilience]... [--json]";

function parseArgs(argv: string[]): Args {
    const args: Args = { stacks: [], json: false };
    const r = new ArgReader(argv);
    for (let a = r.next(); a; a = r.next()) {
        if (a.flag === "--stack" || a.flag === "-s") args.stacks.push(a.value());
        else if (a.flag === "--config") args.config = a.value();
        else if (a.flag === "--pack") {
            const p = a.value();
            const ids = PACKS.map((x) => x.id) as string[];
            if (!ids.includes(p)) throw new UsageError(`unknown pack "${p}"; allowed: ${ids.join(", ")}`);
            (args.packs ??= []).push(p as PackSpec["id"]);
        } else if (a.flag === "--json") args.json = true;
        else if (a.flag === "--help" || a.flag === "-h") {
            console.log(USAGE);
            process.exit(0);
        } else throw unknownArgument(a.flag, "--stack <name>, --config <file>, --pack <name>, --json, --help");
    }
    const known = listStacks();
    for (const s of args.stacks) if (!known.includes(s)) throw new UsageError(`unknown stack "${s}"; stacks: ${known.join(", ")}`);
    if (args.stacks.length === 0) args.stacks = known;
    return args;
}

function render(v: PolicyViolation): string {
    const where = v.urn ? `\n      ${v.urn}` : "";
    return `  ${v.enforcementLevel.padEnd(9)} ${v.policyPack}@v${v.policyPackVersion} ${v.policyName}${where}\n      ${v.message.replace(/\n/g, "\n      ")}`;
}

async function run(): Promise<number> {
    const args = parseArgs(process.argv.slice(2));
    const config = args.config !== undefined ? readConfigFile(args.config) : undefined;
    let worst = 0;
    const report: Record<string, PolicyViolation[]> = {};
    for (const [i, stack] of args.stacks.entries()) {
        // Progress on stderr (stdout stays the report, or the JSON with --json): evaluating a stack takes seconds.
        const started = Date.now();
        process.stderr.write(`policy: stack ${stack} (${i + 1} of ${args.stacks.length}): evaluating the program and the policy packs\n`);
        const file = readStackFile(stack);
        const environment = file.config["mlops-data:environment"];
        const region = file.config["aws:region"] ?? "us-east-1";
        let ev;
        try {
            ev = await evaluateStack(stack);
        } catch (e) {
            const cause = e instanceof StackEvaluationError ? e.cause : e;
            if (cause instanceof ConfigError) {
                console.error(`\nStack ${stack}: ${cause.message}`);
                worst = Math.max(worst, 2);
                continue;
            }
            throw e;
        }
        const violations = await evaluatePolicies(ev.resources, { environment, config, region, stack, project: ev.project, packs: args.packs });
        report[stack] = violations;
        process.stderr.write(`policy: stack ${stack} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
        if (mandatory.length) worst = Math.max(worst, 1);
        if (!args.json) {
            const source = args.config ?? path.relative(REPO_ROOT, configFileForStack(file));
            console.log(`\nStack ${stack} (environment ${environment}, ${source}): ${ev.resources.length} resources, ${mandatory.length} mandatory and ${violations.length - mandatory.length} other violation(s)`);
            for (const v of violations) console.log(render(v));
        }
    }
    if (args.json) console.log(JSON.stringify(report, null, 2));
    return worst;
}

run()
    .then((code) => {
        process.exitCode = code;
    })
    .catch((e) => {
        if (e instanceof UsageError) {
            // As the preview reports it: the command's name, the one line, then how to call it.
            console.error(`policy: ${e.message}\n${USAGE}`);
            process.exitCode = 2;
        } else if (e instanceof PolicyConfigError || e instanceof StackFileError) {
            console.error(e.message);
            process.exitCode = 2;
        } else {
            console.error(e instanceof Error ? e.stack ?? e.message : String(e));
            process.exitCode = 1;
        }
    })
    .finally(() => closePolicyPacks());
