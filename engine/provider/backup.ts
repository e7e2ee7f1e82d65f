/** Resource types of the backup service. Sources: each spec's `source`, each rule's. */
import { tagRules } from "./common";
import { identifier, Inputs, known, ResourceTypeSpec, Rule, TF } from "./spec";

const BACKUP_API = "https://docs.aws.amazon.com/aws-backup/latest/devguide";

/** `verify.ValidARN` (internal/verify/validate.go): arn:partition:service:region:account:resource. */
export function validArn(v: unknown): boolean {
    return typeof v === "string" && /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|aws)?:.+$/.test(v);
}

/** What a JSON policy document must be for the provider (`verify.ValidIAMPolicyJSON`): a JSON object, beginning with "{". */
export function policyJsonProblem(v: unknown): string | undefined {
    if (!known(v)) return undefined;
    if (typeof v !== "string") return `must be a JSON string, got ${typeof v}`;
    if (!v.startsWith("{")) return `${JSON.stringify(v.slice(0, 40))} is not a JSON object: a policy must begin with "{" (no leading whitespace)`;
    try {
        const parsed = JSON.parse(v);
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return "must be a JSON object";
    } catch (e) {
        return `is not valid JSON (${(e as Error).message})`;
    }
    return undefined;
}

const set = (v: unknown) => v !== undefined && v !== null;
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const rulesOf = (inputs: Inputs): Record<string, unknown>[] => (Array.isArray(inputs.rules) ? (inputs.rules as Record<string, unknown>[]) : []);
const ruleLabel = (r: Record<string, unknown>, i: number) => `rule ${typeof r.ruleName === "string" ? JSON.stringify(r.ruleName) : i}`;

/** Every lifecycle of a plan rule: its own and each copy action's. */
function lifecyclesOf(r: Record<string, unknown>): { where: string; lifecycle: Record<string, unknown> }[] {
    const out: { where: string; lifecycle: Record<string, unknown> }[] = [];
    if (r.lifecycle && typeof r.lifecycle === "object") out.push({ where: "lifecycle", lifecycle: r.lifecycle as Record<string, unknown> });
    (Array.isArray(r.copyActions) ? (r.copyActions as Record<string, unknown>[]) : []).forEach((c, i) => {
        if (c.lifecycle && typeof c.lifecycle === "object") out.push({ where: `copyActions[${i}].lifecycle`, lifecycle: c.lifecycle as Record<string, unknown> });
    });
    return out;
}

/** A plan rule of the example with some fields changed, for cases. */
const SCHEDULED_RULE = {
    ruleName: "scheduled",
    targetVaultName: "mlops-prod-backups",
    schedule: "cron(0 1/6 ? * * *)",
    scheduleExpressionTimezone: "Etc/UTC",
    startWindow: 60,
    completionWindow: 300,
    lifecycle: { deleteAfter: 35 },
    copyActions: [{ destinationVaultArn: "arn:aws:backup:us-west-2:123456789012:backup-vault:mlops-prod-backups-us-west-2", lifecycle: { deleteAfter: 35 } }],
    recoveryPointTags: { "backup-plan": "mlops-prod-scheduled", environment: "prod" },
};
const withRule = (changes: Record<string, unknown>): Inputs => ({ rules: [{ ...SCHEDULED_RULE, ...changes }] });

// AWS Backup cron: six fields (minutes hours day-of-month month day-of-week year), one of the two day fields "?".
// https://docs.aws.amazon.com/aws-backup/latest/devguide/creating-a-backup-plan.html (schedule expressions are
// EventBridge cron expressions: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html).
function scheduleProblem(v: unknown): string | undefined {
    if (!known(v)) return undefined;
    if (typeof v !== "string") return `schedule must be a string`;
    const m = /^cron\(([^)]*)\)$/.exec(v);
    if (!m) return `${JSON.stringify(v)} is not a cron(...) expression; AWS Backup takes cron(minutes hours day-of-month month day-of-week year)`;
    const fields = m[1].trim().split(/\s+/);
    if (fields.length !== 6) return `${JSON.stringify(v)} has ${fields.length} fields; a cron expression has 6 (minutes hours day-of-month month day-of-week year)`;
    const [, , dom, , dow] = fields;
    if ((dom === "?") === (dow === "?")) return `${JSON.stringify(v)}: exactly one of day-of-month (${dom}) and day-of-week (${dow}) must be "?"`;
    return undefined;
}

