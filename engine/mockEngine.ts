/**
 * Runs the real program for one stack under @pulumi/pulumi's runtime mocks and
 * records every resource it registers: the offline stand-in for the engine,
 * used by `make preview` and by the tests.
 *
 * One coupling to SDK internals, on purpose: the mock monitor's
 * registerResource is wrapped to learn each resource's URN, parent and
 * provider, which the public Mocks interface does not pass on. The SDK
 * version is pinned in package.json, and the tests fail loudly if this breaks.
 */
import * as pulumi from "@pulumi/pulumi";
import { FixtureContext, computedState, invoke } from "./fixture";
import { isSecret, maskSecrets } from "./secrets";
import { StackFileConfig, listStacks, readStackFile } from "./stackFile";

export { isSecret, maskSecrets };

/** The resource options a plan depends on, as the program registered them (Pulumi's resource options docs). */
export interface ResourceOptions {
    /** `protect`: Pulumi refuses to delete or replace the resource. */
    protect: boolean;
    /** `ignoreChanges`: input paths whose program value is replaced by the state's. */
    ignoreChanges: string[];
    /** `deleteBeforeReplace`: a replacement deletes the old resource before creating the new one. */
    deleteBeforeReplace: boolean;
    /** `replaceOnChanges`: input paths whose change replaces the resource ("*": any). */
    replaceOnChanges: string[];
    /** `retainOnDelete`: a deletion (or a replacement's delete) leaves the cloud resource in place. */
    retainOnDelete: boolean;
}

/** What a registration says of a resource besides its inputs: who it is, where it hangs, its options. */
export interface RegisteredResource extends ResourceOptions {
    urn: string;
    type: string;
    name: string;
    /** Parent URN; undefined for the stack itself. */
    parent?: string;
    /** Provider reference ("urn::id"), when one was passed. */
    provider?: string;
    custom: boolean;
}

export interface RecordedResource extends RegisteredResource {
    /** Inputs with secrets unwrapped: for asserting values. */
    inputs: Record<string, any>;
    /** Inputs as the engine received them, secrets still wrapped: for asserting secretness. */
    rawInputs: Record<string, any>;
    /** Dotted paths of inputs that are secrets, e.g. "masterPassword". */
    secretPaths: string[];
    /** The physical id the fixture gave it. */
    id?: string;
    /** Its outputs as the fixture computed them (inputs plus what AWS would compute). */
    outputs: Record<string, any>;
    /** URNs of the resources it depends on, as the SDK registered them. */
    dependencies?: string[];
    /** For each input, the URNs of the resources its value came from (what the engine passes to stack policies). */
    propertyDependencies?: Record<string, string[]>;
}

export interface StackEvaluation {
    stack: string;
    project: string;
    preview: boolean;
    resources: RecordedResource[];
    /** Stack outputs, resolved; secrets unwrapped. */
    outputs: Record<string, any>;
    /** Names of outputs that are secrets. */
    secretOutputs: string[];
    /** Provider functions the program called, in order. */
    invokes: { token: string; inputs: Record<string, unknown> }[];
}

