/**
 * Two per-resource costs of @pulumi/pulumi (3.248) that buy nothing under the offline
 * engine's runtime mocks, taken out of the offline preview's process only:
 *
 *   Resource.stackTrace (resource.js)   every Resource constructor captures the whole
 *                                       stack (Error.stackTraceLimit raised to Infinity
 *                                       for it, whatever the caller set), parses each frame
 *                                       and turns its file into a URL, for the register
 *                                       request's sourcePosition and stackTrace fields;
 *                                       the mock monitor (runtime/mocks.js registerResource,
 *                                       readResource) never reads either field, nor does
 *                                       engine/mockEngine.ts record them.
 *   debuggablePromise (runtime/debuggable.js)  every RPC promise gets three properties
 *                                       defined on it, one an `new Error().stack`, read
 *                                       only to print a leaked promise's story when
 *                                       PULUMI_DEBUG_PROMISE_LEAKS is set. The leak
 *                                       bookkeeping itself (leakCandidates, the exit check)
 *                                       and the promise chain (then, then catch: the same
 *                                       number of turns) stay as they are; with
 *                                       PULUMI_DEBUG_PROMISE_LEAKS set nothing is patched.
 *
 * Only the offline preview installs this (preview/cli.ts, preview/stackWorker.ts), after the
 * SDK has loaded; `pulumi up` runs infra/index.ts through Pulumi's language host, which never
 * loads this file. tests/preview/previewSdkPatches.test.ts checks that, and that every
 * stack's plan is the same with and without the patches.
 * Measured: docs/benchmarks/2026-12-02-bench-preview-3.md.
 */

type Debuggable = { debuggablePromise: (p: Promise<unknown>, ctx: unknown) => Promise<unknown>; debugPromiseLeaks?: boolean };
type ResourceClass = { stackTrace: (skip: number) => unknown[] };
type Store = { leakCandidates: Set<Promise<unknown>> };

interface Installed {
    resource: ResourceClass;
    stackTrace: ResourceClass["stackTrace"];
    debuggable: Debuggable;
    debuggablePromise: Debuggable["debuggablePromise"];
}
let installed: Installed | undefined;

/** Whether the patches are in place (for the tests). */
export function previewSdkPatchesInstalled(): boolean {
    return installed !== undefined;
}

/** Installs both patches (once); returns the names of those installed now. */
export function installPreviewSdkPatches(): string[] {
    if (installed) return [];
    const resource = (require("@pulumi/pulumi/resource") as { Resource: ResourceClass }).Resource;
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as Debuggable;
    const state = require("@pulumi/pulumi/runtime/state") as { getStore(): Store };
    if (typeof resource?.stackTrace !== "function" || typeof debuggable?.debuggablePromise !== "function" || typeof state?.getStore !== "function") {
        throw new Error("@pulumi/pulumi's Resource.stackTrace or debuggablePromise changed shape; engine/previewSdkPatches.ts must follow it");
    }
    installed = { resource, stackTrace: resource.stackTrace, debuggable, debuggablePromise: debuggable.debuggablePromise };
    const names = ["Resource.stackTrace"];
    resource.stackTrace = () => [];
    if (!debuggable.debugPromiseLeaks) {
        const original = installed.debuggablePromise;
        let armed = false;
        debuggable.debuggablePromise = function debuggablePromise(p: Promise<unknown>, ctx: unknown) {
            // The first call is the SDK's own: it schedules the exit-time leak check.
            if (!armed) {
                armed = true;
                return original(p, ctx);
            }
            const localStore = state.getStore();
            localStore.leakCandidates.add(p);
            return p
                .then((val) => {
                    localStore.leakCandidates.delete(p);
                    return val;
                })
                .catch((err) => {
                    localStore.leakCandidates.delete(p);
                    err.promise = p;
                    throw err;
                });
        };
        names.push("debuggablePromise");
    }
    return names;
}

/** Puts the SDK's own functions back (for the tests' comparison). */
export function uninstallPreviewSdkPatches(): void {
    if (!installed) return;
    installed.resource.stackTrace = installed.stackTrace;
    installed.debuggable.debuggablePromise = installed.debuggablePromise;
    installed = undefined;
}
