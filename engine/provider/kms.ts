/**
 * Resource types of the kms service. Sources: each spec's `source`, each rule's.
 * Provider facts from hashicorp/terraform-provider-aws internal/service/kms/{key,alias,validate}.go.
 */
import { tagRules } from "./common";
import { Inputs, ResourceTypeSpec, TF, identifier, known } from "./spec";

const KEY = `${TF}/kms/key.go`;
const ALIAS = `${TF}/kms/alias.go`;
const ENABLE_ROTATION_DOC = "https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html";
const CREATE_KEY_DOC = "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html";
const CREATE_ALIAS_DOC = "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html";

const set = (v: unknown) => v !== undefined && v !== null;
const KEY_SPECS = [
    "SYMMETRIC_DEFAULT",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "HMAC_224",
    "HMAC_256",
    "HMAC_384",
    "HMAC_512",
    "ECC_NIST_P256",
    "ECC_NIST_P384",
    "ECC_NIST_P521",
    "ECC_SECG_P256K1",
    "SM2",
    "ML_DSA_44",
    "ML_DSA_65",
    "ML_DSA_87",
];
const KEY_USAGES = ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"];

const POLICY = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "AccountAdministersKeyThroughIam", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" }],
});

const KEY_EXAMPLE: Inputs = {
    description: "Aurora PostgreSQL mlops-prod-mlflow: storage, Performance Insights and master secret",
    customerMasterKeySpec: "SYMMETRIC_DEFAULT",
    keyUsage: "ENCRYPT_DECRYPT",
    deletionWindowInDays: 30,
    enableKeyRotation: true,
    rotationPeriodInDays: 365,
    policy: POLICY,
    tags: { Name: "mlops-prod-mlflow", environment: "prod" },
};

/** validNameForResource (kms/validate.go): "alias/" then [0-9A-Za-z/_-]+, never "alias/aws/". */
function aliasProblem(v: unknown, property: string, prefix: boolean): string | undefined {
    if (!known(v)) return undefined;
    const s = String(v);
    if (s.startsWith("alias/aws/")) return `${property} ${JSON.stringify(s)} uses the prefix "alias/aws/", which AWS reserves for AWS managed keys`;
    if (!(prefix ? /^alias\/[0-9A-Za-z/_-]*$/ : /^alias\/[0-9A-Za-z/_-]+$/).test(s)) return `${property} ${JSON.stringify(s)} must begin with "alias/" and hold only letters, digits, / _ -`;
    // CreateAlias AliasName: 1-256 characters.
    if (s.length > 256) return `${property} has ${s.length} characters; AWS allows at most 256`;
    return undefined;
}

