/**
 * AWS Backup on top of the engines' own backups: a plan outside the
 * database's control (vault, retention, cross-account/region copies), which
 * survives the deletion of the cluster itself.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configWithDefaults, schema } from "./lib/config";
import { ids, ofType, referencedBy } from "./lib/references";
import { regionOf, regionOfArn } from "./lib/regions";
import { T } from "./lib/types";
import { UNKNOWN, knownList, peek } from "./lib/values";

/** `*` in an AWS Backup resource pattern matches any run of characters. */
function matches(pattern: string, arn: string): boolean {
    const re = new RegExp(`^${pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
    return re.test(arn);
}

/** Whether a backup selection takes in the cluster: by ARN (or pattern), by dependency, or by one of its tags. */
function selects(selection: PolicyResource, cluster: PolicyResource): boolean {
    if ((selection.propertyDependencies.resources ?? []).some((d) => d.urn === cluster.urn)) return true;
    const arn = peek(() => cluster.props.arn);
    const patterns = knownList(() => selection.props.resources as string[] | undefined).items;
    if (typeof arn === "string" && patterns.some((p) => matches(p, arn))) return true;
    const tags = peek(() => cluster.props.tags as Record<string, string> | undefined);
    const byTag = knownList(() => selection.props.selectionTags as { type: string; key: string; value: string }[] | undefined).items;
    return tags !== UNKNOWN && byTag.some((t) => t.type === "STRINGEQUALS" && tags?.[t.key] === t.value);
}

/**
 * A secondary member of a global cluster (in another region than the global
 * cluster) holds a replica of the primary's data; the primary's recovery
 * points, copied across regions, are its backups.
 */
function isGlobalSecondary(cluster: PolicyResource, globals: PolicyResource[]): boolean {
    const [g] = referencedBy(cluster, "globalClusterIdentifier", globals, (x) => ids(x, "globalClusterIdentifier"));
    return g !== undefined && regionOf(g) !== undefined && regionOf(cluster) !== regionOf(g);
}

/** Days a rule (or a copy) keeps recovery points; undefined when kept until deleted by hand. */
function deleteAfter(lifecycle: unknown): number | undefined {
    const v = peek(() => (lifecycle as { deleteAfter?: number } | undefined)?.deleteAfter);
    return typeof v === "number" ? v : undefined;
}

const coverageSchema = schema<{ required: boolean; minimumRetentionDays: number }>({
    required: { type: "boolean", default: true, description: "Whether every Aurora and DocumentDB cluster must be in an AWS Backup selection." },
    minimumRetentionDays: {
        type: "integer",
        minimum: 1,
        default: 35,
        description: "Fewest days every backup plan rule (and each of its copies) keeps recovery points.",
    },
});

export const awsBackupCoverage: StackValidationPolicy = {
    name: "aws-backup-coverage",
    description:
        "Every Aurora and DocumentDB cluster is in an AWS Backup selection (where the environment requires it), and every backup plan keeps recovery points, and their copies, at least the minimum number of days.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Declare an aws.backup.Plan with a CMK-encrypted aws.backup.Vault and an aws.backup.Selection naming the cluster ARN (or a tag it carries); " +
        "set each rule's lifecycle.deleteAfter (and each copyActions lifecycle) to at least the minimum, or leave it unset to keep recovery points until deleted.",
    configSchema: coverageSchema,
    validateStack: (args, report) => {
        const cfg = configWithDefaults(coverageSchema, args);
        const selections = ofType(args.resources, T.backupSelection);
        if (cfg.required) {
            const globals = ofType(args.resources, T.rdsGlobalCluster, T.docdbGlobalCluster);
            for (const c of ofType(args.resources, T.rdsCluster, T.docdbCluster)) {
                if (isGlobalSecondary(c, globals)) continue;
                if (!selections.some((s) => selects(s, c))) report(`Cluster ${c.name} is in no AWS Backup selection.`, c.urn);
            }
        }
        for (const plan of ofType(args.resources, T.backupPlan)) {
            for (const rule of knownList(() => plan.props.rules as Record<string, any>[]).items) {
                const name = peek(() => rule.ruleName) ?? "?";
                const days = deleteAfter(peek(() => rule.lifecycle));
                if (days !== undefined && days < cfg.minimumRetentionDays) {
                    report(`Backup plan ${plan.name} rule ${String(name)} deletes recovery points after ${days} days; at least ${cfg.minimumRetentionDays} are required.`, plan.urn);
                }
                for (const copy of knownList(() => rule.copyActions as Record<string, any>[] | undefined).items) {
                    const copyDays = deleteAfter(peek(() => copy.lifecycle));
                    if (copyDays !== undefined && copyDays < cfg.minimumRetentionDays) {
                        report(`Backup plan ${plan.name} rule ${String(name)} deletes copies after ${copyDays} days; at least ${cfg.minimumRetentionDays} are required.`, plan.urn);
                    }
                }
            }
        }
    },
};

const copySchema = schema<{ required: boolean }>({
    required: { type: "boolean", default: true, description: "Whether this environment must copy backups to another region." },
});

/** Regions the plan's rules copy to: from known vault ARNs, and from vault resources the rules depend on. */
function copyRegions(plan: PolicyResource, vaults: PolicyResource[]): Set<string> {
    const regions = new Set<string>();
    for (const rule of knownList(() => plan.props.rules as Record<string, any>[]).items) {
        for (const copy of knownList(() => rule.copyActions as Record<string, any>[] | undefined).items) {
            const arn = peek(() => copy.destinationVaultArn);
            const r = typeof arn === "string" ? regionOfArn(arn) : undefined;
            if (r) regions.add(r);
        }
    }
    // An ARN unknown during preview: the vault resources the rules refer to tell the region.
    for (const v of referencedBy(plan, "rules", vaults, (x) => ids(x, "arn"))) {
        const r = regionOf(v);
        if (r) regions.add(r);
    }
    return regions;
}

export const awsBackupCrossRegionCopy: StackValidationPolicy = {
    name: "aws-backup-cross-region-copy",
    description: "Where the environment requires it, a backup plan copies recovery points to a vault in another region, so a regional outage does not take the backups with it.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Declare a vault in the DR region (explicit provider or region input, with a CMK of that region) and add a copyActions entry with its ARN to a plan rule.",
    configSchema: copySchema,
    validateStack: (args, report) => {
        if (!configWithDefaults(copySchema, args).required) return;
        const clusters = ofType(args.resources, T.rdsCluster, T.docdbCluster);
        if (clusters.length === 0) return;
        const vaults = ofType(args.resources, T.backupVault);
        const plans = ofType(args.resources, T.backupPlan);
        const copies = plans.some((p) => {
            const home = regionOf(p);
            return [...copyRegions(p, vaults)].some((r) => r !== home);
        });
        if (!copies) {
            const why = plans.length === 0 ? "the stack declares no AWS Backup plan" : "no backup plan rule copies to a vault in another region";
            report(`Backups are not copied to another region: ${why}.`);
        }
    },
};
