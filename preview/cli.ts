/**
 * `make preview`: the offline preview of every stack (or those named with
 * --stack), with no cloud credentials: each stack evaluated under the
 * runtime mocks, the policy packs run over it, a tree and the policy results
 * printed, and a plan file per stack and a Markdown report written; with
 * --base, the diff against a git revision or a set of plan files.
 * `preview diff <base> <head>` compares two sets of plans; `preview check
 * <plans>` applies the provider's and AWS's rules to plan files.
 * Usage and exit codes: preview/args.ts.
 */
// First: the deferred modules' stand-ins must be in place before anything below loads zod or the SDK.
import "./deferModules";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Args, CheckArgs, DiffArgs, PreviewArgs, USAGE, UsageError, parseArgs } from "./args";
import { checkPlan, formatViolation } from "../engine/provider/check";
import { StackDiff, blockingChanges, diffPlanSets } from "../engine/diff";
import { Plan, PlanFileError, planText, readPlan } from "../engine/plan";
import { renderReport } from "./report";
import { RevisionError, planMap, plansAtRevision, resolveRevision } from "./revision";
import type { StackResult } from "./stackPlans";
import { StackFileError, listStacks } from "../engine/stackFile";
import { renderDiff } from "./terminal";
import { NO_TIMINGS, Timings, formatTimings } from "./timings";
import { closeStartedPolicyPacks } from "../policy/offline/started";

export interface Io {
    out(text: string): void;
    err(text: string): void;
}

/** One side of a comparison: plans read from files now, or a git revision evaluated when needed. */
type PlanSource = { label: string; plans: Map<string, Plan> } | { label: string; revision: string };

function planFilesIn(dir: string): string[] {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".plan.json")).sort();
    if (files.length === 0) throw new PlanFileError(`directory ${dir} holds no <stack>.plan.json files`);
    return files.map((f) => path.join(dir, f));
}

/** Resolves a side before anything is evaluated, so that bad input fails fast. */
function planSource(arg: string): PlanSource {
    if (fs.existsSync(arg)) {
        const files = fs.statSync(arg).isDirectory() ? planFilesIn(arg) : [arg];
        return { label: `\`${arg}\``, plans: new Map(files.map((f) => readPlan(f)).map((p) => [p.stack, p])) };
    }
    const commit = resolveRevision(arg);
    if (!commit) throw new UsageError(`"${arg}" is not a plan file, a directory of plan files or a git revision of this repository`);
    return { label: `\`${arg}\` (${commit.slice(0, 12)})`, revision: arg };
}

/** The plans of a side; a stack of a revision that does not evaluate is left out, with a warning. */
async function loadSource(source: PlanSource, stacks: string[] | undefined, warnings: string[]): Promise<Map<string, Plan>> {
    if ("plans" in source) return stacks ? new Map([...source.plans].filter(([s]) => stacks.includes(s))) : source.plans;
    const { outcomes } = await plansAtRevision(source.revision, stacks);
    for (const o of outcomes.filter((x) => x.failure)) warnings.push(`${source.label}: stack ${o.stack} does not evaluate there, so it is not compared: ${o.failure!.message.split("\n")[0]}`);
    return planMap(outcomes);
}

/** Writes next to the target and renames, so a reader never sees half a file. */
function writeAtomically(file: string, text: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
}

function mandatoryCount(plans: Iterable<Plan>): number {
    return [...plans].reduce((n, p) => n + (p.violations ?? []).filter((v) => v.enforcementLevel === "mandatory").length, 0);
}

/** Changes `pulumi up` itself would refuse (a protected resource deleted or replaced): fatal whatever the flags. */
function blockedCount(diffs: StackDiff[]): number {
    return diffs.flatMap((d) => d.changes).filter((c) => c.blocked).length;
}

function exitCode(opts: { badInput: boolean; programFailed: boolean; mandatory: number; blocked: number; blocking: number; failOnReplace: boolean }): number {
    if (opts.badInput) return 2;
    if (opts.programFailed || opts.mandatory > 0 || opts.blocked > 0 || (opts.failOnReplace && opts.blocking > 0)) return 1;
    return 0;
}

