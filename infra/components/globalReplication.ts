import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { EncryptionKey } from "./encryptionKey";
import { cacheLogGroupPrefix } from "./redisCache";

export interface GlobalReplicationArgs {
    /** The primary stack's name prefix, for the global identifiers. @example "mlops-prod" */
    namePrefix: string;
    /** The `dr` stack's name prefix: the DR-region keys carry its names. @example "mlops-dr" */
    drNamePrefix: string;
    /** A provider for the DR region; only the DR-region keys use it. */
    drProvider: aws.Provider;
    /**
     * The first generation's Aurora and DocumentDB clusters, the sources of the first global clusters
     * ("<prefix>-mlflow-global", "<prefix>-docs-global"). Undefined once that generation is removed
     * (replication.retired "remove" after a rebuild): its global clusters go with it.
     */
    firstGeneration?: { auroraClusterArn: pulumi.Input<string>; documentDbClusterArn: pulumi.Input<string> };
    /**
     * Deletion protection of each global cluster: the setting of the store it replicates
     * (aurora.deletionProtection, documentdb.deletionProtection), never one for both.
     */
    deletionProtection: { aurora: boolean; documentdb: boolean };
    /**
     * The engine version of each global database: the stack file's `aurora.engineVersion`,
     * `documentdb.engineVersion` and `redis.engineVersion`. Declared on the global resource, not on its
     * members (which ignore it), so that changing it in the stack file upgrades every member in every
     * region through the global resource (docs/runbooks/dr-standup.md, "Upgrading the engine of a global
     * database"). AWS applies no automatic minor upgrade to a member of a global database. Every member's
     * region must answer for the upgrade. A major upgrade is done on the global cluster and resets the
     * clusters' parameter groups to the new version's defaults; a minor one upgrades the secondaries
     * before the primary (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-upgrade.html).
     * Only minor upgrades are drilled (make dr-drill, scenario f): a major one also changes the parameter
     * group family, which this program does not yet carry through.
     */
    engineVersion: { aurora: string; documentdb: string; cache: string };
    /** The primary cache's replication group id, when the cache is replicated as a global datastore. */
    cacheReplicationGroupId?: pulumi.Input<string>;
    tags: Record<string, string>;
}

/**
 * The primary side of cross-region replication: an Aurora global cluster and a
 * DocumentDB global cluster with this stack's clusters as their primaries, an
 * ElastiCache global datastore when asked, and, in the DR region, one key per
 * store for the `dr` stack's members.
 *
 * Keys: one per region, not multi-region keys. AWS re-encrypts global-cluster
 * replication, snapshot copies and backup copies with the destination region's
 * key anyway, so shared key material buys nothing; and turning an existing
 * single-region key into a multi-region one is impossible (it would replace the
 * key, and with it every cluster encrypted under it). The DR keys are declared
 * here, before any disaster, and the `dr` stack only reads their ARNs.
 */
export class GlobalReplication extends pulumi.ComponentResource {
    /** The first generation's global clusters; undefined once it is removed. */
    public readonly auroraGlobalCluster?: aws.rds.GlobalCluster;
    public readonly documentDbGlobalCluster?: aws.docdb.GlobalCluster;
    public readonly cacheGlobalDatastore?: aws.elasticache.GlobalReplicationGroup;
    /** Keys in the DR region, per store. */
    public readonly drKeys: { aurora: EncryptionKey; documentdb: EncryptionKey; cache: EncryptionKey };
    /** The global datastore's id, or null when the cache is not replicated. */
    public readonly cacheGlobalReplicationGroupId: pulumi.Output<string | null>;

