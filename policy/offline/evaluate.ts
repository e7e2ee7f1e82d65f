/**
 * Offline policy evaluation: the stack's registered resources (as the offline
 * engine (engine/) records them) go to each policy pack over the analyzer
 * gRPC interface, in the order and shape the Pulumi engine uses during
 * `pulumi preview`, and the diagnostics come back as the engine receives them.
 *
 *   const violations = await evaluatePolicies(ev.resources, { environment: "prod", region: "us-east-1" });
 *
 * Packs are started once per process and reused; call closePolicyPacks() when
 * done (the CLI and the tests do).
 *
 * Two transports, the same pack code and the same @pulumi/policy handlers:
 * "grpc" (default) starts each pack as the Pulumi CLI does, a process that
 * type-checks the TypeScript pack and serves the analyzer over gRPC (6-8 s to
 * start); "in-process" loads the pack into this process and calls the same
 * handlers with the same messages (policy/offline/inProcessHost.ts), which the
 * offline preview uses to stay within its time budget.
 */
import { RecordedResource } from "../../engine/mockEngine";
import { PolicyViolation } from "../../engine/plan";
import { AnalyzerHost, PackHost, proto, structProto } from "./analyzerHost";
import { InProcessHost } from "./inProcessHost";
import { EnforcementLevel, PolicyInfo, PolicyPackConfig, configFileFor, parseConfig, readConfigFile, reconcile } from "./packConfig";
import { PACKS, PackSpec } from "./packs";
import { registerPackCloser } from "./started";

/** The engine defines what a finding looks like in a plan; the packs produce them. */
export type { PolicyViolation };

export interface EvaluatePoliciesOptions {
    /** Use policy/config/<environment>.json (what `--policy-pack-config` would be given). */
    environment?: string;
    /** Or this configuration document (same shape as the files); wins over `environment`. */
    config?: unknown;
    /** Region of the stack's default aws provider (`aws:region`). */
    region: string;
    /** Names for the URNs of synthesized providers and for ConfigureStack. */
    stack?: string;
    project?: string;
    /** Packs to run (their directory names); default every pack. */
    packs?: PackSpec["id"][];
    /** How the packs run: as the CLI runs them (default), or loaded into this process. */
    transport?: PolicyTransport;
    /**
     * In-process only: how a request's properties reach the pack. "plain" (default): the
     * plain object protobuf's Struct would decode to, built directly (see plainStruct);
     * "protobuf": a real Struct, as over gRPC (kept for tests/policy/plainStructs.test.ts,
     * which shows both give the validators the same arguments and the same findings).
     */
    structs?: StructEncoding;
}

export type StructEncoding = "plain" | "protobuf";

export const POLICY_TRANSPORTS = ["grpc", "in-process"] as const;
export type PolicyTransport = (typeof POLICY_TRANSPORTS)[number];

const LEVELS: Record<number, EnforcementLevel> = {
    [proto.EnforcementLevel.ADVISORY]: "advisory",
    [proto.EnforcementLevel.MANDATORY]: "mandatory",
    [proto.EnforcementLevel.REMEDIATE]: "remediate",
    [proto.EnforcementLevel.DISABLED]: "disabled",
};
const LEVEL_CODES: Record<EnforcementLevel, number> = {
    advisory: proto.EnforcementLevel.ADVISORY,
    mandatory: proto.EnforcementLevel.MANDATORY,
    remediate: proto.EnforcementLevel.REMEDIATE,
    disabled: proto.EnforcementLevel.DISABLED,
};

interface RunningPack {
    spec: PackSpec;
    host: PackHost;
    info: { name: string; version: string; policies: PolicyInfo[] };
    /** Calls to one pack run one evaluation at a time: Configure sets pack-wide state. */
    queue: Promise<unknown>;
}

const running = new Map<string, Promise<RunningPack>>();

