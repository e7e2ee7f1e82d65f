import * as assert from "assert";
import { evaluateStack } from "../../engine/mockEngine";
import { blockingChanges, diffPlans } from "../../engine/diff";
import { buildPlan } from "../../engine/plan";
import { StackFileConfig, readStackFile } from "../../engine/stackFile";
import { PROTECTED_VAULT_ACTIONS } from "../../infra/components/backupPlan";
import { PRIMARY_STACKS, TYPES, byUrn, ofType, only, stack as wholeStack, within } from "../harness";
import { configOf } from "./stackConfig";

const stack = async (name: string) => within(await wholeStack(name), TYPES.backupPlan);
const named = (ev: Awaited<ReturnType<typeof stack>>, type: string, name: string) => only(ev, type, name);

for (const name of PRIMARY_STACKS) {
    describe(`AWS Backup in stack ${name}`, () => {
        const cfg = configOf(name);
        const b = cfg.backup;

        it("keeps recovery points in a vault under its own rotating key", async () => {
            const ev = await stack(name);
            const vault = named(ev, TYPES.vault, "backup-vault");
            const key = named(ev, TYPES.kmsKey, "backup-vault-key");
            assert.strictEqual(vault.inputs.kmsKeyArn, key.outputs.arn);
            assert.strictEqual(key.inputs.enableKeyRotation, true);
            assert.strictEqual(vault.inputs.forceDestroy, false);
            assert.strictEqual(vault.inputs.name, `${cfg.namePrefix}-backups`);
        });

        it("denies destroying recovery points to everyone but the break-glass role, in every vault", async () => {
            const ev = await stack(name);
            const vaults = ofType(ev, TYPES.vault);
            const policies = ofType(ev, TYPES.vaultPolicy);
            assert.deepStrictEqual(policies.map((p) => p.inputs.backupVaultName).sort(), vaults.map((v) => v.inputs.name).sort());
            for (const p of policies) {
                const [statement, ...rest] = JSON.parse(p.inputs.policy).Statement;
                assert.deepStrictEqual(rest, []);
                assert.strictEqual(statement.Effect, "Deny");
                assert.deepStrictEqual(statement.Principal, { AWS: "*" });
                assert.deepStrictEqual(statement.Action, PROTECTED_VAULT_ACTIONS);
                assert.ok(statement.Action.includes("backup:DeleteRecoveryPoint"));
                assert.deepStrictEqual(statement.Condition, { ArnNotEquals: { "aws:PrincipalArn": b.breakGlassRoleArn } });
            }
        });

        it("schedules the rule from the stack file, in UTC, with its windows and retention", async () => {
            const ev = await stack(name);
            const plan = named(ev, TYPES.plan, "backup-scheduled");
            const [rule, ...others] = plan.inputs.rules;
            assert.deepStrictEqual(others, []);
            assert.strictEqual(rule.schedule, b.schedule);
            assert.strictEqual(rule.scheduleExpressionTimezone, "Etc/UTC");
            assert.strictEqual(rule.startWindow, b.startWindowMinutes);
            assert.strictEqual(rule.completionWindow, b.completionWindowMinutes);
            assert.deepStrictEqual(rule.lifecycle, { deleteAfter: b.deleteAfterDays });
            assert.strictEqual(rule.targetVaultName, named(ev, TYPES.vault, "backup-vault").inputs.name);
            assert.strictEqual(rule.enableContinuousBackup, undefined);
        });

        it("selects exactly the stack's Aurora and DocumentDB clusters, by ARN, with the backup role", async () => {
            const whole = await wholeStack(name);
            const ev = within(whole, TYPES.backupPlan);
            const selection = named(ev, TYPES.selection, "backup-scheduled");
            const clusters = [only(whole, TYPES.cluster), only(whole, TYPES.docdbCluster)].map((c) => c.outputs.arn);
            assert.deepStrictEqual([...selection.inputs.resources].sort(), clusters.sort());
            assert.strictEqual(selection.inputs.planId, named(ev, TYPES.plan, "backup-scheduled").id);
            const role = only(ev, TYPES.role);
            assert.strictEqual(selection.inputs.iamRoleArn, role.outputs.arn);
            assert.deepStrictEqual(
                JSON.parse(role.inputs.assumeRolePolicy).Statement.map((s: any) => s.Principal.Service),
                ["backup.amazonaws.com"],
            );
            assert.deepStrictEqual(
                ofType(ev, TYPES.rolePolicy).map((p) => p.inputs.policyArn).sort(),
                [
                    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
                    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
                ],
            );
        });

        it("backs Aurora up continuously exactly where the stack asks for it", async () => {
            const whole = await wholeStack(name);
            const ev = within(whole, TYPES.backupPlan);
            const plans = ofType(ev, TYPES.plan).filter((p) => p.name === "backup-continuous");
            if (!b.continuous.enabled) {
                assert.deepStrictEqual(plans, []);
                return;
            }
            const [rule] = plans[0].inputs.rules;
            assert.strictEqual(rule.enableContinuousBackup, true);
            assert.deepStrictEqual(rule.lifecycle, { deleteAfter: b.continuous.retentionDays });
            const selection = named(ev, TYPES.selection, "backup-continuous");
            assert.deepStrictEqual(selection.inputs.resources, [only(whole, TYPES.cluster).outputs.arn], "Aurora only");
            assert.strictEqual(only(whole, TYPES.cluster).inputs.backupRetentionPeriod, b.continuous.retentionDays);
        });

        it("copies to a vault in the DR region, declared with that region's provider, only where asked", async () => {
            const ev = await stack(name);
            const [rule] = named(ev, TYPES.plan, "backup-scheduled").inputs.rules;
            if (!b.copy) {
                assert.deepStrictEqual(rule.copyActions, []);
                assert.ok(ev.resources.every((r) => r.provider === undefined), "no resource of the plan has its own provider");
                assert.strictEqual(ofType(ev, TYPES.vault).length, 1);
                return;
            }
            const whole = await wholeStack(name);
            const copyVault = named(ev, TYPES.vault, "backup-copy-vault");
            assert.deepStrictEqual(rule.copyActions, [{ destinationVaultArn: copyVault.outputs.arn, lifecycle: { deleteAfter: b.copy.deleteAfterDays } }]);
            assert.strictEqual(copyVault.outputs.arn.split(":")[3], b.copy.region);
            const provider = byUrn(whole, copyVault.provider!);
            assert.strictEqual(provider.type, TYPES.awsProvider);
            assert.strictEqual(provider.inputs.region, b.copy.region);
            assert.notStrictEqual(b.copy.region, cfg.region);
            const copyKey = named(ev, TYPES.kmsKey, "backup-copy-vault-key");
            assert.strictEqual(byUrn(whole, copyKey.provider!).urn, provider.urn, "the copy vault's key lives in the DR region too");
            assert.strictEqual(copyVault.inputs.kmsKeyArn, copyKey.outputs.arn);
            assert.ok(copyKey.outputs.arn.includes(`:${b.copy.region}:`));
            assert.strictEqual(byUrn(whole, named(ev, TYPES.vaultPolicy, "backup-copy-vault-policy").provider!).urn, provider.urn);
            // Nothing else of the backup plan uses the DR provider.
            const drResources = ev.resources.filter((r) => r.provider?.startsWith(`${provider.urn}::`)).map((r) => r.name).sort();
            assert.deepStrictEqual(drResources, [
                "backup-copy-vault",
                "backup-copy-vault-key",
                "backup-copy-vault-key",
                "backup-copy-vault-lock",
                "backup-copy-vault-policy",
            ].filter((n) => b.vaultLock || n !== "backup-copy-vault-lock"));
        });

        it("locks the vaults where the stack asks for it", async () => {
            const ev = await stack(name);
            const locks = ofType(ev, TYPES.vaultLock);
            if (!b.vaultLock) {
                assert.deepStrictEqual(locks, []);
                return;
            }
            assert.strictEqual(locks.length, ofType(ev, TYPES.vault).length);
            for (const l of locks) {
                assert.strictEqual(l.inputs.minRetentionDays, b.vaultLock.minRetentionDays);
                assert.strictEqual(l.inputs.maxRetentionDays, b.vaultLock.maxRetentionDays);
                assert.strictEqual(l.inputs.changeableForDays, b.vaultLock.mode === "compliance" ? b.vaultLock.changeableForDays : undefined);
            }
        });
    });
}

