/**
 * Runs a policy pack inside this process and calls the very analyzer RPC
 * handlers @pulumi/policy's gRPC server would call, with the same protobuf
 * messages, minus the process and the socket.
 *
 * Why: starting a pack the way the CLI does (a node process that loads
 * @pulumi/pulumi again and type-checks the TypeScript pack) takes 6-8 s; the
 * offline preview of every stack must finish in 3 s. What stays identical:
 * the pack's own PolicyPack declaration (name, version, enforcement level,
 * policies), and @pulumi/policy's server code, which applies enforcement
 * levels and config, builds the policy arguments, turns unknown values into
 * advisory "can't run during preview" findings and reports violations; the
 * requests are the same protobuf messages, built by the same code. What is
 * left out is the transport: the bytes on the socket (encoding and decoding
 * them again cost 0.3 s of the 3 s budget and changed nothing measurable).
 * tests/policy/transports.test.ts checks that both transports give identical
 * results over every stack and the deliberately unsafe ones.
 *
 * How: @pulumi/policy keeps its served pack's state (config, stack tags) in
 * module variables of server.js and refuses a second pack per process. Each
 * pack here therefore gets its own instance of server.js, compiled from the
 * installed file unchanged, with one line appended that hands back its
 * private `configure` and `configureStack` handlers and its GetAnalyzerInfo
 * builder. Its other modules (policy, deserialize, proxy) are the shared
 * ones, as one process would have them.
 */
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import * as vm from "vm";
import { PackHost, PackStartError } from "./analyzerHost";

type Callback = (err: Error | null | undefined, res?: any) => void;
type Handler = (call: { request: any }, callback: Callback) => void;

/** The handlers a fresh server.js instance exposes. */
interface ServerInstance {
    makeAnalyzeRpcFun(name: string, version: string, level: string, policies: unknown[]): Handler;
    makeAnalyzeStackRpcFun(name: string, version: string, level: string, policies: unknown[]): Handler;
    __offline: {
        configure: Handler;
        configureStack: Handler;
        makeGetAnalyzerInfoRpcFun(name: string, version: string, level: string, args: unknown, initialConfig: unknown): Handler;
    };
}

/** What a pack's index passes to `new PolicyPack(...)`, as @pulumi/policy hands it to serve(). */
interface PackDeclaration {
    name: string;
    version: string;
    enforcementLevel: string;
    args: { policies?: { name: string; configSchema?: { properties?: Record<string, unknown>; required?: string[] } }[] };
    initialConfig: unknown;
}

const policyRequire = createRequire(require.resolve("@pulumi/policy/package.json"));
const SERVER_JS = policyRequire.resolve("./server");
const EXPOSE = "\n;exports.__offline = { configure, configureStack, makeGetAnalyzerInfoRpcFun };\n";

function freshServer(): ServerInstance {
    const source = fs.readFileSync(SERVER_JS, "utf8");
    const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}${EXPOSE}})`;
    const fn = vm.runInThisContext(wrapped, { filename: SERVER_JS }) as (...a: unknown[]) => void;
    const module = { exports: {} as ServerInstance };
    fn.call(module.exports, module.exports, createRequire(SERVER_JS), module, SERVER_JS, path.dirname(SERVER_JS));
    if (typeof module.exports.__offline?.configure !== "function" || typeof module.exports.makeAnalyzeRpcFun !== "function") {
        throw new PackStartError(`@pulumi/policy's server.js (${SERVER_JS}) changed shape; policy/offline/inProcessHost.ts must follow it`);
    }
    return module.exports;
}

const declarations = new Map<string, PackDeclaration>();

/** For tests: run Analyze over the pack's whole policy list, as server.js would (see policiesForType). */
let unfiltered = false;
export function setUnfilteredAnalyze(on: boolean): void {
    unfiltered = on;
}

