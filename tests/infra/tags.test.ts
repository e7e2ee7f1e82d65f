import * as assert from "assert";
import { PRIMARY_STACKS, stack } from "../harness";
import { configOf } from "./stackConfig";

/** AWS resource types that take no tags (attachments, policies, aliases, versions). */
const UNTAGGABLE = new Set([
    "aws:kms/alias:Alias",
    "aws:secretsmanager/secretVersion:SecretVersion",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:backup/vaultPolicy:VaultPolicy",
    // topic_policy.go: arn, policy and owner only.
    "aws:sns/topicPolicy:TopicPolicy",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
    "aws:backup/selection:Selection",
    "aws:docdb/globalCluster:GlobalCluster",
    "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
    // No tags argument in the provider (metric_filter.go, topic_subscription.go, dashboard.go, appautoscaling
    // policy.go, restore_testing_selection.go).
    "aws:cloudwatch/logMetricFilter:LogMetricFilter",
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:cloudwatch/dashboard:Dashboard",
    "aws:appautoscaling/policy:Policy",
    "aws:backup/restoreTestingSelection:RestoreTestingSelection",
]);

for (const name of PRIMARY_STACKS) {
    describe(`tags in stack ${name}`, () => {
        it("every taggable AWS resource carries environment, owner, cost center, data classification and managed-by", async () => {
            const cfg = configOf(name);
            const ev = await stack(name);
            const taggable = ev.resources.filter((r) => r.type.startsWith("aws:") && !UNTAGGABLE.has(r.type));
            assert.ok(taggable.length > 30, `only ${taggable.length} taggable resources`);
            for (const r of taggable) {
                const t = r.inputs.tags;
                assert.ok(t, `${r.type} ${r.name} has no tags`);
                assert.deepStrictEqual(
                    [t.environment, t.owner, t["cost-center"], t["data-classification"], t["managed-by"]],
                    [cfg.environment, cfg.tags.owner, cfg.tags.costCenter, cfg.tags.dataClassification, "pulumi"],
                    `${r.type} ${r.name}`,
                );
            }
        });
    });
}