describe("backups per environment", () => {
    it("only prod copies to another region; prod locks its vaults and backs Aurora up continuously", async () => {
        for (const s of ["dev", "staging"]) {
            const [rule] = only(await stack(s), TYPES.plan, "backup-scheduled").inputs.rules;
            assert.deepStrictEqual(rule.copyActions, [], s);
        }
        const prod = await stack("prod");
        const [rule] = only(prod, TYPES.plan, "backup-scheduled").inputs.rules;
        assert.strictEqual(rule.copyActions.length, 1);
        assert.strictEqual(ofType(prod, TYPES.vaultLock).length, 2);
        assert.strictEqual(only(prod, TYPES.plan, "backup-continuous").inputs.rules[0].enableContinuousBackup, true);
    });
});

describe("recovery objectives", () => {
    for (const name of PRIMARY_STACKS) {
        it(`${name} states its RPO and RTO per store and its backups meet the RPO`, async () => {
            const cfg = configOf(name);
            const r = (await wholeStack(name)).outputs.recovery;
            for (const store of ["aurora", "documentdb"] as const) {
                assert.strictEqual(r[store].rpoMinutes, cfg.recovery[store].rpoMinutes);
                assert.strictEqual(r[store].rtoMinutes, cfg.recovery[store].rtoMinutes);
                assert.ok(r[store].achievedRpoMinutes <= r[store].rpoMinutes, `${store}: ${r[store].achievedRpoMinutes} > ${r[store].rpoMinutes}`);
            }
            assert.strictEqual(r.copyRegion, cfg.backup.copy?.region ?? null);
        });
    }

    it("prod meets MLflow metadata's RPO of 15 minutes with continuous backup and survives the loss of its region", async () => {
        const r = (await wholeStack("prod")).outputs.recovery;
        assert.deepStrictEqual(r.aurora, { rpoMinutes: 15, rtoMinutes: 60, achievedRpoMinutes: 5 });
        assert.strictEqual(r.documentdb.achievedRpoMinutes, 360);
        assert.strictEqual(r.survivesRegionLoss, true);
        assert.strictEqual(r.copyRegion, "us-west-2");
    });
});

