/**
 * The preview command's exit codes and messages: 2 with one line naming what
 * is wrong and what is allowed for each kind of bad input (a broken stack
 * configuration gives the program's own message, no stack trace), 1 on a
 * mandatory violation, 0 otherwise; and the files it writes. Most cases call
 * the command's main() in this process; a few run the built command (a bundle) as CI does.
 */
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { defaultJobs, main } from "../../preview/cli";
import { readPlan } from "../../engine/plan";
import { REPO_ROOT } from "../../engine/repoRoot";
import { STACKS_DIR } from "../../engine/stackFile";

function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

async function run(args: string[]) {
    const c = capture();
    const code = await main(args, c.io);
    return { code, out: c.out.join("\n"), err: c.err.join("\n") };
}

/** A stacks directory holding the prod stack file with some values changed. */
function stacksWith(dir: string, change: (config: Record<string, any>) => void): string {
    const doc = YAML.parse(fs.readFileSync(path.join(STACKS_DIR, "Pulumi.prod.yaml"), "utf8"));
    change(doc.config);
    fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), YAML.stringify(doc));
    return dir;
}

describe("preview command", function () {
    this.timeout(120_000);
    let tmp: string;
    beforeEach(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "preview-cli-"));
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("defaults to one thread on 2 cores or for few stacks, else to the idle cores", () => {
        // 2 cores: the workers' own loads cost more than they share out, even on an idle machine.
        assert.equal(defaultJobs(4, 2, 0), 1);
        assert.equal(defaultJobs(4, 1, 0), 1);
        // Three stacks on 8 idle cores: still one thread.
        assert.equal(defaultJobs(3, 8, 0), 1);
        // Four stacks on 8 cores: those the load leaves idle, at least 1.
        assert.equal(defaultJobs(4, 8, 0.4), 7);
        assert.equal(defaultJobs(4, 8, 2.5), 5);
        assert.equal(defaultJobs(4, 8, 12), 1);
    });

    describe("bad input: exit 2 and one line naming what is wrong and what is allowed", () => {
        const cases: [string, string[], RegExp][] = [
            ["an unknown stack", ["--stack", "qa"], /^preview: unknown stack "qa"; stacks: dev, dr, prod, staging$/],
            ["an unknown flag", ["--stacks", "prod"], /^preview: unknown argument "--stacks"; allowed: diff <base> <head>, check <plan>\.\.\., --stack <name>, /],
            ["a flag without its value", ["--stack"], /^preview: --stack needs a value$/],
            ["a --jobs that is not a number of threads", ["--jobs", "0"], /^preview: --jobs "0" is not a number of threads; allowed: a whole number from 1 to 64$/],
            ["an unknown policy transport", ["--policy-transport", "http"], /^preview: --policy-transport "http" is not a transport; allowed: grpc, in-process$/],
            ["a base that is neither plans nor a revision", ["--base", "no-such-revision-or-file"], /^preview: "no-such-revision-or-file" is not a plan file, a directory of plan files or a git revision/],
            ["a stacks directory that does not exist", ["--stacks-dir", "/no/such/dir"], /^preview: --stacks-dir \/no\/such\/dir is not a directory; it should hold Pulumi\.<stack>\.yaml files$/],
            ["diff with one side", ["diff", "HEAD"], /^preview: diff needs exactly two sides, <base> and <head> .*; got 1$/],
            ["diff with an unknown flag", ["diff", "a", "b", "--json"], /^preview: unknown argument "--json" for diff; allowed: --stack <name>, /],
        ];
        for (const [what, args, message] of cases) {
            it(what, async () => {
                const r = await run(args);
                assert.strictEqual(r.code, 2);
                assert.match(r.err, message);
                assert.strictEqual(r.err.split("\n").length, 1, r.err);
            });
        }

        it("an unreadable plan file, and a file that is not a plan", async () => {
            const missing = path.join(tmp, "nope");
            fs.mkdirSync(missing);
            let r = await run(["diff", missing, missing]);
            assert.strictEqual(r.code, 2);
            assert.match(r.err, /^preview: directory .*nope holds no <stack>\.plan\.json files$/);
            const garbled = path.join(tmp, "prod.plan.json");
            fs.writeFileSync(garbled, "{ not json");
            r = await run(["diff", garbled, garbled]);
            assert.strictEqual(r.code, 2);
            assert.match(r.err, /^preview: plan file .*prod\.plan\.json is not readable JSON \(/);
            fs.writeFileSync(garbled, JSON.stringify({ format: "something-else", stack: "prod", resources: [] }));
            r = await run(["diff", garbled, garbled]);
            assert.strictEqual(r.code, 2);
            assert.match(r.err, /is not a plan file: "format" must be "mlops-data\/offline-plan@1" \(got "something-else"\)/);
        });

        it("a broken stack configuration: the program's message, every problem, no stack trace", async () => {
            const dir = stacksWith(tmp, (c) => {
                c["mlops-data:aurora"].instances = 0;
                c["mlops-data:aurora"].backupRetentionDays = 99;
            });
            const out = path.join(tmp, "out");
            const r = await run(["--stacks-dir", dir, "--out", out]);
            assert.strictEqual(r.code, 2);
            assert.match(r.out, /Stack prod: invalid stack configuration/);
            assert.match(r.out, /mlops-data:aurora\.instances/);
            assert.match(r.out, /mlops-data:aurora\.backupRetentionDays/);
            assert.ok(!/\n\s+at /.test(r.out + r.err), "no stack trace");
            assert.match(fs.readFileSync(path.join(out, "report.md"), "utf8"), /Stack \*\*prod\*\* was not evaluated: invalid stack configuration/);
            assert.ok(!fs.existsSync(path.join(out, "prod.plan.json")), "no plan of a stack that did not evaluate");
        });
    });

    it("exits 1 on a mandatory violation, and the report's violations table shows it", async () => {
        const dir = stacksWith(tmp, (c) => {
            c["mlops-data:aurora"].deletionProtection = false;
        });
        const out = path.join(tmp, "out");
        const r = await run(["--stacks-dir", dir, "--out", out]);
        assert.strictEqual(r.code, 1, r.err);
        assert.match(r.out, /mandatory mlops-data-resilience\/deletion-protection \(aurora-cluster\)/);
        const report = fs.readFileSync(path.join(out, "report.md"), "utf8");
        assert.match(report, /^\| prod \| \*\*mandatory\*\* \| mlops-data-resilience \| deletion-protection \| `aurora-cluster` \| .+ \|$/m);
        assert.match(report, /```mermaid\nflowchart LR\n/);
        assert.deepStrictEqual(readPlan(path.join(out, "prod.plan.json")).violations!.map((v) => v.policyName).includes("deletion-protection"), true);
    });

    it("exits 0 with --base the plans of the same program, and reports no changes", async () => {
        const out = path.join(tmp, "out");
        assert.strictEqual((await run(["--stack", "dev", "--out", out])).code, 0);
        const again = await run(["--stack", "dev", "--out", path.join(tmp, "again"), "--base", out, "--fail-on-replace"]);
        assert.strictEqual(again.code, 0, again.err);
        assert.match(again.out, /dev: 0 to create, 0 to update, 0 to replace, 0 to delete/);
    });

    it("an encrypted config value reaches no output, not even as ciphertext", async () => {
        const ciphertext = "AAABAKz0gqExampleCiphertextOnly==";
        // The kubeconfig: the one key that may (and must) be secret.
        const dir = stacksWith(tmp, (c) => {
            c["mlops-data:kubeconfig"] = { secure: ciphertext };
        });
        const out = path.join(tmp, "out");
        const r = await run(["--stacks-dir", dir, "--out", out]);
        assert.strictEqual(r.code, 0, r.err);
        for (const text of [r.out, r.err, ...fs.readdirSync(out).map((f) => fs.readFileSync(path.join(out, f), "utf8"))]) {
            assert.ok(!text.includes(ciphertext) && !text.includes("AAABAKz0gq"), "the ciphertext leaked");
        }
        assert.match(fs.readFileSync(path.join(out, "prod.plan.json"), "utf8"), /"kubeconfig": "\[secret\]"/);
    });

    it("a secure: value on a key that is not a credential is refused (exit 2), and its ciphertext reaches no output", async () => {
        const ciphertext = "AAABAKz0gqExampleCiphertextOnly==";
        const dir = stacksWith(tmp, (c) => {
            c["mlops-data:tags"].owner = { secure: ciphertext };
        });
        const out = path.join(tmp, "out");
        const r = await run(["--stacks-dir", dir, "--out", out]);
        assert.strictEqual(r.code, 2, r.err);
        assert.match(r.out, /mlops-data:tags: holds a secret \(secure:\) value, but only credentials may be secret \(mlops-data:kubeconfig\)/);
        for (const text of [r.out, r.err, ...fs.readdirSync(out).map((f) => fs.readFileSync(path.join(out, f), "utf8"))]) {
            assert.ok(!text.includes(ciphertext) && !text.includes("AAABAKz0gq"), "the ciphertext leaked");
        }
    });

    it("diffs two git revisions: HEAD against itself changes nothing", async function () {
        if (!/^[0-9a-f]{40}$/.test(spawnSync("git", ["rev-parse", "HEAD"], { cwd: REPO_ROOT, encoding: "utf8" }).stdout?.trim() ?? "")) this.skip();
        const r = await run(["diff", "HEAD", "HEAD", "--stack", "dev", "--fail-on-replace"]);
        assert.strictEqual(r.code, 0, r.err);
        assert.match(r.out, /^ {2}dev: 0 to create, 0 to update, 0 to replace, 0 to delete$/m);
    });

    describe("what a run leaves behind", () => {
        it("a stack that fails has its previous plan removed, and the summary says it was not evaluated", async () => {
            const out = path.join(tmp, "out");
            const good = stacksWith(fs.mkdtempSync(path.join(tmp, "good-")), () => undefined);
            assert.strictEqual((await run(["--stacks-dir", good, "--out", out])).code, 0);
            assert.ok(fs.existsSync(path.join(out, "prod.plan.json")));
            const bad = stacksWith(fs.mkdtempSync(path.join(tmp, "bad-")), (c) => {
                c["mlops-data:aurora"].instances = 0;
            });
            const r = await run(["--stacks-dir", bad, "--out", out]);
            assert.strictEqual(r.code, 2);
            assert.ok(!fs.existsSync(path.join(out, "prod.plan.json")), "the previous run's plan is gone, not passed off as current");
            assert.match(r.out, /\n0 of 1 stack\(s\) evaluated; 1 not: prod \(see below\); no plan written, report written to /);
            assert.ok(!/policies run/.test(r.out), r.out);
        });
    });

    describe("check: the provider's and AWS's rules over plan files", () => {
        it("passes this repository's plans (exit 0) and names what it checked", async () => {
            const out = path.join(tmp, "out");
            assert.strictEqual((await run(["--out", out])).code, 0);
            const r = await run(["check", out]);
            assert.strictEqual(r.code, 0, r.out);
            assert.strictEqual(r.out, "");
            assert.match(r.err, /^check: 4 plan\(s\), \d+ resource\(s\), 0 violation\(s\) of the provider's and AWS's rules$/m);
        });

        it("a plan built by hand that breaks rules: exit 1, one line per violation with the URN, the property and the rule", async () => {
            const out = path.join(tmp, "out");
            assert.strictEqual((await run(["--stack", "prod", "--out", out])).code, 0);
            const file = path.join(out, "prod.plan.json");
            const plan = readPlan(file);
            const key = plan.resources.find((r) => r.type === "aws:kms/key:Key")!;
            key.inputs.tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
            const cluster = plan.resources.find((r) => r.type === "aws:rds/cluster:Cluster")!;
            cluster.inputs.tags = { owner: "ml\u202eplatform" };
            fs.writeFileSync(file, JSON.stringify(plan));
            const r = await run(["check", file]);
            assert.strictEqual(r.code, 1);
            const lines = r.out.split("\n");
            assert.strictEqual(lines.length, 2, r.out);
            assert.ok(lines.some((l) => l.startsWith(`${file}: ${key.urn}: tags: 51 tags; AWS allows at most 50 per resource [`)), r.out);
            assert.ok(lines.some((l) => l.startsWith(`${file}: ${cluster.urn}: tags: tag owner: value`) && l.includes("AWS refuses")), r.out);
            assert.match(r.err, /0 violation|2 violation\(s\)/);
        });

        it("bad input: no plan named, or a file that is not a plan (exit 2)", async () => {
            assert.strictEqual((await run(["check"])).code, 2);
            const notPlan = path.join(tmp, "x.json");
            fs.writeFileSync(notPlan, "{}");
            const r = await run(["check", notPlan]);
            assert.strictEqual(r.code, 2);
            assert.match(r.err, /is not a plan file/);
        });
    });

    describe("the built command, as CI runs it", () => {
        before(() => execFileSync(process.execPath, [path.join(REPO_ROOT, "scripts", "build-js.js")]));
        const cli = path.join(REPO_ROOT, "bin", "preview", "cli.js");

        it("exits 2 on an unknown stack, with one line on stderr", () => {
            const r = spawnSync(process.execPath, [cli, "--stack", "qa"], { encoding: "utf8" });
            assert.strictEqual(r.status, 2);
            assert.strictEqual(r.stderr, 'preview: unknown stack "qa"; stacks: dev, dr, prod, staging\n');
        });

        it("loses no output when piped, however long (process.exit used to drop what the 64 KiB pipe had not taken)", async () => {
            const out = path.join(tmp, "out");
            assert.strictEqual((await run(["--out", out])).code, 0);
            // A base where every resource differs: a diff listing hundreds of property changes, over 64 KiB.
            const base = path.join(tmp, "base");
            fs.mkdirSync(base);
            for (const f of fs.readdirSync(out).filter((x) => x.endsWith(".plan.json"))) {
                const plan = readPlan(path.join(out, f));
                for (const r of plan.resources) r.inputs = { ...r.inputs, description: "an older description", tags: { old: "tag" } };
                fs.writeFileSync(path.join(base, f), JSON.stringify(plan));
            }
            const inProcess = await run(["diff", base, out]);
            assert.ok(inProcess.out.length > 65_536, `the case needs more than 64 KiB of output; got ${inProcess.out.length}`);
            const r = spawnSync(process.execPath, [cli, "diff", base, out], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
            assert.strictEqual(r.status, inProcess.code, r.stderr);
            assert.strictEqual(r.stdout, inProcess.out + "\n");
        });

        it("is a bundle whose plans and report are the sources', in one thread and in worker threads", async () => {
            // scripts/build-js.js bundles the command: one file holding the modules and packages, not a tree of them.
            const text = fs.readFileSync(path.join(path.dirname(cli), "cli.bundle.js"), "utf8");
            assert.ok(/var BUNDLED_MODULES = \{\n[^}]*"[^"]*node_modules\/@pulumi\/pulumi\/index\.js": \(\) => require_/.test(text), "the bundle lists no @pulumi/pulumi/index.js among its package files");
            assert.ok(!/require\("\.\.\/engine\//.test(text), "the bundle requires the engine's modules from bin/ instead of holding them");
            const sources = path.join(tmp, "sources");
            assert.strictEqual((await run(["--out", sources])).code, 0);
            for (const jobs of ["1", "2"]) {
                const out = path.join(tmp, `bundle-${jobs}`);
                const r = spawnSync(process.execPath, [cli, "--out", out, "--jobs", jobs, "--timings"], { encoding: "utf8" });
                assert.strictEqual(r.status, 0, r.stderr);
                // The bundle ran from the code cache the build wrote (preview/bundled.ts).
                assert.match(r.stderr, /main .* node start, this thread's modules \(code cache: used\)\n/);
                assert.deepStrictEqual(fs.readdirSync(out).sort(), fs.readdirSync(sources).sort());
                for (const f of fs.readdirSync(out)) assert.strictEqual(fs.readFileSync(path.join(out, f), "utf8"), fs.readFileSync(path.join(sources, f), "utf8"), `--jobs ${jobs}: ${f}`);
            }
        });

        it("prints a crash's stack trace with a pointer to the source maps, and with them the sources' lines", () => {
            // A crash inside the command: os.loadavg, which picking the default --jobs reads, throws.
            const probe = path.join(tmp, "crash.js");
            fs.writeFileSync(probe, `require("os").loadavg = () => { throw new Error("probe: loadavg failed"); };`);
            const args = ["-r", probe, cli, "--out", path.join(tmp, "out")];
            const plain = spawnSync(process.execPath, args, { encoding: "utf8" });
            assert.strictEqual(plain.status, 1, plain.stderr);
            assert.match(plain.stderr, /preview: Error: probe: loadavg failed\n\s+at /);
            assert.match(plain.stderr, /bin\/preview\/cli\.bundle\.js:\d+:\d+/);
            assert.match(plain.stderr, /preview: for the sources' lines in that trace, run it again with NODE_OPTIONS=--enable-source-maps\n$/);
            const mapped = spawnSync(process.execPath, ["--enable-source-maps", ...args], { encoding: "utf8" });
            assert.strictEqual(mapped.status, 1, mapped.stderr);
            assert.match(mapped.stderr, /preview\/cli\.ts:\d+:\d+/);
            assert.doesNotMatch(mapped.stderr, /NODE_OPTIONS/);
        });

        it("evaluates a base revision's program with the bundle's own Pulumi runtime (no second copy from node_modules)", () => {
            // The revision's program requires @pulumi/pulumi from node_modules: a second runtime would have no mocks set.
            const out = path.join(tmp, "out");
            const probe = path.join(tmp, "probe.js");
            fs.writeFileSync(probe, `process.on("exit", () => { const own = Object.entries(require.cache).filter(([f, m]) => f.includes("/node_modules/@pulumi/pulumi/") && !Object.getOwnPropertyDescriptor(m, "exports").get).map(([f]) => f.replace(/.*node_modules./, "")); require("fs").writeSync(2, "read from node_modules: " + JSON.stringify(own.sort()) + "\\n"); });`);
            const r = spawnSync(process.execPath, ["-r", probe, cli, "--stack", "dev", "--base", "HEAD", "--out", out], { encoding: "utf8" });
            assert.strictEqual(r.status, 0, r.stderr);
            assert.match(r.stdout, /Changes against HEAD \([0-9a-f]{12}\):\n {2}dev: \d+ to create/);
            // Only the modules engine/deferredSdkModules.ts keeps out of the bundle (stand-ins, never loaded here).
            const read = JSON.parse(/read from node_modules: (.*)/.exec(r.stderr)![1]);
            assert.deepStrictEqual(read, ["@pulumi/pulumi/automation/index.js", "@pulumi/pulumi/runtime/closure/codePaths.js", "@pulumi/pulumi/runtime/closure/serializeClosure.js"]);
        });

        it("previews a stack, writes its plan and the report, and exits 0", () => {
            const out = path.join(tmp, "out");
            const r = spawnSync(process.execPath, [cli, "--stack", "prod", "--out", out], { encoding: "utf8" });
            assert.strictEqual(r.status, 0, r.stderr);
            assert.match(r.stdout, /Stack prod \(prod, us-east-1\): \d+ resources, offline preview/);
            assert.match(r.stdout, /└─ mlops:data:Platform {2}platform/);
            assert.deepStrictEqual(fs.readdirSync(out).sort(), ["prod.plan.json", "report.md"]);
        });
    });
});
