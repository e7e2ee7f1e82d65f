/**
 * The package files the preview's bundle holds, for code that requires them from outside it.
 *
 * `make preview` runs bin/preview/cli.js (and its workers bin/preview/stackWorker.js), which load
 * a bundle each (cli.bundle.js, stackWorker.bundle.js; preview/bundled.ts): one file with the
 * preview's modules and the packages they load (scripts/build-js.js).
 * Some code still goes through node's require by file: the program of a base revision
 * (preview/revision.ts requires it from a temporary directory), the @pulumi/policy server.js
 * that policy/offline/inProcessHost.ts compiles afresh for each pack, and the modules
 * engine/deferredSdkModules.ts keeps out until used. Each of those must get the instances the
 * bundle runs (one Pulumi runtime: the one whose mocks are set), not a second copy read from
 * node_modules. So the bundle lists each node_modules file it holds here, and
 * installBundledModules puts a stand-in for each into require.cache under the file's path: a
 * module marked loaded whose exports are the bundled module's (evaluated when first asked
 * for, as a require would). Outside the bundle (tsx, the per-file bin/) the list is empty
 * and nothing changes.
 *
 * Call it after deferSdkClosureModules (preview/deferModules.ts, preview/stackWorker.ts):
 * that one installs its stand-ins only while @pulumi/pulumi's runtime is not in require.cache.
 * tests/preview/cli.test.ts runs the built bundle, with a base revision and with workers.
 */
import Module = require("module");
import * as path from "path";

/**
 * Each file, as a path relative to the bundle's directory, and the function that returns
 * its bundled module's exports. scripts/build-js.js fills this declaration in, in the bundle.
 */
export const BUNDLED_MODULES: Record<string, () => unknown> = {};

let installed = false;

/** Puts the stand-ins in place (once); returns how many. */
export function installBundledModules(): number {
    if (installed) return 0;
    installed = true;
    const cache = require.cache;
    let count = 0;
    for (const [rel, exportsOf] of Object.entries(BUNDLED_MODULES)) {
        const file = path.join(__dirname, rel);
        if (cache[file]) continue;
        const m = new Module(file);
        m.filename = file;
        m.loaded = true;
        Object.defineProperty(m, "exports", { get: exportsOf, enumerable: true, configurable: true });
        cache[file] = m;
        count++;
    }
    return count;
}