/** prod's stack file with its vault lock changed. */
function prodWithLock(change: (lock: Record<string, unknown>) => void): StackFileConfig {
    const base = readStackFile("prod");
    const backup = JSON.parse(base.config["mlops-data:backup"]);
    change(backup.vaultLock);
    return { ...base, config: { ...base.config, "mlops-data:backup": JSON.stringify(backup) } };
}

describe("a change to backup.vaultLock (issue 13, defect 4)", () => {
    // vault_lock_configuration.go: every argument ForceNew, no Update, Delete calls
    // DeleteBackupVaultLockConfiguration: a replaced lock is a removed lock.
    it("is a replacement the diff flags and that blocks the up, not a silent delete and create of the lock", async () => {
        const baseCfg = readStackFile("prod");
        const headCfg = prodWithLock((l) => (l.minRetentionDays = 14));
        const base = buildPlan(await evaluateStack("prod", { stackConfig: baseCfg }), baseCfg, null);
        const head = buildPlan(await evaluateStack("prod", { stackConfig: headCfg }), headCfg, null);
        const d = diffPlans(base, head);
        const locks = d.changes.filter((c) => c.type === TYPES.vaultLock);
        assert.deepStrictEqual(locks.map((c) => c.name).sort(), ["backup-copy-vault-lock", "backup-vault-lock"]);
        for (const c of locks) {
            assert.strictEqual(c.kind, "replace", c.name);
            assert.strictEqual(c.dataLossRisk, true, `${c.name}: a lock replacement unprotects the vault`);
            assert.strictEqual(c.protect, true, `${c.name}: protect makes pulumi up refuse the replacement`);
            assert.ok(c.reasons.some((r) => r.startsWith("minRetentionDays: 7 → 14")), c.reasons.join("; "));
        }
        const blocking = blockingChanges(d).map((c) => c.name);
        for (const c of locks) assert.ok(blocking.includes(c.name), `${c.name} is not blocking`);
        assert.deepStrictEqual(d.changes.filter((c) => c.kind === "replace" && c.type !== TYPES.vaultLock).map((c) => c.urn), [], "nothing else is replaced");
    });

    it("every lock is protected, and changeableForDays (never read back by the provider) is ignored after creation", async () => {
        const locks = ofType(await wholeStack("prod"), TYPES.vaultLock);
        assert.strictEqual(locks.length, 2);
        for (const l of locks) {
            assert.strictEqual(l.protect, true, l.name);
            assert.deepStrictEqual(l.ignoreChanges, ["changeableForDays"], l.name);
        }
    });
});
