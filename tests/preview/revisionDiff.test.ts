/**
 * The pull-request diff does not cry wolf (issue 13, defect 6): the diff of
 * HEAD against recent commits that declare the same stacks reports no
 * replacement and no deletion.
 *
 * Which commits (the issue: "the last 20 commits that did not change stacks/,
 * infra/ or the @pulumi/* versions"):
 * 1. walking `git log` from HEAD's parent, the commits C for which
 *    `git diff --quiet C HEAD -- stacks/ infra/` holds and package.json's
 *    @pulumi/* versions equal HEAD's: the same program and stack files, so
 *    the plans must be the same, and the diff must be empty;
 * 2. fewer than 20 of those exist (at the time of writing 3: every commit
 *    before them changed infra/), so the list is filled, in `git log` order,
 *    with commits C whose stacks/ and @pulumi/* versions equal HEAD's and whose
 *    infra/ differs in ways not meant to replace or delete anything. For these
 *    the diff may update in place, and may replace or delete only what a
 *    commit between C and HEAD declares it does on purpose (a refactor that
 *    removes an in-cluster object): INTENDED below, for commits made before
 *    this test, or a trailer line in the commit message,
 *        Intended-Delete: kubernetes:batch/v1:CronJob::k8s-maintain
 *        Intended-Replace: random:index/randomPassword:RandomPassword::cache-auth-token
 *    (type::name, in every stack that has it).
 * A commit that changes infra/ to replace or delete something on purpose says
 * so with such a trailer; without it, this test fails on the next commit.
 *
 * Both sides are evaluated by this checkout's engine (preview/revision.ts's
 * plansAtRevision), revisions with the same infra/ and stacks/ trees once.
 * A shallow clone fails loudly: it would leave nothing to compare.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { StackDiff, diffPlanSets } from "../../engine/diff";
import { Plan } from "../../engine/plan";
import { REPO_ROOT } from "../../engine/repoRoot";
import { planMap, plansAtRevision } from "../../preview/revision";

const WANTED = 20;

/** Changes made on purpose by commits older than the trailers: "type::name" deleted or replaced. */
const INTENDED: Record<string, { why: string; deletes?: string[]; replaces?: string[] }> = {
    "6dba20c91ad60a8896f0551bd0f0e20a1deda155": {
        why: 'commit 6dba20c9 ("In-cluster dbops"): the maintain CronJob became two, vacuum and reindex',
        deletes: ["kubernetes:batch/v1:CronJob::k8s-maintain"],
    },
};