export interface EvaluateOptions {
    /** Run as `pulumi preview` (default) or as `pulumi up`. */
    preview?: boolean;
    /** Use this config instead of reading the stack file (for tests of bad config). */
    stackConfig?: StackFileConfig;
    /** The program; default: infra/main's `main`. */
    program?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
    /**
     * What each StackReference reads, by the referenced stack's name. A name not
     * given here is answered by evaluating this repository's stack of that name
     * (the last segment of "org/project/stack") under the same mocks.
     */
    stackReferences?: Record<string, StackReferenceAnswer>;
    /** Where stack files are read from (this stack's and referenced stacks'); default stacks/. */
    stacksDir?: string;
    /**
     * Stacks already evaluated in this run, by name: a StackReference to one of
     * them is answered from it, and a referenced stack evaluated here is added,
     * so that a run over every stack evaluates each one once.
     */
    evaluated?: Map<string, StackEvaluation>;
    /**
     * Asked before a referenced stack of this repository that `evaluated` lacks is
     * evaluated here: an answer from elsewhere (the preview's worker threads ask the
     * thread that evaluated it), or undefined to evaluate it here as usual.
     */
    answerReference?: (stack: string) => Promise<StackReferenceAnswer | undefined>;
    /**
     * The SDK records a stack trace for every promise it creates (for its leak
     * report), which is most of an offline run's time. false skips it while the
     * program runs; an error thrown then carries no stack. Default true.
     */
    captureStackTraces?: boolean;
    /**
     * Outputs the engine's state holds for a resource, by type and name, that override the
     * fixture's answer (the lifecycle simulator: an ignored input keeps the state's value, and
     * so does the provider's output for it). Default: none.
     */
    stateOutputs?: (type: string, name: string) => Record<string, unknown> | undefined;
}

/** The outputs a referenced stack exposes, and which of them are secret. */
export interface StackReferenceAnswer {
    outputs: Record<string, unknown>;
    secretOutputNames: string[];
    /** The stack cannot be read (no such stack): the reference fails, as the engine's read would. */
    error?: string;
}

/** The program failed; `cause` is its error, `resources` what it had registered until then. */
export class StackEvaluationError extends Error {
    constructor(
        public readonly stack: string,
        public readonly cause: unknown,
        public readonly resources: RecordedResource[],
    ) {
        super(`stack ${stack}: ${cause instanceof Error ? cause.message : String(cause)}`);
        this.name = "StackEvaluationError";
    }
}

/** Unwraps secrets at any depth, noting where they were. */
export function unwrapSecrets(v: unknown, path = "", found: string[] = []): [any, string[]] {
    if (isSecret(v)) {
        found.push(path);
        return [unwrapSecrets(v.value, path, [])[0], found];
    }
    if (Array.isArray(v)) return [v.map((e, i) => unwrapSecrets(e, `${path}[${i}]`, found)[0]), found];
    if (v !== null && typeof v === "object" && !pulumi.Resource.isInstance(v)) {
        const out: Record<string, unknown> = {};
        for (const [k, e] of Object.entries(v)) out[k] = unwrapSecrets(e, path ? `${path}.${k}` : k, found)[0];
        return [out, found];
    }
    return [v, found];
}

/**
 * A program that throws rejects more than the one promise this engine awaits
 * (the SDK's stack resource keeps its own). Those rejections carry the very
 * error the evaluation already reports, so they are not news; anything else
 * still fails the process as Node would.
 */
const reportedFailures = new WeakSet<object>();
/**
 * Reads of unknown stacks this engine failed on purpose (see StackReferenceAnswer.error):
 * the SDK rejects the reference's own promises with them too, besides the one the
 * program awaits, so they are not news either.
 */
const failedReads = new Set<string>();
process.on("unhandledRejection", (reason) => {
    if (typeof reason === "object" && reason !== null && reportedFailures.has(reason)) return;
    if (reason instanceof Error && [...failedReads].some((m) => reason.message.includes(m))) return;
    throw reason;
});

// One evaluation at a time: the Pulumi runtime keeps its settings in globals.
let running: Promise<unknown> = Promise.resolve();

export function evaluateStack(stack: string, options: EvaluateOptions = {}): Promise<StackEvaluation> {
    const next = running.then(() => evaluateWithReferences(stack, options, []));
    running = next.catch(() => undefined);
    return next;
}

/**
 * Runs the stack; when it reads a stack reference nobody answered, evaluates the
 * referenced stack of this repository (inside the same turn: the runtime is
 * global), then runs the stack again with the answer.
 */