/**
 * Loads the pack's entry module (its index, `entry`, required by `load`) and captures what it declares:
 * PolicyPack calls the shared server.js's serve(), replaced for that moment.
 * PolicyPack reads the version from the package.json of the working
 * directory, which the CLI sets to the pack's directory; so is it here.
 */
function declarationOf(entry: string, packDir: string, load: () => unknown): PackDeclaration {
    const known = declarations.get(entry);
    if (known) return known;
    const shared = policyRequire("./server") as { serve: (...a: any[]) => void };
    const serve = shared.serve;
    const cwd = process.cwd();
    let captured: PackDeclaration | undefined;
    shared.serve = (name: string, version: string, enforcementLevel: string, args: PackDeclaration["args"], initialConfig: unknown) => {
        captured = { name, version, enforcementLevel, args, initialConfig };
    };
    try {
        process.chdir(packDir);
        load();
    } catch (e) {
        throw new PackStartError(`policy pack ${packDir} failed to load: ${(e as Error).message}`);
    } finally {
        shared.serve = serve;
        process.chdir(cwd);
    }
    if (!captured) throw new PackStartError(`policy pack ${packDir}: ${entry} declared no PolicyPack`);
    checkDeclaration(captured, packDir);
    declarations.set(entry, captured);
    return captured;
}

/** The checks serve() makes before serving (where it would print the problem and exit). */
function checkDeclaration(d: PackDeclaration, packDir: string): void {
    const problem = (m: string) => new PackStartError(`policy pack ${packDir}: ${m}`);
    if (!/^[a-zA-Z0-9-_.]{1,100}$/.test(d.name)) throw problem(`invalid policy pack name "${d.name}"`);
    for (const p of d.args.policies ?? []) {
        if (p.name === "all") throw problem('"all" is a reserved policy name');
        if (p.configSchema?.properties?.enforcementLevel) throw problem(`${p.name}: enforcementLevel cannot be explicitly specified in properties`);
        if (p.configSchema?.required?.includes("enforcementLevel")) throw problem(`${p.name}: "enforcementLevel" cannot be specified in required`);
    }
}

/** A protobuf Struct of a request: its decoding to plain JavaScript. */
interface DecodableStruct {
    toJavaScript(): unknown;
}
interface RequestStructs {
    getProperties?(): DecodableStruct | undefined;
    getProvider?(): RequestStructs | undefined;
    getResourcesList?(): RequestStructs[];
}

/**
 * The server decodes a resource's properties (and its provider's) from protobuf again for
 * every policy it runs: 57 policies, so most of the packs' time went to decoding the same
 * bytes. Here each Struct of the request is decoded once and that result handed out on
 * every later call. Safe because @pulumi/policy's deserializeProperties copies what it is
 * given (deserialize.js builds new objects and arrays throughout): no policy sees, or can
 * change, the shared decoding. Over gRPC the pack decodes each message it receives, so
 * findings are the same (tests/policy/transports.test.ts).
 */
function decodeOnce(request: unknown): void {
    const memo = (s: DecodableStruct | undefined) => {
        if (!s) return;
        const decoded = s.toJavaScript();
        s.toJavaScript = () => decoded;
    };
    const resource = (r: RequestStructs) => {
        memo(r.getProperties?.());
        const provider = r.getProvider?.();
        if (provider) memo(provider.getProperties?.());
    };
    const req = request as RequestStructs;
    resource(req);
    for (const r of req.getResourcesList?.() ?? []) resource(r);
}

/** A resource policy as server.js reads it (validateResource: one validation or several). */
interface ResourcePolicyShape {
    validateResource?: unknown;
}

/** The Pulumi type a validation is restricted to (what @pulumi/policy's getPulumiType reads), if any. */
function pulumiTypeOf(validation: unknown): string | undefined {
    const t = (validation as { __pulumiType?: unknown } | null | undefined)?.__pulumiType;
    return typeof t === "string" && t.length > 0 ? t : undefined;
}