function isDirectory(p: string): boolean {
    return fs.existsSync(p) && fs.statSync(p).isDirectory();
}

/**
 * The stacks' results, evaluated in this thread one after another (jobs 1), or in
 * worker threads (preview/concurrent.ts); the same results either way
 * (tests/preview/concurrent.test.ts). The evaluating modules are loaded here, not
 * above: with workers, this thread never needs the Pulumi SDK.
 */
async function stackResults(stacks: string[], args: PreviewArgs, jobs: number, timings: Timings): Promise<StackResult[]> {
    const recorded = timings === NO_TIMINGS ? undefined : timings;
    if (jobs > 1 && stacks.length > 1) {
        const { evaluateConcurrently } = require("./concurrent") as typeof import("./concurrent");
        return evaluateConcurrently(stacks, { jobs, stacksDir: args.stacksDir, transport: args.policyTransport, timings: recorded });
    }
    const plans = timings.time("load", "the SDK, the program, the engine, the packs' rules", loadEvaluation);
    const outcomes = await plans.evaluateStacks(stacks, { stacksDir: args.stacksDir, policies: { transport: args.policyTransport }, timings: recorded });
    return outcomes.map((o) => plans.stackResult(o, timings));
}

/**
 * Loads what evaluating a stack needs, once per thread. Exported for the bundle's code cache (preview/bundled.ts
 * writeCodeCache), which runs it so that the cache holds the functions this load compiles.
 */
export function loadEvaluation(): typeof import("./stackPlans") {
    (require("../engine/deferredSdkModules") as typeof import("../engine/deferredSdkModules")).deferSdkClosureModules();
    require("../infra/main");
    (require("../engine/previewSdkPatches") as typeof import("../engine/previewSdkPatches")).installPreviewSdkPatches();
    return require("./stackPlans") as typeof import("./stackPlans");
}

async function runPreview(args: PreviewArgs, io: Io, jobsFor: (stacks: number) => number): Promise<number> {
    const started = performance.now();
    const timings = args.timings ? new Timings() : NO_TIMINGS;
    // In the built command (a bundle), what became of its V8 code cache (preview/bundled.ts).
    const codeCache = (module as { codeCache?: string }).codeCache;
    timings.since("load", `node start, this thread's modules${codeCache ? ` (code cache: ${codeCache})` : ""}`, performance.timeOrigin);
    if (args.stacksDir !== undefined && !isDirectory(args.stacksDir)) throw new UsageError(`--stacks-dir ${args.stacksDir} is not a directory; it should hold Pulumi.<stack>.yaml files`);
    if (fs.existsSync(args.outDir) && !isDirectory(args.outDir)) throw new UsageError(`--out ${args.outDir} is a file; it should be a directory (created if missing)`);
    const known = listStacks(args.stacksDir);
    if (known.length === 0) throw new UsageError(`no stack files (Pulumi.<stack>.yaml) in ${args.stacksDir ?? "stacks/"}`);
    for (const s of args.stacks) if (!known.includes(s)) throw new UsageError(`unknown stack "${s}"; stacks: ${known.join(", ")}`);
    const stacks = args.stacks.length ? [...new Set(args.stacks)] : known;
    const base = args.base !== undefined ? planSource(args.base) : undefined;

    const results = await stackResults(stacks, args, args.jobs ?? jobsFor(stacks.length), timings);
    io.out(results.map((r) => r.text).join("\n"));
    const head = planMap(results);
    const failures = results.filter((r) => r.failure).map((r) => ({ stack: r.stack, message: r.failure!.message }));

    let diff: { baseLabel: string; stacks: StackDiff[]; warnings: string[] } | undefined;
    if (base) {
        const warnings = failures.map((f) => `stack ${f.stack} is not compared: it does not evaluate here`);
        const basePlans = await timings.timeAsync("evaluate", `the base, ${base.label.replace(/`/g, "")}`, () => loadSource(base, args.stacks.length ? stacks : undefined, warnings));
        for (const f of failures) basePlans.delete(f.stack);
        diff = { baseLabel: base.label, stacks: timings.time("plan", "diff against the base", () => diffPlanSets(basePlans, head)), warnings };
        io.out(renderDiff(diff.stacks, base.label.replace(/`/g, "")));
        for (const w of warnings) io.err(`warning: ${w}`);
    }

    const report = timings.time("render", "the report", () => renderReport({ plans: head, failures, diff }));
    timings.time("write", "plans and report", () => {
        fs.mkdirSync(args.outDir, { recursive: true });
        for (const plan of head.values()) writeAtomically(path.join(args.outDir, `${plan.stack}.plan.json`), planText(plan));
        // A stack that failed has no plan of this run: an older one left in place would pass for current.
        for (const f of failures) fs.rmSync(path.join(args.outDir, `${f.stack}.plan.json`), { force: true });
        writeAtomically(path.join(args.outDir, "report.md"), report);
    });

    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const where = path.relative(process.cwd(), args.outDir) || ".";
    const failed = failures.length ? `; ${failures.length} not: ${failures.map((f) => f.stack).join(", ")} (see below)` : "";
    const work = head.size ? `policies run on ${head.size}, plans and report written to ${where}` : `no plan written, report written to ${where}`;
    io.out(`\n${head.size} of ${stacks.length} stack(s) evaluated${failed}; ${work} in ${seconds} s`);
    for (const f of failures) io.err(`preview: stack ${f.stack}: ${f.message.split("\n")[0]}`);
    if (args.timings) io.err(formatTimings(timings.spans));
    return exitCode({
        badInput: results.some((r) => r.failure && r.failure.kind !== "program"),
        programFailed: failures.length > 0,
        mandatory: mandatoryCount(head.values()),
        blocked: blockedCount(diff?.stacks ?? []),
        blocking: (diff?.stacks ?? []).flatMap(blockingChanges).length,
        failOnReplace: args.failOnReplace,
    });
}

