import * as aws from "@pulumi/aws";
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
    /** Tags for the key. */
    tags: Record<string, string>;
}

/**
 * A symmetric customer-managed KMS key with yearly automatic rotation and an
 * alias. The key policy is the KMS default (the account administers the key
 * through IAM), which is what RDS, Secrets Manager and AWS Backup need when the
 * calling principal is allowed to use the key.
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
                tags: named(args.tags, args.alias),
            },
            { parent: this },
        );
        this.alias = new aws.kms.Alias(name, { name: `alias/${args.alias}`, targetKeyId: this.key.keyId }, { parent: this });
        this.arn = this.key.arn;
        this.registerOutputs({ arn: this.arn, alias: this.alias.name });
    }
}
