/**
 * The CI workflows (.github/workflows) parse, and everything of this
 * repository they call exists: scripts and files they run or read, make
 * targets, reusable workflows, policy packs and their config files (for every
 * value of the matrix or input that names them), and the flags they pass to
 * the preview command and to `dbops verify`.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { parseArgs } from "../../preview/args";
import { REPO_ROOT } from "../../engine/repoRoot";
import { listStacks, readStackFile } from "../../engine/stackFile";
import { configFileForStack } from "../../policy/offline/packConfig";

const DIR = path.join(REPO_ROOT, ".github", "workflows");
const WORKFLOWS = fs.readdirSync(DIR).filter((f) => f.endsWith(".yml")).sort();
const STACKS = listStacks();

interface Step {
    name?: string;
    run?: string;
    uses?: string;
    with?: Record<string, unknown>;
}
interface Job {
    "runs-on"?: unknown;
    uses?: string;
    steps?: Step[];
    strategy?: { matrix?: Record<string, unknown[]> };
}

const read = (f: string) => YAML.parse(fs.readFileSync(path.join(DIR, f), "utf8")) as { name: string; on: Record<string, any>; jobs: Record<string, Job> };

/** The values an expression can take where the test can know them: matrix values, and stacks for inputs.stack. */
function expansions(text: string, job: Job): string[] {
    const m = /\$\{\{\s*(matrix\.(\w+)|inputs\.stack)\s*\}\}/.exec(text);
    if (!m) return [text];
    const values = m[2] ? (job.strategy?.matrix?.[m[2]] ?? []).map(String) : STACKS;
    assert.ok(values.length > 0, `no values for ${m[1]}`);
    return values.flatMap((v) => expansions(text.replace(m[0], v), job));
}

/** How the workflows must ask for a stack's policy config: the rule the offline run follows (configFileForStack). */
const CONFIG_FILE_COMMAND = /^FILE=\$\(node bin\/policy\/offline\/configFile\.js "\$STACK_NAME"\)$/;

/**
 * The policy config file a `policyPackConfigs` line gives pulumi, for each
 * stack the job runs: the line must be the output of an earlier step of the
 * job that asks configFile.js for the job's stack (never a path built from the
 * stack's name), and the file is then what that script prints for the stack.
 */
function policyConfigFiles(line: string, job: Job, step: Step): [string, string][] {
    const m = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.file\s*\}\}$/.exec(line);
    assert.ok(m, `policyPackConfigs "${line}" is not the output of the step that reads the stack's environment (a path from the stack's name would pick another environment's policies for a stack named otherwise)`);
    const steps = job.steps ?? [];
    const source = steps.find((st) => (st as { id?: string }).id === m[1]);
    assert.ok(source && steps.indexOf(source) < steps.indexOf(step), `no step ${m[1]} before the pulumi step`);
    assert.ok(commands(source.run ?? "").some((c) => CONFIG_FILE_COMMAND.test(c)), `step ${m[1]} does not run configFile.js for "$STACK_NAME"`);
    assert.match(source.run ?? "", /echo "file=\$FILE" >> "\$GITHUB_OUTPUT"/);
    const env = { ...(job as { env?: Record<string, string> }).env, ...(source as { env?: Record<string, string> }).env };
    assert.ok(env.STACK_NAME, `step ${m[1]}: STACK_NAME is not set`);
    return expansions(env.STACK_NAME, job).map((stack) => [stack, path.relative(REPO_ROOT, configFileForStack(readStackFile(stack))).split(path.sep).join("/")]);
}

/** Shell commands of a run script, continuation lines joined. */
function commands(run: string): string[] {
    return run.replace(/\\\n\s*/g, " ").split("\n").flatMap((l) => l.split(/\s*(?:\|\||&&|\||;)\s*/)).map((l) => l.trim()).filter(Boolean);
}

const makeTargets = new Set([...fs.readFileSync(path.join(REPO_ROOT, "Makefile"), "utf8").matchAll(/^([a-zA-Z][\w-]*):/gm)].map((m) => m[1]));
const dbopsSources = (function all(dir: string): string {
    return fs.readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? (["bin", "obj"].includes(e.name) ? "" : all(path.join(dir, e.name))) : e.name.endsWith(".cs") ? fs.readFileSync(path.join(dir, e.name), "utf8") : "")).join("\n");
})(path.join(REPO_ROOT, "dbops"));

/** A repository path a command names, resolved to what must exist: build outputs to their sources. */
function mustExist(p: string): string {
    const bin = /^bin\/(.+)\.js$/.exec(p);
    if (bin) return `${bin[1]}.ts`;
    if (p.startsWith("dbops/bin/")) return "dbops/Dbops.csproj";
    return p;
}

