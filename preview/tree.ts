import type { RecordedResource } from "../engine/mockEngine";

/** Short facts worth seeing in the tree for a few resource types. */
function summary(r: RecordedResource): string {
    const i = r.inputs;
    switch (r.type) {
        case "aws:rds/cluster:Cluster":
            return `${i.engine} ${i.engineVersion}, encrypted=${i.storageEncrypted}, backups ${i.backupRetentionPeriod}d ${i.preferredBackupWindow}, deletionProtection=${i.deletionProtection}${origin(i)}`;
        case "aws:docdb/cluster:Cluster":
            return `docdb ${i.engineVersion}, encrypted=${i.storageEncrypted}, backups ${i.backupRetentionPeriod}d ${i.preferredBackupWindow}, deletionProtection=${i.deletionProtection}${origin(i)}`;
        case "aws:elasticache/replicationGroup:ReplicationGroup":
            return (
                (i.globalReplicationGroupId ? `secondary of ${i.globalReplicationGroupId}, ${i.numCacheClusters} nodes` : `${i.engine} ${i.engineVersion}, ${i.numCacheClusters} x ${i.nodeType}`) +
                `, transit=${i.transitEncryptionMode}, failover=${i.automaticFailoverEnabled}, snapshots ${i.snapshotRetentionLimit}d ${i.snapshotWindow}`
            );
        case "aws:rds/globalCluster:GlobalCluster":
        case "aws:docdb/globalCluster:GlobalCluster":
            return `primary ${i.sourceDbClusterIdentifier}`;
        case "aws:rds/clusterInstance:ClusterInstance":
        case "aws:docdb/clusterInstance:ClusterInstance":
            return `${i.instanceClass} in ${i.availabilityZone}, tier ${i.promotionTier}`;
        case "aws:backup/plan:Plan":
            return (i.rules ?? [])
                .map((r: any) =>
                    `${r.ruleName}: ${r.enableContinuousBackup ? "continuous, " : ""}${r.schedule}, keep ${r.lifecycle?.deleteAfter}d` +
                    (r.copyActions?.length ? `, copy to ${r.copyActions.length} vault(s)` : ""),
                )
                .join("; ");
        case "aws:backup/vault:Vault":
            return `in ${String(r.outputs.arn).split(":")[3]}`;
        case "pulumi:providers:aws":
            return `region ${i.region}`;
        case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
            return `tcp/${i.fromPort} from ${i.referencedSecurityGroupId ?? i.cidrIpv4}`;
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return `${i.metricName} ${i.comparisonOperator === "LessThanThreshold" ? "<" : ">"} ${i.threshold}`;
        default:
            return "";
    }
}

/** Where a cluster's data comes from, when it is not a new primary. */
function origin(i: Record<string, any>): string {
    if (i.globalClusterIdentifier) return `, secondary of ${i.globalClusterIdentifier}`;
    if (i.snapshotIdentifier) return `, restored from ${i.snapshotIdentifier}`;
    return "";
}

/** Renders the resources as a tree, children under their parents, like `pulumi preview`. */
export function renderTree(resources: RecordedResource[]): string {
    const children = new Map<string | undefined, RecordedResource[]>();
    for (const r of resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const lines: string[] = [];
    const walk = (parent: string | undefined, indent: string) => {
        const list = children.get(parent) ?? [];
        list.forEach((r, idx) => {
            const last = idx === list.length - 1;
            const branch = parent === undefined ? "" : last ? "└─ " : "├─ ";
            const s = summary(r);
            lines.push(`${indent}${branch}${r.type}  ${r.name}${s ? `  (${s})` : ""}`);
            walk(r.urn, parent === undefined ? indent : indent + (last ? "   " : "│  "));
        });
    };
    walk(undefined, "  ");
    return lines.join("\n");
}

/** Resource counts by type, largest first. */
export function countsByType(resources: RecordedResource[]): [string, number][] {
    const counts = new Map<string, number>();
    for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
