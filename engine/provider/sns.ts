/**
 * Resource types of the sns service. Provider facts from hashicorp/terraform-provider-aws
 * internal/service/sns/topic.go and topic_subscription.go; AWS facts from the SNS API reference.
 */
import { policyJsonProblem, validArn } from "./backup";
import { tagRules } from "./common";
import { ResourceTypeSpec, TF, identifier, known } from "./spec";

const TOPIC = `${TF}/sns/topic.go`;
const SUBSCRIPTION = `${TF}/sns/topic_subscription.go`;
const TOPIC_POLICY = `${TF}/sns/topic_policy.go`;
const SUBSCRIBE_DOC = "https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html";

const set = (v: unknown) => v !== undefined && v !== null;
/** topic_subscription.go: validation.StringInSlice(subscriptionProtocol_Values()) (consts.go). */
const PROTOCOLS = ["application", "email", "email-json", "firehose", "http", "https", "lambda", "sms", "sqs"];

export const SPECS: ResourceTypeSpec[] = [
    {
        type: "aws:sns/topic:Topic",
        source: TOPIC,
        example: {
            name: "mlops-prod-alarms-sev1",
            displayName: "mlops-prod Sev 1",
            kmsMasterKeyId: "arn:aws:kms:us-east-1:123456789012:key/0000example-alarms-key",
            tags: { environment: "prod", Name: "mlops-prod-alarms-sev1" },
        },
        rules: [
            {
                id: "sns-topic-name",
                property: "name",
                origin: "provider",
                // CustomizeDiff on create: ^[0-9A-Za-z_-]{1,256}$ (standard), ^[0-9A-Za-z_-]{1,251}\.fifo$ (FIFO);
                // name and name_prefix ConflictsWith each other.
                source: `${TOPIC} (resourceTopicCustomizeDiff; name ConflictsWith name_prefix)`,
                check: (i) => {
                    if (set(i.name) && set(i.namePrefix)) return "name and namePrefix are both set; set one of them";
                    if (!known(i.name)) return undefined;
                    const fifo = i.fifoTopic === true;
                    const re = fifo ? /^[0-9A-Za-z_-]{1,251}\.fifo$/ : /^[0-9A-Za-z_-]{1,256}$/;
                    return re.test(String(i.name)) ? undefined : `invalid topic name ${JSON.stringify(i.name)}: ${fifo ? "1-251 of A-Za-z0-9_- then .fifo" : "1-256 of A-Za-z0-9_-"}`;
                },
                cases: { pass: [{ name: "a_b-C9" }, { name: "alerts.fifo", fifoTopic: true }], fail: [{ name: "mlops prod" }, { name: "x".repeat(257) }, { name: "alerts", fifoTopic: true }, { namePrefix: "mlops-" }] },
            },
            {
                id: "sns-topic-fifo-only-settings",
                property: "fifoTopic",
                origin: "provider",
                source: `${TOPIC} (resourceTopicCustomizeDiff: archive_policy, fifo_throughput_scope, content_based_deduplication only for FIFO topics)`,
                check: (i) => {
                    if (i.fifoTopic === true) return undefined;
                    for (const p of ["archivePolicy", "fifoThroughputScope"]) if (set(i[p]) && i[p] !== "") return `${p} can only be set for FIFO topics`;
                    if (i.contentBasedDeduplication === true) return "contentBasedDeduplication can only be set for FIFO topics";
                    return undefined;
                },
                cases: { pass: [{ name: "t.fifo", fifoTopic: true, contentBasedDeduplication: true }], fail: [{ contentBasedDeduplication: true }, { fifoThroughputScope: "Topic" }] },
            },
            {
                id: "sns-topic-feedback",
                property: "signatureVersion",
                origin: "provider",
                source: `${TOPIC} (signature_version IntBetween(1, 2); *_sample_rate IntBetween(0, 100); *_role_arn ValidARN)`,
                check: (i) => {
                    if (set(i.signatureVersion) && ![1, 2].includes(Number(i.signatureVersion))) return `signatureVersion ${i.signatureVersion}; allowed 1 or 2`;
                    for (const [k, v] of Object.entries(i)) {
                        if (k.endsWith("SampleRate") && set(v) && !(Number(v) >= 0 && Number(v) <= 100)) return `${k} ${v}; allowed 0-100`;
                        if (k.endsWith("RoleArn") && known(v) && !validArn(v)) return `${k} ${JSON.stringify(v)} is not an ARN`;
                    }
                    return undefined;
                },
                cases: { pass: [{ signatureVersion: 2 }], fail: [{ signatureVersion: 3 }, { httpSuccessFeedbackSampleRate: 101 }, { sqsFailureFeedbackRoleArn: "role" }] },
            },
            ...tagRules("sns-topic"),
        ],
        // name, name_prefix: Optional, Computed, ForceNew; fifo_topic: ForceNew (default false). kms_master_key_id changes in place.
        forceNew: [identifier("name"), identifier("namePrefix"), { property: "fifoTopic", default: false }],
    },
    {
        type: "aws:sns/topicPolicy:TopicPolicy",
        source: TOPIC_POLICY,
        example: {
            arn: "arn:aws:sns:us-east-1:123456789012:mlops-prod-alarms-sev1",
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Sid: "CloudWatchAlarmsOfThisAccountPublish", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish", Resource: "arn:aws:sns:us-east-1:123456789012:mlops-prod-alarms-sev1", Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }],
            }),
        },
        rules: [
            {
                id: "sns-topic-policy-arn",
                property: "arn",
                origin: "provider",
                // topic_policy.go: arn Required, ForceNew, ValidateFunc verify.ValidARN.
                source: `${TOPIC_POLICY} (arn)`,
                check: (i) => {
                    if (!set(i.arn)) return "arn is required";
                    return known(i.arn) && !validArn(i.arn) ? `arn ${JSON.stringify(i.arn)} is not an ARN` : undefined;
                },
                cases: { pass: [{ arn: "arn:aws:sns:us-east-1:123456789012:t" }], fail: [{ arn: undefined }, { arn: "mlops-prod-alarms-sev1" }] },
            },
            {
                id: "sns-topic-policy-json",
                property: "policy",
                origin: "provider",
                // topic_policy.go policy: sdkv2.IAMPolicyDocumentSchemaRequired() (ValidateFunc verify.ValidIAMPolicyJSON).
                source: `${TOPIC_POLICY} (policy)`,
                check: (i) => (set(i.policy) ? policyJsonProblem(i.policy) : "policy is required"),
                cases: { pass: [{ policy: '{"Version":"2012-10-17","Statement":[]}' }], fail: [{ policy: undefined }, { policy: ' {"Version":"2012-10-17"}' }, { policy: "[]" }] },
            },
        ],
        // arn: ForceNew; Create and Update both set the topic's Policy attribute. Delete puts SNS's default
        // policy back (it cannot be removed): deleting this resource re-opens the topic to the account's principals.
        forceNew: [{ property: "arn" }],
    },
    {
        type: "aws:sns/topicSubscription:TopicSubscription",
        source: SUBSCRIPTION,
        example: {
            topic: "arn:aws:sns:us-east-1:123456789012:mlops-prod-alarms-sev1",
            protocol: "https",
            endpoint: "https://events.example.com/integration/enqueue",
        },
        rules: [
            {
                id: "sns-subscription-required",
                property: "protocol",
                origin: "provider",
                source: `${SUBSCRIPTION} (endpoint, protocol, topic_arn: Required; protocol StringInSlice; topic_arn ValidARN)`,
                check: (i) => {
                    for (const p of ["topic", "protocol", "endpoint"]) if (!set(i[p])) return `${p} is required`;
                    if (known(i.protocol) && !PROTOCOLS.includes(String(i.protocol))) return `protocol ${JSON.stringify(i.protocol)}; allowed: ${PROTOCOLS.join(", ")}`;
                    if (known(i.topic) && !validArn(i.topic)) return `topic ${JSON.stringify(i.topic)} is not an ARN`;
                    return undefined;
                },
                cases: { pass: [{ protocol: "email", endpoint: "oncall@example.com" }], fail: [{ protocol: "pager" }, { endpoint: undefined }, { topic: "mlops-prod-alarms-sev1" }] },
            },
            {
                id: "sns-subscription-endpoint",
                property: "endpoint",
                origin: "aws",
                // Subscribe: "For the https protocol, delivery is by HTTPS POST" (the endpoint is a URL beginning https://);
                // email: an email address; sms: a phone number; sqs/lambda/firehose: an ARN.
                source: `${SUBSCRIBE_DOC} (Endpoint, by protocol)`,
                check: (i) => {
                    if (!known(i.endpoint) || !known(i.protocol)) return undefined;
                    const e = String(i.endpoint);
                    switch (i.protocol) {
                        case "https":
                            return e.startsWith("https://") ? undefined : `endpoint ${JSON.stringify(e)} must be a URL beginning with https:// for protocol https`;
                        case "http":
                            return e.startsWith("http://") ? undefined : `endpoint ${JSON.stringify(e)} must be a URL beginning with http:// for protocol http`;
                        case "email":
                        case "email-json":
                            return /^[^\s@]+@[^\s@]+$/.test(e) ? undefined : `endpoint ${JSON.stringify(e)} must be an email address for protocol ${i.protocol}`;
                        case "sqs":
                        case "lambda":
                        case "firehose":
                        case "application":
                            return validArn(e) ? undefined : `endpoint ${JSON.stringify(e)} must be an ARN for protocol ${i.protocol}`;
                        default:
                            return undefined;
                    }
                },
                cases: { pass: [{ protocol: "sqs", endpoint: "arn:aws:sqs:us-east-1:123456789012:alarms" }], fail: [{ endpoint: "http://events.example.com" }, { protocol: "email", endpoint: "oncall" }, { protocol: "lambda", endpoint: "pager" }] },
            },
        ],
        // endpoint, protocol, topic_arn (@pulumi/aws `topic`): Required, ForceNew.
        forceNew: [{ property: "endpoint" }, { property: "protocol" }, { property: "topic", terraform: "topic_arn" }],
    },
];
