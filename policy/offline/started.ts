/**
 * Who stops the policy packs this thread started: policy/offline/evaluate.ts registers its
 * closePolicyPacks here when it loads, so that the preview's command can stop them at exit
 * (with --policy-transport grpc they are processes of their own) without loading the packs'
 * modules when it never ran them (with worker threads, each stops its own). A registration,
 * not a look into require.cache: in the preview's bundle (scripts/build-js.js) no module of
 * it is there.
 */
const closers = new Set<() => Promise<void>>();

export function registerPackCloser(close: () => Promise<void>): void {
    closers.add(close);
}

/** Stops every pack started in this thread, if any module started one. */
export async function closeStartedPolicyPacks(): Promise<void> {
    for (const close of closers) await close();
}
