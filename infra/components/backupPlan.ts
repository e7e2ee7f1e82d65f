import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { named } from "../tags";
import { EncryptionKey } from "./encryptionKey";

export interface VaultLock {
    /** "governance": removable by a principal allowed to; "compliance": immutable once `changeableForDays` have passed. */
    mode: "governance" | "compliance";
    minRetentionDays: number;
    maxRetentionDays: number;
    /** Compliance mode only. */
    changeableForDays?: number;
}

/** backup.restoreTesting (infra/schema/backup.ts): when, which recovery point, how long the restored copy lives. */
export interface RestoreTestingArgs {
    enabled: boolean;
    /** AWS Backup cron expression, UTC. */
    schedule: string;
    startWindowHours: number;
    selectionWindowDays: number;
    /** Hours the restored cluster is kept for validation before AWS Backup deletes it (1-168). */
    validationWindowHours: number;
    algorithm: "LATEST_WITHIN_WINDOW" | "RANDOM_WITHIN_WINDOW";
}

export interface BackupPlanArgs {
    /**
     * Prefix of the vault, plan, role and selection names.
     * @example "mlops-prod"
     * Warning: changing it creates a new, empty vault; recovery points stay in the old one until they expire.
     */
    namePrefix: string;
    /**
     * The one role allowed to delete recovery points or shorten their lifecycle,
     * for an emergency; the vault's access policy denies it to everyone else,
     * including the deploying principal.
     */
    breakGlassRoleArn: string;
    /**
     * Declare the vault (its key, access policy and lock) and the service role, and no plan: nothing
     * is backed up. For the DR stack in standby, whose vault holds what its promotes and restores
     * backed up: declared in every mode, it is never deleted by a mode change (AWS refuses to delete
     * a vault with recovery points, forceDestroy is off, and the policy lets no one but the
     * break-glass role delete them). The role stays too: restoring from the vault needs it.
     * @default false
     */
    vaultOnly?: boolean;
    /** Cluster ARNs (Aurora and DocumentDB) backed up on `schedule`. */
    resources: pulumi.Input<string>[];
    /** Cluster ARNs (Aurora only: DocumentDB does not support it) backed up continuously, when `continuous.enabled`. */
    continuousResources: pulumi.Input<string>[];
    /** AWS Backup cron expression, UTC. @example "cron(0 7 ? * * *)" */
    schedule: string;
    /** Minutes a job may wait to start (`backup.startWindowMinutes`). */
    startWindowMinutes: number;
    /** Minutes a started job may run (`backup.completionWindowMinutes`). */
    completionWindowMinutes: number;
    /** Days each scheduled recovery point is kept. */
    deleteAfterDays: number;
    /** Continuous backup (point-in-time recovery from the vault) for `continuousResources`. */
    continuous: { enabled: boolean; retentionDays: number };
    /**
     * Copy every scheduled recovery point to a vault in another region. That
     * vault and its key are declared here, with the given provider for that
     * region, because a copy target must exist before the disaster, not during it.
     */
    copy?: { region: string; deleteAfterDays: number; provider: aws.Provider };
    /**
     * Vault lock for the vault (and the copy vault). @default none
     *
     * Warning: a lock cannot be changed by editing this setting. The provider
     * has no update for a lock (every argument forces a new one), so a new
     * `minRetentionDays` or `maxRetentionDays` would be a replacement: a delete
     * (DeleteBackupVaultLockConfiguration, which the vault policy denies to all
     * but the break-glass role, and which a compliance lock past its grace time
     * refuses) and a create. Half done, that leaves the vault unlocked. The lock
     * is therefore declared with `protect`: a preview that would replace or
     * delete it fails, and the diff lists it as a protection-loss risk.
     * `changeableForDays` is applied when the lock is created only (the provider
     * never reads it back, so a later edit is ignored).
     *
     * To change a lock, follow "Changing a vault lock" in docs/runbooks/restore.md:
     * apply the new values with `aws backup put-backup-vault-lock-configuration`
     * (an update in place), set the same values here, then `pulumi refresh` so
     * the state holds them; the next preview is then clean. Removing the lock
     * (deleting this setting) is refused the same way, and needs the break-glass
     * role and the same procedure.
     */
    vaultLock?: VaultLock;
    /** AWS Backup restore testing of the vault's recovery points; undefined or disabled: none. */
    restoreTesting?: RestoreTestingArgs;
    /** The clusters restore testing restores, by AWS Backup's resource type. */
    restoreTestingResources?: { type: "Aurora" | "DocumentDB"; arn: pulumi.Input<string> }[];
    tags: Record<string, string>;
}