export const SPECS: ResourceTypeSpec[] = [
    {
        type: "aws:kms/key:Key",
        stateful: {
            what: "KMS key",
            risk: "the old key is scheduled for deletion: every store, snapshot and recovery point encrypted with it becomes unreadable when the deletion window ends",
        },
        source: KEY,
        example: KEY_EXAMPLE,
        rules: [
            {
                id: "kms-deletion-window",
                property: "deletionWindowInDays",
                origin: "provider",
                source: `${KEY} (deletion_window_in_days: validation.IntBetween(7, 30))`,
                check: (i) => (set(i.deletionWindowInDays) && !(Number(i.deletionWindowInDays) >= 7 && Number(i.deletionWindowInDays) <= 30) ? `deletionWindowInDays ${i.deletionWindowInDays}; allowed 7-30` : undefined),
                cases: { pass: [{ deletionWindowInDays: 7 }, { deletionWindowInDays: undefined }], fail: [{ deletionWindowInDays: 6 }, { deletionWindowInDays: 31 }] },
            },
            {
                id: "kms-rotation-period",
                property: "rotationPeriodInDays",
                origin: "provider",
                source: `${KEY} (rotation_period_in_days: validation.IntBetween(90, 2560), RequiredWith enable_key_rotation)`,
                check: (i) => {
                    if (!set(i.rotationPeriodInDays)) return undefined;
                    const n = Number(i.rotationPeriodInDays);
                    if (!(n >= 90 && n <= 2560)) return `rotationPeriodInDays ${i.rotationPeriodInDays}; allowed 90-2560`;
                    if (!set(i.enableKeyRotation)) return "rotationPeriodInDays is set without enableKeyRotation, which it requires";
                    return undefined;
                },
                cases: { pass: [{ rotationPeriodInDays: 90 }, { rotationPeriodInDays: 2560 }], fail: [{ rotationPeriodInDays: 89 }, { rotationPeriodInDays: 2561 }, { enableKeyRotation: undefined }] },
            },
            {
                id: "kms-rotation-symmetric-only",
                property: "enableKeyRotation",
                origin: "aws",
                source: `${ENABLE_ROTATION_DOC} (automatic rotation is supported only on symmetric encryption KMS keys; not on asymmetric, HMAC or custom key store keys)`,
                check: (i) => {
                    if (i.enableKeyRotation !== true) return undefined;
                    const spec = i.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
                    if (spec !== "SYMMETRIC_DEFAULT") return `enableKeyRotation with key spec ${spec}; automatic rotation needs SYMMETRIC_DEFAULT`;
                    if (set(i.customKeyStoreId)) return "enableKeyRotation on a key in a custom key store; AWS rotates only keys with AWS_KMS key material";
                    return undefined;
                },
                cases: {
                    pass: [{ customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY", enableKeyRotation: false, rotationPeriodInDays: undefined }],
                    fail: [{ customerMasterKeySpec: "HMAC_256", keyUsage: "GENERATE_VERIFY_MAC" }, { customKeyStoreId: "cks-1234567890abcdef0" }],
                },
            },
            {
                id: "kms-key-spec-and-usage",
                property: "customerMasterKeySpec",
                origin: "provider",
                source: `${KEY} (customer_master_key_spec: enum KeySpec; key_usage: enum KeyUsageType); ${CREATE_KEY_DOC} (SYMMETRIC_DEFAULT keys are ENCRYPT_DECRYPT)`,
                check: (i) => {
                    const spec = String(i.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT");
                    const usage = String(i.keyUsage ?? "ENCRYPT_DECRYPT");
                    if (!KEY_SPECS.includes(spec)) return `customerMasterKeySpec ${JSON.stringify(spec)}; allowed: ${KEY_SPECS.join(", ")}`;
                    if (!KEY_USAGES.includes(usage)) return `keyUsage ${JSON.stringify(usage)}; allowed: ${KEY_USAGES.join(", ")}`;
                    if (spec === "SYMMETRIC_DEFAULT" && usage !== "ENCRYPT_DECRYPT") return `keyUsage ${usage} with SYMMETRIC_DEFAULT; a symmetric encryption key's usage is ENCRYPT_DECRYPT`;
                    return undefined;
                },
                cases: { pass: [{ customerMasterKeySpec: undefined, keyUsage: undefined }], fail: [{ customerMasterKeySpec: "AES_256" }, { keyUsage: "ENCRYPT" }, { keyUsage: "SIGN_VERIFY" }] },
            },
            {
                id: "kms-description-length",
                property: "description",
                origin: "provider",
                source: `${KEY} (description: validation.StringLenBetween(0, 8192))`,
                check: (i) => (typeof i.description === "string" && i.description.length > 8192 ? `description of ${i.description.length} characters; at most 8192` : undefined),
                cases: { pass: [{ description: "" }], fail: [{ description: "d".repeat(8193) }] },
            },
            {
                id: "kms-policy-json",
                property: "policy",
                origin: "provider",
                // The schema's IAM policy document validator, and CreateKey's 32 KB policy limit.
                source: `${KEY} (policy: sdkv2.IAMPolicyDocumentSchemaOptionalComputed, valid JSON); ${CREATE_KEY_DOC} (Policy: up to 32768 characters)`,
                check: (i) => {
                    if (!known(i.policy) || typeof i.policy !== "string") return undefined;
                    if (i.policy.length > 32768) return `policy of ${i.policy.length} characters; at most 32768`;
                    try {
                        JSON.parse(i.policy);
                    } catch {
                        return "policy is not valid JSON";
                    }
                    return undefined;
                },
                cases: { pass: [{ policy: undefined }], fail: [{ policy: "{Version:" }] },
            },
            {
                id: "kms-custom-key-store",
                property: "xksKeyId",
                origin: "provider",
                source: `${KEY} (xks_key_id: RequiredWith custom_key_store_id, 1-128; custom_key_store_id: 1-22)`,
                check: (i) => {
                    if (set(i.customKeyStoreId) && !(String(i.customKeyStoreId).length >= 1 && String(i.customKeyStoreId).length <= 22)) return `customKeyStoreId ${JSON.stringify(i.customKeyStoreId)}; 1-22 characters`;
                    if (!set(i.xksKeyId)) return undefined;
                    if (!set(i.customKeyStoreId)) return "xksKeyId is set without customKeyStoreId, which it requires";
                    return String(i.xksKeyId).length >= 1 && String(i.xksKeyId).length <= 128 ? undefined : "xksKeyId: 1-128 characters";
                },
                cases: { pass: [{}], fail: [{ xksKeyId: "k1" }, { customKeyStoreId: "c".repeat(23), enableKeyRotation: false, rotationPeriodInDays: undefined }] },
            },
            ...tagRules("kms-key"),
        ],
        forceNew: [
            { property: "customKeyStoreId" },
            { property: "customerMasterKeySpec", default: "SYMMETRIC_DEFAULT" },
            { property: "keyUsage", default: "ENCRYPT_DECRYPT" },
            identifier("multiRegion"),
            { property: "xksKeyId" },
        ],
    },
    {
        type: "aws:kms/alias:Alias",
        source: ALIAS,
        example: { name: "alias/mlops-prod-mlflow", targetKeyId: "0000example-aurora-key" },
        rules: [
            {
                id: "kms-alias-name",
                property: "name",
                origin: "provider",
                source: `${ALIAS} (name, name_prefix: validNameForResource; ConflictsWith each other); ${CREATE_ALIAS_DOC} (AliasName 1-256)`,
                check: (i) => {
                    if (set(i.name) && set(i.namePrefix)) return "name and namePrefix are both set; set one of them";
                    return aliasProblem(i.name, "name", false) ?? aliasProblem(i.namePrefix, "namePrefix", true);
                },
                cases: {
                    pass: [{ name: "alias/a/b_c-d" }, { name: undefined, namePrefix: "alias/mlops-" }, { name: undefined }],
                    fail: [{ name: "mlops-prod" }, { name: "alias/aws/rds" }, { name: "alias/a.b" }, { name: "alias/" }, { namePrefix: "alias/x-" }, { name: `alias/${"a".repeat(251)}` }],
                },
            },
            {
                id: "kms-alias-target",
                property: "targetKeyId",
                origin: "provider",
                source: `${ALIAS} (target_key_id: Required)`,
                check: (i) => (set(i.targetKeyId) && i.targetKeyId !== "" ? undefined : "targetKeyId is required"),
                cases: { pass: [{ targetKeyId: "arn:aws:kms:us-east-1:123456789012:key/k" }], fail: [{ targetKeyId: undefined }] },
            },
        ],
        // name and name_prefix are Optional, Computed and ForceNew; target_key_id is updated in place (UpdateAlias).
        forceNew: [identifier("name"), identifier("namePrefix")],
    },
];
