/**
 * Required tags on every taggable resource: who owns it, who pays, how
 * sensitive its data is, which environment. Cost reports, access reviews and
 * incident routing all key on them.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { configWithDefaults, schema } from "./lib/config";
import { UNKNOWN, cannotDecideWithout, peek } from "./lib/values";

/**
 * Types that take `tags` in @pulumi/aws v7, among those a data tier declares.
 * A resource of another aws type is checked too whenever it sets tags; this
 * list catches the ones that forget tags altogether. tests/policy/packs.test.ts
 * checks each against the installed @pulumi/aws declarations.
 */
export const TAGGABLE_TYPES = [
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    "aws:rds/parameterGroup:ParameterGroup",
    "aws:rds/subnetGroup:SubnetGroup",
    "aws:rds/globalCluster:GlobalCluster",
    "aws:docdb/cluster:Cluster",
    "aws:docdb/clusterInstance:ClusterInstance",
    "aws:docdb/clusterParameterGroup:ClusterParameterGroup",
    "aws:docdb/subnetGroup:SubnetGroup",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/parameterGroup:ParameterGroup",
    "aws:elasticache/subnetGroup:SubnetGroup",
    "aws:kms/key:Key",
    "aws:secretsmanager/secret:Secret",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:iam/role:Role",
    "aws:backup/vault:Vault",
    "aws:backup/plan:Plan",
    "aws:sns/topic:Topic",
];
const TAGGABLE = new Set(TAGGABLE_TYPES);

const tagsSchema = schema<{ requiredTags: string[] }>({
    requiredTags: {
        type: "array",
        items: { type: "string", minLength: 1, maxLength: 128 },
        uniqueItems: true,
        default: ["owner", "cost-center", "data-classification", "environment"],
        description: "Tag keys every taggable resource must carry with a non-empty value.",
    },
});

export const requiredTags: ResourceValidationPolicy = {
    name: "required-tags",
    description: "Every taggable AWS resource carries the required tags (owner, cost-center, data-classification, environment by default).",
    enforcementLevel: "mandatory",
    remediationSteps: "Pass the stack's tags (infra/tags.ts stackTags) to the resource's tags input.",
    configSchema: tagsSchema,
    validateResource: (args, report) => {
        if (!args.type.startsWith("aws:") || (!TAGGABLE.has(args.type) && !("tags" in args.props))) return;
        const tags = peek(() => args.props.tags as Record<string, unknown> | undefined);
        if (tags === UNKNOWN) cannotDecideWithout(() => args.props.tags);
        const { requiredTags: required } = configWithDefaults(tagsSchema, args);
        const lacking = required.filter((k) => {
            const v = peek(() => tags?.[k]);
            return v !== UNKNOWN && (typeof v !== "string" || v.trim() === "");
        });
        if (lacking.length) report(`Missing or empty tags: ${lacking.join(", ")}.`);
    },
};
