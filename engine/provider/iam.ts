/** Resource types of the iam service. Sources: each spec's `source`, each rule's. */
import { policyJsonProblem, validArn } from "./backup";
import { tagRules } from "./common";
import { identifier, known, ResourceTypeSpec, TF } from "./spec";

const IAM_API = "https://docs.aws.amazon.com/IAM/latest/APIReference";
/** IAM names (roles, users, policies): `validResourceName` in internal/service/iam/validate.go, and the API's pattern `[\w+=,.@-]+`. */
const IAM_NAME = /^[\w+=,.@-]+$/;
const ROLE_NAME_MAX = 64;
/** resource.UniqueIDSuffixLength: a generated name is the prefix and 26 characters. */
const UNIQUE_SUFFIX = 26;

const ASSUME_BACKUP = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

function nameProblem(v: unknown, max: number, what: string): string | undefined {
    if (!known(v)) return undefined;
    if (typeof v !== "string" || v.length < 1 || v.length > max) return `${what} ${JSON.stringify(v)} must be 1-${max} characters`;
    if (!IAM_NAME.test(v)) return `${what} ${JSON.stringify(v)} holds characters IAM refuses; allowed: letters, digits and _ + = , . @ -`;
    return undefined;
}

export const SPECS: ResourceTypeSpec[] = [
    {
        type: "aws:iam/role:Role",
        source: `${TF}/iam/role.go`,
        example: {
            name: "mlops-prod-aws-backup",
            description: "AWS Backup of mlops-prod: takes and restores the clusters' backups",
            assumeRolePolicy: ASSUME_BACKUP,
            tags: { environment: "prod", "managed-by": "pulumi" },
        },
        rules: [
            {
                id: "iam-role-name",
                property: "name",
                origin: "provider",
                // role.go name: validResourceName(roleNameMaxLen = 64); CreateRole RoleName: 1-64, [\w+=,.@-]+
                source: `${TF}/iam/role.go (name); ${IAM_API}/API_CreateRole.html (RoleName)`,
                check: (inputs) => nameProblem(inputs.name, ROLE_NAME_MAX, "name"),
                cases: {
                    pass: [{ name: "a".repeat(64) }, { name: "svc+role=a,b.c@d-e_f" }],
                    fail: [{ name: "a".repeat(65) }, { name: "mlops prod backup" }, { name: "mlops/prod" }],
                },
            },
            {
                id: "iam-role-name-prefix",
                property: "namePrefix",
                origin: "provider",
                // role.go name_prefix: validResourceName(64 - 26): the generated suffix takes 26 characters.
                source: `${TF}/iam/role.go (name_prefix)`,
                check: (inputs) => nameProblem(inputs.namePrefix, ROLE_NAME_MAX - UNIQUE_SUFFIX, "namePrefix"),
                cases: { pass: [{ name: undefined, namePrefix: "mlops-prod-" }], fail: [{ name: undefined, namePrefix: "p".repeat(39) }] },
            },
            {
                id: "iam-role-name-conflicts",
                property: "namePrefix",
                origin: "provider",
                source: `${TF}/iam/role.go (name ConflictsWith name_prefix)`,
                check: (inputs) => (inputs.name !== undefined && inputs.namePrefix !== undefined ? `name and namePrefix conflict: set one (name is ${JSON.stringify(inputs.name)})` : undefined),
                cases: { pass: [{ name: undefined, namePrefix: "mlops-" }], fail: [{ namePrefix: "mlops-" }] },
            },
            {
                id: "iam-role-assume-role-policy-json",
                property: "assumeRolePolicy",
                origin: "provider",
                // role.go assume_role_policy: Required, validation.StringIsJSON.
                source: `${TF}/iam/role.go (assume_role_policy)`,
                check: (inputs) => {
                    const v = inputs.assumeRolePolicy;
                    if (v === undefined) return "assumeRolePolicy is required: the trust policy saying who may assume the role";
                    return policyJsonProblem(v);
                },
                cases: { pass: [{ assumeRolePolicy: '{"Version":"2012-10-17","Statement":[]}' }], fail: [{ assumeRolePolicy: "{Version: 2012-10-17}" }, { assumeRolePolicy: undefined }] },
            },
            {
                id: "iam-role-path",
                property: "path",
                origin: "aws",
                // role.go path: Default "/", StringLenBetween(0, 512); CreateRole Path: 1-512 characters,
                // "/" alone or beginning and ending with "/", printable ASCII (\u0021-\u007E) between.
                source: `${TF}/iam/role.go (path); ${IAM_API}/API_CreateRole.html (Path)`,
                check: (inputs) => {
                    const p = inputs.path;
                    if (!known(p)) return undefined;
                    if (typeof p !== "string" || p.length > 512 || !/^(\/|\/[\u0021-\u007E]+\/)$/.test(p)) return `path ${JSON.stringify(p)} must be "/" or begin and end with "/" (printable ASCII, no spaces, at most 512 characters)`;
                    return undefined;
                },
                cases: { pass: [{ path: "/service-role/" }, { path: "/" }], fail: [{ path: "service-role" }, { path: "/a b/" }] },
            },
            {
                id: "iam-role-description",
                property: "description",
                origin: "provider",
                // role.go description: StringLenBetween(0, 1000); no typographic quotes “ ‘; letters, marks,
                // separators, symbols, numbers and punctuation only ([\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]*).
                source: `${TF}/iam/role.go (description)`,
                check: (inputs) => {
                    const d = inputs.description;
                    if (!known(d) || typeof d !== "string") return undefined;
                    if ([...d].length > 1000) return `description of ${[...d].length} characters; at most 1000`;
                    if (/[“‘]/.test(d)) return `description ${JSON.stringify(d)} contains typographic quotes (“ or ‘), which IAM refuses`;
                    if (!/^[\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]*$/u.test(d)) return `description ${JSON.stringify(d)} contains control characters`;
                    return undefined;
                },
                cases: { pass: [{ description: "Enhanced Monitoring of mlops-prod-mlflow (RDS)" }], fail: [{ description: "the “backup” role" }, { description: "x".repeat(1001) }, { description: "line\nbreak" }] },
            },
            {
                id: "iam-role-max-session-duration",
                property: "maxSessionDuration",
                origin: "provider",
                source: `${TF}/iam/role.go (max_session_duration: IntBetween(3600, 43200))`,
                check: (inputs) => {
                    const v = inputs.maxSessionDuration;
                    if (!known(v)) return undefined;
                    return typeof v === "number" && v >= 3600 && v <= 43200 ? undefined : `maxSessionDuration ${JSON.stringify(v)} seconds; allowed 3600-43200`;
                },
                cases: { pass: [{ maxSessionDuration: 3600 }], fail: [{ maxSessionDuration: 600 }] },
            },
            ...tagRules("aws-iam-role"),
        ],
        forceNew: [identifier("name"), identifier("namePrefix"), { property: "path", default: "/" }],
    },
    {
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        source: `${TF}/iam/role_policy_attachment.go`,
        example: { role: "mlops-prod-aws-backup", policyArn: "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup" },
        rules: [
            {
                id: "iam-role-policy-attachment-policy-arn",
                property: "policyArn",
                origin: "aws",
                // AttachRolePolicy PolicyArn: the ARN of a managed policy (arn:<partition>:iam::<account|aws>:policy/...).
                source: `${IAM_API}/API_AttachRolePolicy.html (PolicyArn); ${TF}/iam/role_policy_attachment.go (policy_arn)`,
                check: (inputs) => {
                    const a = inputs.policyArn;
                    if (!known(a)) return undefined;
                    return validArn(a) && /^arn:[^:]+:iam::(\d{12}|aws):policy\//.test(String(a)) ? undefined : `policyArn ${JSON.stringify(a)} is not the ARN of an IAM managed policy (arn:aws:iam::<account or aws>:policy/<path><name>)`;
                },
                cases: { pass: [{ policyArn: "arn:aws:iam::123456789012:policy/mlops/backup-extra" }], fail: [{ policyArn: "AWSBackupServiceRolePolicyForBackup" }, { policyArn: "arn:aws:iam::aws:role/x" }] },
            },
            {
                id: "iam-role-policy-attachment-role",
                property: "role",
                origin: "aws",
                // AttachRolePolicy RoleName: the role's name (not its ARN), 1-64 of [\w+=,.@-].
                source: `${IAM_API}/API_AttachRolePolicy.html (RoleName)`,
                check: (inputs) => nameProblem(inputs.role, ROLE_NAME_MAX, "role"),
                cases: { pass: [{ role: "mlops-dev-mlflow-rds-monitoring" }], fail: [{ role: "arn:aws:iam::123456789012:role/mlops-prod-aws-backup" }] },
            },
        ],
        // Both arguments are Required and ForceNew; there is no Update.
        forceNew: [{ property: "role" }, { property: "policyArn" }],
    },
];