function startPack(spec: PackSpec, env: Record<string, string>, transport: PolicyTransport): Promise<RunningPack> {
    const key = `${transport}:${spec.id}`;
    let p = running.get(key);
    if (!p) {
        p = (async () => {
            const host = transport === "in-process" ? InProcessHost.start(spec.dir, spec.entry, spec.load) : await AnalyzerHost.start(spec.dir, env);
            const info = await host.getAnalyzerInfo();
            const policies: PolicyInfo[] = info.getPoliciesList().map((pi) => {
                const schema = pi.getConfigschema();
                return {
                    name: pi.getName(),
                    enforcementLevel: LEVELS[pi.getEnforcementlevel()],
                    configSchema: schema
                        ? { properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, any>, required: schema.getRequiredList() }
                        : undefined,
                };
            });
            return { spec, host, info: { name: info.getName(), version: info.getVersion(), policies }, queue: Promise.resolve() };
        })();
        running.set(key, p);
        p.catch(() => running.delete(key));
    }
    return p;
}

/** Stops every pack this process started. */
export async function closePolicyPacks(): Promise<void> {
    const packs = [...running.values()];
    running.clear();
    for (const p of packs) (await p.catch(() => undefined))?.host.close();
}
registerPackCloser(closePolicyPacks);

/** The engine marshals values with secrets kept (wrapped) and unknowns as sentinels; recorded values already have both forms. */
function struct(values: Record<string, unknown>) {
    return structProto.Struct.fromJavaScript(JSON.parse(JSON.stringify(values ?? {})));
}

/**
 * What `struct(values).toJavaScript()` returns, without building the Struct: the JSON
 * value (undefined dropped, as JSON does), with every object's keys in sorted order,
 * because google-protobuf's Map iterates its keys sorted (jspb.Map forEach: `keys.sort()`,
 * google-protobuf 3.21, google-protobuf.js) and Struct.toJavaScript assigns them in that
 * order. Struct.fromJavaScript takes exactly JSON's kinds (null, number, string, boolean,
 * list, struct), so after the JSON round trip nothing else differs: numbers stay doubles,
 * nulls stay null, empty lists stay empty lists. Building it directly saves the Struct's
 * encoding and decoding of every resource (docs/benchmarks/2026-12-02-bench-preview-2.md).
 */
export function plainStruct(values: Record<string, unknown>): Record<string, unknown> {
    return sortedKeys(JSON.parse(JSON.stringify(values ?? {}))) as Record<string, unknown>;
}

function sortedKeys(v: unknown): unknown {
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) return v.map(sortedKeys);
    const ret: Record<string, unknown> = {};
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o).sort()) ret[k] = sortedKeys(o[k]);
    return ret;
}

/** A message whose properties are a Struct. */
interface WithProperties {
    setProperties(s: ReturnType<typeof structProto.Struct.fromJavaScript>): unknown;
}

/**
 * Sets a message's properties. "plain": the message answers getProperties() with one
 * object whose toJavaScript() gives plainStruct(values), a new one each call as a Struct
 * would; the in-process host calls the server's handlers with the message itself, and
 * they only ever call toJavaScript() on it (server.js configure, deserialize.js
 * deserializeProperties). Never used over gRPC, where the message is encoded.
 */
function setProperties(m: WithProperties, values: Record<string, unknown>, encoding: StructEncoding): void {
    if (encoding === "protobuf") {
        m.setProperties(struct(values));
        return;
    }
    const decoded = { toJavaScript: () => plainStruct(values) };
    (m as unknown as { getProperties(): unknown }).getProperties = () => decoded;
}

/**
 * The Analyze and AnalyzeStack requests of one evaluation, built once and handed to every
 * pack (each pack built its own before: the same messages, and for the in-process packs the
 * same JSON round trip and key sort of each resource's inputs and outputs, once per pack).
 * Safe because neither transport changes a request: gRPC encodes it, and the in-process
 * handlers only read it; what inProcessHost.ts decodeOnce memoizes on it is handed only to
 * @pulumi/policy's deserializeProperties, which copies it, so no policy of either pack sees or
 * changes another's decoding. The packs of one evaluation share a transport, hence an encoding;
 * a request is shared only between packs that encode alike.
 */
class SharedRequests {
    private readonly analyze = new Map<string, Map<RecordedResource, InstanceType<typeof proto.AnalyzeRequest>>>();
    private readonly analyzeStack = new Map<string, InstanceType<typeof proto.AnalyzeStackRequest>>();

