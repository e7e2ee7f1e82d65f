/** Resource types of the elasticache service. Sources: each spec's `source`, each rule's. */
import { ResourceTypeSpec, TF, identifier, isDowngrade } from "./spec";

export const SPECS: ResourceTypeSpec[] = [
    {
        type: "aws:elasticache/replicationGroup:ReplicationGroup",
        stateful: {
            what: "ElastiCache replication group",
            risk: "a new, empty cache: every cached session, model and feature is gone, and its snapshots unless a final one is taken",
        },
        source: `${TF}/elasticache/replication_group.go`,
        example: {},
        rules: [],
        forceNew: [
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
        type: "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
        stateful: {
            what: "ElastiCache global datastore",
            risk: "the global datastore is recreated: the DR region's cache stops replicating and has to be rejoined",
        },
        // Also stated in @pulumi/aws's elasticache/globalReplicationGroup.d.ts: "If ... is changed, creates a new resource".
        source: `${TF}/elasticache/global_replication_group.go`,
        example: {},
        rules: [],
        forceNew: [{ property: "globalReplicationGroupIdSuffix" }, { property: "primaryReplicationGroupId" }],
    },
];