async function evaluateWithReferences(stack: string, options: EvaluateOptions, chain: string[]): Promise<StackEvaluation> {
    if (chain.includes(stack)) throw new Error(`stack references form a cycle: ${[...chain, stack].join(" -> ")}`);
    const references = { ...(options.stackReferences ?? {}) };
    for (;;) {
        const missing: string[] = [];
        try {
            return await evaluate(stack, { ...options, stackReferences: references }, missing);
        } catch (e) {
            if (missing.length === 0) throw e;
            for (const name of missing) {
                const referencedStack = name.split("/").pop()!;
                let referenced = options.evaluated?.get(referencedStack);
                if (!referenced && !listStacks(options.stacksDir).includes(referencedStack)) {
                    // The backend has no such stack: the engine fails the reference's read.
                    references[name] = { outputs: {}, secretOutputNames: [], error: `unknown stack "${name}" (no stack file Pulumi.${referencedStack}.yaml)` };
                    continue;
                }
                if (!referenced) {
                    const answer = await options.answerReference?.(referencedStack);
                    if (answer) {
                        references[name] = answer;
                        continue;
                    }
                    // The referenced stack as its own stack file declares it, from the same program and directory.
                    const { preview, program, stacksDir, evaluated, captureStackTraces, answerReference } = options;
                    referenced = await evaluateWithReferences(referencedStack, { preview, program, stacksDir, evaluated, captureStackTraces, answerReference }, [...chain, stack]);
                    options.evaluated?.set(referencedStack, referenced);
                }
                references[name] = { outputs: referenced.outputs, secretOutputNames: referenced.secretOutputs };
            }
        }
    }
}

async function evaluate(stack: string, options: EvaluateOptions, missingReferences: string[]): Promise<StackEvaluation> {
    const preview = options.preview ?? true;
    const stackConfig = options.stackConfig ?? readStackFile(stack, options.stacksDir);
    const project = "mlops-data";
    const ctx: FixtureContext = {
        region: stackConfig.config["aws:region"] ?? "us-east-1",
        subnetZones: new Map(),
    };
    const byName = new Map<string, Seen>();
    /**
     * The fixture context in the region a resource or call lands in: its own
     * `region` input (AWS provider v7), else its explicit provider's region, else the stack's.
     */
    const regional = (providerRef: string | undefined, inputs: Record<string, unknown>): FixtureContext => {
        const providerName = providerRef?.split("::")[3];
        const provider = providerName ? byName.get(`pulumi:providers:aws::${providerName}`) : undefined;
        const region = (inputs.region as string | undefined) ?? (provider?.state.region as string | undefined);
        return region ? { ...ctx, region } : ctx;
    };
    const invokes: StackEvaluation["invokes"] = [];

    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                const [plain] = unwrapSecrets(args.inputs);
                if (args.type === "pulumi:pulumi:StackReference") {
                    const name = String(plain.name);
                    const known = options.evaluated?.get(name.split("/").pop()!);
                    const answer: StackReferenceAnswer | undefined =
                        options.stackReferences?.[name] ?? (known && { outputs: known.outputs, secretOutputNames: known.secretOutputs });
                    if (answer?.error) {
                        failedReads.add(answer.error);
                        throw new Error(answer.error);
                    }
                    // Unanswered: read as a stack with no outputs (the program then fails on its own
                    // terms, without an unhandled rejection), and answered on the next run.
                    if (!answer) missingReferences.push(name);
                    return {
                        id: name,
                        state: { name, outputs: answer?.outputs ?? {}, secretOutputNames: answer?.secretOutputNames ?? [] },
                    };
                }
                const computed = computedState(regional(args.provider, plain), args.type, args.name, plain);
                const kept = options.stateOutputs?.(args.type, args.name);
                if (kept) computed.state = { ...computed.state, ...kept };
                byName.set(`${args.type}::${args.name}`, { rawInputs: args.inputs, ...computed });
                return computed;
            },
            call(args: pulumi.runtime.MockCallArgs) {
                const [plain] = unwrapSecrets(args.inputs);
                invokes.push({ token: args.token, inputs: plain });
                return invoke(regional(args.provider, plain), args.token, plain);
            },
        },
        project,
        stack,
        preview,
    );
    const recorded: RecordedResource[] = [];
    const monitor = wrapMonitor(recorded, byName);
    pulumi.runtime.setAllConfig(stackConfig.config, stackConfig.secretKeys);

    const program = options.program ?? (require("../infra/main") as { main: () => Record<string, unknown> }).main;
    const stackTraceLimit = Error.stackTraceLimit;
    if (options.captureStackTraces === false) Error.stackTraceLimit = 0;
    try {
        await pulumi.runtime.runInPulumiStack(async () => program());
    } catch (e) {
        if (typeof e === "object" && e !== null) reportedFailures.add(e);
        throw new StackEvaluationError(stack, e, recorded);
    } finally {
        await pulumi.runtime.disconnect();
        Error.stackTraceLimit = stackTraceLimit;
    }

    // The outputs as registered on the stack resource keep their secret markers.
    const stackUrn = recorded.find((r) => r.type === "pulumi:pulumi:Stack")?.urn;
    const state = stackUrn ? monitor.getRegisteredResources().get(stackUrn)?.state : undefined;
    const registered: Record<string, unknown> = state ? pulumi.runtime.deserializeProperties(state) : {};
    const [plainOutputs] = unwrapSecrets(registered);
    const secretOutputs = Object.entries(registered)
        .filter(([, v]) => unwrapSecrets(v)[1].length > 0)
        .map(([k]) => k);
    return { stack, project, preview, resources: recorded, outputs: plainOutputs, secretOutputs, invokes };
}

