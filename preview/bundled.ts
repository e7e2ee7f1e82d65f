/**
 * Runs one of the preview's bundles (bin/preview/cli.bundle.js, stackWorker.bundle.js; scripts/build-js.js)
 * as the module that asked for it, compiled with the V8 code cache the build wrote beside it.
 *
 * Why: compiling the bundle's 7 MB of JavaScript is most of what is left of the preview's load phase once
 * node no longer resolves and reads some 650 files (docs/benchmarks/2026-12-03-bench-preview-3.md). V8 can
 * take the compiled bytecode of a script it compiled before (`vm.Script`'s `cachedData`,
 * https://nodejs.org/docs/latest-v20.x/api/vm.html#new-vmscriptcode-options), which node 22's
 * `module.enableCompileCache` does for every module; node 20 has only the vm API, so the loader does it
 * for the one file that matters.
 *
 * The cache is a build output, written by `scripts/build-js.js` right after the bundle, from a process
 * that ran the bundle's module initialisation (the load phase), never by a preview run: what a run
 * costs does not depend on what ran before it. V8 refuses a cache of another V8 version or other flags
 * (`cachedDataRejected`), but it recognises its source only by the source's length, so the cache's
 * header also records the bundle's size and modification time; a bundle rebuilt without its cache
 * (or edited by hand) is compiled from source. PREVIEW_CODE_CACHE=0 turns the cache off (the benchmark
 * measures both), and so does --enable-source-maps, whose mapping node attaches to modules it compiles
 * itself.
 */
import * as fs from "fs";
import * as path from "path";
import * as vm from "vm";
import Module = require("module");

/** What the loader did with the bundle's code cache. */
export type CodeCacheState = "used" | "rejected by V8" | "stale" | "missing" | "off";

interface CacheHeader {
    /** The bundle the cache was made from, by its size and modification time (V8 checks only the length). */
    size: number;
    mtimeMs: number;
}

export function codeCacheFile(bundle: string): string {
    return bundle.replace(/\.js$/, "") + ".v8cache";
}

function headerOf(bundle: string): CacheHeader {
    const st = fs.statSync(bundle);
    return { size: st.size, mtimeMs: st.mtimeMs };
}

/** The cached data for `bundle` if its cache file was made from this very file, else why not. */
function readCache(bundle: string): Buffer | Exclude<CodeCacheState, "used" | "rejected by V8"> {
    if (process.env.PREVIEW_CODE_CACHE === "0" || process.sourceMapsEnabled) return "off";
    let file: Buffer;
    try {
        file = fs.readFileSync(codeCacheFile(bundle));
    } catch {
        return "missing";
    }
    const length = file.length >= 4 ? file.readUInt32LE(0) : -1;
    if (length < 0 || 4 + length > file.length) return "stale";
    const made = JSON.parse(file.subarray(4, 4 + length).toString("utf8")) as CacheHeader;
    const now = headerOf(bundle);
    return made.size === now.size && made.mtimeMs === now.mtimeMs ? file.subarray(4 + length) : "stale";
}

/** The bundle's source compiled as a CommonJS module's wrapper, as node's own loader would. */
function compile(bundle: string, source: string, cachedData: Buffer | undefined): vm.Script {
    return new vm.Script(Module.wrap(source), {
        filename: bundle,
        cachedData,
        // One dependency of the bundle imports a builtin dynamically (`await import("zlib")`).
        importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
}

/** Runs the wrapper as `entry`'s own code: `require.main === module` holds in the bundle when `entry` is the main module. */
function run(script: vm.Script, entry: NodeModule, bundle: string): void {
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(entry.exports, entry.exports, Module.createRequire(entry.filename), entry, bundle, path.dirname(bundle));
}

/**
 * Runs `bundle` as the module `entry` (the small bin/preview/*.js file node was asked to run) and returns what
 * became of the cache, which it also leaves on `entry.codeCache` for the bundle (--timings shows it).
 */
export function runBundle(entry: NodeModule, bundle: string): CodeCacheState {
    const cache = readCache(bundle);
    const source = fs.readFileSync(bundle, "utf8");
    if (cache === "off") {
        // node compiles it, so that --enable-source-maps maps its frames.
        (entry as { codeCache?: CodeCacheState }).codeCache = cache;
        (entry as unknown as { _compile(source: string, filename: string): void })._compile(source, bundle);
        return cache;
    }
    const script = compile(bundle, source, typeof cache === "string" ? undefined : cache);
    const state: CodeCacheState = typeof cache === "string" ? cache : script.cachedDataRejected ? "rejected by V8" : "used";
    (entry as { codeCache?: CodeCacheState }).codeCache = state;
    run(script, entry, bundle);
    return state;
}

/**
 * Writes `bundle`'s code cache (scripts/build-js.js, in a process of its own). With `initialise`, after running the
 * bundle's module initialisation as a module that is not the main one (the CLI's main() does not run), so that the
 * cache holds every function the load phase compiles; without (a worker thread's entry, which refuses to run
 * outside a worker), the top-level code only.
 */
export function writeCodeCache(bundle: string, initialise: boolean): number {
    const script = compile(bundle, fs.readFileSync(bundle, "utf8"), undefined);
    if (initialise) {
        const host = new Module(bundle);
        host.filename = bundle;
        run(script, host, bundle);
        // The CLI loads the SDK, the program and the engine only when it evaluates (preview/cli.ts loadEvaluation).
        (host.exports as { loadEvaluation?: () => unknown }).loadEvaluation?.();
    }
    const data = script.createCachedData();
    const header = Buffer.from(JSON.stringify(headerOf(bundle)), "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length, 0);
    fs.writeFileSync(codeCacheFile(bundle), Buffer.concat([length, header, data]));
    return data.length;
}
