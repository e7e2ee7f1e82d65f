/**
 * The argument reader both TypeScript command lines share (engine/cliArgs.ts): the same
 * forms accepted, the same words for what is refused, from the preview and from `make policy`.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { ArgReader, UsageError } from "../../engine/cliArgs";
import { Io, main } from "../../preview/cli";
import { REPO_ROOT } from "../../engine/repoRoot";

function read(argv: string[]): [string, string | undefined][] {
    const r = new ArgReader(argv);
    const out: [string, string | undefined][] = [];
    for (let a = r.next(); a; a = r.next()) out.push([a.flag, a.flag.startsWith("--") && a.flag !== "--json" ? a.value() : undefined]);
    return out;
}

describe("the shared argument reader", () => {
    it("takes a value after the flag or after an equals sign, keeping an equals sign inside the value", () => {
        assert.deepStrictEqual(read(["--stack", "prod", "--out=a=b", "--json"]), [["--stack", "prod"], ["--out", "a=b"], ["--json", undefined]]);
    });

    it("refuses a missing value, an empty one, and the next flag taken for one", () => {
        for (const argv of [["--stack"], ["--stack="], ["--stack", "--json"]]) {
            assert.throws(() => read(argv), (e: unknown) => e instanceof UsageError && e.message === "--stack needs a value", argv.join(" "));
        }
    });

    it("makes the preview and the policy run report a bad argument alike", async () => {
        const errors: string[] = [];
        const code = await main(["--stack"], { out: () => undefined, err: (l: string) => errors.push(l) } satisfies Io);
        const policy = spawnSync(process.execPath, [path.join(REPO_ROOT, "node_modules", "tsx", "dist", "cli.mjs"), path.join(REPO_ROOT, "policy", "offline", "cli.ts"), "--stack"], {
            encoding: "utf8",
            cwd: REPO_ROOT,
        });

        assert.strictEqual(code, 2);
        assert.strictEqual(policy.status, 2);
        assert.deepStrictEqual(errors, ["preview: --stack needs a value"]);
        assert.strictEqual(policy.stderr.split("\n")[0], "policy: --stack needs a value");
        assert.strictEqual(policy.stdout, "");
    });
});
