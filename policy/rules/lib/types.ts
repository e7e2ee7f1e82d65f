/**
 * Type tokens of the resources the rules look at, for stack policies (which
 * filter the stack's resources by type). Resource policies use the @pulumi/aws
 * classes themselves; tests/policy/packs.test.ts ("every type token is the type
 * of the @pulumi/aws class it names") checks every token here against the class
 * of the installed @pulumi/aws, so a rename cannot slip by.
 */
export const T = {
    rdsCluster: "aws:rds/cluster:Cluster",
    rdsInstance: "aws:rds/clusterInstance:ClusterInstance",
    rdsClusterParams: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    rdsParams: "aws:rds/parameterGroup:ParameterGroup",
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
    kmsReplicaKey: "aws:kms/replicaKey:ReplicaKey",
    kmsKeyPolicy: "aws:kms/keyPolicy:KeyPolicy",
    backupVaultPolicy: "aws:backup/vaultPolicy:VaultPolicy",
    snsTopic: "aws:sns/topic:Topic",
    snsTopicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    backupVaultLock: "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
    rdsDbInstance: "aws:rds/instance:Instance",
    rdsClusterSnapshot: "aws:rds/clusterSnapshot:ClusterSnapshot",
    rdsSnapshot: "aws:rds/snapshot:Snapshot",
    rdsClusterSnapshotCopy: "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy",
    rdsSnapshotCopy: "aws:rds/snapshotCopy:SnapshotCopy",
    docdbClusterSnapshot: "aws:docdb/clusterSnapshot:ClusterSnapshot",
    cacheCluster: "aws:elasticache/cluster:Cluster",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    sgIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    sgEgressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    secretRotation: "aws:secretsmanager/secretRotation:SecretRotation",
} as const;

/** The AWS class name each token stands for, e.g. "rds.Cluster" (for the test above). */
export function awsClassPath(token: string): string {
    const [, mod, name] = token.split(":");
    return `${mod.split("/")[0]}.${name}`;
}
