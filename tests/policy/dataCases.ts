/**
 * Cases for the KMS key policy, backup vault, snapshot and network policies
 * of issue 16. Where a rule applies by resource type, one case adds a resource
 * of a type (or outside the shape) no component of this repo declares: a
 * replica key, a snapshot, a snapshot copy, a standalone ElastiCache cluster,
 * an RDS instance, an old-style aws.ec2.SecurityGroupRule, a second vault.
 */
import { BREAK_GLASS, Case, Fixture, KEY_POLICY, TAGS } from "./engineShape";

const BASE = { "global-cluster-required": { required: false } };
const doc = (statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const keyArn = "arn:aws:kms:us-east-1:123456789012:key/0000example-key";
const denyAll = (actions: string[], condition?: object) => ({ Effect: "Deny", Principal: { AWS: "*" }, Action: actions, Resource: "*", ...(condition ? { Condition: condition } : {}) });
const PROTECTED = ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:DeleteBackupVaultLockConfiguration"];

/** A plain RDS instance, as a pull request might add one outside the components: every rule met unless `change` breaks one. */
function legacyInstance(f: Fixture, change: Record<string, unknown> = {}, protect = true) {
    const props: Record<string, unknown> = {
        identifier: "legacy", engine: "postgres", instanceClass: "db.t4g.micro", storageEncrypted: true, kmsKeyId: keyArn, monitoringInterval: 60,
        performanceInsightsEnabled: true, performanceInsightsKmsKeyId: keyArn, deletionProtection: true, backupRetentionPeriod: 35, multiAz: true,
        iamDatabaseAuthenticationEnabled: true, copyTagsToSnapshot: true, enabledCloudwatchLogsExports: ["postgresql"], parameterGroupName: "legacy-params", tags: TAGS, ...change,
    };
    if (!f.resources.some((r) => r.name === "legacy-params")) {
        f.add("aws:rds/parameterGroup:ParameterGroup", "legacy-params", {
            name: "legacy-params",
            family: "postgres16",
            parameters: [{ name: "rds.force_ssl", value: "1" }, { name: "log_min_duration_statement", value: "1000" }, { name: "log_statement", value: "ddl" }],
            tags: TAGS,
        });
    }
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete props[k];
    f.add("aws:rds/instance:Instance", "legacy", props, { protect });
}

/** A security group of the data tier, described and tagged, optionally attached to pg. */
function extraGroup(f: Fixture, name: string, props: object = {}) {
    f.add("aws:ec2/securityGroup:SecurityGroup", name, { name, description: `${name}: test group`, vpcId: "vpc-0123456789abcdef0", tags: TAGS, ...props });
}

export const DATA_CASES: Case[] = [
    // kms-key-policy
    { title: "a key left on KMS's default policy", change: (f) => f.set("key", { policy: undefined }), violated: ["kms-key-policy"], message: /KMS key key has no key policy/ },
    {
        title: "a key policy allowing everyone without a condition",
        change: (f) => f.set("key", { policy: doc([{ Sid: "Open", Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*" }]) }),
        violated: ["kms-key-policy"],
        message: /KMS key key: statement "Open" allows any principal \("\*"\) kms:Decrypt with no condition/,
    },
    { title: "a disabled key", change: (f) => f.set("dr-key", { isEnabled: false }), violated: ["kms-key-policy"], message: /KMS key dr-key is disabled/ },
    {
        title: "a multi-Region replica key (no component declares one) open to everyone",
        change: (f) =>
            f.add("aws:kms/replicaKey:ReplicaKey", "replica", { primaryKeyArn: keyArn, policy: doc([{ Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }]), tags: TAGS }, { provider: "dr" }),
        violated: ["kms-key-policy"],
        message: /KMS replica key replica: statement 0 allows any principal \("\*"\) kms:\* with no condition/,
    },
    // backup-vault-lock
    { title: "the copy vault unlocked", change: (f) => f.remove("dr-vault-lock"), violated: ["backup-vault-lock"], message: /Backup vault dr-vault has no vault lock/ },
    {
        title: "a rule keeping backups beyond the lock's maximum",
        change: (f) => f.set("plan", { rules: [{ ...f.get("plan").inputs.rules[0], lifecycle: { deleteAfter: 400 } }] }),
        violated: ["backup-vault-lock"],
        message: /Backup plan plan rule daily into vault vault keeps recovery points 400 days; the vault's lock allows at most 365/,
    },
    {
        title: "copies kept shorter than the copy vault's lock minimum",
        change: (f) => f.set("plan", { rules: [{ ...f.get("plan").inputs.rules[0], copyActions: [{ ...f.get("plan").inputs.rules[0].copyActions[0], lifecycle: { deleteAfter: 3 } }] }] }),
        config: { ...BASE, "aws-backup-coverage": { minimumRetentionDays: 1 } },
        violated: ["backup-vault-lock"],
        message: /rule daily's copy into vault dr-vault keeps recovery points 3 days; the vault's lock requires at least 7/,
    },
    {
        title: "a second vault added outside the component: no lock, no access policy",
        change: (f) => f.add("aws:backup/vault:Vault", "extra-vault", { name: "extra-vault", kmsKeyArn: keyArn, tags: TAGS }, { deps: { kmsKeyArn: ["key"] } }),
        violated: ["backup-vault-access-policy", "backup-vault-lock"],
        message: /Backup vault extra-vault has no (vault lock|access policy)/,
    },
    // backup-vault-access-policy
    { title: "the vault without an access policy", change: (f) => f.remove("vault-policy"), violated: ["backup-vault-access-policy"], message: /Backup vault vault has no access policy/ },
    {
        title: "lifecycle changes not denied",
        change: (f) => f.set("vault-policy", { policy: doc([denyAll(["backup:DeleteRecoveryPoint", "backup:DeleteBackupVaultLockConfiguration"], { ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } })]) }),
        violated: ["backup-vault-access-policy"],
        message: /does not deny backup:UpdateRecoveryPointLifecycle to everyone/,
    },
    {
        title: "every role exempt by a wildcard",
        change: (f) => f.set("dr-vault-policy", { policy: doc([denyAll(PROTECTED, { ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/*" } })]) }),
        violated: ["backup-vault-access-policy"],
        message: /exempts arn:aws:iam::123456789012:role\/\*; at most one role ARN without wildcards/,
    },
    // snapshots-not-shared
    {
        title: "a public cluster snapshot",
        change: (f) => f.add("aws:rds/clusterSnapshot:ClusterSnapshot", "snap", { dbClusterIdentifier: "pg", dbClusterSnapshotIdentifier: "snap", sharedAccounts: ["all"], tags: TAGS }, { deps: { dbClusterIdentifier: ["pg"] } }),
        violated: ["snapshots-not-shared"],
        message: /Snapshot snap is public: sharedAccounts includes "all"/,
    },
    {
        title: "a snapshot copy shared with an unlisted account",
        change: (f) =>
            f.add("aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy", "copy", { sourceDbClusterSnapshotIdentifier: "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:s", targetDbClusterSnapshotIdentifier: "copy", kmsKeyId: keyArn, sharedAccounts: ["999999999999"], tags: TAGS }),
        violated: ["snapshots-not-shared"],
        message: /Snapshot copy is shared with 999999999999; allowed: none/,
    },
    // snapshots-encrypted-with-cmk
    {
        title: "a snapshot copy on the default key",
        change: (f) => f.add("aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy", "copy", { sourceDbClusterSnapshotIdentifier: "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:s", targetDbClusterSnapshotIdentifier: "copy", tags: TAGS }),
        violated: ["snapshots-encrypted-with-cmk"],
        message: /Snapshot copy copy: kmsKeyId is not set/,
    },
    {
        title: "a DocumentDB snapshot of a cluster this stack does not declare",
        change: (f) => f.add("aws:docdb/clusterSnapshot:ClusterSnapshot", "foreign-snap", { dbClusterIdentifier: "someone-elses-cluster", dbClusterSnapshotIdentifier: "foreign-snap" }),
        violated: ["snapshots-encrypted-with-cmk"],
        message: /Snapshot foreign-snap is of "someone-elses-cluster", which this stack does not declare/,
    },
    // data-store-no-internet-access
    {
        title: "SSH opened to the world on the database's group by an old-style rule",
        change: (f) =>
            f.add("aws:ec2/securityGroupRule:SecurityGroupRule", "ssh", { type: "ingress", securityGroupId: "pg-sg-id", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"], description: "ssh for debugging" }, { deps: { securityGroupId: ["pg-sg"] } }),
        violated: ["data-store-no-internet-access"],
        message: /Security group pg-sg of Aurora cluster pg: ssh admits 0\.0\.0\.0\/0 on tcp 22-22/,
    },
    {
        title: "egress to everywhere from the database's group",
        change: (f) =>
            f.add("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "egress", { securityGroupId: "pg-sg-id", ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "all out", tags: TAGS }, { deps: { securityGroupId: ["pg-sg"] } }),
        violated: ["data-store-no-internet-access"],
        message: /egress lets it send to 0\.0\.0\.0\/0 on every port and protocol/,
    },
    {
        title: "a standalone ElastiCache cluster (no component declares one) whose group admits the internet on 443",
        change: (f) => {
            extraGroup(f, "memcached-sg", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "https" }] });
            f.add("aws:elasticache/cluster:Cluster", "memcached", { clusterId: "memcached", engine: "memcached", nodeType: "cache.t4g.micro", numCacheNodes: 1, subnetGroupName: "cache-subnets", securityGroupIds: ["memcached-sg-id"], tags: TAGS }, { deps: { securityGroupIds: ["memcached-sg"] } });
        },
        // A standalone cluster cannot be encrypted at rest either.
        violated: ["data-store-no-internet-access", "multi-az", "storage-encrypted-with-cmk"],
        message: /Security group memcached-sg of ElastiCache cluster memcached: rule ingress\[0\] admits 0\.0\.0\.0\/0 on tcp 443-443/,
    },
    // security-groups-attached
    { title: "a security group attached to nothing", change: (f) => extraGroup(f, "orphan-sg"), violated: ["security-groups-attached"], message: /Security group orphan-sg is attached to nothing this stack declares/ },
    // no-public-database-instances, by type
    {
        title: "a plain RDS instance (no component declares one) made public",
        change: (f) => legacyInstance(f, { publiclyAccessible: true }),
        violated: ["no-public-database-instances"],
        message: /RDS instance: publiclyAccessible is true/,
    },
    // storage-encrypted-with-cmk and deletion-protection, by type
    {
        title: "a plain RDS instance (no component declares one), unencrypted and unprotected",
        change: (f) => legacyInstance(f, { storageEncrypted: undefined, kmsKeyId: undefined, deletionProtection: undefined }, false),
        violated: ["deletion-protection", "storage-encrypted-with-cmk"],
        message: /RDS instance: (storageEncrypted is not true|deletionProtection is not true)/,
    },
    { title: "a plain RDS instance keeping no backups", change: (f) => legacyInstance(f, { backupRetentionPeriod: undefined }), violated: ["backup-retention-minimum"], message: /RDS instance: backupRetentionPeriod is 0 days; at least 7/ },
    { title: "a plain RDS instance in one zone", change: (f) => legacyInstance(f, { multiAz: false }), violated: ["multi-az"], message: /RDS instance legacy: multiAz is not true/ },
    {
        title: "a plain RDS instance without IAM auth, tag copies, log exports, minor upgrades, and PI on the default key",
        change: (f) => legacyInstance(f, { iamDatabaseAuthenticationEnabled: undefined, copyTagsToSnapshot: undefined, enabledCloudwatchLogsExports: undefined, autoMinorVersionUpgrade: false, performanceInsightsKmsKeyId: undefined }),
        violated: ["auto-minor-version-upgrade", "copy-tags-to-snapshots", "database-log-exports", "iam-database-authentication", "performance-insights-cmk"],
        message: /RDS (PostgreSQL )?instance/,
    },
    // encryption of activity streams and replicated backups (types no component declares)
    {
        title: "an activity stream and replicated automated backups on the default key",
        change: (f) => {
            f.add("aws:rds/clusterActivityStream:ClusterActivityStream", "stream", { resourceArn: "arn:aws:rds:us-east-1:123456789012:cluster:pg", mode: "async", kmsKeyId: "alias/aws/rds" });
            f.add("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", "replicated", { sourceDbInstanceArn: "arn:aws:rds:us-east-1:123456789012:db:legacy" }, { provider: "dr" });
        },
        violated: ["storage-encrypted-with-cmk"],
        message: /(Activity stream: kmsKeyId is the AWS-managed key "alias\/aws\/rds"|Replicated automated backups: kmsKeyId is not set)/,
    },
    // no-split-rule-management
    {
        title: "a security group with inline rules and a separate rule resource",
        change: (f) => {
            f.set("pg-sg", { ingress: [{ protocol: "tcp", fromPort: 5432, toPort: 5432, securityGroups: ["sg-0123456789abcdef0"], description: "inline" }] });
        },
        violated: ["no-split-rule-management"],
        message: /Security group pg-sg has inline ingress rules and separate rule resources \(pg-sg-from-clients\)/,
    },
    {
        title: "an IAM role (no component declares one this way) with managedPolicyArns and an attachment",
        change: (f) => {
            f.add("aws:iam/role:Role", "ops", { name: "ops", assumeRolePolicy: "{}", managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], tags: TAGS });
            f.add("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "ops-extra", { role: "ops", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }, { deps: { role: ["ops"] } });
        },
        violated: ["no-split-rule-management"],
        message: /IAM role ops sets managedPolicyArns and has separate policy resources \(ops-extra\)/,
    },
    {
        title: "a plain RDS instance on the default parameter group: TLS and logging unverifiable",
        change: (f) => legacyInstance(f, { parameterGroupName: undefined }),
        violated: ["aurora-tls-enforced", "database-logging-parameters"],
        message: /RDS PostgreSQL instance legacy uses the default parameter group, which does not set rds\.force_ssl=1/,
    },
    {
        title: "a plain RDS instance whose parameter group lets plaintext in and logs no DDL",
        change: (f) => {
            legacyInstance(f);
            f.set("legacy-params", { parameters: [{ name: "rds.force_ssl", value: "0" }, { name: "log_min_duration_statement", value: "1000" }] });
        },
        violated: ["aurora-tls-enforced", "database-logging-parameters"],
        message: /RDS PostgreSQL instance legacy: log_statement is unset \(none\)/,
    },
    // rds-ca-certificate
    { title: "an Aurora instance on the expired 2019 CA", change: (f) => f.set("pg-1", { caCertIdentifier: "rds-ca-2019" }), violated: ["rds-ca-certificate"], message: /caCertIdentifier is "rds-ca-2019"; allowed: rds-ca-rsa2048-g1/ },
    { title: "a plain RDS instance (no component declares one) on the 2019 CA", change: (f) => legacyInstance(f, { caCertIdentifier: "rds-ca-2019" }), violated: ["rds-ca-certificate"], message: /Instance: caCertIdentifier is "rds-ca-2019"/ },
    // cache-subnet-group
    { title: "the cache in the default subnet group", change: (f) => f.set("cache", { subnetGroupName: undefined }), violated: ["cache-subnet-group"], message: /ElastiCache replication group: subnetGroupName is not set/ },
    {
        title: "a standalone cache node (no component declares one) in the default subnet group",
        change: (f) => f.add("aws:elasticache/cluster:Cluster", "node", { clusterId: "node", replicationGroupId: undefined, engine: "valkey", nodeType: "cache.t4g.micro", numCacheNodes: 1, subnetGroupName: "default", tags: TAGS }),
        violated: ["cache-subnet-group", "multi-az", "storage-encrypted-with-cmk"],
        message: /ElastiCache cluster: subnetGroupName is "default"/,
    },
    // enhanced-monitoring
    { title: "Enhanced Monitoring off on an Aurora instance", change: (f) => f.set("pg-1", { monitoringInterval: 0 }), violated: ["enhanced-monitoring"], message: /Enhanced Monitoring is off/ },
    { title: "an Enhanced Monitoring interval above the maximum", change: (f) => f.set("pg-2", { monitoringInterval: 60 }), config: { ...BASE, "enhanced-monitoring": { maximumIntervalSeconds: 15 } }, violated: ["enhanced-monitoring"], message: /monitoringInterval is 60 s; at most 15/ },
    {
        title: "a plain RDS instance (no component declares one) without Enhanced Monitoring",
        change: (f) => legacyInstance(f, { monitoringInterval: undefined }),
        violated: ["enhanced-monitoring"],
        message: /Instance: Enhanced Monitoring is off/,
    },
    // performance-insights
    { title: "DocumentDB instance without Performance Insights", change: (f) => f.set("docs-2", { enablePerformanceInsights: false, performanceInsightsKmsKeyId: undefined }), violated: ["performance-insights"], message: /DocumentDB instance: enablePerformanceInsights is not true/ },
    { title: "Aurora instance without Performance Insights", change: (f) => f.set("pg-dr-1", { performanceInsightsEnabled: undefined, performanceInsightsKmsKeyId: undefined }), violated: ["performance-insights"], message: /Instance: performanceInsightsEnabled is not true/ },
    // log-group-retention
    { title: "a slow log kept 30 days where a year is required", change: (f) => f.set("redis-slow-log", { retentionInDays: 30 }), violated: ["log-group-retention"], message: /Log group: retentionInDays is 30; at least 365/ },
    // alarms-have-actions (more cases: tests/policy/alarmActions.test.ts)
    { title: "an alarm with its actions disabled", change: (f) => f.set("pg-cpu", { actionsEnabled: false }), violated: ["alarms-have-actions"], message: /Metric alarm .*actionsEnabled is false/ },
    // credential-rotation
    { title: "a secret without rotation or exemption", change: (f) => f.remove("pg-secret-rotation"), violated: ["credential-rotation"], message: /Secret pg-secret \(mlops\/pg\) has no rotation and no exemption/ },
    { title: "a secret rotated every 180 days", change: (f) => f.set("pg-secret-rotation", { rotationRules: { automaticallyAfterDays: 180 } }), violated: ["credential-rotation"], message: /rotates every 180 days; at most 90/ },
    // credentials-not-plaintext, secret versions
    {
        title: "a secret version with a literal value",
        change: (f) => {
            f.set("pg-secret-value", { secretString: '{"password":"typed-in-config"}' });
            delete f.get("pg-secret-value").propertyDependencies!.secretString;
        },
        violated: ["credentials-not-plaintext"],
        message: /Secrets Manager secret version pg-secret-value: secretString is a literal value/,
    },
    // database-logging-parameters, the new parameters
    { title: "Aurora without DDL statement logging", change: (f) => f.edit("pg-params", (p) => (p.parameters = p.parameters.filter((x: { name: string }) => x.name !== "log_statement"))), violated: ["database-logging-parameters"], message: /log_statement is unset \(none\); allowed: ddl, mod, all/ },
    {
        title: "DocumentDB auditing DML reads only",
        change: (f) => f.edit("docs-params", (p) => (p.parameters = p.parameters.map((x: { name: string; value: string }) => (x.name === "audit_logs" ? { ...x, value: "dml_read" } : x)))),
        violated: ["database-logging-parameters"],
        message: /audit_logs is dml_read, which does not audit ddl, dml_write/,
    },
    {
        title: "DocumentDB on the legacy value (DDL only)",
        change: (f) => f.edit("docs-params", (p) => (p.parameters = p.parameters.map((x: { name: string; value: string }) => (x.name === "audit_logs" ? { ...x, value: "enabled" } : x)))),
        violated: ["database-logging-parameters"],
        message: /audit_logs is enabled, which does not audit dml_write/,
    },
];

export const DATA_RELAXED: Case[] = [
    { title: "a secret exempt from rotation in config", change: (f) => f.remove("pg-secret-rotation"), config: { ...BASE, "credential-rotation": { exemptions: [{ secretPattern: "mlops/*", reason: "rotated by the test's own procedure, documented here" }] } }, violated: [], message: /.*/ },
    { title: "dev: no Enhanced Monitoring", change: (f) => f.set("pg-1", { monitoringInterval: 0 }), config: { ...BASE, "enhanced-monitoring": { required: false } }, violated: [], message: /.*/ },
    {
        title: "DocumentDB auditing DDL and DML writes as a combination",
        change: (f) => f.edit("docs-params", (p) => (p.parameters = p.parameters.map((x: { name: string; value: string }) => (x.name === "audit_logs" ? { ...x, value: "ddl,dml_write" } : x)))),
        violated: [],
        message: /.*/,
    },
    {
        title: "a key whose policy is a separate aws.kms.KeyPolicy",
        change: (f) => {
            f.set("key", { policy: undefined });
            f.add("aws:kms/keyPolicy:KeyPolicy", "key-policy", { keyId: "key-id", policy: KEY_POLICY }, { deps: { keyId: ["key"] } });
        },
        violated: [],
        message: /.*/,
    },
    { title: "staging: no vault lock required", change: (f) => f.remove("dr-vault-lock"), config: { ...BASE, "backup-vault-lock": { required: false } }, violated: [], message: /.*/ },
    { title: "a vault policy denying backup:* to everyone, break-glass included", change: (f) => f.set("vault-policy", { policy: doc([denyAll(["backup:*"])]) }), violated: [], message: /.*/ },
    {
        title: "a snapshot of a declared cluster shared with a listed account",
        change: (f) => f.add("aws:rds/clusterSnapshot:ClusterSnapshot", "snap", { dbClusterIdentifier: "pg", dbClusterSnapshotIdentifier: "snap", sharedAccounts: ["210987654321"], tags: TAGS }, { deps: { dbClusterIdentifier: ["pg"] } }),
        config: { ...BASE, "snapshots-not-shared": { allowedAccounts: ["210987654321"] } },
        violated: [],
        message: /.*/,
    },
    {
        title: "egress to everywhere, where the config allows it",
        change: (f) => f.add("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "egress", { securityGroupId: "pg-sg-id", ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "all out", tags: TAGS }, { deps: { securityGroupId: ["pg-sg"] } }),
        config: { ...BASE, "data-store-no-internet-access": { allowInternetEgress: true } },
        violated: [],
        message: /.*/,
    },
];
