/**
 * engine/previewSdkPatches.ts takes two per-resource costs out of @pulumi/pulumi in the
 * offline preview's process. Here: only the preview's entry points install it (never the
 * program that `pulumi up` runs), each patch does what it says, and every stack evaluates
 * to exactly the same recorded resources, outputs, invokes and plan with and without it.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { StackEvaluation, evaluateStack } from "../../engine/mockEngine";
import { buildPlan, planText } from "../../engine/plan";
import { readStackFile } from "../../engine/stackFile";
import { installPreviewSdkPatches, previewSdkPatchesInstalled, uninstallPreviewSdkPatches } from "../../engine/previewSdkPatches";
import { STACKS } from "../harness";

const ROOT = path.resolve(__dirname, "../..");

function sources(dir: string): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) return sources(rel);
        return e.name.endsWith(".ts") ? [rel] : [];
    });
}

/** What a stack's evaluation gives the preview: the resources in registration order, outputs, invokes, and its plan's text. */
function observed(ev: StackEvaluation): string {
    const plan = buildPlan(ev, readStackFile(ev.stack), null);
    return JSON.stringify({ resources: ev.resources, outputs: ev.outputs, secretOutputs: ev.secretOutputs, invokes: ev.invokes }) + "\n" + planText(plan);
}

describe("the preview's SDK patches (engine/previewSdkPatches.ts)", function () {
    this.timeout(120_000);
    // Other suites in the same mocha process run the preview's entry points in-process, which install the
    // patches; each case here starts from the SDK's own functions.
    beforeEach(uninstallPreviewSdkPatches);
    afterEach(uninstallPreviewSdkPatches);

    it("are installed by the preview's entry points only, never by the program pulumi up runs", () => {
        const users = ["infra", "engine", "preview", "policy"]
            .flatMap(sources)
            .filter((f) => !f.endsWith("previewSdkPatches.ts") && fs.readFileSync(path.join(ROOT, f), "utf8").includes("previewSdkPatches"));
        assert.deepEqual(users.sort(), ["preview/cli.ts", "preview/stackWorker.ts"]);
        const main = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
        assert.match(main, /main:\s*infra\/?/);
    });

    it("give no source frames, and keep the promise-leak bookkeeping", async () => {
        const { Resource } = require("@pulumi/pulumi/resource") as { Resource: { stackTrace(skip: number): unknown[] } };
        const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise<T>(p: Promise<T>, ctx: string): Promise<T> };
        const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { leakCandidates: Set<Promise<unknown>> } };
        assert.ok(Resource.stackTrace(0).length > 0, "the SDK's own stackTrace sees this test's frames");
        assert.equal(previewSdkPatchesInstalled(), false);
        assert.deepEqual(installPreviewSdkPatches(), ["Resource.stackTrace", "debuggablePromise"]);
        assert.equal(previewSdkPatchesInstalled(), true);
        assert.deepEqual(Resource.stackTrace(0), []);
        for (let i = 0; i < 2; i++) {
            // The first call goes to the SDK's own function (it arms the exit check), the next to the patch.
            let resolve!: (v: number) => void;
            const p = new Promise<number>((r) => (resolve = r));
            const wrapped = debuggable.debuggablePromise(p, "test");
            assert.ok(state.getStore().leakCandidates.has(p), `call ${i}: pending promise is a leak candidate`);
            resolve(7);
            assert.equal(await wrapped, 7);
            assert.ok(!state.getStore().leakCandidates.has(p), `call ${i}: settled promise is no longer a candidate`);
            const failing = debuggable.debuggablePromise(Promise.reject(new Error("boom")), "test");
            await assert.rejects(failing, (e: Error & { promise?: unknown }) => e.message === "boom" && e.promise !== undefined);
        }
        uninstallPreviewSdkPatches();
        assert.ok(Resource.stackTrace(0).length > 0, "uninstall puts the SDK's function back");
    });

    for (const name of STACKS) {
        it(`stack ${name}: the same resources, outputs, invokes and plan with and without them`, async () => {
            const without = observed(await evaluateStack(name, { captureStackTraces: false }));
            installPreviewSdkPatches();
            const withPatches = observed(await evaluateStack(name, { captureStackTraces: false }));
            assert.ok(without.length > 10_000, "a real evaluation");
            assert.equal(withPatches, without);
        });
    }
});
