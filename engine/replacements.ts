/**
 * The one table of what forces the AWS provider to REPLACE a stateful
 * resource (delete it and create a new one) instead of updating it in place.
 *
 * Source: @pulumi/aws is bridged from the Terraform AWS provider, whose
 * resource schemas mark these arguments `ForceNew` (or force a new resource
 * from `CustomizeDiff` for the conditional ones). Each entry links the schema
 * it was read from (hashicorp/terraform-provider-aws, internal/service/...);
 * the same facts appear as "Changing this forces a new resource" in the
 * provider's registry docs. Property names are @pulumi/aws's (camelCase).
 * Re-check this file when @pulumi/aws moves to a new major version.
 *
 * Only these types get replacement analysis; a change to any other type is
 * reported as a change, without guessing whether it replaces.
 */

export interface ReplacingProperty {
    /** The input, as @pulumi/aws names it; a change anywhere below it counts. */
    property: string;
    /** The argument's name in the provider schema, where the bridge does not just snake_case it. */
    terraform?: string;
    /**
     * Optional and Computed in the provider schema: with the input removed from
     * the program the provider keeps the current value, so only a new value replaces.
     */
    keepsValueWhenRemoved?: true;
    /** The value the provider assumes when the input is not set (a change between the two is no change). */
    default?: unknown;
    /** Only some changes replace (the provider decides in CustomizeDiff or suppresses a diff): which ones. */
    only?: { when: string; test: (before: unknown, after: unknown, inputs: Record<string, unknown>) => boolean };
}

export interface StatefulType {
    type: string;
    /** What it is, for the report. */
    what: string;
    /** What a replacement destroys or interrupts, for the report's DATA LOSS RISK line. */
    risk: string;
    /** Where the list below was read. */
    source: string;
    properties: ReplacingProperty[];
}

const TF = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service";

/** Removing a snapshot to restore from does not replace (the provider suppresses that diff); naming a new one does. */
const namesASnapshot = { when: "set to a snapshot (removing it does not replace)", test: (_b: unknown, after: unknown) => after !== undefined && after !== "" };

function versionParts(v: unknown): number[] {
    return String(v ?? "").split(".").map((p) => Number.parseInt(p, 10) || 0);
}
function isDowngrade(before: unknown, after: unknown): boolean {
    const [b, a] = [versionParts(before), versionParts(after)];
    for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
    return false;
}

const identifier = (property: string): ReplacingProperty => ({ property, keepsValueWhenRemoved: true });

