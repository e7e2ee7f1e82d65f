/**
 * The preview's stacks evaluated at once, in worker threads (`--jobs <n>`).
 *
 * Why threads and not one thread: the Pulumi runtime keeps a stack's settings
 * (mocks, config, project, stack) in module-level globals of @pulumi/pulumi, so
 * one thread can only run one stack at a time (engine/mockEngine.ts chains
 * them). A worker thread has its own module instances, hence its own runtime:
 * stacks in different workers are isolated as separate processes would be,
 * without a process's start. Each worker loads the SDK, the program, the engine
 * and the policy packs once and evaluates stack after stack with them; this
 * thread only hands out stacks and collects what the preview prints and writes
 * (preview/stackPlans.ts StackResult), so it never loads the SDK itself.
 *
 * Stack references: a stack that reads another (dr reads prod) asks here
 * first (EvaluateOptions.answerReference). The referenced stack's outputs are
 * sent as soon as a worker has evaluated it; a stack not started yet is handed
 * to the asking worker, which evaluates it as it would alone and reports it
 * too; so every stack is evaluated once, as in one thread. Where waiting would
 * deadlock (two stacks referencing each other), the worker evaluates the
 * reference itself, which reports the cycle exactly as one thread does.
 */
import * as fs from "fs";
import * as path from "path";
import { Worker } from "worker_threads";
import type { StackReferenceAnswer } from "../engine/mockEngine";
import type { PolicyTransport } from "../policy/offline/evaluate";
import type { StackResult } from "./stackPlans";
import { Span, Timings } from "./timings";

export interface ConcurrentOptions {
    /** Worker threads to start (at most one per stack). */
    jobs: number;
    stacksDir?: string;
    transport: PolicyTransport;
    /** Record where the time goes; the workers' spans are added to it. */
    timings?: Timings;
}

/** What a worker is given at its start. */
export interface WorkerSetup {
    stacksDir?: string;
    transport: PolicyTransport;
    timings: boolean;
}

/** Coordinator to worker. */
export type ToWorker =
    | { type: "stack"; stack: string }
    /** The answer to a reference: the referenced stack's outputs, or none (evaluate it there; `adopt`: and report it as one of the run's stacks). */
    | { type: "answer"; id: number; answer?: StackReferenceAnswer; adopt: boolean }
    | { type: "close" };

/** Worker to coordinator. */
export type FromWorker =
    | { type: "reference"; id: number; stack: string }
    | { type: "evaluated"; stack: string; answer: StackReferenceAnswer }
    | { type: "result"; result: StackResult; spans: Span[] }
    /** Done with the stacks it was given (and those it adopted): ready for another. */
    | { type: "idle" }
    | { type: "closed"; spans: Span[] }
    | { type: "fatal"; error: { name: string; message: string; stack?: string } };

/** An error thrown in a worker, with that worker's name, message and stack, so that the CLI reports it as it would its own. */
export class WorkerError extends Error {
    constructor(error: { name: string; message: string; stack?: string }) {
        super(error.message);
        this.name = error.name;
        if (error.stack) this.stack = error.stack;
    }
}

