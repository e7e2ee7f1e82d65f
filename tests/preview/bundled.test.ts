/**
 * preview/bundled.ts: the loader of the preview's bundles runs a bundle as the module node was asked to run,
 * with the V8 code cache the build wrote, and never with a cache made from another file.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vm from "vm";
import { codeCacheFile, writeCodeCache } from "../../preview/bundled";

const LOADER_SOURCE = path.join(__dirname, "..", "..", "preview", "bundled.ts");

/** A bundle that says what it sees; `tag` is a value of fixed length so that an edit keeps the source's length. */
const bundleSource = (tag: string) =>
    `module.exports = { tag: ${JSON.stringify(tag)}, main: require.main === module, file: __filename, dir: __dirname, required: typeof require("./neighbour").n };\n`;

describe("preview bundle loader", function () {
    this.timeout(30000);
    let tmp: string;
    let bundle: string;
    let entry: string;
    // The loader as the build transpiles it (no tsx in the child: tsx turns source maps on, which switches the cache off).
    const loaderDir = fs.mkdtempSync(path.join(os.tmpdir(), "bundled-loader-"));
    const LOADER_MODULE = path.join(loaderDir, "bundled.js");
    before(() => {
        const { transformSync } = require("esbuild") as typeof import("esbuild");
        fs.writeFileSync(LOADER_MODULE, transformSync(fs.readFileSync(LOADER_SOURCE, "utf8"), { loader: "ts", format: "cjs", platform: "node", target: "node20" }).code);
    });
    after(() => fs.rmSync(loaderDir, { recursive: true, force: true }));
    beforeEach(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bundled-"));
        bundle = path.join(tmp, "cli.bundle.js");
        entry = path.join(tmp, "cli.js");
        fs.writeFileSync(bundle, bundleSource("AAAA"));
        fs.writeFileSync(path.join(tmp, "neighbour.js"), "exports.n = 1;\n");
        // The entry node runs, as scripts/build-js.js writes it; it prints what the bundle saw and the cache's state.
        fs.writeFileSync(
            entry,
            `const state = require(${JSON.stringify(LOADER_MODULE)}).runBundle(module, ${JSON.stringify(bundle)});\n` +
                `process.stdout.write(JSON.stringify({ state, codeCache: module.codeCache, ...module.exports }));\n`,
        );
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    function runEntry(env: Record<string, string> = {}, nodeArgs: string[] = []) {
        const r = spawnSync(process.execPath, [...nodeArgs, entry], { encoding: "utf8", env: { ...process.env, ...env } });
        assert.strictEqual(r.status, 0, r.stderr);
        return JSON.parse(r.stdout) as { state: string; codeCache: string; tag: string; main: boolean; file: string; dir: string; required: string };
    }

    it("runs the bundle as the main module, with its own file and directory, from the build's cache", () => {
        writeCodeCache(bundle, false);
        const seen = runEntry();
        assert.deepStrictEqual(seen, { state: "used", codeCache: "used", tag: "AAAA", main: true, file: bundle, dir: tmp, required: "number" });
    });

    it("runs it compiled from source when there is no cache, when it is switched off, and under --enable-source-maps", () => {
        assert.strictEqual(runEntry().state, "missing");
        writeCodeCache(bundle, false);
        const off = runEntry({ PREVIEW_CODE_CACHE: "0" });
        assert.deepStrictEqual([off.state, off.tag, off.main], ["off", "AAAA", true]);
        assert.strictEqual(runEntry({}, ["--enable-source-maps"]).state, "off");
    });

    it("never runs a cache made from another bundle of the same length, which V8 alone would accept", () => {
        writeCodeCache(bundle, false);
        const cache = fs.readFileSync(codeCacheFile(bundle));
        // V8 recognises a cached script by its source's length: given the cache of AAAA, a script BBBB runs AAAA's code.
        const data = cache.subarray(4 + cache.readUInt32LE(0));
        const other = new vm.Script(require("module").wrap(bundleSource("BBBB")), { filename: bundle, cachedData: data });
        assert.strictEqual(other.cachedDataRejected, false);
        const m = { exports: {} as { tag?: string } };
        (other.runInThisContext() as (...a: unknown[]) => void)(m.exports, require("module").createRequire(bundle), m, bundle, tmp);
        assert.strictEqual(m.exports.tag, "AAAA");

        // A rebuilt bundle of the same length, its cache left over (an edit by hand, an interrupted build).
        fs.writeFileSync(bundle, bundleSource("BBBB"));
        fs.utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
        const seen = runEntry();
        assert.deepStrictEqual([seen.state, seen.tag], ["stale", "BBBB"]);
        writeCodeCache(bundle, false);
        assert.deepStrictEqual([runEntry().state, runEntry().tag], ["used", "BBBB"]);
    });

    it("records a cache of the bundle after its initialisation and the CLI's evaluation load", () => {
        fs.writeFileSync(bundle, `let loaded = 0; exports.loadEvaluation = () => { loaded++; fs().writeFileSync(${JSON.stringify(path.join(tmp, "loaded"))}, String(loaded)); };\nfunction fs() { return require("fs"); }\n`);
        writeCodeCache(bundle, true);
        assert.strictEqual(fs.readFileSync(path.join(tmp, "loaded"), "utf8"), "1");
        writeCodeCache(bundle, false);
        assert.strictEqual(fs.readFileSync(path.join(tmp, "loaded"), "utf8"), "1", "without initialise the bundle is only compiled");
    });
});