    constructor(name: string, args: GlobalReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlops:data:GlobalReplication", name, {}, opts);
        const inDr = { parent: this, providers: [args.drProvider] };
        const dr = args.drNamePrefix;
        this.drKeys = {
            aurora: new EncryptionKey(`${name}-dr-aurora-key`, { description: `Aurora PostgreSQL ${dr}-mlflow (DR region)`, alias: `${dr}-mlflow`, tags: args.tags }, inDr),
            documentdb: new EncryptionKey(`${name}-dr-documentdb-key`, { description: `DocumentDB ${dr}-docs (DR region)`, alias: `${dr}-docs`, tags: args.tags }, inDr),
            cache: new EncryptionKey(
                `${name}-dr-cache-key`,
                {
                    description: `ElastiCache ${dr}-cache (DR region)`,
                    alias: `${dr}-cache`,
                    logGroupNamePrefix: cacheLogGroupPrefix(`${dr}-cache`),
                    tags: args.tags,
                },
                inDr,
            ),
        };

        // From the existing primaries: the primaries ignore the global membership AWS sets on them.
        if (args.firstGeneration) {
            this.auroraGlobalCluster = new aws.rds.GlobalCluster(
                `${name}-aurora`,
                {
                    globalClusterIdentifier: `${args.namePrefix}-mlflow-global`,
                    sourceDbClusterIdentifier: args.firstGeneration.auroraClusterArn,
                    // An update of engine_version upgrades the members (rds/global_cluster.go, Update ->
                    // globalClusterUpgradeEngineVersion): ModifyGlobalCluster for a major version, else ModifyDBCluster
                    // on each member, secondaries first (it retries "upgrade global replicas first"). On create the
                    // provider ignores engine_version next to source_db_cluster_identifier (terraform-provider-aws
                    // PR #44252), as CreateGlobalCluster wants: "EngineVersion: Can't be specified if
                    // SourceDBClusterIdentifier is specified" (API_CreateGlobalCluster). Which upstream release
                    // @pulumi/aws 7.48 bundles could not be read here; the PR (2025-09) predates it.
                    engineVersion: args.engineVersion.aurora,
                    deletionProtection: args.deletionProtection.aurora,
                    // Lets Pulumi remove the source cluster's membership when the global cluster is deleted.
                    forceDestroy: true,
                    tags: args.tags,
                },
                { parent: this },
            );
            this.documentDbGlobalCluster = new aws.docdb.GlobalCluster(
                `${name}-documentdb`,
                {
                    globalClusterIdentifier: `${args.namePrefix}-docs-global`,
                    sourceDbClusterIdentifier: args.firstGeneration.documentDbClusterArn,
                    // An update of engine_version runs ModifyDBCluster (ApplyImmediately) on every member
                    // (docdb/global_cluster.go, Update). CreateGlobalCluster of DocumentDB accepts EngineVersion
                    // next to SourceDBClusterIdentifier (API_CreateGlobalCluster lists no constraint).
                    engineVersion: args.engineVersion.documentdb,
                    deletionProtection: args.deletionProtection.documentdb,
                },
                { parent: this },
            );
        }
        if (args.cacheReplicationGroupId !== undefined) {
            this.cacheGlobalDatastore = new aws.elasticache.GlobalReplicationGroup(
                `${name}-cache`,
                {
                    globalReplicationGroupIdSuffix: `${args.namePrefix}-cache`,
                    primaryReplicationGroupId: args.cacheReplicationGroupId,
                    globalReplicationGroupDescription: `Cache of ${args.namePrefix}, replicated to the DR region`,
                    // On create the provider upgrades the datastore if this is newer than the primary's; on
                    // update a minor change is ModifyGlobalReplicationGroup EngineVersion for every member
                    // (elasticache/global_replication_group.go). A major change needs parameterGroupName too,
                    // which this program does not declare: the schema allows it only as a planned change.
                    engineVersion: args.engineVersion.cache,
                },
                // primary_replication_group_id is Required and ForceNew, and Read sets it from the member whose
                // role is PRIMARY (elasticache/global_replication_group.go): after a failover of the datastore a
                // refresh records the DR group, and declaring prod's would replace the datastore (issue 14, defect 2).
                // The id only matters at create time; AWS moves the primary with failover-global-replication-group.
                { parent: this, ignoreChanges: ["primaryReplicationGroupId"] },
            );
        }
        this.cacheGlobalReplicationGroupId = this.cacheGlobalDatastore?.globalReplicationGroupId ?? pulumi.output(null);

        this.registerOutputs({
            auroraGlobalClusterIdentifier: this.auroraGlobalCluster?.globalClusterIdentifier,
            documentDbGlobalClusterIdentifier: this.documentDbGlobalCluster?.globalClusterIdentifier,
            cacheGlobalReplicationGroupId: this.cacheGlobalReplicationGroupId,
        });
    }
}