/**
 * The pack's policies as server.js's Analyze handler would run them for a resource of
 * `type`, minus the validations that can only say "not applicable". A validation made by
 * validateResourceOfType(Class, ...) carries Class's Pulumi type (policy.js attaches
 * `__pulumiType`), and for any other type it always throws NotApplicableError
 * (policy.js validateResourceOfType: `args.isType(Class)` is server.js isTypeOf, which is
 * `type === __pulumiType` when the class has one), which the handler turns into a
 * PolicyNotApplicable entry and no diagnostic. The handler skips such a policy itself
 * when validateResource is a single function (its "fast check"), but not when it is a
 * list: there it decodes the properties, builds the arguments and throws, per validation.
 * Here such validations are dropped from a list beforehand (a list left empty drops the
 * policy), so every validation that could report runs as before, in the same order.
 * What differs is only the response's not-applicable list, which the offline evaluation
 * never reads (evaluate.ts diagnostics); tests/policy/transports.test.ts checks that the
 * findings equal gRPC's, where the pack runs unfiltered.
 */
export function policiesForType<P extends ResourcePolicyShape>(policies: readonly P[], type: string): P[] {
    const out: P[] = [];
    for (const p of policies) {
        const v = p.validateResource;
        if (!Array.isArray(v)) {
            out.push(p);
            continue;
        }
        const kept = v.filter((f) => {
            const t = pulumiTypeOf(f);
            return t === undefined || t === type;
        });
        if (kept.length === v.length) out.push(p);
        else if (kept.length > 0) out.push({ ...p, validateResource: kept });
    }
    return out;
}

export class InProcessHost extends PackHost {
    /** Analyze handlers by resource type, each over policiesForType of that type. */
    private readonly analyzeByType = new Map<string, Handler>();

    private constructor(
        dir: string,
        private readonly handlers: Record<"configure" | "configureStack" | "getAnalyzerInfo" | "analyze" | "analyzeStack", Handler>,
        private readonly analyzeFor: (type: string) => Handler,
    ) {
        super(dir);
    }

    /** Loads the pack whose directory is `dir` and whose entry module (its index) is `entry`, which `load` requires. */
    static start(dir: string, entry: string, load: () => unknown): InProcessHost {
        const d = declarationOf(entry, dir, load);
        const server = freshServer();
        const policies = d.args.policies ?? [];
        return new InProcessHost(dir, {
            configure: server.__offline.configure,
            configureStack: server.__offline.configureStack,
            getAnalyzerInfo: server.__offline.makeGetAnalyzerInfoRpcFun(d.name, d.version, d.enforcementLevel, d.args, d.initialConfig),
            analyze: server.makeAnalyzeRpcFun(d.name, d.version, d.enforcementLevel, policies),
            analyzeStack: server.makeAnalyzeStackRpcFun(d.name, d.version, d.enforcementLevel, policies),
        }, (type) => server.makeAnalyzeRpcFun(d.name, d.version, d.enforcementLevel, policiesForType(policies as ResourcePolicyShape[], type)));
    }

    /** The Analyze handler for a resource of `type` (made once per type). */
    private analyzeHandler(type: string): Handler {
        let h = this.analyzeByType.get(type);
        if (!h) this.analyzeByType.set(type, (h = this.analyzeFor(type)));
        return h;
    }

    protected call(method: keyof InProcessHost["handlers"], request: unknown): Promise<any> {
        if (method === "analyze" || method === "analyzeStack") decodeOnce(request);
        const handler = method === "analyze" && !unfiltered ? this.analyzeHandler((request as { getType(): string }).getType()) : this.handlers[method];
        return new Promise((resolve, reject) =>
            handler({ request }, (err, res) => {
                if (err) reject(new Error(`policy pack ${this.dir}: ${method} failed: ${err.message}`));
                else resolve(res);
            }),
        );
    }

    close() {
        // Nothing runs outside this process.
    }
}