/**
 * AWS Backup for the stack's clusters: a vault encrypted with its own CMK whose
 * recovery points only the break-glass role may delete, an optional vault lock,
 * the scheduled plan (with a cross-region copy when asked), a continuous plan
 * for Aurora when asked, the service role, and selections naming the clusters
 * by ARN. ElastiCache is not covered: it keeps its own snapshots.
 */
export class BackupPlan extends pulumi.ComponentResource {
    public readonly vault: aws.backup.Vault;
    /** Undefined with `vaultOnly`. */
    public readonly plan?: aws.backup.Plan;
    public readonly continuousPlan?: aws.backup.Plan;
    /** The vault in the copy region, when there is one. */
    public readonly copyVault?: aws.backup.Vault;
    public readonly role: aws.iam.Role;
    /** The restore testing plan, where restoreTesting is enabled. */
    public restoreTestingPlan?: aws.backup.RestoreTestingPlan;

    constructor(name: string, args: BackupPlanArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlops:data:BackupPlan", name, {}, opts);
        const prefix = args.namePrefix;

        this.vault = this.protectedVault(name, `${prefix}-backups`, args, {});

        let copyActions: aws.types.input.backup.PlanRuleCopyAction[] = [];
        if (args.copy) {
            this.copyVault = this.protectedVault(`${name}-copy`, `${prefix}-backups-${args.copy.region}`, args, { provider: args.copy.provider });
            copyActions = [{ destinationVaultArn: this.copyVault.arn, lifecycle: { deleteAfter: args.copy.deleteAfterDays } }];
        }

        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                name: `${prefix}-aws-backup`,
                description: `AWS Backup of ${prefix}: takes and restores the clusters' backups`,
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
                tags: args.tags,
            },
            { parent: this },
        );
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        for (const policy of ["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"]) {
            new aws.iam.RolePolicyAttachment(
                `${name}-${policy}`,
                { role: this.role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/${policy}` },
                { parent: this },
            );
        }

        if (args.vaultOnly) {
            this.registerOutputs({ vaultArn: this.vault.arn, copyVaultArn: this.copyVault?.arn });
            return;
        }

        const recoveryPointTags = { ...args.tags, "backup-plan": `${prefix}-scheduled` };
        this.plan = new aws.backup.Plan(
            `${name}-scheduled`,
            {
                name: `${prefix}-scheduled`,
                rules: [
                    {
                        ruleName: "scheduled",
                        targetVaultName: this.vault.name,
                        schedule: args.schedule,
                        scheduleExpressionTimezone: "Etc/UTC",
                        startWindow: args.startWindowMinutes,
                        completionWindow: args.completionWindowMinutes,
                        lifecycle: { deleteAfter: args.deleteAfterDays },
                        copyActions,
                        recoveryPointTags,
                    },
                ],
                tags: args.tags,
            },
            { parent: this },
        );
        this.select(`${name}-scheduled`, `${prefix}-clusters`, this.plan, args.resources);

        if (args.continuous.enabled) {
            this.continuousPlan = new aws.backup.Plan(
                `${name}-continuous`,
                {
                    name: `${prefix}-continuous`,
                    rules: [
                        {
                            ruleName: "continuous",
                            targetVaultName: this.vault.name,
                            enableContinuousBackup: true,
                            // Continuous rules still take a daily snapshot; the same schedule keeps jobs out of the windows.
                            schedule: args.schedule,
                            scheduleExpressionTimezone: "Etc/UTC",
                            startWindow: args.startWindowMinutes,
                            completionWindow: args.completionWindowMinutes,
                            lifecycle: { deleteAfter: args.continuous.retentionDays },
                            recoveryPointTags: { ...args.tags, "backup-plan": `${prefix}-continuous` },
                        },
                    ],
                    tags: args.tags,
                },
                { parent: this },
            );
            this.select(`${name}-continuous`, `${prefix}-continuous`, this.continuousPlan, args.continuousResources);
        }

        if (args.restoreTesting?.enabled) this.restoreTests(name, prefix, args.restoreTesting, args);

        this.registerOutputs({ vaultArn: this.vault.arn, planId: this.plan.id, copyVaultArn: this.copyVault?.arn });
    }

    /**
     * AWS Backup restore testing of this vault's recovery points: one plan (when and which point), one
     * selection per cluster (what, and how long the restored copy is kept before AWS Backup deletes it:
     * https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing.html). The service role
     * restores with AWSBackupServiceRolePolicyForRestores, as the plan's own restores do.
     */
    private restoreTests(name: string, prefix: string, t: RestoreTestingArgs, args: BackupPlanArgs): void {
        // Restore testing names allow only letters, digits and "_" (restore_testing_plan.go).
        const planName = `${prefix.replace(/-/g, "_")}_restore_test`;
        this.restoreTestingPlan = new aws.backup.RestoreTestingPlan(
            `${name}-restore-testing`,
            {
                name: planName,
                scheduleExpression: t.schedule,
                scheduleExpressionTimezone: "Etc/UTC",
                startWindowHours: t.startWindowHours,
                recoveryPointSelection: {
                    algorithm: t.algorithm,
                    includeVaults: [this.vault.arn],
                    recoveryPointTypes: ["SNAPSHOT"],
                    selectionWindowDays: t.selectionWindowDays,
                },
                tags: args.tags,
            },
            { parent: this },
        );
        for (const r of args.restoreTestingResources ?? []) {
            new aws.backup.RestoreTestingSelection(
                `${name}-restore-testing-${r.type.toLowerCase()}`,
                {
                    name: r.type.toLowerCase(),
                    restoreTestingPlanName: this.restoreTestingPlan.name,
                    protectedResourceType: r.type,
                    iamRoleArn: this.role.arn,
                    protectedResourceArns: [r.arn],
                    validationWindowHours: t.validationWindowHours,
                },
                { parent: this },
            );
        }
    }

    private select(name: string, selectionName: string, plan: aws.backup.Plan, resources: pulumi.Input<string>[]): void {
        new aws.backup.Selection(
            name,
            { name: selectionName, planId: plan.id, iamRoleArn: this.role.arn, resources },
            { parent: this },
        );
    }

    /** A vault under its own CMK, recovery points deletable only by the break-glass role, locked when asked. */
    private protectedVault(
        name: string,
        vaultName: string,
        args: BackupPlanArgs,
        placement: { provider?: aws.Provider },
    ): aws.backup.Vault {
        const opts = { parent: this, provider: placement.provider };
        const key = new EncryptionKey(
            `${name}-vault-key`,
            { description: `AWS Backup vault ${vaultName}`, alias: vaultName, tags: args.tags },
            { parent: this, providers: placement.provider ? [placement.provider] : [] },
        );
        const vault = new aws.backup.Vault(
            `${name}-vault`,
            { name: vaultName, kmsKeyArn: key.arn, forceDestroy: false, tags: named(args.tags, vaultName) },
            opts,
        );
        new aws.backup.VaultPolicy(
            `${name}-vault-policy`,
            { backupVaultName: vault.name, policy: vaultAccessPolicy(args.breakGlassRoleArn) },
            opts,
        );
        if (args.vaultLock) {
            new aws.backup.VaultLockConfiguration(
                `${name}-vault-lock`,
                {
                    backupVaultName: vault.name,
                    minRetentionDays: args.vaultLock.minRetentionDays,
                    maxRetentionDays: args.vaultLock.maxRetentionDays,
                    changeableForDays: args.vaultLock.mode === "compliance" ? args.vaultLock.changeableForDays : undefined,
                },
                // Every input of a lock forces a new one, and a replacement deletes the lock (see `vaultLock`):
                // protect makes such a plan fail instead of unlocking the vault. changeable_for_days is never
                // read back by the provider, so state cannot be reconciled with it after the procedure.
                { ...opts, protect: true, ignoreChanges: ["changeableForDays"] },
            );
        }
        return vault;
    }
}

/**
 * Actions that destroy recovery points, shorten their life, or unlock the vault.
 * Deleting or replacing the access policy itself stays possible for the
 * deploying principal, or no stack could ever be destroyed or updated; the vault
 * lock (compliance mode in prod, if wanted) is what closes that gap.
 */
export const PROTECTED_VAULT_ACTIONS = [
    "backup:DeleteRecoveryPoint",
    "backup:UpdateRecoveryPointLifecycle",
    "backup:DeleteBackupVaultLockConfiguration",
];

function vaultAccessPolicy(breakGlassRoleArn: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "OnlyBreakGlassMayDestroyRecoveryPoints",
                Effect: "Deny",
                Principal: { AWS: "*" },
                Action: PROTECTED_VAULT_ACTIONS,
                // In a vault access policy "*" means this vault and its recovery points.
                Resource: "*",
                Condition: { ArnNotEquals: { "aws:PrincipalArn": breakGlassRoleArn } },
            },
        ],
    });
}
