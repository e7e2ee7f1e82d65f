/**
 * Issue 13, defect 5: `network.clientCidrs`, the policy config and the
 * mandatory `database-ingress-by-security-group` policy agree. A client CIDR is
 * approved by a reviewer in policy/config/<env>.json; a stack listing it there
 * and in its own network section passes config validation and every policy; a
 * stack listing it only in its own file is told so before anything exists.
 */
import * as assert from "assert";
import { ConfigError } from "../../infra/config";
import { closePolicyPacks, evaluatePolicies } from "../../policy/offline/evaluate";
import { StackEvaluationError, evaluateStack } from "../../engine/mockEngine";
import { StackFileConfig, readStackFile } from "../../engine/stackFile";
import { withApprovedCidrs } from "../infra/approvedCidrs";

const CIDR = "10.99.0.0/16";

function withClientCidrs(stack: string, cidrs: string[]): StackFileConfig {
    const base = readStackFile(stack);
    const network = { ...JSON.parse(base.config["mlops-data:network"]), clientCidrs: cidrs };
    return { ...base, config: { ...base.config, "mlops-data:network": JSON.stringify(network) } };
}

async function configProblems(stack: string, cfg: StackFileConfig) {
    const err = await evaluateStack(stack, { stackConfig: cfg }).then(
        () => assert.fail("accepted"),
        (e) => e,
    );
    assert.ok(err instanceof StackEvaluationError && err.cause instanceof ConfigError, String(err));
    assert.deepStrictEqual(err.resources.filter((r) => r.type !== "pulumi:pulumi:Stack"), [], "resources were registered");
    return err.cause.problems;
}

after(closePolicyPacks);

describe("client CIDRs: stack config, policy config and the ingress policy agree", function () {
    this.timeout(300_000);

    for (const [stack, environment] of [
        ["dev", "dev"],
        ["prod", "prod"],
    ]) {
        it(`${stack}: a CIDR approved in policy/config/${environment}.json passes config validation and every policy`, async () => {
            await withApprovedCidrs(environment, [CIDR], async (policyConfig) => {
                const ev = await evaluateStack(stack, { stackConfig: withClientCidrs(stack, [CIDR]) });
                const cidrRules = ev.resources.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.inputs.cidrIpv4 === CIDR);
                assert.strictEqual(cidrRules.length, 3, "one rule per store");
                const all = await evaluatePolicies(ev.resources, { config: policyConfig, region: "us-east-1", stack });
                const found = all;
                // Not only the ingress policy: the CIDR rules are described, tagged and otherwise clean too.
                assert.deepStrictEqual(found, [], JSON.stringify(found, null, 1));
            });
        });
    }

    it("the same stack without the approval: the policy refuses exactly those rules (what config validation prevents)", async () => {
        const ev = await withApprovedCidrs("dev", [CIDR], () => evaluateStack("dev", { stackConfig: withClientCidrs("dev", [CIDR]) }));
        const found = await evaluatePolicies(ev.resources, { environment: "dev", region: "us-east-1", stack: "dev" });
        assert.deepStrictEqual([...new Set(found.map((v) => `${v.enforcementLevel} ${v.policyName}`))], ["mandatory database-ingress-by-security-group"]);
        assert.strictEqual(found.length, 3);
    });

    it("a CIDR listed only in the stack file fails config validation, naming both keys", async () => {
        await withApprovedCidrs("dev", ["10.1.0.0/16"], async () => {
            const problems = await configProblems("dev", withClientCidrs("dev", [CIDR]));
            assert.deepStrictEqual(problems.map((p) => [p.key, p.value]), [["mlops-data:network.clientCidrs[0]", CIDR]]);
            assert.match(
                problems[0].message,
                /^is not an approved client network: it is not in "database-ingress-by-security-group": \{ "allowedCidrs": \[\.\.\.\] \} in policy\/config\/dev\.json \(approved there now: 10\.1\.0\.0\/16\); the mandatory policy database-ingress-by-security-group would refuse the ingress rules for it\. Allowed: a CIDR listed, exactly as written, both here and in .*policy\/config\/dev\.json \(a reviewer approves it there\), or the client's security group in network\.clientSecurityGroupIds$/,
            );
        });
    });

    it("the repository's policy config approves none: a client CIDR in any stack is refused", async () => {
        const problems = await configProblems("staging", withClientCidrs("staging", [CIDR]));
        assert.match(problems[0].message, /policy\/config\/staging\.json \(approved there now: none\)/);
    });

    it("no policy config for the environment: says so", async () => {
        await withApprovedCidrs("dev", null, async () => {
            const problems = await configProblems("dev", withClientCidrs("dev", [CIDR]));
            assert.match(problems[0].message, /^is not an approved client network: there is no policy config .*dev\.json for the dev environment, so no client CIDR is approved; /);
        });
    });
});