const planRules: Rule[] = [
    {
        id: "backup-plan-rule-name",
        property: "rules",
        origin: "provider",
        // plan.go rule.rule_name: StringLenBetween(1, 50), ^[0-9A-Za-z_.-]+$
        source: `${TF}/backup/plan.go (rule.rule_name)`,
        check: (inputs) => {
            for (const [i, r] of rulesOf(inputs).entries()) {
                const n = r.ruleName;
                if (!known(n)) continue;
                if (typeof n !== "string" || n.length < 1 || n.length > 50 || !/^[0-9A-Za-z_.-]+$/.test(n)) {
                    return `rule ${i}: ruleName ${JSON.stringify(n)} must be 1-50 letters, digits, "-", "_" or "."`;
                }
            }
            return undefined;
        },
        cases: { pass: [withRule({ ruleName: "daily_v2.1" })], fail: [withRule({ ruleName: "daily backup" }), withRule({ ruleName: "x".repeat(51) })] },
    },
    {
        id: "backup-plan-target-vault-name",
        property: "rules",
        origin: "provider",
        // plan.go rule.target_vault_name: StringLenBetween(2, 50), ^[0-9A-Za-z_-]+$
        source: `${TF}/backup/plan.go (rule.target_vault_name)`,
        check: (inputs) => {
            for (const [i, r] of rulesOf(inputs).entries()) {
                const n = r.targetVaultName;
                if (!known(n)) continue;
                if (typeof n !== "string" || n.length < 2 || n.length > 50 || !/^[0-9A-Za-z_-]+$/.test(n)) {
                    return `${ruleLabel(r, i)}: targetVaultName ${JSON.stringify(n)} must be 2-50 letters, digits, "-" or "_"`;
                }
            }
            return undefined;
        },
        cases: { pass: [withRule({ targetVaultName: "ab" })], fail: [withRule({ targetVaultName: "mlops.prod" }), withRule({ targetVaultName: "a" })] },
    },
    {
        id: "backup-plan-copy-destination-arn",
        property: "rules",
        origin: "provider",
        // plan.go rule.copy_action.destination_vault_arn: Required, verify.ValidARN
        source: `${TF}/backup/plan.go (rule.copy_action.destination_vault_arn)`,
        check: (inputs) => {
            for (const [i, r] of rulesOf(inputs).entries()) {
                for (const [j, c] of (Array.isArray(r.copyActions) ? (r.copyActions as Record<string, unknown>[]) : []).entries()) {
                    if (!known(c.destinationVaultArn)) continue;
                    if (!validArn(c.destinationVaultArn)) return `${ruleLabel(r, i)}: copyActions[${j}].destinationVaultArn ${JSON.stringify(c.destinationVaultArn)} is not an ARN`;
                }
            }
            return undefined;
        },
        cases: {
            pass: [withRule({ copyActions: [] })],
            fail: [withRule({ copyActions: [{ destinationVaultArn: "mlops-prod-backups-us-west-2" }] })],
        },
    },
    {
        id: "backup-plan-start-window",
        property: "rules",
        origin: "aws",
        // BackupRuleInput.StartWindowMinutes: "If this value is included, it must be at least 60 minutes to avoid errors";
        // the provider does not check it (hashicorp/terraform-provider-aws#8794). Its schema default is 60.
        source: `${BACKUP_API}/API_BackupRuleInput.html (StartWindowMinutes)`,
        check: (inputs) => {
            for (const [i, r] of rulesOf(inputs).entries()) {
                const w = num(r.startWindow);
                if (w !== undefined && w < 60) return `${ruleLabel(r, i)}: startWindow ${w} minutes; AWS Backup requires at least 60`;
            }
            return undefined;
        },
        cases: { pass: [withRule({ startWindow: 60 }), withRule({ startWindow: undefined })], fail: [withRule({ startWindow: 30 })] },
    },
    {
        id: "backup-plan-completion-window",
        property: "rules",
        origin: "aws",
        // Not stated in the API reference; documented with the same words by cloudposse/terraform-aws-backup
        // ("Must be at least 60 minutes greater than start_window") and enforced by CreateBackupPlan. Defaults
        // from plan.go: start_window 60, completion_window 180. Not verifiable against AWS here.
        source: "https://github.com/cloudposse/terraform-aws-backup (completion_window); plan.go defaults",
        check: (inputs) => {
            for (const [i, r] of rulesOf(inputs).entries()) {
                const start = num(r.startWindow) ?? 60;
                const done = num(r.completionWindow) ?? 180;
                if (done < start + 60) return `${ruleLabel(r, i)}: completionWindow ${done} minutes must be at least 60 more than startWindow (${start})`;
            }
            return undefined;
        },
        cases: { pass: [withRule({ startWindow: 60, completionWindow: 120 }), withRule({ startWindow: undefined, completionWindow: undefined })], fail: [withRule({ startWindow: 120, completionWindow: 150 })] },
    },
    {
        id: "backup-plan-lifecycle",
        property: "rules",
        origin: "aws",
        // BackupRuleInput.Lifecycle: a recovery point moved to cold storage stays there at least 90 days, so
        // delete_after must be at least cold_storage_after + 90; the maximum is 100 years (36,500 days);
        // "DeleteAfterDays cannot be less than 1 or more than 36500 days" (hashicorp/terraform-provider-aws#24960).
        source: `${BACKUP_API}/API_Lifecycle.html; ${BACKUP_API}/API_BackupRuleInput.html (Lifecycle)`,
        check: (inputs) => {
            for (const [i, r] of rulesOf(inputs).entries()) {
                for (const { where, lifecycle } of lifecyclesOf(r)) {
                    const del = num(lifecycle.deleteAfter);
                    const cold = num(lifecycle.coldStorageAfter);
                    if (del !== undefined && (del < 1 || del > 36500)) return `${ruleLabel(r, i)}: ${where}.deleteAfter ${del} days; AWS allows 1-36500`;
                    if (cold !== undefined && cold > 0 && del !== undefined && del < cold + 90) {
                        return `${ruleLabel(r, i)}: ${where}.deleteAfter ${del} days with coldStorageAfter ${cold}: a recovery point stays in cold storage at least 90 days, so deleteAfter must be at least ${cold + 90}`;
                    }
                }
            }
            return undefined;
        },
        cases: {
            pass: [withRule({ lifecycle: { coldStorageAfter: 30, deleteAfter: 120 } })],
            fail: [
                withRule({ lifecycle: { coldStorageAfter: 30, deleteAfter: 100 } }),
                withRule({ lifecycle: { deleteAfter: 0 } }),
                withRule({ copyActions: [{ destinationVaultArn: SCHEDULED_RULE.copyActions[0].destinationVaultArn, lifecycle: { coldStorageAfter: 7, deleteAfter: 35 } }] }),
            ],
        },
    },
    {
        id: "backup-plan-continuous-retention",
        property: "rules",
        origin: "aws",
        // Continuous backup (point-in-time recovery): retention 1-35 days, and it never moves to cold storage.
        source: `${BACKUP_API}/point-in-time-recovery-retention-period.html`,
        check: (inputs) => {
            for (const [i, r] of rulesOf(inputs).entries()) {
                if (r.enableContinuousBackup !== true) continue;
                const lc = (r.lifecycle ?? {}) as Record<string, unknown>;
                const del = num(lc.deleteAfter);
                if (del !== undefined && (del < 1 || del > 35)) return `${ruleLabel(r, i)}: continuous backup kept ${del} days; AWS Backup allows 1-35`;
                if (num(lc.coldStorageAfter)) return `${ruleLabel(r, i)}: continuous backups cannot move to cold storage (coldStorageAfter ${lc.coldStorageAfter})`;
            }
            return undefined;
        },
        cases: {
            pass: [withRule({ enableContinuousBackup: true, copyActions: [], lifecycle: { deleteAfter: 35 } })],
            fail: [withRule({ enableContinuousBackup: true, copyActions: [], lifecycle: { deleteAfter: 36 } }), withRule({ enableContinuousBackup: true, copyActions: [], lifecycle: { coldStorageAfter: 1, deleteAfter: 30 } })],
        },
    },
    {
        id: "backup-plan-schedule",
        property: "rules",
        origin: "aws",
        source: `${BACKUP_API}/creating-a-backup-plan.html (backup frequency: cron expressions); https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html`,
        check: (inputs) => {
            for (const [i, r] of rulesOf(inputs).entries()) {
                const p = scheduleProblem(r.schedule);
                if (p) return `${ruleLabel(r, i)}: ${p}`;
            }
            return undefined;
        },
        cases: {
            pass: [withRule({ schedule: "cron(0 7 ? * * *)" }), withRule({ schedule: "cron(30 2 1 * ? *)" })],
            fail: [withRule({ schedule: "0 7 * * *" }), withRule({ schedule: "cron(0 7 * * *)" }), withRule({ schedule: "cron(0 7 * * * *)" })],
        },
    },
    {
        id: "backup-plan-name",
        property: "name",
        origin: "aws",
        // BackupPlan.BackupPlanName: "Must contain only alphanumeric or '-_.' special characters ... through CLI
        // or API, it can contain 1 to 200 characters" (BackupPlanInput still says 1-50, the console's limit; the
        // engine holds the API's). The provider only requires it.
        source: `${BACKUP_API}/API_BackupPlan.html (BackupPlanName); ${BACKUP_API}/API_BackupPlanInput.html`,
        check: (inputs) => {
            const n = inputs.name;
            if (!known(n)) return undefined;
            if (typeof n !== "string" || n.length < 1 || n.length > 200 || !/^[0-9A-Za-z_.-]+$/.test(n)) return `name ${JSON.stringify(n)} must be 1-200 letters, digits, "-", "_" or "."`;
            return undefined;
        },
        cases: { pass: [{ name: "mlops-staging-scheduled" }, { name: "p".repeat(200) }], fail: [{ name: "mlops prod scheduled" }, { name: "p".repeat(201) }] },
    },
    ...tagRules("aws-backup-plan"),
];

