import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlarmsConfig, SEVERITIES, SEVERITY_MEANING, Severity } from "../schema/alarms";
import { named } from "../tags";
import type { AlarmRouting } from "./alarms";
import { EncryptionKey } from "./encryptionKey";

export interface AlarmTopicsArgs {
    /** Prefix of the topics' names: `<namePrefix>-alarms-sev1` ... */
    namePrefix: string;
    /** Each band's external topic or subscriptions (alarms.topics), and the runbook base URL. */
    alarms: AlarmsConfig;
    /** Tags for the key and the topics. */
    tags: Record<string, string>;
}

/**
 * The notification topics of a stack, one per severity band: the band's
 * external topic when the config names one, otherwise an SNS topic of the
 * stack's, encrypted with a customer-managed key that CloudWatch alarms may
 * use, with the configured subscriptions. Alarms never go without a topic:
 * a band without subscriptions still has one, so that adding a subscriber
 * later changes no alarm. Each of its own topics has a policy that lets only
 * this account's CloudWatch alarms publish and refuses any request without TLS.
 */
export class AlarmTopics extends pulumi.ComponentResource {
    /** The key of the stack's own topics; undefined when every band names an external topic. */
    public readonly key?: EncryptionKey;
    /** The stack's own topics, by band (external bands are absent). */
    public readonly topics: Partial<Record<Severity, aws.sns.Topic>>;
    /** What the stores' alarms need: each band's topic ARN, the runbook base. */
    public readonly routing: AlarmRouting;

    constructor(name: string, args: AlarmTopicsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlops:observability:AlarmTopics", name, {}, opts);
        const own = SEVERITIES.filter((s) => args.alarms.topics[s].topicArn === undefined);
        this.key = own.length
            ? new EncryptionKey(
                  `${name}-key`,
                  {
                      description: `SNS alarm topics of ${args.namePrefix}`,
                      alias: `${args.namePrefix}-alarms`,
                      alarmPublishers: true,
                      tags: args.tags,
                  },
                  { parent: this },
              )
            : undefined;
        this.topics = {};
        const arns = {} as Record<Severity, pulumi.Input<string>>;
        for (const s of SEVERITIES) {
            const band = args.alarms.topics[s];
            if (band.topicArn !== undefined) {
                arns[s] = band.topicArn;
                continue;
            }
            const topicName = `${args.namePrefix}-alarms-${s}`;
            const topic = new aws.sns.Topic(
                `${name}-${s}`,
                {
                    name: topicName,
                    displayName: `${args.namePrefix} ${SEVERITY_MEANING[s]}`.slice(0, 100),
                    kmsMasterKeyId: this.key!.arn,
                    tags: named(args.tags, topicName),
                },
                { parent: this },
            );
            new aws.sns.TopicPolicy(`${name}-${s}-policy`, { arn: topic.arn, policy: topicPolicy(topic.arn, this) }, { parent: this });
            this.topics[s] = topic;
            arns[s] = topic.arn;
            band.subscriptions.forEach((sub, i) => {
                new aws.sns.TopicSubscription(
                    `${name}-${s}-subscription-${i + 1}`,
                    { topic: topic.arn, protocol: sub.protocol, endpoint: sub.endpoint },
                    { parent: this },
                );
            });
        }
        this.routing = { topicArns: arns, runbookBaseUrl: args.alarms.runbookBaseUrl };
        this.registerOutputs({ topicArns: arns });
    }
}

/**
 * The policy of one of the stack's own topics, in place of SNS's default one (which lets every principal
 * of the account publish and subscribe: topic_policy.go defaultTopicPolicy).
 * - CloudWatch publishes as the service principal, only for alarms of this account (aws:SourceAccount, the
 *   confused-deputy guard AWS recommends for service principals; the alarm key's policy has the same
 *   condition). Not aws:SourceArn as well: whether CloudWatch's alarm actions send it could not be checked
 *   here, and a condition on a key that is absent would silence every alarm.
 * - No statement for the account's own principals: within one account an allow in either an identity-based
 *   or a resource-based policy suffices (IAM's policy evaluation logic), so operators and the deploying
 *   role keep what their IAM policies give them, and nothing more.
 * - Every action without TLS is denied (SNS security best practices, "Enforce encryption of data in
 *   transit"). A Bool condition on aws:SecureTransport matches only when the key is present and false, so
 *   it cannot refuse a service's call that carries no such key.
 */
function topicPolicy(topicArn: pulumi.Output<string>, parent: pulumi.Resource): pulumi.Output<string> {
    const identity = aws.getCallerIdentityOutput({}, { parent });
    return pulumi.all([topicArn, identity.accountId]).apply(([arn, account]) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "CloudWatchAlarmsOfThisAccountPublish",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: "sns:Publish",
                    Resource: arn,
                    Condition: { StringEquals: { "aws:SourceAccount": account } },
                },
                {
                    Sid: "DenyWithoutTls",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "sns:*",
                    Resource: arn,
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        }),
    );
}
