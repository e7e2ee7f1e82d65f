/**
 * The offline preview runs the packs inside its own process
 * (policy/offline/inProcessHost.ts); `pulumi preview` and `make policy` start
 * them as processes and talk gRPC. Over every stack of the repository and
 * every deliberately unsafe one, both give exactly the same findings: same
 * policies, levels, messages, resources, in the same order.
 */
import * as assert from "assert";
import { closePolicyPacks, evaluatePolicies } from "../../policy/offline/evaluate";
import { itAgreesOverEveryStack } from "./everyStack";

after(closePolicyPacks);

describe("policy transports: in-process and gRPC agree", function () {
    this.timeout(300_000);

    const bothWays = async (resources: Parameters<typeof evaluatePolicies>[0], environment: string) => {
        const opts = { environment, region: "us-east-1", stack: "test" };
        const [viaGrpc, inProcess] = [await evaluatePolicies(resources, { ...opts, transport: "grpc" }), await evaluatePolicies(resources, { ...opts, transport: "in-process" })];
        assert.deepStrictEqual(inProcess, viaGrpc);
        return inProcess;
    };

    itAgreesOverEveryStack(bothWays);
});