    analyzeRequest(r: RecordedResource, encoding: StructEncoding, build: () => InstanceType<typeof proto.AnalyzeRequest>) {
        let byResource = this.analyze.get(encoding);
        if (!byResource) this.analyze.set(encoding, (byResource = new Map()));
        let req = byResource.get(r);
        if (!req) byResource.set(r, (req = build()));
        return req;
    }

    analyzeStackRequest(encoding: StructEncoding, build: () => InstanceType<typeof proto.AnalyzeStackRequest>) {
        let req = this.analyzeStack.get(encoding);
        if (!req) this.analyzeStack.set(encoding, (req = build()));
        return req;
    }
}

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

/** Outputs as the engine holds them: plain values, but secret where the inputs were secret. */
function outputsWithSecrets(r: RecordedResource): Record<string, unknown> {
    const out: Record<string, unknown> = { ...r.outputs };
    for (const [k, v] of Object.entries(r.rawInputs)) {
        if (JSON.stringify(v)?.includes(SECRET_SIG_KEY)) out[k] = v;
    }
    return out;
}

interface Provider {
    urn: string;
    type: string;
    name: string;
    props: Record<string, unknown>;
}

/**
 * The provider the engine would pass with each resource: its explicit provider
 * (a recorded `pulumi:providers:*` resource), or the default provider the engine
 * creates from stack config (which the runtime mocks never register).
 */
function providerOf(r: RecordedResource, byUrn: Map<string, RecordedResource>, opts: EvaluatePoliciesOptions): Provider | undefined {
    if (r.provider) {
        const urn = r.provider.split("::").slice(0, -1).join("::");
        const p = byUrn.get(urn);
        if (p) return { urn: p.urn, type: p.type, name: p.name, props: p.inputs };
    }
    const pkg = r.type.split(":")[0];
    if (!r.custom || pkg === "pulumi" || r.type.startsWith("pulumi:providers:")) return undefined;
    const name = `default`;
    const props = pkg === "aws" ? { region: opts.region } : {};
    return { urn: `urn:pulumi:${opts.stack ?? "stack"}::${opts.project ?? "mlops-data"}::pulumi:providers:${pkg}::${name}`, type: `pulumi:providers:${pkg}`, name, props };
}

function providerMessage(p: Provider | undefined, encoding: StructEncoding) {
    if (!p) return undefined;
    const m = new proto.AnalyzerProviderResource();
    m.setUrn(p.urn);
    m.setType(p.type);
    m.setName(p.name);
    setProperties(m, p.props, encoding);
    return m;
}

function optionsMessage(r: RecordedResource) {
    const o = new proto.AnalyzerResourceOptions();
    o.setProtect(r.protect);
    if (r.parent) o.setParent(r.parent);
    const timeouts = new proto.AnalyzerResourceOptions.CustomTimeouts();
    o.setCustomtimeouts(timeouts);
    return o;
}

function diagnostics(res: InstanceType<typeof proto.AnalyzeResponse>, fallbackUrn: string | undefined, version: string): PolicyViolation[] {
    return res.getDiagnosticsList().map((d) => ({
        policyPack: d.getPolicypackname(),
        // As the engine does: the pack's version, not one a policy might claim.
        policyPackVersion: version || d.getPolicypackversion(),
        policyName: d.getPolicyname(),
        enforcementLevel: LEVELS[d.getEnforcementlevel()],
        message: d.getMessage(),
        urn: d.getUrn() || fallbackUrn,
    }));
}

