/**
 * Resource types of the secretsmanager service. Sources: each spec's `source`, each rule's.
 * Provider facts from hashicorp/terraform-provider-aws internal/service/secretsmanager/{secret,secret_version,validate}.go.
 */
import { tagRules } from "./common";
import { ResourceTypeSpec, TF, identifier, known } from "./spec";

const SECRET = `${TF}/secretsmanager/secret.go`;
const VERSION = `${TF}/secretsmanager/secret_version.go`;
const CREATE_SECRET_DOC = "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html";
const PUT_VALUE_DOC = "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html";

const set = (v: unknown) => v !== undefined && v !== null;
/** validSecretName / validSecretNamePrefix (secretsmanager/validate.go). */
const SECRET_NAME = /^[0-9A-Za-z/_+=.@-]+$/;
/** The provider appends a 26-character unique suffix to a prefix (sdkid.UniqueIDSuffixLength). */
const PREFIX_MAX = 512 - 26;

export const SPECS: ResourceTypeSpec[] = [
    {
        type: "aws:secretsmanager/secret:Secret",
        stateful: {
            what: "Secrets Manager secret",
            risk: "the secret is scheduled for deletion and a new one created: re-using its name fails while the old one is in its recovery window, and every client, rotation and policy that names the old ARN loses it",
        },
        source: SECRET,
        example: {
            name: "mlops-prod/aurora/master",
            description: "Master credentials of Aurora PostgreSQL cluster mlops-prod-mlflow",
            kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/0000example-aurora-key",
            recoveryWindowInDays: 30,
            tags: { Name: "mlops-prod/aurora/master", environment: "prod" },
        },
        rules: [
            {
                id: "secretsmanager-recovery-window",
                property: "recoveryWindowInDays",
                origin: "provider",
                source: `${SECRET} (recovery_window_in_days: 0 or validation.IntBetween(7, 30), default 30)`,
                check: (i) => {
                    if (!set(i.recoveryWindowInDays)) return undefined;
                    const n = Number(i.recoveryWindowInDays);
                    return n === 0 || (n >= 7 && n <= 30) ? undefined : `recoveryWindowInDays ${i.recoveryWindowInDays}; allowed 0 (delete at once) or 7-30`;
                },
                cases: { pass: [{ recoveryWindowInDays: 0 }, { recoveryWindowInDays: 7 }, { recoveryWindowInDays: undefined }], fail: [{ recoveryWindowInDays: 6 }, { recoveryWindowInDays: 31 }, { recoveryWindowInDays: 1 }] },
            },
            {
                id: "secretsmanager-secret-name",
                property: "name",
                origin: "provider",
                source: `${SECRET} (name, name_prefix: validSecretName / validSecretNamePrefix, ConflictsWith each other); ${CREATE_SECRET_DOC} (Name: 1-512 of letters, digits and /_+=.@-)`,
                check: (i) => {
                    if (set(i.name) && set(i.namePrefix)) return "name and namePrefix are both set; set one of them";
                    for (const [p, max] of [
                        ["name", 512],
                        ["namePrefix", PREFIX_MAX],
                    ] as const) {
                        const v = i[p];
                        if (!known(v)) continue;
                        const s = String(v);
                        if (!SECRET_NAME.test(s)) return `${p} ${JSON.stringify(s)}: only letters, digits and / _ + = . @ - are allowed`;
                        if (s.length > max) return `${p} has ${s.length} characters; at most ${max}`;
                    }
                    return undefined;
                },
                cases: {
                    pass: [{ name: "a/b_c+d=e.f@g-h" }, { name: undefined, namePrefix: "mlops-prod/" }],
                    fail: [{ name: "mlops prod/aurora" }, { name: "mlops:prod" }, { name: "a".repeat(513) }, { namePrefix: "x" }, { name: undefined, namePrefix: "p".repeat(487) }],
                },
            },
            {
                id: "secretsmanager-description-length",
                property: "description",
                origin: "aws",
                source: `${CREATE_SECRET_DOC} (Description: maximum length of 2048)`,
                check: (i) => (typeof i.description === "string" && i.description.length > 2048 ? `description of ${i.description.length} characters; at most 2048` : undefined),
                cases: { pass: [{ description: "d".repeat(2048) }], fail: [{ description: "d".repeat(2049) }] },
            },
            {
                id: "secretsmanager-policy-json",
                property: "policy",
                origin: "provider",
                source: `${SECRET} (policy: validation.StringIsJSON)`,
                check: (i) => {
                    if (!known(i.policy) || typeof i.policy !== "string") return undefined;
                    try {
                        JSON.parse(i.policy);
                        return undefined;
                    } catch {
                        return "policy is not valid JSON";
                    }
                },
                cases: { pass: [{ policy: '{"Version":"2012-10-17","Statement":[]}' }], fail: [{ policy: "{" }] },
            },
            ...tagRules("secretsmanager-secret"),
        ],
        // name and name_prefix: Optional, Computed, ForceNew. A new name means a new secret, and the old name
        // stays taken for the recovery window (re-creating it fails until then).
        forceNew: [identifier("name"), identifier("namePrefix")],
    },
    {
        type: "aws:secretsmanager/secretVersion:SecretVersion",
        source: VERSION,
        example: { secretId: "arn:aws:secretsmanager:us-east-1:123456789012:secret:mlops-prod/aurora/master-AbCdEf", secretString: '{"username":"mlflow_admin","password":"x"}' },
        rules: [
            {
                id: "secretsmanager-secret-id",
                property: "secretId",
                origin: "provider",
                source: `${VERSION} (secret_id: Required)`,
                check: (i) => (set(i.secretId) && i.secretId !== "" ? undefined : "secretId is required"),
                cases: { pass: [{ secretId: "mlops-prod/aurora/master" }], fail: [{ secretId: undefined }] },
            },
            {
                id: "secretsmanager-secret-value-one-of",
                property: "secretString",
                origin: "provider",
                // ConflictsWith among the three is the provider's; that one must be given is PutSecretValue's.
                source: `${VERSION} (secret_string, secret_binary, secret_string_wo: ConflictsWith each other; secret_string_wo RequiredWith secret_string_wo_version); ${PUT_VALUE_DOC} (SecretString or SecretBinary must have a value)`,
                check: (i) => {
                    const given = ["secretString", "secretBinary", "secretStringWo"].filter((p) => set(i[p]));
                    if (given.length === 0) return "none of secretString, secretBinary, secretStringWo is set; a secret version needs one";
                    if (given.length > 1) return `${given.join(" and ")} are all set; set exactly one of secretString, secretBinary, secretStringWo`;
                    if (set(i.secretStringWo) !== set(i.secretStringWoVersion)) return "secretStringWo and secretStringWoVersion are set only together";
                    return undefined;
                },
                cases: {
                    pass: [{ secretString: undefined, secretBinary: "aGVsbG8=" }, { secretString: undefined, secretStringWo: "x", secretStringWoVersion: 1 }],
                    fail: [{ secretString: undefined }, { secretBinary: "aGVsbG8=" }, { secretString: undefined, secretStringWo: "x" }],
                },
            },
            {
                id: "secretsmanager-secret-binary-base64",
                property: "secretBinary",
                origin: "provider",
                source: `${VERSION} (secret_binary: verify.ValidBase64String)`,
                check: (i) => {
                    if (!known(i.secretBinary)) return undefined;
                    const s = String(i.secretBinary);
                    return /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0 ? undefined : "secretBinary is not valid base64";
                },
                cases: { pass: [{ secretString: undefined, secretBinary: "aGk=" }], fail: [{ secretString: undefined, secretBinary: "not base64!" }] },
            },
            {
                id: "secretsmanager-secret-size",
                property: "secretString",
                origin: "aws",
                source: `${PUT_VALUE_DOC} (SecretString: maximum length of 65536)`,
                check: (i) => (known(i.secretString) && typeof i.secretString === "string" && Buffer.byteLength(i.secretString) > 65536 ? `secretString of ${Buffer.byteLength(i.secretString)} bytes; at most 65536` : undefined),
                cases: { pass: [{ secretString: "s".repeat(65536) }], fail: [{ secretString: "s".repeat(65537) }] },
            },
        ],
        // A new value is a new version: the provider replaces the resource (PutSecretValue again).
        forceNew: [{ property: "secretId" }, { property: "secretBinary" }, { property: "secretString" }, { property: "secretStringWoVersion" }],
    },
];
