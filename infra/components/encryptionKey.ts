import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { named } from "../tags";

export interface EncryptionKeyArgs {
    /**
     * What the key protects, shown as the key's description in the KMS console.
     * @example "Aurora PostgreSQL storage, Performance Insights and secrets of mlops-prod"
     */
    description: string;
    /**
     * The alias without the `alias/` prefix; operators find the key by it.
     * @example "mlops-prod-aurora"
     */
    alias: string;
    /**
     * Days KMS waits before deleting the key once scheduled for deletion (7-30).
     * A deleted key makes every snapshot and backup encrypted with it unreadable,
     * so the longest wait is the default.
     * @default 30
     */
    deletionWindowInDays?: number;
    /**
     * Let CloudWatch Logs use the key for log groups whose names start with this
     * prefix (and no others). CloudWatch Logs, unlike RDS or Secrets Manager, acts
     * as its own principal, so the key policy must name it.
     * @default undefined (no log group may use the key)
     * @example "/aws/elasticache/mlops-prod-cache"
     */
    logGroupNamePrefix?: string;
    /**
     * Let CloudWatch alarms publish to SNS topics encrypted with this key. CloudWatch acts as its own
     * principal when it publishes, so without this statement an alarm's notification to the encrypted
     * topic is dropped (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html).
     * @default false
     */
    alarmPublishers?: boolean;
    /** Tags for the key. */
    tags: Record<string, string>;
}

/**
 * A symmetric customer-managed KMS key with yearly automatic rotation and an
 * alias. The key policy lets the account administer the key through IAM (the
 * KMS default, which RDS, DocumentDB, ElastiCache, Secrets Manager and AWS
 * Backup need: they act with the caller's permissions), plus CloudWatch Logs
 * for the log groups named by `logGroupNamePrefix`, when given.
 *
 * Warning: changing the key of an existing database replaces the database;
 * rotation keeps the same key ARN and does not.
 */
export class EncryptionKey extends pulumi.ComponentResource {
    public readonly key: aws.kms.Key;
    public readonly alias: aws.kms.Alias;
    /** The key ARN: what `kmsKeyId` inputs take. */
    public readonly arn: pulumi.Output<string>;

    constructor(name: string, args: EncryptionKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlops:security:EncryptionKey", name, {}, opts);
        this.key = new aws.kms.Key(
            name,
            {
                description: args.description,
                keyUsage: "ENCRYPT_DECRYPT",
                customerMasterKeySpec: "SYMMETRIC_DEFAULT",
                enableKeyRotation: true,
                rotationPeriodInDays: 365,
                deletionWindowInDays: args.deletionWindowInDays ?? 30,
                policy: keyPolicy(args.logGroupNamePrefix, args.alarmPublishers ?? false, this),
                tags: named(args.tags, args.alias),
            },
            { parent: this },
        );
        this.alias = new aws.kms.Alias(name, { name: `alias/${args.alias}`, targetKeyId: this.key.keyId }, { parent: this });
        this.arn = this.key.arn;
        this.registerOutputs({ arn: this.arn, alias: this.alias.name });
    }
}

function keyPolicy(logGroupNamePrefix: string | undefined, alarmPublishers: boolean, parent: pulumi.Resource): pulumi.Output<string> {
    const identity = aws.getCallerIdentityOutput({}, { parent });
    const partition = aws.getPartitionOutput({}, { parent });
    const region = aws.getRegionOutput({}, { parent });
    return pulumi
        .all([identity.accountId, partition.partition, region.region])
        .apply(([account, part, reg]) => {
            const statements: object[] = [
                {
                    Sid: "AccountAdministersKeyThroughIam",
                    Effect: "Allow",
                    Principal: { AWS: `arn:${part}:iam::${account}:root` },
                    Action: "kms:*",
                    Resource: "*",
                },
            ];
            if (logGroupNamePrefix) {
                statements.push({
                    Sid: "CloudWatchLogsEncryptsTheStoresLogGroups",
                    Effect: "Allow",
                    Principal: { Service: `logs.${reg}.amazonaws.com` },
                    Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                    Resource: "*",
                    Condition: {
                        ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${part}:logs:${reg}:${account}:log-group:${logGroupNamePrefix}*` },
                    },
                });
            }
            if (alarmPublishers) {
                statements.push({
                    Sid: "CloudWatchAlarmsPublishToTheEncryptedTopics",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                    Resource: "*",
                    // The actions SNS documents for CloudWatch publishing to a topic with a customer managed key
                    // (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
                    // Only alarms of this account (the confused-deputy guard AWS recommends for service principals).
                    Condition: { StringEquals: { "aws:SourceAccount": account } },
                });
            }
            return JSON.stringify({ Version: "2012-10-17", Statement: statements });
        });
}
