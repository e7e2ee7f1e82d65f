/**
 * Runs a policy pack the way the Pulumi CLI does and talks to it over the
 * analyzer gRPC interface, playing the engine's part.
 *
 * Launch: the CLI's `pulumi-analyzer-policy` shim runs
 * `node <@pulumi/pulumi/cmd/run-policy-pack> <engine address> .` in the pack's
 * directory; run-policy-pack type-checks and loads the TypeScript pack
 * (ts-node), whose PolicyPack starts the gRPC server and prints its port.
 * This module does exactly that, then calls the RPCs the engine calls:
 * ConfigureStack, GetAnalyzerInfo, Configure, Analyze (per resource),
 * AnalyzeStack. Enforcement levels, config and unknown values are therefore
 * handled by the pack's own SDK code, as under `pulumi preview`.
 *
 * The proto stubs and grpc-js are taken from @pulumi/pulumi's own
 * dependencies, so that messages are instances of the very classes the stubs
 * check for.
 */
import { ChildProcess, spawn } from "child_process";
import { createRequire } from "module";
import * as readline from "readline";

const fromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc = fromPulumi("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
export const proto = fromPulumi("@pulumi/pulumi/proto/analyzer_pb") as typeof import("@pulumi/pulumi/proto/analyzer_pb");
const rpc = fromPulumi("@pulumi/pulumi/proto/analyzer_grpc_pb") as typeof import("@pulumi/pulumi/proto/analyzer_grpc_pb");
export const emptyProto = fromPulumi("google-protobuf/google/protobuf/empty_pb") as { Empty: new () => any };
export const structProto = fromPulumi("google-protobuf/google/protobuf/struct_pb") as {
    Struct: { fromJavaScript(v: Record<string, unknown>): any };
};

/** How long a pack may take to start: run-policy-pack type-checks it first. */
const START_TIMEOUT_MS = 180_000;
/** The engine address the CLI passes; packs do not call back, so nothing listens here. */
const NO_ENGINE = "127.0.0.1:0";

export class PackStartError extends Error {}

type Client = InstanceType<typeof rpc.AnalyzerClient>;

/**
 * A running pack, answering the analyzer RPCs the engine calls; over gRPC
 * (AnalyzerHost) or in this process (InProcessHost). The two differ only in how
 * one call reaches the pack.
 */
export abstract class PackHost {
    constructor(public readonly dir: string) {}

    /** Sends one analyzer request to the pack and returns its answer. */
    protected abstract call(method: "configureStack" | "getAnalyzerInfo" | "configure" | "analyze" | "analyzeStack", req: unknown): Promise<any>;

    abstract close(): void;

    configureStack(req: InstanceType<typeof proto.AnalyzerStackConfigureRequest>): Promise<unknown> {
        return this.call("configureStack", req);
    }
    getAnalyzerInfo(): Promise<InstanceType<typeof proto.AnalyzerInfo>> {
        return this.call("getAnalyzerInfo", new emptyProto.Empty());
    }
    configure(req: InstanceType<typeof proto.ConfigureAnalyzerRequest>): Promise<unknown> {
        return this.call("configure", req);
    }
    analyze(req: InstanceType<typeof proto.AnalyzeRequest>): Promise<InstanceType<typeof proto.AnalyzeResponse>> {
        return this.call("analyze", req);
    }
    analyzeStack(req: InstanceType<typeof proto.AnalyzeStackRequest>): Promise<InstanceType<typeof proto.AnalyzeResponse>> {
        return this.call("analyzeStack", req);
    }
}

export class AnalyzerHost extends PackHost {
    private constructor(
        dir: string,
        private readonly child: ChildProcess,
        private readonly client: Client,
        private readonly stderr: () => string,
    ) {
        super(dir);
    }

    /** Starts the pack in `dir` as the CLI would and connects to it. */
    static async start(dir: string, env: Record<string, string> = {}): Promise<AnalyzerHost> {
        const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] });
        const child = spawn(process.execPath, [runner, NO_ENGINE, "."], {
            cwd: dir,
            env: { ...process.env, ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr += d.toString()));
        const port = await new Promise<string>((resolve, reject) => {
            const timer = setTimeout(() => {
                child.kill();
                reject(new PackStartError(`policy pack ${dir} did not start within ${START_TIMEOUT_MS / 1000} s\n${stderr}`));
            }, START_TIMEOUT_MS);
            const lines = readline.createInterface({ input: child.stdout! });
            lines.once("line", (line) => {
                clearTimeout(timer);
                resolve(line.trim());
            });
            child.once("exit", (code) => {
                clearTimeout(timer);
                reject(new PackStartError(`policy pack ${dir} exited (code ${code}) before serving:\n${stderr}`));
            });
        });
        if (!/^\d+$/.test(port)) {
            child.kill();
            throw new PackStartError(`policy pack ${dir} printed "${port}" where the CLI expects its port\n${stderr}`);
        }
        // Do not keep the caller's process alive for the pack's sake.
        child.unref();
        (child.stdout as any)?.unref?.();
        (child.stderr as any)?.unref?.();
        const client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": 400 * 1024 * 1024,
        });
        return new AnalyzerHost(dir, child, client, () => stderr);
    }

    protected call(method: string, req: unknown): Promise<any> {
        return new Promise((resolve, reject) =>
            (this.client as any)[method](req, (err: Error | null, res: unknown) => {
                if (err) reject(new Error(`policy pack ${this.dir}: ${method} failed: ${err.message}${this.stderr() ? `\n${this.stderr()}` : ""}`));
                else resolve(res);
            }),
        );
    }

    close() {
        this.client.close();
        if (this.child.exitCode === null) this.child.kill();
    }
}