export const SPECS: ResourceTypeSpec[] = [
    {
        type: "aws:backup/vault:Vault",
        stateful: {
            what: "AWS Backup vault",
            risk: "the vault is deleted with its recovery points (or the deletion fails while it holds any): the backups that meet the RPO are gone",
        },
        source: `${TF}/backup/vault.go`,
        example: {
            name: "mlops-prod-backups",
            kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/0000example-backup-vault-key",
            forceDestroy: false,
            tags: { Name: "mlops-prod-backups", environment: "prod", "managed-by": "pulumi" },
        },
        rules: [
            {
                id: "backup-vault-name",
                property: "name",
                origin: "provider",
                // vault.go name: Required, StringLenBetween(2, 50), ^[a-zA-Z0-9\-\_]*$
                source: `${TF}/backup/vault.go (name)`,
                check: (inputs) => {
                    const n = inputs.name;
                    if (!known(n)) return undefined;
                    if (typeof n !== "string" || n.length < 2 || n.length > 50 || !/^[a-zA-Z0-9_-]*$/.test(n)) return `name ${JSON.stringify(n)} must be 2-50 letters, digits, "-" or "_"`;
                    return undefined;
                },
                cases: { pass: [{ name: "mlops-prod-backups-us-west-2" }], fail: [{ name: "m" }, { name: "mlops.prod.backups" }, { name: "v".repeat(51) }] },
            },
            {
                id: "backup-vault-kms-key-arn",
                property: "kmsKeyArn",
                origin: "provider",
                source: `${TF}/backup/vault.go (kms_key_arn: verify.ValidARN)`,
                check: (inputs) => (known(inputs.kmsKeyArn) && !validArn(inputs.kmsKeyArn) ? `kmsKeyArn ${JSON.stringify(inputs.kmsKeyArn)} is not an ARN` : undefined),
                cases: { pass: [{ kmsKeyArn: undefined }], fail: [{ kmsKeyArn: "alias/mlops-prod-backups" }] },
            },
            ...tagRules("aws-backup-vault"),
        ],
        forceNew: [identifier("kmsKeyArn"), { property: "name" }],
    },
    {
        type: "aws:backup/vaultPolicy:VaultPolicy",
        source: `${TF}/backup/vault_policy.go`,
        example: {
            backupVaultName: "mlops-prod-backups",
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "OnlyBreakGlassMayDestroyRecoveryPoints",
                        Effect: "Deny",
                        Principal: { AWS: "*" },
                        Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:DeleteBackupVaultLockConfiguration"],
                        Resource: "*",
                        Condition: { ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::333333333333:role/mlops-backup-break-glass" } },
                    },
                ],
            }),
        },
        rules: [
            {
                id: "backup-vault-policy-json",
                property: "policy",
                origin: "provider",
                // vault_policy.go policy: sdkv2.IAMPolicyDocumentSchemaRequired() (ValidateFunc verify.ValidIAMPolicyJSON).
                source: `${TF}/backup/vault_policy.go (policy)`,
                check: (inputs) => policyJsonProblem(inputs.policy),
                cases: { pass: [{ policy: '{"Version":"2012-10-17","Statement":[]}' }], fail: [{ policy: ' {"Version":"2012-10-17"}' }, { policy: '{"Version":' }, { policy: "[]" }] },
            },
        ],
        // Create and Update both call PutBackupVaultAccessPolicy: only the vault name replaces.
        forceNew: [{ property: "backupVaultName" }],
    },
    {
        type: "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
        // A replacement is Delete (DeleteBackupVaultLockConfiguration) then Create: the vault is unlocked in
        // between, or the delete is refused (by the vault policy, or because a compliance lock is past its
        // grace time). That is a loss of protection of the recovery points, reported like a data-loss risk.
        stateful: {
            what: "AWS Backup vault lock",
            risk: "the lock is deleted and created again (the provider has no update): the vault's recovery points are unprotected in between, or the delete fails (the vault policy denies DeleteBackupVaultLockConfiguration; a compliance lock past its grace time cannot be deleted). Change a lock by the procedure in docs/runbooks/restore.md, not by a stack file",
        },
        source: `${TF}/backup/vault_lock_configuration.go`,
        example: { backupVaultName: "mlops-prod-backups", minRetentionDays: 7, maxRetentionDays: 365 },
        rules: [
            {
                id: "backup-vault-lock-vault-name",
                property: "backupVaultName",
                origin: "provider",
                // vault_lock_configuration.go backup_vault_name: ^[0-9A-Za-z_.-]{1,50}$
                source: `${TF}/backup/vault_lock_configuration.go (backup_vault_name)`,
                check: (inputs) => {
                    const n = inputs.backupVaultName;
                    if (!known(n)) return undefined;
                    return typeof n === "string" && /^[0-9A-Za-z_.-]{1,50}$/.test(n) ? undefined : `backupVaultName ${JSON.stringify(n)} must be 1-50 letters, digits, "_", "." or "-"`;
                },
                cases: { pass: [{ backupVaultName: "mlops-staging-backups" }], fail: [{ backupVaultName: "mlops prod" }] },
            },
            {
                id: "backup-vault-lock-changeable-for-days",
                property: "changeableForDays",
                origin: "provider",
                // vault_lock_configuration.go changeable_for_days: IntAtLeast(3) (AWS's 72-hour cooling-off period).
                source: `${TF}/backup/vault_lock_configuration.go (changeable_for_days); https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-backup-backupvault-lockconfigurationtype.html`,
                check: (inputs) => {
                    const d = inputs.changeableForDays;
                    if (!known(d)) return undefined;
                    return typeof d === "number" && Number.isInteger(d) && d >= 3 ? undefined : `changeableForDays ${JSON.stringify(d)}; it must be an integer of at least 3 (AWS's 72-hour cooling-off period)`;
                },
                cases: { pass: [{ changeableForDays: 3 }, { changeableForDays: undefined }], fail: [{ changeableForDays: 2 }, { changeableForDays: 0 }] },
            },
            {
                id: "backup-vault-lock-retention-range",
                property: "minRetentionDays",
                origin: "aws",
                // PutBackupVaultLockConfiguration: a backup or copy job must keep its recovery point at least
                // MinRetentionDays and at most MaxRetentionDays, so a minimum above the maximum locks out every
                // job; AWS refuses it (the provider does not check). Days are positive (1-36500, the lifecycle's
                // range); the exact API bounds could not be re-read here.
                source: `${BACKUP_API}/API_PutBackupVaultLockConfiguration.html`,
                check: (inputs) => {
                    const min = num(inputs.minRetentionDays);
                    const max = num(inputs.maxRetentionDays);
                    for (const [k, v] of [["minRetentionDays", min], ["maxRetentionDays", max]] as const) {
                        if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 36500)) return `${k} ${v}; it must be a whole number of days, 1-36500`;
                    }
                    if (min !== undefined && max !== undefined && min > max) return `minRetentionDays ${min} exceeds maxRetentionDays ${max}`;
                    return undefined;
                },
                cases: {
                    pass: [{ minRetentionDays: 35, maxRetentionDays: 35 }, { maxRetentionDays: undefined }],
                    fail: [{ minRetentionDays: 400, maxRetentionDays: 365 }, { minRetentionDays: 0 }],
                },
            },
        ],
        // Every argument is ForceNew and there is no Update: any change is a Delete then a Create.
        forceNew: [{ property: "backupVaultName" }, { property: "changeableForDays" }, { property: "maxRetentionDays" }, { property: "minRetentionDays" }],
    },
    {
        type: "aws:backup/plan:Plan",
        source: `${TF}/backup/plan.go`,
        example: {
            name: "mlops-prod-scheduled",
            rules: [SCHEDULED_RULE],
            tags: { environment: "prod", "managed-by": "pulumi" },
        },
        rules: planRules,
        // Only the name replaces; rules and advanced settings go through UpdateBackupPlan.
        forceNew: [{ property: "name" }],
    },
    {
        type: "aws:backup/selection:Selection",
        source: `${TF}/backup/selection.go`,
        example: {
            name: "mlops-prod-clusters",
            planId: "plan-5560f365",
            iamRoleArn: "arn:aws:iam::123456789012:role/mlops-prod-aws-backup",
            resources: ["arn:aws:rds:us-east-1:123456789012:cluster:mlops-prod-mlflow", "arn:aws:rds:us-east-1:123456789012:cluster:mlops-prod-docs"],
        },
        rules: [
            {
                id: "backup-selection-name",
                property: "name",
                origin: "provider",
                // selection.go name: StringLenBetween(1, 50), ^[0-9A-Za-z_.-]+$
                source: `${TF}/backup/selection.go (name)`,
                check: (inputs) => {
                    const n = inputs.name;
                    if (!known(n)) return undefined;
                    return typeof n === "string" && n.length <= 50 && /^[0-9A-Za-z_.-]+$/.test(n) ? undefined : `name ${JSON.stringify(n)} must be 1-50 letters, digits, "-", "_" or "."`;
                },
                cases: { pass: [{ name: "mlops-prod-continuous" }], fail: [{ name: "mlops/prod" }, { name: "s".repeat(51) }] },
            },
            {
                id: "backup-selection-iam-role-arn",
                property: "iamRoleArn",
                origin: "provider",
                source: `${TF}/backup/selection.go (iam_role_arn: Required, verify.ValidARN)`,
                check: (inputs) => {
                    if (inputs.iamRoleArn === undefined || inputs.iamRoleArn === null) return "iamRoleArn is required: the role AWS Backup assumes to back the resources up";
                    return known(inputs.iamRoleArn) && !validArn(inputs.iamRoleArn) ? `iamRoleArn ${JSON.stringify(inputs.iamRoleArn)} is not an ARN` : undefined;
                },
                cases: { pass: [{ iamRoleArn: "arn:aws:iam::123456789012:role/service-role/backup" }], fail: [{ iamRoleArn: "mlops-prod-aws-backup" }, { iamRoleArn: undefined }] },
            },
            {
                id: "backup-selection-selects-something",
                property: "resources",
                origin: "aws",
                // CreateBackupSelection: a selection names resources by ARN, by tag (ListOfTags) or by Conditions;
                // one with none of them assigns nothing (AWS refuses an empty selection).
                source: `${BACKUP_API}/API_BackupSelection.html`,
                check: (inputs) => {
                    const n = (k: string) => (Array.isArray(inputs[k]) ? (inputs[k] as unknown[]).length : 0);
                    return n("resources") + n("selectionTags") + n("conditions") > 0 ? undefined : "the selection names no resources, selectionTags or conditions: it would back nothing up";
                },
                cases: { pass: [{ resources: undefined, selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "yes" }] }], fail: [{ resources: [] }] },
            },
        ],
        // Every argument is ForceNew (there is no Update).
        forceNew: [
            { property: "name" },
            { property: "planId" },
            { property: "iamRoleArn" },
            { property: "resources" },
            identifier("notResources"),
            identifier("conditions"),
            { property: "selectionTags", terraform: "selection_tag" },
        ],
    },
    {
        type: "aws:backup/restoreTestingPlan:RestoreTestingPlan",
        source: `${TF}/backup/restore_testing_plan.go`,
        example: {
            name: "mlops_prod_restore_test",
            scheduleExpression: "cron(0 9 ? * 3#1 *)",
            scheduleExpressionTimezone: "Etc/UTC",
            startWindowHours: 24,
            recoveryPointSelection: {
                algorithm: "LATEST_WITHIN_WINDOW",
                includeVaults: ["arn:aws:backup:us-east-1:123456789012:backup-vault:mlops-prod-backups"],
                recoveryPointTypes: ["SNAPSHOT"],
                selectionWindowDays: 30,
            },
            tags: { environment: "prod" },
        },
        rules: [
            {
                id: "backup-restore-testing-plan-name",
                property: "name",
                origin: "provider",
                // name: Required, LengthBetween(1, 50), ^[0-9A-Za-z_]+$ (no hyphen, unlike backup plans).
                source: `${TF}/backup/restore_testing_plan.go (name)`,
                check: (i) => {
                    if (!known(i.name)) return undefined;
                    const n = String(i.name);
                    return n.length >= 1 && n.length <= 50 && /^[0-9A-Za-z_]+$/.test(n) ? undefined : `name ${JSON.stringify(n)} must be 1-50 letters, digits or "_" (no "-")`;
                },
                cases: { pass: [{ name: "a_1" }], fail: [{ name: "mlops-prod-restore-test" }, { name: "x".repeat(51) }] },
            },
            {
                id: "backup-restore-testing-plan-schedule",
                property: "scheduleExpression",
                origin: "aws",
                source: `${TF}/backup/restore_testing_plan.go (schedule_expression: Required); ${BACKUP_API}/restore-testing.html (a cron expression, as for backup plans)`,
                check: (i) => (!set(i.scheduleExpression) ? "scheduleExpression is required" : scheduleProblem(i.scheduleExpression)),
                cases: { pass: [{ scheduleExpression: "cron(0 6 1 * ? *)" }], fail: [{ scheduleExpression: undefined }, { scheduleExpression: "cron(0 6 * * *)" }, { scheduleExpression: "rate(30 days)" }] },
            },
            {
                id: "backup-restore-testing-plan-windows",
                property: "startWindowHours",
                origin: "provider",
                source: `${TF}/backup/restore_testing_plan.go (start_window_hours Between(0, 168); recovery_point_selection.selection_window_days Between(1, 365))`,
                check: (i) => {
                    if (set(i.startWindowHours) && !(Number(i.startWindowHours) >= 0 && Number(i.startWindowHours) <= 168)) return `startWindowHours ${i.startWindowHours}; allowed 0-168`;
                    const sel = i.recoveryPointSelection as Record<string, unknown> | undefined;
                    if (sel && set(sel.selectionWindowDays) && !(Number(sel.selectionWindowDays) >= 1 && Number(sel.selectionWindowDays) <= 365)) return `recoveryPointSelection.selectionWindowDays ${sel.selectionWindowDays}; allowed 1-365`;
                    return undefined;
                },
                cases: {
                    pass: [{ startWindowHours: 0 }],
                    fail: [{ startWindowHours: 169 }, { recoveryPointSelection: { algorithm: "LATEST_WITHIN_WINDOW", includeVaults: ["*"], recoveryPointTypes: ["SNAPSHOT"], selectionWindowDays: 0 } }],
                },
            },
            {
                id: "backup-restore-testing-plan-selection",
                property: "recoveryPointSelection",
                origin: "provider",
                // Required block; algorithm enum RestoreTestingRecoveryPointSelectionAlgorithm; include_vaults Required,
                // each an ARN or "*"; recovery_point_types Required, enum RestoreTestingRecoveryPointType.
                source: `${TF}/backup/restore_testing_plan.go (recovery_point_selection)`,
                check: (i) => {
                    const sel = i.recoveryPointSelection as Record<string, unknown> | undefined;
                    if (!sel) return "recoveryPointSelection is required";
                    if (!["LATEST_WITHIN_WINDOW", "RANDOM_WITHIN_WINDOW"].includes(String(sel.algorithm))) return `recoveryPointSelection.algorithm ${JSON.stringify(sel.algorithm)}; allowed: LATEST_WITHIN_WINDOW, RANDOM_WITHIN_WINDOW`;
                    for (const p of ["includeVaults", "excludeVaults"]) {
                        const list = sel[p];
                        if (list === undefined && p === "excludeVaults") continue;
                        if (!Array.isArray(list) || (p === "includeVaults" && list.length === 0)) return `recoveryPointSelection.${p} must be a list${p === "includeVaults" ? " of at least one vault ARN (or \"*\")" : ""}`;
                        const bad = list.find((v) => known(v) && v !== "*" && !validArn(v));
                        if (bad !== undefined) return `recoveryPointSelection.${p} holds ${JSON.stringify(bad)}, neither an ARN nor "*"`;
                    }
                    const types = sel.recoveryPointTypes;
                    if (!Array.isArray(types) || types.length === 0) return "recoveryPointSelection.recoveryPointTypes is required";
                    const badType = types.find((t) => !["CONTINUOUS", "SNAPSHOT"].includes(String(t)));
                    if (badType !== undefined) return `recoveryPointSelection.recoveryPointTypes holds ${JSON.stringify(badType)}; allowed: CONTINUOUS, SNAPSHOT`;
                    return undefined;
                },
                cases: {
                    pass: [{ recoveryPointSelection: { algorithm: "RANDOM_WITHIN_WINDOW", includeVaults: ["*"], recoveryPointTypes: ["CONTINUOUS", "SNAPSHOT"] } }],
                    fail: [
                        { recoveryPointSelection: undefined },
                        { recoveryPointSelection: { algorithm: "LATEST", includeVaults: ["*"], recoveryPointTypes: ["SNAPSHOT"] } },
                        { recoveryPointSelection: { algorithm: "LATEST_WITHIN_WINDOW", includeVaults: ["mlops-prod-backups"], recoveryPointTypes: ["SNAPSHOT"] } },
                        { recoveryPointSelection: { algorithm: "LATEST_WITHIN_WINDOW", includeVaults: ["*"], recoveryPointTypes: ["FULL"] } },
                    ],
                },
            },
            ...tagRules("backup-restore-testing-plan"),
        ],
        // name: RequiresReplace; the schedule, windows and selection change in place (UpdateRestoreTestingPlan).
        forceNew: [{ property: "name" }],
    },
    {
        type: "aws:backup/restoreTestingSelection:RestoreTestingSelection",
        source: `${TF}/backup/restore_testing_selection.go`,
        example: {
            name: "aurora",
            restoreTestingPlanName: "mlops_prod_restore_test",
            protectedResourceType: "Aurora",
            iamRoleArn: "arn:aws:iam::123456789012:role/mlops-prod-backup",
            protectedResourceArns: ["arn:aws:rds:us-east-1:123456789012:cluster:mlops-prod-mlflow"],
            validationWindowHours: 24,
        },
        rules: [
            {
                id: "backup-restore-testing-selection-fields",
                property: "name",
                origin: "provider",
                // name: Required, LengthBetween(1, 50), ^[0-9A-Za-z_]+$; iam_role_arn: Required ARN; restore_testing_plan_name
                // and protected_resource_type: Required; validation_window_hours Between(1, 168).
                source: `${TF}/backup/restore_testing_selection.go (Schema)`,
                check: (i) => {
                    if (known(i.name) && !(String(i.name).length <= 50 && /^[0-9A-Za-z_]+$/.test(String(i.name)))) return `name ${JSON.stringify(i.name)} must be 1-50 letters, digits or "_"`;
                    for (const p of ["iamRoleArn", "restoreTestingPlanName", "protectedResourceType"]) if (!set(i[p])) return `${p} is required`;
                    if (known(i.iamRoleArn) && !validArn(i.iamRoleArn)) return `iamRoleArn ${JSON.stringify(i.iamRoleArn)} is not an ARN`;
                    if (set(i.validationWindowHours) && !(Number(i.validationWindowHours) >= 1 && Number(i.validationWindowHours) <= 168)) return `validationWindowHours ${i.validationWindowHours}; allowed 1-168`;
                    return undefined;
                },
                cases: { pass: [{ validationWindowHours: 168 }], fail: [{ name: "aurora-cluster" }, { iamRoleArn: "backup" }, { validationWindowHours: 0 }, { protectedResourceType: undefined }] },
            },
            {
                id: "backup-restore-testing-selection-resources",
                property: "protectedResourceArns",
                origin: "provider",
                source: `${TF}/backup/restore_testing_selection.go (ConfigValidators: ExactlyOneOf(protected_resource_arns, protected_resource_conditions); each ARN or "*")`,
                check: (i) => {
                    const arns = set(i.protectedResourceArns);
                    const conditions = set(i.protectedResourceConditions);
                    if (arns === conditions) return "set exactly one of protectedResourceArns and protectedResourceConditions";
                    if (Array.isArray(i.protectedResourceArns)) {
                        const bad = (i.protectedResourceArns as unknown[]).find((a) => known(a) && a !== "*" && !validArn(a));
                        if (bad !== undefined) return `protectedResourceArns holds ${JSON.stringify(bad)}, neither an ARN nor "*"`;
                    }
                    return undefined;
                },
                cases: {
                    pass: [{ protectedResourceArns: undefined, protectedResourceConditions: { stringEquals: [{ key: "aws:ResourceTag/backup", value: "yes" }] } }],
                    fail: [{ protectedResourceArns: undefined }, { protectedResourceConditions: { stringEquals: [] } }, { protectedResourceArns: ["mlops-prod-mlflow"] }],
                },
            },
            {
                id: "backup-restore-testing-selection-type",
                property: "protectedResourceType",
                origin: "aws",
                // The resource types restore testing supports, by AWS Backup's names.
                source: `${BACKUP_API}/restore-testing.html (supported resource types); ${BACKUP_API}/restore-testing-inferred-metadata.html`,
                check: (i) => {
                    const types = ["Aurora", "DocumentDB", "DynamoDB", "EBS", "EC2", "EFS", "FSx", "Neptune", "RDS", "S3"];
                    return !known(i.protectedResourceType) || types.includes(String(i.protectedResourceType)) ? undefined : `protectedResourceType ${JSON.stringify(i.protectedResourceType)}; allowed: ${types.join(", ")}`;
                },
                cases: { pass: [{ protectedResourceType: "DocumentDB" }], fail: [{ protectedResourceType: "aurora" }] },
            },
        ],
        // name, restore_testing_plan_name, protected_resource_type: RequiresReplace.
        forceNew: [{ property: "name" }, { property: "restoreTestingPlanName" }, { property: "protectedResourceType" }],
    },
];
