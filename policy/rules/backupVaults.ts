/**
 * AWS Backup vaults hold the last copy of the data when everything else is
 * gone, so what may destroy their recovery points is narrowed twice: a vault
 * lock (where the environment asks for one) whose retention bounds every plan
 * rule and copy targeting the vault respects (AWS fails a backup or copy job
 * whose retention falls outside the lock's bounds:
 * docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html), and an
 * access policy that denies deleting recovery points, shortening their
 * lifecycle and removing the lock to every principal but one break-glass role.
 *
 * No anchor checks either (Checkov, Trivy and AWSGuard have none for vault
 * locks or vault access policies); the actions denied are the ones the
 * program's own vault policy names (infra/components/backupPlan.ts).
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { PROTECTED_VAULT_ACTIONS } from "../../infra/components/backupPlan";
import { NO_THRESHOLDS, configWithDefaults, schema } from "./lib/config";
import { ids, ofType, referencedBy } from "./lib/references";
import { regionOf } from "./lib/regions";
import { T } from "./lib/types";
import { UNKNOWN, cannotDecideWithout, knownList, peek } from "./lib/values";
import { coversAction, label, parsePolicy } from "./lib/policyDocuments";

/** The vault a plan rule's targetVaultName, or a copy's destinationVaultArn, names. */
function vaultNamed(plan: PolicyResource, value: unknown, vaults: PolicyResource[], copy: boolean): PolicyResource | undefined {
    if (typeof value === "string") return vaults.find((v) => ids(v, "name", "arn").includes(value));
    if (value !== UNKNOWN) return undefined;
    // Unknown during preview (the vault is being created): the rules depend on the vaults they name;
    // the target is the one in the plan's region, a copy's the one in another region, when that is one vault.
    const home = regionOf(plan);
    const candidates = referencedBy(plan, "rules", vaults, (x) => ids(x, "name", "arn")).filter((v) => (regionOf(v) === home) !== copy);
    return candidates.length === 1 ? candidates[0] : undefined;
}

interface Retention {
    plan: PolicyResource;
    what: string;
    vault: PolicyResource;
    /** Undefined: kept until deleted by hand. */
    days: number | undefined;
}

/** Every retention a plan asks of a vault of this stack: each rule's and each copy's. */
function retentions(plans: PolicyResource[], vaults: PolicyResource[]): Retention[] {
    const out: Retention[] = [];
    const days = (lifecycle: unknown) => {
        const v = peek(() => (lifecycle as { deleteAfter?: number } | undefined)?.deleteAfter);
        return typeof v === "number" ? v : undefined;
    };
    for (const plan of plans) {
        for (const rule of knownList(() => plan.props.rules as Record<string, any>[]).items) {
            const name = String(peek(() => rule.ruleName) ?? "?");
            const target = vaultNamed(plan, peek(() => rule.targetVaultName), vaults, false);
            if (target) out.push({ plan, what: `rule ${name}`, vault: target, days: days(peek(() => rule.lifecycle)) });
            for (const copy of knownList(() => rule.copyActions as Record<string, any>[] | undefined).items) {
                const dest = vaultNamed(plan, peek(() => copy.destinationVaultArn), vaults, true);
                if (dest) out.push({ plan, what: `rule ${name}'s copy`, vault: dest, days: days(peek(() => copy.lifecycle)) });
            }
        }
    }
    return out;
}

const lockSchema = schema<{ required: boolean }>({
    required: { type: "boolean", default: true, description: "Whether every backup vault must have a vault lock." },
});