export const STATEFUL_TYPES: StatefulType[] = [
    {
        type: "aws:rds/cluster:Cluster",
        what: "Aurora cluster",
        risk: "a new, empty cluster volume: the database and its automated backups go with the old cluster (a final snapshot is all that is kept, if enabled)",
        source: `${TF}/rds/cluster.go`,
        properties: [
            identifier("availabilityZones"),
            identifier("clusterIdentifier"),
            identifier("clusterIdentifierPrefix"),
            identifier("clusterScalabilityType"),
            identifier("databaseName"),
            identifier("dbSubnetGroupName"),
            identifier("dbSystemId"),
            { property: "engine" },
            { property: "engineMode", default: "provisioned" },
            identifier("kmsKeyId"),
            identifier("masterUsername"),
            { property: "restoreToPointInTime" },
            { property: "s3Import" },
            { property: "snapshotIdentifier", only: namesASnapshot },
            { property: "sourceRegion" },
            identifier("storageEncrypted"),
            {
                property: "storageType",
                only: { when: "the engine is not Aurora (Aurora changes storage type in place)", test: (_b, _a, inputs) => !String(inputs.engine ?? "").startsWith("aurora") },
            },
        ],
    },
    {
        type: "aws:rds/clusterInstance:ClusterInstance",
        what: "Aurora instance",
        risk: "the instance goes away: its connections drop, a writer fails over and the cluster has less capacity until a new one is up (the data itself lives in the cluster volume)",
        source: `${TF}/rds/cluster_instance.go`,
        properties: [
            identifier("availabilityZone"),
            { property: "clusterIdentifier" },
            { property: "customIamInstanceProfile" },
            identifier("dbSubnetGroupName"),
            { property: "engine" },
            identifier("identifier"),
            identifier("identifierPrefix"),
        ],
    },
    {
        type: "aws:docdb/cluster:Cluster",
        what: "DocumentDB cluster",
        risk: "a new, empty cluster volume: the documents and automated backups go with the old cluster (a final snapshot is all that is kept, if enabled)",
        source: `${TF}/docdb/cluster.go`,
        properties: [
            identifier("availabilityZones"),
            identifier("clusterIdentifier"),
            identifier("clusterIdentifierPrefix"),
            identifier("dbSubnetGroupName"),
            { property: "engine", default: "docdb" },
            identifier("kmsKeyId"),
            identifier("masterUsername"),
            { property: "port", default: 27017 },
            { property: "restoreToPointInTime" },
            { property: "snapshotIdentifier", only: namesASnapshot },
            { property: "storageEncrypted" },
            {
                property: "serverlessV2ScalingConfiguration",
                only: { when: "removed (adding or changing it is done in place)", test: (before, after) => before !== undefined && after === undefined },
            },
        ],
    },
    {
        type: "aws:docdb/clusterInstance:ClusterInstance",
        what: "DocumentDB instance",
        risk: "the instance goes away: its connections drop, a primary fails over and the cluster has less capacity until a new one is up (the data itself lives in the cluster volume)",
        source: `${TF}/docdb/cluster_instance.go`,
        properties: [
            identifier("availabilityZone"),
            { property: "clusterIdentifier" },
            { property: "engine", default: "docdb" },
            identifier("identifier"),
            identifier("identifierPrefix"),
        ],
    },
    {
        type: "aws:elasticache/replicationGroup:ReplicationGroup",
        what: "ElastiCache replication group",
        risk: "a new, empty cache: every cached session, model and feature is gone, and its snapshots unless a final one is taken",
        source: `${TF}/elasticache/replication_group.go`,
        properties: [
            identifier("atRestEncryptionEnabled"),
            identifier("dataTieringEnabled"),
            identifier("globalReplicationGroupId"),
            { property: "kmsKeyId" },
            identifier("networkType"),
            { property: "port", default: 6379 },
            { property: "replicationGroupId" },
            identifier("securityGroupNames"),
            { property: "snapshotArns" },
            { property: "snapshotName" },
            identifier("subnetGroupName"),
            {
                property: "engine",
                only: { when: "changed from valkey back to redis (redis to valkey is an in-place upgrade)", test: (before, after) => before === "valkey" && after === "redis" },
            },
            { property: "engineVersion", only: { when: "downgraded (upgrades are in place)", test: isDowngrade } },
            // Pluralised by the bridge; the provider's CustomizeDiff replaces on changes to explicit node groups.
            { property: "nodeGroupConfigurations", terraform: "node_group_configuration" },
        ],
    },
    {
        type: "aws:kms/key:Key",
        what: "KMS key",
        risk: "the old key is scheduled for deletion: every store, snapshot and recovery point encrypted with it becomes unreadable when the deletion window ends",
        source: `${TF}/kms/key.go`,
        properties: [
            { property: "customKeyStoreId" },
            { property: "customerMasterKeySpec", default: "SYMMETRIC_DEFAULT" },
            { property: "keyUsage", default: "ENCRYPT_DECRYPT" },
            identifier("multiRegion"),
            { property: "xksKeyId" },
        ],
    },
    {
        type: "aws:backup/vault:Vault",
        what: "AWS Backup vault",
        risk: "the vault is deleted with its recovery points (or the deletion fails while it holds any): the backups that meet the RPO are gone",
        source: `${TF}/backup/vault.go`,
        properties: [identifier("kmsKeyArn"), { property: "name" }],
    },
    {
        type: "aws:rds/globalCluster:GlobalCluster",
        what: "Aurora global cluster",
        risk: "the global cluster is recreated: cross-region replication stops and the DR region's secondary has to be rebuilt from scratch",
        source: `${TF}/rds/global_cluster.go`,
        properties: [{ property: "databaseName" }, identifier("engine"), { property: "globalClusterIdentifier" }, identifier("sourceDbClusterIdentifier"), identifier("storageEncrypted")],
    },
    {
        type: "aws:docdb/globalCluster:GlobalCluster",
        what: "DocumentDB global cluster",
        risk: "the global cluster is recreated: cross-region replication stops and the DR region's secondary has to be rebuilt from scratch",
        source: `${TF}/docdb/global_cluster.go`,
        properties: [{ property: "databaseName" }, identifier("engine"), { property: "globalClusterIdentifier" }, identifier("sourceDbClusterIdentifier"), identifier("storageEncrypted")],
    },
    {
        type: "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
        what: "ElastiCache global datastore",
        risk: "the global datastore is recreated: the DR region's cache stops replicating and has to be rejoined",
        // Also stated in @pulumi/aws's elasticache/globalReplicationGroup.d.ts: "If ... is changed, creates a new resource".
        source: `${TF}/elasticache/global_replication_group.go`,
        properties: [{ property: "globalReplicationGroupIdSuffix" }, { property: "primaryReplicationGroupId" }],
    },
];

const BY_TYPE = new Map(STATEFUL_TYPES.map((t) => [t.type, t]));

/** The argument as the provider schema (the source) names it: masterUsername is master_username. */
export function terraformArgument(p: ReplacingProperty): string {
    return p.terraform ?? p.property.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

export function statefulType(type: string): StatefulType | undefined {
    return BY_TYPE.get(type);
}