/** The worker's entry: the compiled JavaScript next to this file, or under tsx (the tests) the TypeScript, loaded through tsx. */
function startWorker(setup: WorkerSetup): Worker {
    const ext = path.extname(__filename);
    const entry = path.join(__dirname, `stackWorker${ext}`);
    if (!fs.existsSync(entry)) throw new Error(`the preview's worker ${entry} is missing; run node scripts/build-js.js`);
    if (ext === ".js") return new Worker(entry, { workerData: setup });
    const tsx = require.resolve("tsx/cjs");
    return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(entry)});`, { eval: true, workerData: setup });
}

interface Waiter {
    worker: number;
    id: number;
}

/** Results in the order of `stacks`, as evaluateStacks and stackResult would give them in one thread. */
export function evaluateConcurrently(stacks: string[], options: ConcurrentOptions): Promise<StackResult[]> {
    const setup: WorkerSetup = { stacksDir: options.stacksDir, transport: options.transport, timings: options.timings !== undefined };
    const count = Math.max(1, Math.min(options.jobs, stacks.length));
    const queue = [...stacks];
    /** Which worker evaluates a stack of the run, once it is handed out. */
    const owner = new Map<string, number>();
    const answers = new Map<string, StackReferenceAnswer>();
    const waiters = new Map<string, Waiter[]>();
    /** The stack each waiting worker waits for: to find a cycle before it deadlocks. */
    const waitingOn = new Map<number, string>();
    const results = new Map<string, StackResult>();
    const workers: Worker[] = [];
    const closed = new Set<number>();
    let closing = 0;

    return new Promise<StackResult[]>((resolve, reject) => {
        let settled = false;
        const fail = (e: Error) => {
            if (settled) return;
            settled = true;
            for (const w of workers) void w.terminate();
            reject(e);
        };
        const send = (w: number, m: ToWorker) => workers[w].postMessage(m);
        const reply = (waiter: Waiter, answer: StackReferenceAnswer | undefined, adopt = false) => {
            waitingOn.delete(waiter.worker);
            send(waiter.worker, { type: "answer", id: waiter.id, answer, adopt });
        };
        /** True when `from` waiting for a stack of worker `to` would close a loop of waits. */
        const closesLoop = (from: number, to: number): boolean => {
            const seen = new Set<number>();
            for (let w: number | undefined = to; w !== undefined && !seen.has(w); ) {
                if (w === from) return true;
                seen.add(w);
                const awaited = waitingOn.get(w);
                w = awaited === undefined ? undefined : owner.get(awaited);
            }
            return false;
        };
        const handOut = (w: number) => {
            const stack = queue.shift();
            if (stack === undefined) return;
            owner.set(stack, w);
            send(w, { type: "stack", stack });
        };
        const onReference = (w: number, id: number, stack: string) => {
            const waiter = { worker: w, id };
            const known = answers.get(stack);
            if (known) return reply(waiter, known);
            const queued = queue.indexOf(stack);
            if (queued >= 0) {
                queue.splice(queued, 1);
                owner.set(stack, w);
                return reply(waiter, undefined, true);
            }
            const holder = owner.get(stack);
            // Not a stack of this run, its own, one that failed, or a wait that would never end: evaluated there, as one thread would.
            if (holder === undefined || holder === w || results.has(stack) || closesLoop(w, holder)) return reply(waiter, undefined);
            waitingOn.set(w, stack);
            waiters.set(stack, [...(waiters.get(stack) ?? []), waiter]);
        };
        const onMessage = (w: number, m: FromWorker) => {
            switch (m.type) {
                case "reference":
                    return onReference(w, m.id, m.stack);
                case "evaluated":
                    answers.set(m.stack, m.answer);
                    for (const waiter of waiters.get(m.stack) ?? []) reply(waiter, m.answer);
                    waiters.delete(m.stack);
                    return;
                case "result":
                    options.timings?.spans.push(...m.spans);
                    results.set(m.result.stack, m.result);
                    // It failed before it had outputs: whoever waits for it evaluates it, and fails the same way.
                    for (const waiter of waiters.get(m.result.stack) ?? []) reply(waiter, undefined);
                    waiters.delete(m.result.stack);
                    return;
                case "idle":
                    if (queue.length > 0) return handOut(w);
                    if (stacks.every((s) => results.has(s)) && closing === 0) {
                        closing = workers.length;
                        for (let i = 0; i < workers.length; i++) send(i, { type: "close" });
                    }
                    return;
                case "closed":
                    options.timings?.spans.push(...m.spans);
                    closed.add(w);
                    void workers[w].terminate();
                    if (--closing === 0 && !settled) {
                        settled = true;
                        resolve(stacks.map((s) => results.get(s)!));
                    }
                    return;
                case "fatal":
                    return fail(new WorkerError(m.error));
            }
        };
        for (let i = 0; i < count; i++) {
            const worker = startWorker(setup);
            workers.push(worker);
            worker.on("message", (m: FromWorker) => {
                try {
                    onMessage(i, m);
                } catch (e) {
                    fail(e as Error);
                }
            });
            worker.on("error", (e) => fail(e));
            worker.on("exit", (code) => {
                if (!closed.has(i)) fail(new Error(`a preview worker thread stopped (exit code ${code}) before the stacks were done`));
            });
        }
        for (let i = 0; i < count; i++) handOut(i);
    });
}
