/**
 * The offline preview runs the packs inside its own process
 * (policy/offline/inProcessHost.ts); `pulumi preview` and `make policy` start
 * them as processes and talk gRPC. Over every stack of the repository and
 * every deliberately unsafe one, both give exactly the same findings: same
 * policies, levels, messages, resources, in the same order.
 */
import * as assert from "assert";
import * as fs from "fs";
import { closePolicyPacks, evaluatePolicies } from "../../policy/offline/evaluate";
import { StackEvaluationError, evaluateStack } from "../../engine/mockEngine";
import { readStackFile } from "../../engine/stackFile";
import { STACKS, stack } from "../harness";
import { UNSAFE_DIR, readUnsafeStack } from "./unsafeStacks";

after(closePolicyPacks);

describe("policy transports: in-process and gRPC agree", function () {
    this.timeout(300_000);

    const bothWays = async (resources: Parameters<typeof evaluatePolicies>[0], environment: string) => {
        const opts = { environment, region: "us-east-1", stack: "test" };
        const [viaGrpc, inProcess] = [await evaluatePolicies(resources, { ...opts, transport: "grpc" }), await evaluatePolicies(resources, { ...opts, transport: "in-process" })];
        assert.deepStrictEqual(inProcess, viaGrpc);
        return inProcess;
    };

    for (const name of STACKS) {
        it(`stack ${name}`, async () => {
            await bothWays((await stack(name)).resources, readStackFile(name).config["mlops-data:environment"]);
        });
    }

    const unsafe = fs.readdirSync(UNSAFE_DIR).filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -5));
    it(`the unsafe stacks (${unsafe.length}), with their violations`, async () => {
        let found = 0;
        for (const name of unsafe) {
            const ev = await evaluateStack(name, { stackConfig: readUnsafeStack(name) }).catch((e) => {
                // Two of them the program's own validation refuses: no resources to compare.
                if (e instanceof StackEvaluationError) return undefined;
                throw e;
            });
            if (ev) found += (await bothWays(ev.resources, "prod")).length;
        }
        assert.ok(found >= 6, `expected the unsafe stacks' violations, found ${found}`);
    });
});
