import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";

/**
 * The stand-ins of engine/deferredSdkModules.ts run in a fresh node process each (the SDK
 * must not be loaded yet, and this mocha process has loaded it).
 */
const ROOT = path.resolve(__dirname, "../..");
function inFreshNode(script: string): any {
    const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

describe("deferred SDK modules (the offline preview's load)", function () {
    this.timeout(60_000);

    it("covers every function the real modules export, and the SDK loads without them", () => {
        const got = inFreshNode(`
            const d = require("./engine/deferredSdkModules");
            const installed = d.deferSdkClosureModules();
            require("@pulumi/pulumi");
            const loadedAfterSdk = Object.keys(d.DEFERRED).map((rel) => d.isLoaded(rel));
            const tsLoaded = Object.keys(require.cache).some((f) => f.includes("/node_modules/typescript/"));
            const arboristLoaded = Object.keys(require.cache).some((f) => f.includes("/@npmcli/arborist/"));
            const execaLoaded = Object.keys(require.cache).some((f) => f.includes("/node_modules/execa/"));
            const real = {};
            for (const rel of Object.keys(d.DEFERRED)) {
                const m = require(require("path").join(require("path").dirname(require.resolve("@pulumi/pulumi/package.json")), rel));
                real[rel] = Object.keys(m).filter((k) => typeof m[k] === "function").sort();
            }
            console.log(JSON.stringify({ installed, loadedAfterSdk, tsLoaded, arboristLoaded, execaLoaded, real, declared: d.DEFERRED, elsewhere: d.DEFERRED_ELSEWHERE }));
        `);
        assert.deepEqual(got.installed, [...Object.keys(got.declared), ...Object.keys(got.elsewhere)]);
        assert.deepEqual(got.loadedAfterSdk, [false, false, false]);
        assert.equal(got.tsLoaded, false);
        assert.equal(got.arboristLoaded, false);
        assert.equal(got.execaLoaded, false);
        // A stand-in that hands out functions at load must have every function of the real module;
        // the Automation API's hands out none (index.js keeps it as a namespace), and it has dozens.
        for (const rel of Object.keys(got.declared)) {
            if (got.declared[rel].length > 0) assert.deepEqual([...got.declared[rel]].sort(), got.real[rel], rel);
        }
        assert.deepEqual(got.declared["automation/index.js"], []);
        assert.ok(got.real["automation/index.js"].includes("fullyQualifiedStackName"), got.real["automation/index.js"].join(", "));
    });

    it("forwards to the real module on first call: a serialized function is the same as without the stand-ins", () => {
        const script = (defer: boolean) => `
            ${defer ? 'require("./engine/deferredSdkModules").deferSdkClosureModules();' : ""}
            const pulumi = require("@pulumi/pulumi");
            const k = 42;
            pulumi.runtime.serializeFunction(() => k + 1).then((s) => console.log(JSON.stringify({ text: s.text, exportName: s.exportName })));
        `;
        const deferred = inFreshNode(script(true));
        const direct = inFreshNode(script(false));
        assert.ok(deferred.text.includes("42"), deferred.text);
        assert.equal(deferred.text, direct.text);
        assert.equal(deferred.exportName, direct.exportName);
    });

    it("hands out the real Automation API on first use", () => {
        const got = inFreshNode(`
            const d = require("./engine/deferredSdkModules");
            d.deferSdkClosureModules();
            const pulumi = require("@pulumi/pulumi");
            const before = d.isLoaded("automation/index.js");
            const real = require(require("path").join(require("path").dirname(require.resolve("@pulumi/pulumi/package.json")), "automation/index.js"));
            const viaSdk = pulumi.automation.LocalWorkspace;
            console.log(JSON.stringify({
                before,
                after: d.isLoaded("automation/index.js"),
                same: viaSdk === real.LocalWorkspace && pulumi.automation.fullyQualifiedStackName === real.fullyQualifiedStackName,
                keys: Object.keys(pulumi.automation).sort().join() === Object.keys(real).sort().join(),
                name: pulumi.automation.fullyQualifiedStackName("o", "p", "s"),
            }));
        `);
        assert.deepEqual(got, { before: false, after: true, same: true, keys: true, name: "o/p/s" });
    });

    it("zod loads without its locales, speaks English as before, and hands out a real locale on first use", () => {
        const script = (defer: boolean) => `
            const d = require("./engine/deferredSdkModules");
            ${defer ? "d.deferSdkClosureModules();" : ""}
            const { z } = require("zod");
            const localeFiles = () => Object.keys(require.cache).filter((f) => f.includes("/zod/v4/locales/")).length;
            const afterLoad = localeFiles();
            const messages = [z.string().safeParse(1), z.number().max(3).safeParse(9), z.enum(["a", "b"]).safeParse("c")].map((r) => r.error.issues[0].message);
            const before = d.isLoaded("zod/v4/locales/index.cjs");
            const de = typeof z.locales.de;
            console.log(JSON.stringify({ afterLoad, messages, before, after: d.isLoaded("zod/v4/locales/index.cjs"), de, german: z.locales.de().localeError !== undefined }));
        `;
        const deferred = inFreshNode(script(true));
        const direct = inFreshNode(script(false));
        // The stand-in and English: two files, not the 60-odd of every language.
        assert.ok(deferred.afterLoad <= 2, String(deferred.afterLoad));
        assert.ok(direct.afterLoad > 20, String(direct.afterLoad));
        assert.deepEqual(deferred.messages, direct.messages);
        assert.deepEqual({ before: deferred.before, after: deferred.after, de: deferred.de, german: deferred.german }, { before: false, after: true, de: "function", german: true });
    });

    it("defers nothing once the SDK's runtime is loaded", () => {
        const got = inFreshNode(`
            require("@pulumi/pulumi");
            require("zod");
            console.log(JSON.stringify(require("./engine/deferredSdkModules").deferSdkClosureModules()));
        `);
        assert.deepEqual(got, []);
    });
});