export interface RebuiltGlobalClustersArgs {
    /** The global clusters' identifiers (infra/platformPlan.ts, rebuiltGlobalIdentifiers). */
    identifiers: { aurora: string; documentdb: string };
    /** The DR clusters serving now, by ARN: they become the new global clusters' primaries. */
    sources: { aurora: string; documentdb: string };
    /** A provider for the DR region, where the sources are. */
    drProvider: aws.Provider;
    deletionProtection: { aurora: boolean; documentdb: boolean };
    /** As GlobalReplicationArgs.engineVersion: the version of every member is the global cluster's. */
    engineVersion: { aurora: string; documentdb: string };
    tags: Record<string, string>;
}

/**
 * The global clusters of a rebuilt generation of prod (docs/runbooks/dr-standup.md, D.3): after a
 * detach or a restore, the DR cluster serving is a standalone cluster, and AWS can make an existing
 * cluster only the source (the primary) of a new global cluster, never a member of an existing one
 * (API_CreateGlobalCluster: "you can specify an existing Aurora cluster during the create operation,
 * and this cluster becomes the primary cluster of the global database"). prod's new clusters join
 * these as secondaries; a switchover then makes them the primaries, with no data lost.
 *
 * Created in the DR region, where the source is: the AWS guide creates a global database from an
 * existing cluster in that cluster's region; whether CreateGlobalCluster accepts a source in another
 * region could not be checked here. The engine version is declared as on the first generation's
 * global clusters (see there for create and update); the source only matters at creation
 * (source_db_cluster_identifier is ForceNew and Optional+Computed, Read does not change it:
 * rds/global_cluster.go, docdb/global_cluster.go), so it is ignored afterwards and editing the
 * rebuild's entry never replaces a global cluster.
 */
export class RebuiltGlobalClusters extends pulumi.ComponentResource {
    public readonly aurora: aws.rds.GlobalCluster;
    public readonly documentDb: aws.docdb.GlobalCluster;

    constructor(name: string, args: RebuiltGlobalClustersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlops:data:RebuiltGlobalClusters", name, {}, opts);
        const inDr = { parent: this, provider: args.drProvider, ignoreChanges: ["sourceDbClusterIdentifier"] };
        this.aurora = new aws.rds.GlobalCluster(
            `${name}-aurora`,
            {
                globalClusterIdentifier: args.identifiers.aurora,
                sourceDbClusterIdentifier: args.sources.aurora,
                engineVersion: args.engineVersion.aurora,
                deletionProtection: args.deletionProtection.aurora,
                // Lets Pulumi remove the members when the global cluster is deleted (rds/global_cluster.go Delete).
                forceDestroy: true,
                tags: args.tags,
            },
            inDr,
        );
        // docdb/global_cluster.go Delete removes every member first.
        this.documentDb = new aws.docdb.GlobalCluster(
            `${name}-documentdb`,
            { globalClusterIdentifier: args.identifiers.documentdb, sourceDbClusterIdentifier: args.sources.documentdb, engineVersion: args.engineVersion.documentdb, deletionProtection: args.deletionProtection.documentdb },
            inDr,
        );
        this.registerOutputs({ aurora: this.aurora.globalClusterIdentifier, documentDb: this.documentDb.globalClusterIdentifier });
    }
}