describe("CI workflows", () => {
    it("there are the preview, deploy and DR stand-up workflows", () => {
        for (const f of ["preview.yml", "deploy.yml", "dr-standup.yml"]) assert.ok(WORKFLOWS.includes(f), `.github/workflows/${f} is missing`);
    });

    for (const file of WORKFLOWS) {
        describe(file, () => {
            const wf = read(file);
            const jobs = Object.entries(wf.jobs ?? {});

            it("parses, with triggers and jobs that run somewhere", () => {
                assert.ok(wf.name && wf.on && jobs.length > 0);
                for (const [id, job] of jobs) assert.ok(job["runs-on"] || job.uses, `job ${id} has neither runs-on nor uses`);
            });

            it("calls only scripts, files, make targets and workflows that exist", () => {
                for (const [id, job] of jobs) {
                    if (job.uses?.startsWith("./")) assert.ok(fs.existsSync(path.join(REPO_ROOT, job.uses)), `job ${id}: ${job.uses} does not exist`);
                    for (const step of job.steps ?? []) {
                        const where = `job ${id}, step "${step.name ?? step.uses ?? step.run?.split("\n")[0]}"`;
                        if (step.uses?.startsWith("./")) assert.ok(fs.existsSync(path.join(REPO_ROOT, step.uses)), `${where}: ${step.uses} does not exist`);
                        for (const cmd of commands(step.run ?? "")) {
                            const make = /^make\s+([\w-]+)/.exec(cmd);
                            if (make) assert.ok(makeTargets.has(make[1]), `${where}: no make target ${make[1]}`);
                            const npmRun = /^npm run ([\w:-]+)/.exec(cmd);
                            if (npmRun) assert.ok(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).scripts?.[npmRun[1]], `${where}: no npm script ${npmRun[1]}`);
                            for (const [p] of cmd.matchAll(/(?<![\w./-])(?:\.ci|scripts|bin|preview|policy|stacks|infra|dbops)\/[\w./-]+/g)) {
                                assert.ok(fs.existsSync(path.join(REPO_ROOT, mustExist(p))), `${where}: ${p} does not exist (looked for ${mustExist(p)})`);
                            }
                        }
                    }
                }
            });

            it("passes the preview command and dbops verify only flags they have", () => {
                for (const [, job] of jobs) {
                    for (const step of job.steps ?? []) {
                        for (const cmd of commands(step.run ?? "")) {
                            const preview = /^node bin\/preview\/cli\.js\b(.*)$/.exec(cmd);
                            if (preview) {
                                // A variable after a flag is that flag's value; one on its own (an optional flag) may be empty.
                                const tokens = preview[1].trim().split(/\s+/).filter(Boolean);
                                const args = tokens.flatMap((t, i) => (/^"?\$\w+"?$/.test(t) ? (i > 0 && tokens[i - 1].startsWith("-") ? ["value"] : []) : [t]));
                                assert.doesNotThrow(() => parseArgs(args), `${cmd}`);
                            }
                            const verify = /dbops\.dll verify\b(.*)$/.exec(cmd);
                            if (verify) {
                                for (const [flag] of verify[1].matchAll(/--[\w-]+/g)) assert.ok(dbopsSources.includes(`"${flag}"`), `dbops verify has no flag ${flag}`);
                            }
                        }
                    }
                }
            });

            it("names policy packs and policy config files that exist, for every stack it runs", () => {
                for (const [id, job] of jobs) {
                    for (const step of job.steps ?? []) {
                        if (!step.uses?.startsWith("pulumi/actions@")) continue;
                        const lines = (key: string) => String(step.with?.[key] ?? "").split("\n").map((l) => l.trim()).filter(Boolean);
                        if (step.with?.command) assert.ok(lines("policyPacks").length > 0, `job ${id}: pulumi ${step.with.command} without policyPacks`);
                        for (const line of lines("policyPacks")) for (const p of expansions(line, job)) assert.ok(fs.existsSync(path.join(REPO_ROOT, p)), `job ${id}: policyPacks names ${p}, which does not exist`);
                        for (const line of lines("policyPackConfigs")) {
                            for (const [stack, file] of policyConfigFiles(line, job, step)) {
                                assert.ok(fs.existsSync(path.join(REPO_ROOT, file)), `job ${id}, stack ${stack}: policyPackConfigs names ${file}, which does not exist`);
                            }
                        }
                    }
                }
            });
        });
    }

    it("every pulumi run takes the policy config of the stack's environment, as the offline preview does", () => {
        let runs = 0;
        for (const file of WORKFLOWS) {
            for (const [, job] of Object.entries(read(file).jobs ?? {})) {
                for (const step of job.steps ?? []) {
                    if (!step.uses?.startsWith("pulumi/actions@") || !step.with?.policyPacks) continue;
                    const lines = String(step.with.policyPackConfigs ?? "").split("\n").map((l) => l.trim()).filter(Boolean);
                    assert.strictEqual(lines.length, String(step.with.policyPacks).split("\n").filter((l) => l.trim()).length, `${file}: one config per pack`);
                    for (const line of lines) {
                        for (const [stack, config] of policyConfigFiles(line, job, step)) {
                            assert.strictEqual(config, `policy/config/${readStackFile(stack).config["mlops-data:environment"]}.json`, `${file}, stack ${stack}`);
                            runs++;
                        }
                    }
                }
            }
        }
        assert.ok(runs > 0, "no pulumi run with policy packs found");
    });

    it("the script the workflows ask chooses by environment: a stack named otherwise gets its environment's config, one without an environment none", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stacks-"));
        try {
            fs.writeFileSync(path.join(dir, "Pulumi.sandbox-eu.yaml"), "config:\n  mlops-data:environment: dev\n");
            fs.writeFileSync(path.join(dir, "Pulumi.nameless.yaml"), "config:\n  aws:region: us-east-1\n");
            assert.strictEqual(path.relative(REPO_ROOT, configFileForStack(readStackFile("sandbox-eu", dir))), path.join("policy", "config", "dev.json"));
            assert.throws(() => configFileForStack(readStackFile("nameless", dir)), /mlops-data:environment: is required: the policy config file is chosen by the stack's environment/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("the DR stand-up offers the runbook's modes and runs the dr stack", () => {
        const wf = read("dr-standup.yml");
        assert.deepStrictEqual(wf.on.workflow_dispatch.inputs.mode.options, ["standby", "promote", "restore"]);
        assert.strictEqual(wf.on.workflow_dispatch.inputs.force.type, "boolean");
        assert.strictEqual(wf.jobs.dr.uses, "./.github/workflows/deploy-stack.yml");
        assert.strictEqual((wf.jobs.dr as any).with.stack, "dr");
    });

    it("never changes stack config on the runner: a config set there is lost with the checkout (defect 6)", () => {
        for (const file of WORKFLOWS) {
            for (const [id, job] of Object.entries(read(file).jobs ?? {})) {
                for (const step of job.steps ?? []) {
                    for (const cmd of commands(step.run ?? "")) {
                        assert.ok(!/^pulumi\s+config\s+(set|set-all|rm|rm-all|cp)\b/.test(cmd), `${file}, job ${id}: "${cmd}" edits config in the runner's checkout only`);
                        assert.ok(!/\bstacks\/Pulumi\.[\w-]+\.yaml\b/.test(cmd) || !/(>|sed\s+-i|yq\s+-i|tee)\b/.test(cmd), `${file}, job ${id}: "${cmd}" writes a stack file on the runner`);
                    }
                }
            }
        }
    });

    it("the DR stand-up takes mode and force from the committed dr stack file on the default branch, and stops when they differ from the request", () => {
        const wf = read("dr-standup.yml");
        const call = (wf.jobs.dr as any).with;
        assert.strictEqual(call["dr-expect-mode"], "${{ inputs.mode }}");
        assert.strictEqual(call["dr-expect-force"], "${{ inputs.force }}");
        const deploy = read("deploy-stack.yml");
        assert.deepStrictEqual(Object.keys(deploy.on.workflow_call.inputs).filter((k) => k.startsWith("dr-")).sort(), ["dr-expect-force", "dr-expect-mode"]);
        const steps: Step[] = (deploy.jobs.up as any).steps;
        const check = steps.findIndex((st) => /pulumi config get --path dr\.mode --stack "\$STACK"/.test(st.run ?? "") && /pulumi config get --path dr\.force/.test(st.run ?? ""));
        const up = steps.findIndex((st) => st.with?.command === "up");
        assert.ok(check >= 0 && check < up, "the committed mode and force are read before pulumi up");
        const run = steps[check].run!;
        assert.match(run, /"\$MODE" != "\$EXPECT_MODE"/);
        assert.match(run, /"\$FORCE" != "\$EXPECT_FORCE"/);
        assert.match(run, /"\$GITHUB_REF" != "refs\/heads\/\$DEFAULT_BRANCH"/, "a dr run from another ref would stand up a mode the next default run undoes");
        assert.match(run, /exit 1/);
        assert.strictEqual((steps[check] as any).if, "inputs.stack == 'dr'");
    });

    it("deploy runs dev, then staging, then prod, each in its own environment", () => {
        const wf = read("deploy.yml");
        assert.deepStrictEqual(wf.on.push.branches, ["main"]);
        assert.deepStrictEqual(Object.entries(wf.jobs).map(([id, j]) => [id, (j as any).with.stack, (j as any).needs]), [["dev", "dev", undefined], ["staging", "staging", "dev"], ["prod", "prod", "staging"]]);
        const stack = read("deploy-stack.yml").jobs.up as any;
        assert.strictEqual(stack.environment, "${{ inputs.stack }}");
        const steps: Step[] = stack.steps;
        const up = steps.findIndex((s) => s.with?.command === "up");
        const verify = steps.findIndex((s) => /pulumi stack output verification --json --show-secrets[\s\S]*dbops\.dll verify --outputs -/.test(s.run ?? ""));
        assert.ok(up >= 0 && verify > up, "pulumi up, then the verifier reading the stack's verification output");
    });
});
