/**
 * A worker thread of the concurrent preview (preview/concurrent.ts): loads the
 * SDK, the program, the engine and the policy packs once, then evaluates the
 * stacks it is handed one after another, exactly as the single-threaded
 * preview does (preview/stackPlans.ts evaluateOne and stackResult), and sends
 * back what the preview prints and writes of each.
 */
import * as path from "path";
import { isMainThread, parentPort, workerData } from "worker_threads";
import type { StackReferenceAnswer, StackEvaluation } from "../engine/mockEngine";
import type { FromWorker, ToWorker, WorkerSetup } from "./concurrent";
import { NO_TIMINGS, Timings } from "./timings";

if (isMainThread || !parentPort) throw new Error("preview/stackWorker is a worker thread's entry; preview/concurrent.ts starts it");
const port = parentPort;
const setup = workerData as WorkerSetup;
const timings = setup.timings ? new Timings() : NO_TIMINGS;
const post = (m: FromWorker) => port.postMessage(m);

/**
 * Node refuses process.chdir() in a worker (the directory is the whole process's).
 * The in-process policy host changes into a pack's directory for one synchronous
 * require, only so that PolicyPack's constructor finds the pack's package.json
 * through process.cwd() (@pulumi/policy policy.js); within this thread,
 * process.cwd() answers with that directory for as long.
 */
const processCwd = process.cwd.bind(process);
let cwd: string | undefined;
process.chdir = (dir: string) => {
    const target = path.resolve(process.cwd(), dir);
    cwd = target === processCwd() ? undefined : target;
};
process.cwd = () => cwd ?? processCwd();

const loadStart = performance.timeOrigin;
(require("../engine/deferredSdkModules") as typeof import("../engine/deferredSdkModules")).deferSdkClosureModules();
(require("../engine/bundledModules") as typeof import("../engine/bundledModules")).installBundledModules();
const plans = require("./stackPlans") as typeof import("./stackPlans");
require("../infra/main");
(require("../engine/previewSdkPatches") as typeof import("../engine/previewSdkPatches")).installPreviewSdkPatches();
timings.since("load", "thread start, the SDK, the program, the engine, the packs' rules", loadStart);

/** A stack this thread evaluated is offered to the others at once (a reference to it need not wait for its policies). */
class SharedEvaluations extends Map<string, StackEvaluation> {
    set(stack: string, evaluation: StackEvaluation): this {
        if (!this.has(stack)) post({ type: "evaluated", stack, answer: { outputs: evaluation.outputs, secretOutputNames: evaluation.secretOutputs } });
        return super.set(stack, evaluation);
    }
}
const evaluated = new SharedEvaluations();

/** Stacks of the run the coordinator handed over while this thread evaluated another that references them. */
const adopted: string[] = [];
const asked = new Map<number, { stack: string; resolve: (answer: StackReferenceAnswer | undefined) => void }>();
let nextId = 0;
function answerReference(stack: string): Promise<StackReferenceAnswer | undefined> {
    return new Promise((resolve) => {
        const id = nextId++;
        asked.set(id, { stack, resolve });
        post({ type: "reference", id, stack });
    });
}

const options = { stacksDir: setup.stacksDir, policies: { transport: setup.transport }, timings, answerReference };

/** The stack, then those it adopted (already evaluated here, as one thread would have them by then). */
async function preview(stack: string): Promise<void> {
    const todo = [stack];
    for (let next = todo.shift(); next !== undefined; next = todo.shift()) {
        const outcome = await plans.evaluateOne(next, options, evaluated);
        post({ type: "result", result: plans.stackResult(outcome, timings), spans: timings.spans.splice(0) });
        todo.push(...adopted.splice(0));
    }
    post({ type: "idle" });
}

async function close(): Promise<void> {
    const { closePolicyPacks } = require("../policy/offline/evaluate") as typeof import("../policy/offline/evaluate");
    await closePolicyPacks();
    post({ type: "closed", spans: timings.spans.splice(0) });
}

function fatal(e: unknown): void {
    const error = e instanceof Error ? { name: e.name, message: e.message, stack: e.stack } : { name: "Error", message: String(e) };
    post({ type: "fatal", error });
}

/** One stack at a time: the runtime in this thread is global, as in any thread. */
let work: Promise<void> = Promise.resolve();
port.on("message", (m: ToWorker) => {
    if (m.type === "answer") {
        const question = asked.get(m.id);
        asked.delete(m.id);
        if (question && m.adopt) adopted.push(question.stack);
        question?.resolve(m.answer);
        return;
    }
    work = work.then(() => (m.type === "stack" ? preview(m.stack) : close())).catch(fatal);
});
