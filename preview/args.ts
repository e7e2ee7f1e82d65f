/**
 * Command-line arguments of the preview. A bad argument is a UsageError: one
 * line naming what is wrong and what is allowed, exit code 2.
 */
import * as path from "path";
import type { PolicyTransport } from "../policy/offline/evaluate";
import { REPO_ROOT } from "../engine/repoRoot";
import { ArgReader as Reader, UsageError, unknownArgument } from "../engine/cliArgs";

export { UsageError };

export const USAGE = `usage:
  preview [--stack <name>]... [--out <dir>] [--base <revision|dir|plan file>] [--fail-on-replace]
          [--policy-transport in-process|grpc] [--stacks-dir <dir>] [--jobs <n>] [--timings]
      evaluate the stacks offline (default: every stacks/Pulumi.<name>.yaml), run the policy packs,
      print a tree per stack, write <out>/<stack>.plan.json and <out>/report.md (default out/preview);
      with --base, also diff every stack against that git revision or those plan files;
      --jobs: stacks evaluated at once, each in a worker thread (1 evaluates them one after
      another in this thread; default 1 on fewer than 3 cores or for fewer than 4 stacks, where
      workers cost more than they share out, else one per core the load average leaves idle,
      at most one per stack); --timings: where the time went, on stderr
  preview diff <base> <head> [--stack <name>]... [--markdown <file>] [--fail-on-replace]
      compare two sets of plans: each side a plan file, a directory of plan files or a git revision
  preview check <plan file|directory of plan files>...
      apply the provider's and AWS's rules (engine/provider/) to every resource of the plans;
      one line per violation; exit 1 on any
exit codes: 0 fine; 1 a mandatory policy violation, a protected resource the diff would delete or replace
(pulumi up refuses it), or with --fail-on-replace a stateful replacement
or deletion in a protected environment (staging, prod, dr) or of a protected resource, or (check)
a provider or AWS rule broken; 2 bad input, including a stack whose configuration or resources the
provider or AWS would refuse`;

export interface PreviewArgs {
    command: "preview";
    stacks: string[];
    outDir: string;
    base?: string;
    failOnReplace: boolean;
    policyTransport: PolicyTransport;
    stacksDir?: string;
    /** Stacks evaluated at once, in worker threads; undefined: the caller's default (see preview/cli.ts). */
    jobs?: number;
    /** Print where the time went to stderr. */
    timings: boolean;
}

export interface DiffArgs {
    command: "diff";
    base: string;
    head: string;
    stacks: string[];
    markdown?: string;
    failOnReplace: boolean;
}

export interface CheckArgs {
    command: "check";
    /** Plan files or directories of them. */
    plans: string[];
}

export type Args = PreviewArgs | DiffArgs | CheckArgs | { command: "help" };

const PREVIEW_FLAGS = "--stack <name>, --out <dir>, --base <revision|dir|file>, --fail-on-replace, --policy-transport in-process|grpc, --stacks-dir <dir>, --jobs <n>, --timings, --help";

/** A bound, so that a slip (--jobs 1000) does not start a thousand threads; there are never more workers than stacks anyway. */
export const MAX_JOBS = 64;
const DIFF_FLAGS = "--stack <name>, --markdown <file>, --fail-on-replace, --help";

export function parseArgs(argv: string[]): Args {
    if (argv[0] === "diff") return parseDiff(argv.slice(1));
    if (argv[0] === "check") return parseCheck(argv.slice(1));
    const args: PreviewArgs = { command: "preview", stacks: [], outDir: path.join(REPO_ROOT, "out", "preview"), failOnReplace: false, policyTransport: "in-process", timings: false };
    const r = new Reader(argv);
    for (let a = r.next(); a; a = r.next()) {
        switch (a.flag) {
            case "--stack":
            case "-s":
                args.stacks.push(a.value());
                break;
            case "--out":
                args.outDir = path.resolve(a.value());
                break;
            case "--base":
                args.base = a.value();
                break;
            case "--fail-on-replace":
                args.failOnReplace = true;
                break;
            case "--policy-transport": {
                const t = a.value();
                // Required here only: the module runs the packs, and loading it takes a second that the
                // main thread of a concurrent preview (whose workers run the packs) would spend for nothing.
                const { POLICY_TRANSPORTS } = require("../policy/offline/evaluate") as typeof import("../policy/offline/evaluate");
                if (!(POLICY_TRANSPORTS as readonly string[]).includes(t)) throw new UsageError(`--policy-transport "${t}" is not a transport; allowed: ${POLICY_TRANSPORTS.join(", ")}`);
                args.policyTransport = t as PolicyTransport;
                break;
            }
            case "--stacks-dir":
                args.stacksDir = path.resolve(a.value());
                break;
            case "--jobs":
            case "-j": {
                const v = a.value();
                if (!/^[1-9][0-9]*$/.test(v) || Number(v) > MAX_JOBS) throw new UsageError(`--jobs "${v}" is not a number of threads; allowed: a whole number from 1 to ${MAX_JOBS}`);
                args.jobs = Number(v);
                break;
            }
            case "--timings":
                args.timings = true;
                break;
            case "--help":
            case "-h":
                return { command: "help" };
            default:
                throw unknownArgument(a.flag, `diff <base> <head>, check <plan>..., ${PREVIEW_FLAGS}`);
        }
    }
    return args;
}

function parseDiff(argv: string[]): Args {
    const positional: string[] = [];
    const args = { command: "diff" as const, stacks: [] as string[], failOnReplace: false, markdown: undefined as string | undefined };
    const r = new Reader(argv);
    for (let a = r.next(); a; a = r.next()) {
        if (a.flag === "--stack" || a.flag === "-s") args.stacks.push(a.value());
        else if (a.flag === "--markdown") args.markdown = path.resolve(a.value());
        else if (a.flag === "--fail-on-replace") args.failOnReplace = true;
        else if (a.flag === "--help" || a.flag === "-h") return { command: "help" };
        else if (a.flag.startsWith("-")) throw unknownArgument(a.flag, DIFF_FLAGS, " for diff");
        else positional.push(a.flag);
    }
    if (positional.length !== 2) throw new UsageError(`diff needs exactly two sides, <base> and <head> (plan file, directory of plan files or git revision); got ${positional.length}`);
    return { ...args, base: positional[0], head: positional[1] };
}

function parseCheck(argv: string[]): Args {
    const plans: string[] = [];
    for (const a of argv) {
        if (a === "--help" || a === "-h") return { command: "help" };
        if (a.startsWith("-")) throw unknownArgument(a, "plan files or directories of plan files, --help", " for check");
        plans.push(a);
    }
    if (plans.length === 0) throw new UsageError("check needs at least one plan file or directory of plan files (e.g. out/preview/prod.plan.json)");
    return { command: "check", plans };
}
