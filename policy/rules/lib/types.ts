/**
 * Type tokens of the resources the rules look at, for stack policies (which
 * filter the stack's resources by type). Resource policies use the @pulumi/aws
 * classes themselves; tests/policy/types.test.ts checks every token here
 * against the class of the installed @pulumi/aws, so a rename cannot slip by.
 */
export const T = {
    rdsCluster: "aws:rds/cluster:Cluster",
    rdsInstance: "aws:rds/clusterInstance:ClusterInstance",
    rdsClusterParams: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    rdsGlobalCluster: "aws:rds/globalCluster:GlobalCluster",
    docdbCluster: "aws:docdb/cluster:Cluster",
    docdbInstance: "aws:docdb/clusterInstance:ClusterInstance",
    docdbClusterParams: "aws:docdb/clusterParameterGroup:ClusterParameterGroup",
    docdbGlobalCluster: "aws:docdb/globalCluster:GlobalCluster",
    redisGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    redisGlobalGroup: "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
    backupPlan: "aws:backup/plan:Plan",
    backupSelection: "aws:backup/selection:Selection",
    backupVault: "aws:backup/vault:Vault",
    kmsKey: "aws:kms/key:Key",
} as const;

/** The AWS class name each token stands for, e.g. "rds.Cluster" (for the test above). */
export function awsClassPath(token: string): string {
    const [, mod, name] = token.split(":");
    return `${mod.split("/")[0]}.${name}`;
}
