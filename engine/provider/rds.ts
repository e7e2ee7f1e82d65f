/** Resource types of the rds service. Sources: each spec's `source`, each rule's. */
import { ResourceTypeSpec, TF, identifier, namesASnapshot } from "./spec";

export const SPECS: ResourceTypeSpec[] = [
    {
        type: "aws:rds/cluster:Cluster",
        stateful: {
            what: "Aurora cluster",
            risk: "a new, empty cluster volume: the database and its automated backups go with the old cluster (a final snapshot is all that is kept, if enabled)",
        },
        source: `${TF}/rds/cluster.go`,
        example: {},
        rules: [],
        forceNew: [
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
        stateful: {
            what: "Aurora instance",
            risk: "the instance goes away: its connections drop, a writer fails over and the cluster has less capacity until a new one is up (the data itself lives in the cluster volume)",
        },
        source: `${TF}/rds/cluster_instance.go`,
        example: {},
        rules: [],
        forceNew: [
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
        type: "aws:rds/globalCluster:GlobalCluster",
        stateful: {
            what: "Aurora global cluster",
            risk: "the global cluster is recreated: cross-region replication stops and the DR region's secondary has to be rebuilt from scratch",
        },
        source: `${TF}/rds/global_cluster.go`,
        example: {},
        rules: [],
        forceNew: [{ property: "databaseName" }, identifier("engine"), { property: "globalClusterIdentifier" }, identifier("sourceDbClusterIdentifier"), identifier("storageEncrypted")],
    },
];
