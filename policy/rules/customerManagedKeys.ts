/**
 * Everything else that holds data or credentials uses a customer-managed key
 * too, and every key rotates. An AWS-managed key behind a secret, a log group
 * (slow logs hold query text) or a backup vault would undo the point of the
 * stores' own CMKs.
 */
import * as aws from "../../infra/sdk/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { NO_THRESHOLDS, configWithDefaults, schema } from "./lib/config";
import { notCustomerManaged } from "./lib/kms";
import { isSet } from "./lib/values";

const rotationSchema = schema<{ maximumRotationDays: number }>({
    maximumRotationDays: {
        type: "integer",
        minimum: 90,
        maximum: 2560,
        default: 365,
        description: "Longest automatic rotation period allowed (KMS accepts 90-2560 days).",
    },
});

export const kmsKeyRotation: ResourceValidationPolicy = {
    name: "kms-key-rotation",
    description: "Symmetric customer-managed KMS keys rotate automatically, at least as often as configured.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set enableKeyRotation: true and rotationPeriodInDays at or below the configured maximum on the aws.kms.Key. " +
        "Rotation keeps the key ARN, so nothing encrypted with it is replaced.",
    configSchema: rotationSchema,
    validateResource: validateResourceOfType(aws.kms.Key, (key, args, report) => {
        // Only symmetric encryption keys can rotate automatically.
        const spec = key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
        if (spec !== "SYMMETRIC_DEFAULT" || (key.keyUsage ?? "ENCRYPT_DECRYPT") !== "ENCRYPT_DECRYPT") return;
        const { maximumRotationDays } = configWithDefaults(rotationSchema, args);
        if (key.enableKeyRotation !== true) report("KMS key: enableKeyRotation is not true.");
        else if ((key.rotationPeriodInDays ?? 365) > maximumRotationDays) {
            report(`KMS key: rotationPeriodInDays is ${key.rotationPeriodInDays}; at most ${maximumRotationDays} is allowed.`);
        }
    }),
};

export const performanceInsightsCmk: ResourceValidationPolicy = {
    name: "performance-insights-cmk",
    description: "Performance Insights data (it holds query text) is encrypted with a customer-managed KMS key.",
    enforcementLevel: "mandatory",
    remediationSteps: "Set performanceInsightsKmsKeyId to the cluster's CMK wherever Performance Insights is enabled.",
    configSchema: NO_THRESHOLDS,
    validateResource: [
        validateResourceOfType(aws.rds.ClusterInstance, (i, _args, report) => {
            if (i.performanceInsightsEnabled !== true) return;
            const problem = notCustomerManaged(i, "performanceInsightsKmsKeyId");
            if (problem) report(`Aurora instance with Performance Insights: ${problem}.`);
        }),
        validateResourceOfType(aws.rds.Cluster, (c, _args, report) => {
            if (c.performanceInsightsEnabled !== true) return;
            const problem = notCustomerManaged(c, "performanceInsightsKmsKeyId");
            if (problem) report(`Cluster with Performance Insights: ${problem}.`);
        }),
        validateResourceOfType(aws.rds.Instance, (i, _args, report) => {
            if (i.performanceInsightsEnabled !== true) return;
            const problem = notCustomerManaged(i, "performanceInsightsKmsKeyId");
            if (problem) report(`RDS instance with Performance Insights: ${problem}.`);
        }),
        validateResourceOfType(aws.docdb.ClusterInstance, (i, _args, report) => {
            if (i.enablePerformanceInsights !== true) return;
            const problem = notCustomerManaged(i, "performanceInsightsKmsKeyId");
            if (problem) report(`DocumentDB instance with Performance Insights: ${problem}.`);
        }),
    ],
};

export const secretsUseCmk: ResourceValidationPolicy = {
    name: "secrets-use-cmk",
    description: "Secrets Manager secrets, and each of their replicas, are encrypted with a customer-managed KMS key.",
    enforcementLevel: "mandatory",
    remediationSteps: "Set kmsKeyId on the aws.secretsmanager.Secret (and on each replica, a key in the replica's region).",
    configSchema: NO_THRESHOLDS,
    validateResource: validateResourceOfType(aws.secretsmanager.Secret, (s, _args, report) => {
        const problem = notCustomerManaged(s, "kmsKeyId");
        if (problem) report(`Secret: ${problem}.`);
        (s.replicas ?? []).forEach((r, i) => {
            const p = notCustomerManaged(r, "kmsKeyId");
            if (p) report(`Secret replica ${i} (${r.region}): ${p}.`);
        });
    }),
};

export const logGroupsUseCmk: ResourceValidationPolicy = {
    name: "log-groups-use-cmk",
    description: "CloudWatch log groups (database and slow logs hold query text) are encrypted with a customer-managed KMS key.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set kmsKeyId on the aws.cloudwatch.LogGroup to a CMK whose key policy allows the logs service principal of the region.",
    configSchema: NO_THRESHOLDS,
    validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (g, _args, report) => {
        const problem = notCustomerManaged(g, "kmsKeyId");
        if (problem) report(`Log group: ${problem}.`);
    }),
};

export const backupVaultsUseCmk: ResourceValidationPolicy = {
    name: "backup-vaults-use-cmk",
    description: "AWS Backup vaults are encrypted with a customer-managed KMS key.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set kmsKeyArn on the aws.backup.Vault. The key cannot be changed later: create a new vault and point the plan's rules at it.",
    configSchema: NO_THRESHOLDS,
    validateResource: validateResourceOfType(aws.backup.Vault, (v, _args, report) => {
        const problem = isSet(v, "kmsKeyArn") ? notCustomerManaged(v, "kmsKeyArn") : "kmsKeyArn is not set, so the AWS-managed aws/backup key is used";
        if (problem) report(`Backup vault: ${problem}.`);
    }),
};