function git(...args: string[]): string {
    return execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

function same(c: string, ...paths: string[]): boolean {
    try {
        execFileSync("git", ["diff", "--quiet", c, "HEAD", "--", ...paths], { cwd: REPO_ROOT, stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
}

function pulumiVersions(packageJson: string): string {
    const p = JSON.parse(packageJson) as Record<string, Record<string, string> | undefined>;
    const deps = { ...p.dependencies, ...p.devDependencies };
    return JSON.stringify(Object.entries(deps).filter(([k]) => k.startsWith("@pulumi/")).sort());
}

interface Candidate {
    commit: string;
    subject: string;
    /** infra/ is the same as HEAD's (set 1), or differs (set 2). */
    sameInfra: boolean;
}

function candidates(): Candidate[] {
    const head = pulumiVersions(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
    const strict: Candidate[] = [];
    const fallback: Candidate[] = [];
    for (const line of git("log", "--format=%H %s", "HEAD").split("\n").slice(1)) {
        const [commit, ...subject] = line.split(" ");
        let pkg: string;
        try {
            pkg = pulumiVersions(git("show", `${commit}:package.json`));
        } catch {
            continue;
        }
        if (pkg !== head || !same(commit, "stacks/")) continue;
        const c = { commit, subject: subject.join(" "), sameInfra: same(commit, "infra/") };
        (c.sameInfra ? strict : fallback).push(c);
    }
    const chosen = strict.slice(0, WANTED);
    return [...chosen, ...fallback.slice(0, WANTED - chosen.length)];
}

/** What each commit declares it replaces or deletes on purpose, "kind type::name", by commit. */
function intended(): Map<string, string[]> {
    const out = new Map(Object.entries(INTENDED).map(([sha, e]) => [sha, [...(e.deletes ?? []).map((u) => `delete ${u}`), ...(e.replaces ?? []).map((u) => `replace ${u}`)]]));
    for (const entry of git("log", "--format=%x1e%H%n%B", "HEAD").split("\x1e").slice(1)) {
        const [sha, ...body] = entry.split("\n");
        for (const line of body) {
            const m = /^Intended-(Delete|Replace):\s*(\S+)\s*$/.exec(line);
            if (m) out.set(sha, [...(out.get(sha) ?? []), `${m[1].toLowerCase()} ${m[2]}`]);
        }
    }
    return out;
}

function describeChanges(d: StackDiff, kinds: string[]): string[] {
    return d.changes.filter((c) => kinds.includes(c.kind)).map((c) => `${d.stack}: ${c.kind} ${c.type}::${c.name}: ${c.reasons.join("; ") || c.properties.map((p) => p.path).join(", ")}`);
}

describe("the diff against recent commits that declare the same stacks", function () {
    this.timeout(600_000);
    let chosen: Candidate[] = [];
    let head: Map<string, Plan>;

    before(async function () {
        assert.strictEqual(git("rev-parse", "--is-shallow-repository"), "false", "this clone is shallow: the test needs the history (git fetch --unshallow)");
        chosen = candidates();
        assert.ok(chosen.length > 0, "no commit before HEAD declares the same stacks: nothing to compare");
        const outcomes = (await plansAtRevision("HEAD")).outcomes;
        for (const o of outcomes) assert.ok(o.plan, `HEAD: stack ${o.stack} does not evaluate: ${o.failure?.message}`);
        head = planMap(outcomes);
    });

    it(`covers up to ${WANTED} commits, those with the same infra/ first`, () => {
        const strict = chosen.filter((c) => c.sameInfra).length;
        // Printed so that a run shows what it covered.
        console.log(`      ${chosen.length} commits: ${strict} with the same stacks/, infra/ and @pulumi/* versions, ${chosen.length - strict} with the same stacks/ and @pulumi/* versions`);
        assert.ok(chosen.length <= WANTED);
    });

    it("reports no replacement and no deletion (beyond INTENDED) against any of them", async () => {
        const byTrees = new Map<string, string[]>();
        const declared = intended();
        const problems: string[] = [];
        for (const c of chosen) {
            const trees = git("rev-parse", `${c.commit}:infra`, `${c.commit}:stacks`);
            const between = git("rev-list", `${c.commit}..HEAD`).split("\n");
            const allowed = [...new Set(between.flatMap((sha) => declared.get(sha) ?? []))].sort();
            const key = `${trees}\n${allowed.join("\n")}`;
            let found = byTrees.get(key);
            if (!found) {
                const outcomes = (await plansAtRevision(c.commit)).outcomes;
                found = outcomes.filter((o) => !o.plan).map((o) => `stack ${o.stack} does not evaluate: ${o.failure?.message}`);
                const diffs = diffPlanSets(planMap(outcomes), head);
                const unexpected = (line: string) => !allowed.some((a) => line.slice(line.indexOf(": ") + 2).startsWith(`${a}:`));
                found.push(...diffs.flatMap((d) => describeChanges(d, ["replace", "delete"])).filter(unexpected));
                if (c.sameInfra) found.push(...diffs.flatMap((d) => describeChanges(d, ["add", "update"]).map((l) => `${l} (the same program: the plans must be equal)`)));
                byTrees.set(key, found);
            }
            problems.push(...found.map((p) => `${c.commit.slice(0, 8)} (${c.subject}): ${p}`));
        }
        assert.deepStrictEqual(problems, []);
    });
});