async function runDiff(args: DiffArgs, io: Io): Promise<number> {
    const [baseSource, headSource] = [planSource(args.base), planSource(args.head)];
    const stacks = args.stacks.length ? args.stacks : undefined;
    const warnings: string[] = [];
    const base = await loadSource(baseSource, stacks, warnings);
    const head = await loadSource(headSource, stacks, warnings);
    if (base.size === 0 && head.size === 0) throw new UsageError(`neither side has a plan of ${stacks ? `stack ${stacks.join(", ")}` : "any stack"}`);
    const diffs = diffPlanSets(base, head);
    io.out(renderDiff(diffs, `${args.base.replace(/`/g, "")}, in ${args.head}`));
    for (const w of warnings) io.err(`warning: ${w}`);
    if (args.markdown) writeAtomically(args.markdown, renderReport({ plans: head, failures: [], diff: { baseLabel: baseSource.label, stacks: diffs, warnings }, headLabel: headSource.label }));
    return exitCode({ badInput: false, programFailed: false, mandatory: mandatoryCount(head.values()), blocked: blockedCount(diffs), blocking: diffs.flatMap(blockingChanges).length, failOnReplace: args.failOnReplace });
}

/** `check`: the provider's and AWS's rules over plan files (made by this preview or by hand). */
function runCheck(args: CheckArgs, io: Io): number {
    const files = args.plans.flatMap((p) => (isDirectory(p) ? planFilesIn(p) : [p]));
    const plans = files.map((f) => ({ file: f, plan: readPlan(f) }));
    let violations = 0;
    for (const { file, plan } of plans) {
        const result = checkPlan(plan);
        violations += result.violations.length;
        for (const v of result.violations) io.out(`${file}: ${formatViolation(v)}`);
        if (result.uncheckedTypes.length) io.err(`warning: ${file}: no rules known for ${result.uncheckedTypes.join(", ")}; those resources were not checked`);
    }
    const resources = plans.reduce((n, p) => n + p.plan.resources.length, 0);
    io.err(`check: ${plans.length} plan(s), ${resources} resource(s), ${violations} violation(s) of the provider's and AWS's rules`);
    return violations > 0 ? 1 : 0;
}

/** A bad policy config file; recognised by name, so that this thread need not load the packs' modules to know the class. */
function isPolicyConfigError(e: unknown): e is Error {
    return e instanceof Error && e.name === "PolicyConfigError";
}

export interface MainDefaults {
    /**
     * Stacks evaluated at once when --jobs is not given, given the number of stacks to preview.
     * The command uses defaultJobs; called from code (the tests) it is 1: a process that has
     * loaded the SDK already evaluates in its own thread faster than new workers load it again.
     */
    jobs?: (stacks: number) => number;
}

/** Runs the command; bad input is reported as one line and exit code 2. */
export async function main(argv: string[], io: Io, defaults: MainDefaults = {}): Promise<number> {
    let args: Args;
    try {
        args = parseArgs(argv);
        if (args.command === "help") {
            io.out(USAGE);
            return 0;
        }
        if (args.command === "check") return runCheck(args, io);
        return args.command === "diff" ? await runDiff(args, io) : await runPreview(args, io, defaults.jobs ?? (() => 1));
    } catch (e) {
        if (e instanceof UsageError || e instanceof PlanFileError || e instanceof RevisionError || e instanceof StackFileError || isPolicyConfigError(e)) {
            io.err(`preview: ${e.message}`);
            return 2;
        }
        throw e;
    }
}

/** Below this many cores the default is one thread (see defaultJobs). */
const MIN_CORES_FOR_WORKERS = 3;
/** Below this many stacks the default is one thread (see defaultJobs). */
const MIN_STACKS_FOR_WORKERS = 4;

/**
 * The command's default --jobs. Each worker thread loads the SDK, the program and the packs
 * again, and on top of that the coordinating thread loads its own modules: that costs more
 * than a stack's evaluation, so workers pay off only when several stacks share out over cores
 * that are really idle. On 2 cores they never did: two workers were 0.8 s slower than one
 * thread on a near-quiet machine (2,561 ms of load summed over the threads against 788 ms;
 * docs/benchmarks/2026-12-02-bench-preview-4.md), and much slower under load (-3). So: one
 * thread with fewer than MIN_CORES_FOR_WORKERS cores or fewer than MIN_STACKS_FOR_WORKERS
 * stacks; otherwise the cores the 1-minute load average leaves idle, at least 1.
 */
export function defaultJobs(stacks: number, cores = os.availableParallelism(), load = os.loadavg()[0]): number {
    if (cores < MIN_CORES_FOR_WORKERS || stacks < MIN_STACKS_FOR_WORKERS) return 1;
    return Math.max(1, Math.min(cores, Math.floor(cores - load)));
}

if (require.main === module) {
    main(process.argv.slice(2), { out: (t) => process.stdout.write(t + "\n"), err: (t) => process.stderr.write(t + "\n") }, { jobs: (stacks) => defaultJobs(stacks) })
        .catch((e) => {
            process.stderr.write(`preview: ${e instanceof Error ? e.stack : String(e)}\n`);
            // The built command is a bundle (scripts/build-js.js): its frames name bin/preview/*.js lines, not the sources'.
            if (e instanceof Error && /bin[\\/]preview[\\/][\w.]+\.js:\d+/.test(e.stack ?? "") && !process.sourceMapsEnabled) {
                process.stderr.write("preview: for the sources' lines in that trace, run it again with NODE_OPTIONS=--enable-source-maps\n");
            }
            return 1;
        })
        // With --policy-transport grpc the packs are processes of their own: they must not outlive the preview.
        // process.exit drops what a pipe has not taken yet (past its 64 KiB buffer), so the output is flushed first.
        .then(async (code) => {
            // The policy packs this thread started, if it started any (the workers stop their own).
            await closeStartedPolicyPacks();
            await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write("", () => resolve()))));
            process.exit(code);
        });
}
