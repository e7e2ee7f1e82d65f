/**
 * `make dr-drill`: runs every scenario of the DR drill (engine/lifecycle/scenarios.ts)
 * and prints, step by step, what each stack's `up` creates, updates, replaces and
 * deletes, what refresh read back, what AWS did, and which runbook step
 * (docs/runbooks/dr-standup.md) the step proves. Exit 1 when an assertion fails,
 * 2 on bad arguments.
 *
 *   node scripts/dr-drill.js [--scenario <id>] [--verbose]
 */
import { Operations } from "./simulator";
import { SCENARIOS, ScenarioReport, StepReport, runScenario } from "./scenarios";

const RUNBOOK = "docs/runbooks/dr-standup.md";

function opsLine(ops: Operations, verbose: boolean): string[] {
    const lines: string[] = [];
    for (const kind of ["create", "update", "replace", "delete"] as const) {
        const list = ops[kind];
        if (list.length === 0) continue;
        // Creates of a first up are many: counted unless --verbose.
        lines.push(kind === "create" && list.length > 12 && !verbose ? `${kind} ${list.length} resources` : `${kind} ${list.length}: ${list.join(", ")}`);
    }
    return lines.length ? lines : ["no changes"];
}

function printStep(r: StepReport, index: number, verbose: boolean): void {
    const a = r.step.action;
    const mark = r.problems.length ? "FAIL" : "ok  ";
    const what = a.kind === "up" ? `pulumi up --stack ${a.stack}` : a.kind === "refresh" ? `pulumi refresh --stack ${a.stack}` : a.kind === "event" ? `AWS: ${a.describe}` : `check: ${a.describe}`;
    console.log(`  ${mark} ${String(index + 1).padStart(2)}. ${r.step.title}`);
    console.log(`         ${what}   [proves ${RUNBOOK}: ${r.step.runbook}]`);
    if (r.up) {
        if (!r.up.ok && a.kind === "up" && a.expectFailure) console.log(`         refused as expected: ${r.up.failures[0]}`);
        else for (const l of opsLine(r.up.operations, verbose)) console.log(`         ${l}`);
        for (const e of r.up.effects) console.log(`         AWS: ${e}`);
    }
    if (r.refreshed) console.log(`         read back: ${r.refreshed.length ? r.refreshed.join("; ") : "nothing changed"}`);
    for (const p of r.problems) console.log(`         ✗ ${p}`);
}

export async function main(argv: string[]): Promise<number> {
    let only: string | undefined;
    let verbose = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--scenario") only = argv[++i];
        else if (argv[i] === "--verbose") verbose = true;
        else {
            console.error(`dr-drill: unknown argument ${JSON.stringify(argv[i])}; allowed: --scenario <${SCENARIOS.map((s) => s.id).join("|")}>, --verbose`);
            return 2;
        }
    }
    const scenarios = only === undefined ? SCENARIOS : SCENARIOS.filter((s) => s.id === only);
    if (scenarios.length === 0) {
        console.error(`dr-drill: no scenario ${JSON.stringify(only)}; scenarios: ${SCENARIOS.map((s) => s.id).join(", ")}`);
        return 2;
    }
    const reports: ScenarioReport[] = [];
    for (const s of scenarios) {
        console.log(`\nScenario (${s.id}) ${s.title}`);
        let i = 0;
        reports.push(await runScenario(s, undefined, (r) => printStep(r, i++, verbose)));
    }
    console.log("");
    for (const r of reports) console.log(`${r.ok ? "PASS" : "FAIL"} (${r.scenario.id}) ${r.scenario.title}: ${r.steps.length}/${r.scenario.steps.length} steps`);
    return reports.every((r) => r.ok) ? 0 : 1;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e) => {
            console.error(e);
            process.exit(1);
        },
    );
}