export const backupVaultLock: StackValidationPolicy = {
    name: "backup-vault-lock",
    description:
        "Every AWS Backup vault has a vault lock (where the environment requires it), and every plan rule and copy targeting a locked vault keeps recovery points within the lock's minimum and maximum retention.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Declare an aws.backup.VaultLockConfiguration for the vault (backup.vaultLock in the stack file) with minRetentionDays at or below, and maxRetentionDays at or above, " +
        "every lifecycle.deleteAfter of the rules and copies that target it; a rule without deleteAfter keeps recovery points forever, which a maximum refuses.",
    configSchema: lockSchema,
    validateStack: (args, report) => {
        const { required } = configWithDefaults(lockSchema, args);
        const vaults = ofType(args.resources, T.backupVault);
        const locks = ofType(args.resources, T.backupVaultLock);
        const lockOf = (v: PolicyResource) => locks.find((l) => referencedBy(l, "backupVaultName", [v], (x) => ids(x, "name")).length > 0);
        for (const v of vaults) if (required && !lockOf(v)) report(`Backup vault ${v.name} has no vault lock.`, v.urn);
        for (const r of retentions(ofType(args.resources, T.backupPlan), vaults)) {
            const lock = lockOf(r.vault);
            if (!lock) continue;
            const min = peek(() => lock.props.minRetentionDays);
            const max = peek(() => lock.props.maxRetentionDays);
            if (min === UNKNOWN) cannotDecideWithout(() => lock.props.minRetentionDays);
            if (max === UNKNOWN) cannotDecideWithout(() => lock.props.maxRetentionDays);
            const where = `Backup plan ${r.plan.name} ${r.what} into vault ${r.vault.name}`;
            if (r.days === undefined) {
                if (typeof max === "number") report(`${where} keeps recovery points forever; the vault's lock allows at most ${max} days.`, r.plan.urn);
            } else if (typeof min === "number" && r.days < min) {
                report(`${where} keeps recovery points ${r.days} days; the vault's lock requires at least ${min}.`, r.plan.urn);
            } else if (typeof max === "number" && r.days > max) {
                report(`${where} keeps recovery points ${r.days} days; the vault's lock allows at most ${max}.`, r.plan.urn);
            }
        }
    },
};

/** The principal ARNs a Deny's condition exempts (aws:PrincipalArn under a negated operator), as written. */
function exempted(condition: Record<string, Record<string, unknown>>): string[] {
    const out: string[] = [];
    for (const [op, keys] of Object.entries(condition)) {
        if (!/^(ArnNotEquals|ArnNotLike|StringNotEquals|StringNotLike)(IfExists)?$/.test(op)) {
            out.push(`<${op}>`);
            continue;
        }
        for (const [key, value] of Object.entries(keys ?? {})) {
            if (key.toLowerCase() !== "aws:principalarn") out.push(`<${key}>`);
            else out.push(...(Array.isArray(value) ? value : [value]).map(String));
        }
    }
    return out;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export const backupVaultAccessPolicy: StackValidationPolicy = {
    name: "backup-vault-access-policy",
    description: `Every AWS Backup vault has an access policy that denies ${PROTECTED_VAULT_ACTIONS.join(", ")} to every principal but at most one break-glass role.`,
    enforcementLevel: "mandatory",
    remediationSteps:
        'Declare an aws.backup.VaultPolicy for the vault with a statement { Effect: "Deny", Principal: { AWS: "*" }, Action: [those actions], Resource: "*", ' +
        'Condition: { ArnNotEquals: { "aws:PrincipalArn": "<break-glass role ARN>" } } } (backup.breakGlassRoleArn in the stack file).',
    configSchema: NO_THRESHOLDS,
    validateStack: (args, report) => {
        const policies = ofType(args.resources, T.backupVaultPolicy);
        for (const v of ofType(args.resources, T.backupVault)) {
            const mine = policies.filter((p) => referencedBy(p, "backupVaultName", [v], (x) => ids(x, "name")).length > 0);
            if (mine.length === 0) {
                report(`Backup vault ${v.name} has no access policy, so anyone IAM allows may delete its recovery points.`, v.urn);
                continue;
            }
            for (const p of mine) {
                const doc = parsePolicy(() => p.props.policy);
                if (doc === UNKNOWN) cannotDecideWithout(() => p.props.policy);
                if ("problem" in doc) {
                    report(`Backup vault ${v.name}: access policy ${p.name} ${doc.problem}.`, p.urn);
                    continue;
                }
                const denies = doc.statements.filter((s) => s.effect === "Deny" && s.principals.includes("*"));
                const uncovered = PROTECTED_VAULT_ACTIONS.filter((a) => !denies.some((s) => s.actions.some((pat) => coversAction(pat, a))));
                if (uncovered.length) report(`Backup vault ${v.name}: access policy ${p.name} does not deny ${uncovered.join(", ")} to everyone ("*").`, p.urn);
                denies.forEach((s, i) => {
                    if (!s.condition) return; // denies even the break-glass role: stricter, allowed
                    const who = exempted(s.condition);
                    if (who.length !== 1 || !ROLE_ARN.test(who[0])) {
                        report(`Backup vault ${v.name}: access policy ${p.name} ${label(s, i)} exempts ${who.join(", ") || "nobody named"}; at most one role ARN without wildcards may be exempt.`, p.urn);
                    }
                });
            }
        }
    },
};
