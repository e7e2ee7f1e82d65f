/**
 * The preview with its stacks in worker threads (--jobs n, preview/concurrent.ts)
 * prints, writes and exits exactly as with every stack in one thread (--jobs 1):
 * the same terminal text, plan files, report and exit code, byte for byte, for
 * every stack; also when a referenced stack (prod, for dr) fails, and when it is
 * not one of the run's stacks. Over every stack with 2 workers, dr's worker
 * evaluates prod itself (prod is still queued); with 4, dr waits for the worker
 * evaluating prod.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { main } from "../../preview/cli";
import { readPlan } from "../../engine/plan";
import { STACKS_DIR, listStacks } from "../../engine/stackFile";

interface Run {
    code: number;
    out: string;
    err: string;
    /** Every file the run wrote, by name. */
    files: Record<string, string>;
}

async function preview(args: string[], outDir: string): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main([...args, "--out", outDir], { out: (t) => out.push(t), err: (t) => err.push(t) });
    const files = Object.fromEntries(fs.readdirSync(outDir).sort().map((f) => [f, fs.readFileSync(path.join(outDir, f), "utf8")]));
    // The summary's last words are the run's duration, the one thing that may differ.
    return { code, out: out.join("\n").replace(/ written to \S+ in \d+\.\d\d s$/, " written to (the out directory) in (time) s"), err: err.join("\n"), files };
}

/** Where two texts part, line by line: the message of a failed comparison (a whole report is too long to read in a diff). */
function firstDifference(actual: string, expected: string): string {
    const [a, e] = [actual.split("\n"), expected.split("\n")];
    const i = a.findIndex((line, n) => line !== e[n]);
    const at = i < 0 ? Math.min(a.length, e.length) : i;
    return `line ${at + 1}: ${JSON.stringify(a[at])} where one thread has ${JSON.stringify(e[at])} (${a.length} and ${e.length} lines)`;
}

function assertSameText(actual: string | undefined, expected: string, what: string): void {
    if (actual !== expected) assert.fail(`${what} differs: ${actual === undefined ? "missing" : firstDifference(actual, expected)}`);
}

function assertSameRun(concurrent: Run, sequential: Run, what: string): void {
    assert.deepStrictEqual(Object.keys(concurrent.files), Object.keys(sequential.files), `${what}: the files written`);
    for (const [name, text] of Object.entries(sequential.files)) assertSameText(concurrent.files[name], text, `${what}: ${name}`);
    assertSameText(concurrent.out, sequential.out, `${what}: the terminal output`);
    assertSameText(concurrent.err, sequential.err, `${what}: stderr`);
    assert.strictEqual(concurrent.code, sequential.code, `${what}: the exit code`);
}

describe("preview with the stacks in worker threads", function () {
    this.timeout(600_000);
    let tmp: string;
    const dir = (name: string) => {
        const d = path.join(tmp, name);
        fs.mkdirSync(d);
        return d;
    };
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "preview-concurrent-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("every stack: the same terminal text, plans, report and exit code with 2 and 4 workers as in one thread", async () => {
        const sequential = await preview(["--jobs", "1"], dir("one"));
        // What is compared is the real thing: every stack's plan, with its resources and the packs' findings.
        const stacks = listStacks();
        assert.deepStrictEqual(Object.keys(sequential.files).sort(), [...stacks.map((s) => `${s}.plan.json`), "report.md"].sort());
        for (const s of stacks) {
            const plan = readPlan(path.join(tmp, "one", `${s}.plan.json`));
            assert.ok(plan.resources.length > 50, `${s}: ${plan.resources.length} resources`);
            assert.ok(Array.isArray(plan.violations), `${s}: the policy packs ran`);
            assert.match(sequential.out, new RegExp(`^Stack ${s} \\(`, "m"));
        }
        assert.match(sequential.out, /^4 of 4 stack\(s\) evaluated; policies run on 4/m);
        // dr reads prod through a StackReference: its plan holds prod's outputs.
        assert.ok(readPlan(path.join(tmp, "one", "dr.plan.json")).resources.some((r) => r.type === "pulumi:pulumi:StackReference"));

        for (const jobs of ["2", "4"]) assertSameRun(await preview(["--jobs", jobs], dir(`jobs-${jobs}`)), sequential, `--jobs ${jobs}`);
    });

    it("a referenced stack that fails: dr reports prod's failure, in threads as in one", async () => {
        const stacksDir = dir("broken-stacks");
        for (const s of listStacks()) fs.copyFileSync(path.join(STACKS_DIR, `Pulumi.${s}.yaml`), path.join(stacksDir, `Pulumi.${s}.yaml`));
        const prod = YAML.parse(fs.readFileSync(path.join(STACKS_DIR, "Pulumi.prod.yaml"), "utf8"));
        prod.config["mlops-data:environment"] = "production";
        fs.writeFileSync(path.join(stacksDir, "Pulumi.prod.yaml"), YAML.stringify(prod));

        // dr goes to one worker, prod to the other: dr waits for prod, which fails.
        const args = ["--stack", "dr", "--stack", "prod", "--stacks-dir", stacksDir];
        const sequential = await preview([...args, "--jobs", "1"], dir("broken-one"));
        assert.strictEqual(sequential.code, 2);
        assert.match(sequential.out, /^Stack dr: the stack it references, prod, does not evaluate: invalid stack configuration/m);
        assert.match(sequential.out, /^Stack prod: invalid stack configuration \(1 problem\)[^]*mlops-data:environment: must be one of/m);
        assert.deepStrictEqual(Object.keys(sequential.files), ["report.md"]);
        assertSameRun(await preview([...args, "--jobs", "2"], dir("broken-two")), sequential, "--jobs 2");
    });

    it("--timings: where the time went on stderr, in every thread; stdout and the files unchanged", async () => {
        const args = ["--stack", "dev", "--stack", "staging"];
        const plain = await preview([...args, "--jobs", "1"], dir("plain"));
        for (const jobs of ["1", "2"]) {
            const timed = await preview([...args, "--jobs", jobs, "--timings"], dir(`timed-${jobs}`));
            assertSameRun({ ...timed, err: plain.err }, plain, `--timings --jobs ${jobs}`);
            assert.match(timed.err, /^timings \(wall-clock ms from the process's start\):$/m);
            for (const s of ["dev", "staging"]) for (const what of ["evaluate the program", "provider and AWS rules", "policy packs"]) assert.match(timed.err, new RegExp(`^  \\S.* ${s}: ${what}$`, "m"));
            const threads = new Set([...timed.err.matchAll(/^  (main|worker \d+) /gm)].map((m) => m[1]));
            assert.strictEqual(threads.size, jobs === "1" ? 1 : 3, [...threads].join(", "));
            assert.match(timed.err, /^    policies +\d+$/m);
        }
    });

    it("a referenced stack that is not one of the run's: evaluated for the reference, not reported", async () => {
        const args = ["--stack", "dr", "--stack", "dev"];
        const sequential = await preview([...args, "--jobs", "1"], dir("dr-one"));
        assert.strictEqual(sequential.code, 0, sequential.err);
        assert.deepStrictEqual(Object.keys(sequential.files), ["dev.plan.json", "dr.plan.json", "report.md"]);
        assertSameRun(await preview([...args, "--jobs", "2"], dir("dr-two")), sequential, "--jobs 2");
    });
});
