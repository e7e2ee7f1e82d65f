/** Resource types of the docdb service. Sources: each spec's `source`, each rule's. */
import { ResourceTypeSpec, TF, identifier, namesASnapshot } from "./spec";

export const SPECS: ResourceTypeSpec[] = [
    {
        type: "aws:docdb/cluster:Cluster",
        stateful: {
            what: "DocumentDB cluster",
            risk: "a new, empty cluster volume: the documents and automated backups go with the old cluster (a final snapshot is all that is kept, if enabled)",
        },
        source: `${TF}/docdb/cluster.go`,
        example: {},
        rules: [],
        forceNew: [
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
        stateful: {
            what: "DocumentDB instance",
            risk: "the instance goes away: its connections drop, a primary fails over and the cluster has less capacity until a new one is up (the data itself lives in the cluster volume)",
        },
        source: `${TF}/docdb/cluster_instance.go`,
        example: {},
        rules: [],
        forceNew: [
            identifier("availabilityZone"),
            { property: "clusterIdentifier" },
            { property: "engine", default: "docdb" },
            identifier("identifier"),
            identifier("identifierPrefix"),
        ],
    },
    {
        type: "aws:docdb/globalCluster:GlobalCluster",
        stateful: {
            what: "DocumentDB global cluster",
            risk: "the global cluster is recreated: cross-region replication stops and the DR region's secondary has to be rebuilt from scratch",
        },
        source: `${TF}/docdb/global_cluster.go`,
        example: {},
        rules: [],
        forceNew: [{ property: "databaseName" }, identifier("engine"), { property: "globalClusterIdentifier" }, identifier("sourceDbClusterIdentifier"), identifier("storageEncrypted")],
    },
];
