/**
 * Modules of @pulumi/pulumi that it requires eagerly, but that the offline preview never
 * calls, loaded when first used instead of at require time:
 *
 *   runtime/closure/codePaths.js         computeCodePaths: loads npm's arborist, pacote,
 *                                        sigstore ... (for packaging a function's closure)
 *   runtime/closure/serializeClosure.js  serializeFunction(Async): loads TypeScript's 9 MB
 *                                        compiler (to parse a function's source)
 *   automation/index.js                  the Automation API (`pulumi.automation`): loads
 *                                        execa, js-yaml, semver and the CLI's wrappers
 *
 * The first two serve only function serialization (aws.lambda.CallbackFunction and the like),
 * which this program does not use; loading them was about half of the SDK's load time
 * (docs/benchmarks/2026-12-02-bench-preview-2.md). The Automation API drives the pulumi CLI
 * from a program; nothing running inside a program needs it, and it was 50-120 ms of the
 * SDK's load (docs/benchmarks/2026-12-03-bench-preview.md). Each is replaced, before the SDK
 * loads, by a stand-in. runtime/index.js takes the two closure modules' functions at load, so
 * their stand-ins export functions that load the real module on first call and forward to it
 * (the real exports are all async functions, so a forwarding async function behaves the same).
 * index.js takes the Automation API only as a namespace (`__importStar`, which reads
 * `__esModule` alone), so its stand-in has no functions of its own. Any other property read
 * loads the real module. Nothing else changes: once loaded, the real module is the one every
 * later require gets.
 *
 * Only the offline preview installs this (preview/cli.ts, preview/stackWorker.ts); `pulumi up`
 * runs infra/index.ts through Pulumi's language host, which never loads this file.
 * tests/preview/deferredSdkModules.test.ts checks that the stand-ins cover every function
 * the real modules export and forward to them.
 */
import Module = require("module");

/** The deferred modules (paths inside @pulumi/pulumi) and the functions their requirer takes from each at load. */
export const DEFERRED: Readonly<Record<string, readonly string[]>> = {
    "runtime/closure/codePaths.js": ["computeCodePaths", "findWorkspaceRoot"],
    "runtime/closure/serializeClosure.js": ["serializeFunction", "serializeFunctionAsync"],
    "automation/index.js": [],
};

/**
 * One module of another package, deferred the same way: zod's locales index, every language's
 * error messages (64 files), which zod's core and classic indexes require only to export them
 * as the `locales` namespace (`__importStar`, which reads `__esModule` alone). The program never
 * switches zod's language (the English default, locales/en.cjs, classic/schemas.cjs requires
 * directly), so nothing reads `z.locales`; 20-25 ms of every start
 * (docs/benchmarks/2026-12-03-bench-preview.md). Keyed "<package>/<path inside it>".
 */
export const DEFERRED_ELSEWHERE: Readonly<Record<string, readonly string[]>> = {
    "zod/v4/locales/index.cjs": [],
};

/** Files whose stand-in was installed, and whether the real module has been loaded since. */
const state = new Map<string, { loaded: boolean }>();

function packageFile(pkg: string, rel: string): string {
    const path = require("path") as typeof import("path");
    return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), rel);
}

function sdkFile(rel: string): string {
    return packageFile("@pulumi/pulumi", rel);
}

/** "zod/v4/locales/index.cjs": the package ("zod", or "@scope/name") and the path inside it. */
function elsewhereFile(key: string): string {
    const parts = key.split("/");
    const n = key.startsWith("@") ? 2 : 1;
    return packageFile(parts.slice(0, n).join("/"), parts.slice(n).join("/"));
}

/** Whether the real module behind `rel` (a key of DEFERRED or DEFERRED_ELSEWHERE) has been loaded (for the tests). */
export function isLoaded(rel: string): boolean | undefined {
    return state.get(rel in DEFERRED_ELSEWHERE ? elsewhereFile(rel) : sdkFile(rel))?.loaded;
}

/**
 * Installs the stand-ins: the SDK's unless @pulumi/pulumi's runtime is already loaded (then
 * those real modules are in place), the others unless that module is loaded. Returns the keys
 * of the modules deferred (of DEFERRED, then of DEFERRED_ELSEWHERE).
 */
export function deferSdkClosureModules(): string[] {
    const cache = require.cache;
    const todo: [string, string, readonly string[]][] = [];
    if (!cache[sdkFile("runtime/index.js")]) for (const [rel, names] of Object.entries(DEFERRED)) todo.push([rel, sdkFile(rel), names]);
    for (const [key, names] of Object.entries(DEFERRED_ELSEWHERE)) todo.push([key, elsewhereFile(key), names]);
    const installed: string[] = [];
    for (const [rel, file, names] of todo) {
        if (cache[file]) continue;
        const entry = { loaded: false };
        state.set(file, entry);
        let real: Record<string, any> | undefined;
        const load = (): Record<string, any> => {
            if (!real) {
                delete cache[file];
                real = require(file) as Record<string, any>;
                entry.loaded = true;
            }
            return real;
        };
        const forwarders: Record<string, unknown> = { __esModule: true };
        for (const name of names) {
            forwarders[name] = {
                // Named as the real function, for stack traces.
                [name]: async function (this: unknown, ...args: unknown[]) {
                    return load()[name].apply(this, args);
                },
            }[name];
        }
        const exports = new Proxy(forwarders, {
            get: (target, prop) => (prop in target ? target[prop as string] : load()[prop as string]),
            has: (target, prop) => prop in target || prop in load(),
            ownKeys: () => Reflect.ownKeys(load()),
            getOwnPropertyDescriptor: (target, prop) => (prop in target ? Reflect.getOwnPropertyDescriptor(target, prop) : Reflect.getOwnPropertyDescriptor(load(), prop)),
        });
        const m = new Module(file, module);
        m.filename = file;
        m.loaded = true;
        m.exports = exports;
        cache[file] = m;
        installed.push(rel);
    }
    return installed;
}
