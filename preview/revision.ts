/**
 * Plans of the stacks as a git revision declares them: that revision's
 * program (infra/) and stack files (stacks/), evaluated by this checkout's
 * offline engine and fixture (so an old revision without a preview command
 * can still be the base of a diff). Its dependencies are this checkout's
 * node_modules: a revision that needs other package versions is evaluated
 * with these.
 *
 * The files come out of git with `git archive` into a temporary directory
 * (no worktree, no change to the repository), the TypeScript is transpiled
 * there with esbuild, and the directory is removed afterwards.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Plan } from "../engine/plan";
import { REPO_ROOT } from "../engine/repoRoot";
import type { StackOutcome } from "./stackPlans";
import { listStacks } from "../engine/stackFile";

export class RevisionError extends Error {}

function git(args: string[], options: { encoding?: "utf8" } = { encoding: "utf8" }): string {
    return execFileSync("git", args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"], ...options }) as unknown as string;
}

/** The commit a revision names, or undefined when it names none (or git is not there). */
export function resolveRevision(revision: string): string | undefined {
    if (revision.startsWith("-")) return undefined;
    try {
        return git(["rev-parse", "--verify", "--quiet", `${revision}^{commit}`]).trim() || undefined;
    } catch {
        return undefined;
    }
}

function tsFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? tsFiles(p) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
    });
}

export interface RevisionPlans {
    commit: string;
    outcomes: StackOutcome[];
}

/** Plans (without policy results) of the given stacks, or of every stack the revision has. */
export async function plansAtRevision(revision: string, stacks?: string[]): Promise<RevisionPlans> {
    const commit = resolveRevision(revision);
    if (!commit) throw new RevisionError(`"${revision}" is not a plan file, a directory of plan files or a git revision of this repository`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `preview-${commit.slice(0, 8)}-`));
    try {
        const tar = path.join(dir, "revision.tar");
        try {
            execFileSync("git", ["archive", "--format=tar", "-o", tar, commit, "--", "infra", "stacks"], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] });
        } catch (e) {
            throw new RevisionError(`revision ${revision} (${commit.slice(0, 12)}) has no infra/ and stacks/ to evaluate: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`);
        }
        const src = path.join(dir, "src");
        fs.mkdirSync(src);
        execFileSync("tar", ["-xf", tar, "-C", src]);
        const out = path.join(dir, "js");
        // esbuild is what tsx (the tests' loader) transpiles with: same semantics, a few milliseconds.
        const esbuild = require("esbuild") as typeof import("esbuild");
        esbuild.buildSync({ entryPoints: tsFiles(path.join(src, "infra")), outdir: path.join(out, "infra"), outbase: path.join(src, "infra"), format: "cjs", platform: "node", target: "node20", logLevel: "silent" });
        // The revision's code resolves its packages (and so the one Pulumi runtime) from this checkout.
        fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(out, "node_modules"), "dir");
        const mainFile = path.join(out, "infra", "main.js");
        const main = fs.existsSync(mainFile) ? (require(mainFile) as { main?: unknown }).main : undefined;
        if (typeof main !== "function") throw new RevisionError(`revision ${revision} (${commit.slice(0, 12)}) has no infra/main.ts exporting main(): it predates the plan-based program and cannot be evaluated`);
        const stacksDir = path.join(src, "stacks");
        const available = listStacks(stacksDir);
        const wanted = stacks ? stacks.filter((s) => available.includes(s)) : available;
        // Loaded here, not above: the preview's main thread imports this file, and evaluating loads the Pulumi SDK.
        const { evaluateStacks } = require("./stackPlans") as typeof import("./stackPlans");
        const outcomes = await evaluateStacks(wanted, { stacksDir, program: main as () => Record<string, unknown>, policies: false, providerRules: false });
        return { commit, outcomes };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

export function planMap(outcomes: { stack: string; plan?: Plan }[]): Map<string, Plan> {
    return new Map(outcomes.filter((o) => o.plan).map((o) => [o.stack, o.plan!]));
}