type MonitorCallback = (err: unknown, resp: any) => void;

/** What the mock's newResource saw and answered, keyed by type and name. */
interface Seen {
    rawInputs: Record<string, any>;
    id?: string;
    state: Record<string, any>;
}

function record(req: any, resp: any, seen: Seen | undefined, read: boolean, parentRecord: RecordedResource | undefined): RecordedResource {
    const rawInputs = seen?.rawInputs ?? {};
    const [inputs, secretPaths] = unwrapSecrets(rawInputs);
    return {
        urn: resp.getUrn(),
        type: req.getType(),
        name: req.getName(),
        parent: req.getParent() || undefined,
        provider: req.getProvider() || undefined,
        custom: read || req.getCustom(),
        protect: !read && req.getProtect() === true,
        ignoreChanges: read ? [] : req.getIgnorechangesList(),
        // The SDK sends false when the option is unset (getDeletebeforereplacedefined() tells the two
        // apart): the provider may then still ask for delete-before-replace, which plans do not model.
        deleteBeforeReplace: !read && req.getDeletebeforereplace() === true,
        replaceOnChanges: read ? [] : req.getReplaceonchangesList(),
        // Unset, it is inherited from the parent, as the engine's inheritFromParent does (Protect the SDK already inherits).
        retainOnDelete: !read && (req.hasRetainondelete() ? req.getRetainondelete() === true : (parentRecord?.retainOnDelete ?? false)),
        inputs,
        rawInputs,
        secretPaths,
        id: seen?.id,
        outputs: seen?.state ?? {},
        dependencies: req.getDependenciesList(),
        propertyDependencies: read ? {} : propertyDependenciesOf(req),
    };
}

function propertyDependenciesOf(req: any): Record<string, string[]> {
    const deps: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((v: any, k: string) => {
        const urns: string[] = v.getUrnsList();
        if (urns.length > 0) deps[k] = urns;
    });
    return deps;
}

/**
 * What google-protobuf's `Struct.fromJavaScript(value).toJavaScript()` returns, without the
 * Struct (google-protobuf 3.21, google/protobuf/struct_pb.js): strings, numbers, booleans and
 * null as they are; arrays element by element; an object's enumerable keys (for-in, as
 * Struct.fromJavaScript walks them) in sorted order, because the Struct's map hands its keys
 * out sorted (jspb.Map forEach); anything else is refused with the Struct's own error.
 */
