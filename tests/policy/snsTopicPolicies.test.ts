/**
 * Issue 17: the sns-topic-policies policy through the real packs (analyzer gRPC): a stack-declared topic
 * without a topic policy, one that allows HTTP, or one that lets anyone (or a service for any account)
 * publish is a mandatory violation; the alarm topics' policy as the program writes it passes.
 */
import * as assert from "assert";
import { closePolicyPacks, evaluatePolicies } from "../../policy/offline/evaluate";
import { Fixture, REGION, goodStack } from "./engineShape";

const BASE = { "global-cluster-required": { required: false } };
const TOPIC_ARN = `arn:aws:sns:${REGION}:123456789012:mlops-test-alarms-sev1`;

const publish = { Sid: "CloudWatchAlarmsOfThisAccountPublish", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish", Resource: TOPIC_ARN, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } };
const denyHttp = { Sid: "DenyWithoutTls", Effect: "Deny", Principal: "*", Action: "sns:*", Resource: TOPIC_ARN, Condition: { Bool: { "aws:SecureTransport": "false" } } };

function withTopic(statements: object[] = [publish, denyHttp]): Fixture {
    const f = goodStack();
    f.add("aws:sns/topic:Topic", "sev1", { name: "mlops-test-alarms-sev1", kmsMasterKeyId: `arn:aws:kms:${REGION}:123456789012:key/alarms`, tags: { environment: "test" } }, { outputs: { arn: TOPIC_ARN } });
    f.add("aws:sns/topicPolicy:TopicPolicy", "sev1-policy", { arn: TOPIC_ARN, policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }, { deps: { arn: ["sev1"] } });
    return f;
}

async function violationsOf(f: Fixture) {
    const v = await evaluatePolicies(f.resources, { config: BASE, region: REGION, stack: "test" });
    return v.filter((x) => x.policyName === "sns-topic-policies");
}

describe("issue 17: sns-topic-policies", function () {
    // The first case starts both packs over gRPC: 86 s once at a load average of 2-6 (2026-12-02), too close to
    // .mocharc's 120 s; the other pack suites allow 300 s the same way.
    this.timeout(300_000);
    after(() => closePolicyPacks());

    it("a topic whose policy denies HTTP and lets only this account's CloudWatch publish passes", async () => {
        assert.deepStrictEqual(await violationsOf(withTopic()), []);
    });

    for (const [title, fixture, message] of [
        ["a topic without a topic policy", () => { const f = withTopic(); f.remove("sev1-policy"); return f; }, /SNS topic mlops-test-alarms-sev1 has no topic policy, so SNS's default lets every principal of the account publish/],
        ["a policy without the TLS deny", () => withTopic([publish]), /does not deny requests without TLS/],
        ["a TLS deny on the wrong value", () => withTopic([publish, { ...denyHttp, Condition: { Bool: { "aws:SecureTransport": "true" } } }]), /does not deny requests without TLS/],
        ["anyone may publish", () => withTopic([denyHttp, { Effect: "Allow", Principal: "*", Action: "sns:Publish", Resource: TOPIC_ARN }]), /statement 1 lets any principal \("\*"\) publish without a condition/],
        ["a service may publish for any account", () => withTopic([denyHttp, { ...publish, Condition: undefined }]), /statement "CloudWatchAlarmsOfThisAccountPublish" lets cloudwatch.amazonaws.com publish for any account/],
        ["a policy that is not JSON", () => { const f = withTopic(); f.set("sev1-policy", { policy: "{not json" }); return f; }, /topic policy sev1-policy is not JSON/],
    ] as const) {
        it(`${title} is a mandatory violation`, async () => {
            const v = await violationsOf(fixture());
            assert.strictEqual(v.length, 1, JSON.stringify(v));
            assert.strictEqual(v[0].enforcementLevel, "mandatory");
            assert.match(v[0].message, message);
        });
    }
});