async function runPack(pack: RunningPack, resources: RecordedResource[], config: PolicyPackConfig, source: string, opts: EvaluatePoliciesOptions, shared: SharedRequests): Promise<PolicyViolation[]> {
    const reconciled = reconcile(pack.info.policies, config, source);
    const { host, info } = pack;
    const encoding: StructEncoding = host instanceof InProcessHost ? (opts.structs ?? "plain") : "protobuf";

    const stackReq = new proto.AnalyzerStackConfigureRequest();
    stackReq.setStack(opts.stack ?? "stack");
    stackReq.setProject(opts.project ?? "mlops-data");
    stackReq.setOrganization("organization");
    stackReq.setDryRun(true);
    await host.configureStack(stackReq);

    const configure = new proto.ConfigureAnalyzerRequest();
    for (const [name, c] of Object.entries(reconciled)) {
        const pc = new proto.PolicyConfig();
        pc.setEnforcementlevel(LEVEL_CODES[c.enforcementLevel]);
        setProperties(pc, c.properties, encoding);
        configure.getPolicyconfigMap().set(name, pc);
    }
    await host.configure(configure);

    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const found: PolicyViolation[] = [];
    // Analyze: every resource's inputs as it registers (providers are not analyzed).
    for (const r of resources) {
        if (r.type.startsWith("pulumi:providers:")) continue;
        const req = shared.analyzeRequest(r, encoding, () => {
            const m = new proto.AnalyzeRequest();
            m.setUrn(r.urn);
            m.setType(r.type);
            m.setName(r.name);
            setProperties(m, r.rawInputs, encoding);
            m.setOptions(optionsMessage(r));
            const provider = providerMessage(providerOf(r, byUrn, opts), encoding);
            if (provider) m.setProvider(provider);
            return m;
        });
        // A resource policy's finding is about the resource analyzed.
        found.push(...diagnostics(await host.analyze(req), r.urn, info.version));
    }
    // AnalyzeStack: every resource's (planned) outputs, with parents and dependencies.
    const stackReq2 = shared.analyzeStackRequest(encoding, () => {
        const stackResources = resources.map((r) => {
            const m = new proto.AnalyzerResource();
            m.setUrn(r.urn);
            m.setType(r.type);
            m.setName(r.name);
            setProperties(m, outputsWithSecrets(r), encoding);
            m.setOptions(optionsMessage(r));
            if (r.parent) m.setParent(r.parent);
            m.setDependenciesList(r.dependencies ?? []);
            for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
                const deps = new proto.AnalyzerPropertyDependencies();
                deps.setUrnsList(urns);
                m.getPropertydependenciesMap().set(k, deps);
            }
            const provider = providerMessage(providerOf(r, byUrn, opts), encoding);
            if (provider) m.setProvider(provider);
            return m;
        });
        const m = new proto.AnalyzeStackRequest();
        m.setResourcesList(stackResources);
        return m;
    });
    found.push(...diagnostics(await host.analyzeStack(stackReq2), undefined, info.version));
    return found;
}

function order(a: PolicyViolation, b: PolicyViolation): number {
    return (
        a.policyPack.localeCompare(b.policyPack) ||
        a.policyName.localeCompare(b.policyName) ||
        (a.urn ?? "").localeCompare(b.urn ?? "") ||
        a.message.localeCompare(b.message)
    );
}

/**
 * Runs the packs over a stack's registered resources and returns every
 * diagnostic (mandatory, advisory; disabled policies do not run), sorted by
 * pack, policy, URN and message. Throws PolicyConfigError on a bad config.
 */
export async function evaluatePolicies(resources: RecordedResource[], opts: EvaluatePoliciesOptions): Promise<PolicyViolation[]> {
    let config: PolicyPackConfig;
    let source: string;
    if (opts.config !== undefined) {
        source = "(given config)";
        config = parseConfig(opts.config, source);
    } else if (opts.environment !== undefined) {
        source = configFileFor(opts.environment);
        config = readConfigFile(source);
    } else {
        source = "(no config)";
        config = {};
    }
    const specs = PACKS.filter((p) => !opts.packs || opts.packs.includes(p.id));
    const env = {
        PULUMI_NODEJS_PROJECT: opts.project ?? "mlops-data",
        PULUMI_NODEJS_STACK: opts.stack ?? "stack",
        PULUMI_NODEJS_DRY_RUN: "true",
        PULUMI_PROJECT: opts.project ?? "mlops-data",
        PULUMI_STACK: opts.stack ?? "stack",
        PULUMI_DRY_RUN: "true",
    };
    const packs = await Promise.all(specs.map((s) => startPack(s, env, opts.transport ?? "grpc")));
    const shared = new SharedRequests();
    const results = await Promise.all(
        packs.map((pack) => {
            const next = pack.queue.then(() => runPack(pack, resources, config, source, opts, shared));
            pack.queue = next.catch(() => undefined);
            return next;
        }),
    );
    return results.flat().sort(order);
}