export function structRoundTrip(value: unknown): unknown {
    if (value === null) return null;
    if (Array.isArray(value)) {
        const out: unknown[] = [];
        for (let i = 0; i < value.length; i++) out[i] = structRoundTrip(value[i]);
        return out;
    }
    switch (typeof value) {
        case "string":
        case "number":
        case "boolean":
            return value;
        case "object": {
            const keys: string[] = [];
            for (const k in value) keys.push(k);
            keys.sort();
            const out: Record<string, unknown> = {};
            for (const k of keys) out[k] = structRoundTrip((value as Record<string, unknown>)[k]);
            return out;
        }
        default:
            throw new Error("Unexpected struct type.");
    }
}

/**
 * The SDK's MockMonitor.registerResource (@pulumi/pulumi 3.248 runtime/mocks.js), step for step,
 * but for one thing: the response's object. The mock encodes the resource's state into a
 * protobuf Struct (Struct.fromJavaScript) only for the SDK to decode it again at once
 * (runtime/rpc.js deserializeProperties, its only reader, calls `toJavaScript()` and nothing
 * else). Here the response answers `getObject()` with the decoding itself (structRoundTrip, made
 * where the Struct was, so a value the Struct refuses fails the registration as before): about
 * 2,800 protobuf messages fewer per preview. The request, the state the monitor keeps and
 * every other field of the response are the mock's.
 */
function registerWithoutResponseStruct(monitor: any): (req: any, callback: MonitorCallback) => Promise<void> {
    const rpc = require("@pulumi/pulumi/runtime/rpc") as { deserializeProperties(s: unknown): any; serializeProperties(label: string, props: unknown): Promise<any> };
    const resproto = require("@pulumi/pulumi/proto/resource_pb") as { RegisterResourceResponse: new () => any };
    if (typeof monitor.mocks?.newResource !== "function" || typeof monitor.newUrn !== "function" || !(monitor.resources instanceof Map)) {
        throw new Error("the Pulumi SDK's mock monitor changed shape; engine/mockEngine.ts must follow it");
    }
    return async (req: any, callback: MonitorCallback) => {
        try {
            const result = await monitor.mocks.newResource({
                type: req.getType(),
                name: req.getName(),
                inputs: rpc.deserializeProperties(req.getObject()),
                provider: req.getProvider(),
                custom: req.getCustom(),
                id: req.getImportid(),
            });
            const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
            const serializedState = await rpc.serializeProperties("", result.state);
            monitor.resources.set(urn, { urn, id: result.id ?? null, state: serializedState });
            const response = new resproto.RegisterResourceResponse();
            response.setUrn(urn);
            response.setId(result.id || "");
            const decoded = structRoundTrip(serializedState);
            // A new decoding per call, as a Struct's toJavaScript makes one.
            const object = { toJavaScript: () => structRoundTrip(decoded) };
            response.getObject = () => object;
            callback(null, response);
        } catch (err) {
            callback(err, undefined);
        }
    };
}

function wrapMonitor(recorded: RecordedResource[], byName: Map<string, Seen>): any {
    const monitor = pulumi.runtime.getMonitor() as any;
    if (!monitor || typeof monitor.registerResource !== "function") {
        throw new Error("the Pulumi SDK's mock monitor changed shape; engine/mockEngine.ts must follow it");
    }
    const register = { registerResource: registerWithoutResponseStruct(monitor), readResource: monitor.readResource.bind(monitor) };
    // Declared resources, and read ones (a StackReference): both are part of the stack the engine sees.
    for (const method of ["registerResource", "readResource"] as const) {
        const original = register[method];
        monitor[method] = (req: any, callback: MonitorCallback) =>
            original(req, (err: unknown, resp: any) => {
                if (!err) {
                    const parent = req.getParent() ? recorded.find((r) => r.urn === req.getParent()) : undefined;
                    recorded.push(record(req, resp, byName.get(`${req.getType()}::${req.getName()}`), method === "readResource", parent));
                }
                callback(err, resp);
            });
    }
    return monitor;
}
