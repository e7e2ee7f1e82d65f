/**
 * Resource types of the docdb service. Sources: each spec's `source`, each rule's.
 * Shared checks (identifiers, windows, passwords, parameter groups) live in rds.ts.
 */
import { tagRules } from "./common";
import { generated } from "./generated";
import {
    DOCUMENTDB_CLASSES,
    GOOD_GENERATOR,
    adoptedReplica,
    KnownParameter,
    PasswordPolicy,
    VERIFY_SOURCE,
    applyMethodProblem,
    classProblem,
    conflict,
    dailyWindowProblem,
    familyBehind,
    finalSnapshotProblem,
    identifierProblem,
    isArn,
    isSet,
    majorOf,
    paramGroupNameProblem,
    parameterProblems,
    passwordProblem,
    subnetCountProblem,
    subnetGroupNameProblem,
    weeklyWindowProblem,
    windowLengthProblem,
    windowsOverlapProblem,
} from "./rds";
import { ResourceTypeSpec, Rule, TF, identifier, known, namesASnapshot } from "./spec";

const show = (v: unknown): string => JSON.stringify(v);

const API = "https://docs.aws.amazon.com/documentdb/latest/developerguide";
const CREATE_DB_CLUSTER = `${API}/API_CreateDBCluster.html`;
const PARAMS_DOC = `${API}/cluster_parameter_groups-list_of_parameters.html`;

const DOCDB_PASSWORD: PasswordPolicy = {
    service: "DocumentDB (CreateDBCluster MasterUserPassword)",
    // "can contain any printable ASCII character except forward slash (/),
    // double quote ("), or the "at" symbol (@). Constraints: Must contain from 8 to 100 characters."
    min: 8,
    max: 100,
    excluded: '/"@',
};

/** DocumentDB engine versions and their parameter group families (DescribeDBEngineVersions). */
const DOCDB_VERSIONS = ["3.6.0", "4.0.0", "5.0.0", "8.0.0"];
const DOCDB_FAMILIES = ["docdb3.6", "docdb4.0", "docdb5.0", "docdb8.0"];
/** Global clusters: DocumentDB 4.0 and later (Amazon DocumentDB global clusters, "Limitations"). */
const GLOBAL_VERSIONS = ["4.0.0", "5.0.0", "8.0.0"];

const enabledDisabled = { valid: (v: string) => v === "enabled" || v === "disabled", validText: "enabled, disabled" };
/**
 * The cluster parameters of the "Amazon DocumentDB cluster parameters
 * reference" with their apply type and valid values. `tls` is the one static
 * parameter of the table: AWS refuses apply method "immediate" for it.
 */
const DOCDB_PARAMETERS: Record<string, KnownParameter> = {
    audit_logs: {
        static: false,
        valid: (v) => ["enabled", "disabled", "ddl", "dml_read", "dml_write", "all", "none"].includes(v),
        validText: "enabled, disabled, ddl, dml_read, dml_write, all, none",
    },
    change_stream_log_retention_duration: { static: false, valid: (v) => /^[0-9]+$/.test(v) && Number(v) >= 3600 && Number(v) <= 604800, validText: "3600-604800 (seconds)" },
    default_collection_compression: { static: false },
    planner_version: { static: false, valid: (v) => ["1.0", "2.0", "3.0"].includes(v), validText: "1.0, 2.0, 3.0" },
    profiler: { static: false, ...enabledDisabled },
    profiler_sampling_rate: { static: false, valid: (v) => /^[0-9.]+$/.test(v) && Number(v) >= 0 && Number(v) <= 1, validText: "0.0-1.0" },
    profiler_threshold_ms: { static: false, valid: (v) => /^[0-9]+$/.test(v) && Number(v) >= 50 && Number(v) <= 2147483646, validText: "50-2147483646 (milliseconds)" },
    tls: { static: true, valid: (v) => ["enabled", "disabled", "fips-140-3", "tls1.2+", "tls1.3+"].includes(v), validText: "enabled, disabled, fips-140-3, tls1.2+, tls1.3+" },
    ttl_monitor: { static: false, ...enabledDisabled },
};
const docdbCatalogue = (family: string) => (DOCDB_FAMILIES.includes(family) ? DOCDB_PARAMETERS : undefined);

const TAGS = { "cost-center": "cc-1234", environment: "prod", "managed-by": "pulumi", owner: "ml-platform" };
const CLUSTER_PARAMETER_GROUP = "aws:docdb/clusterParameterGroup:ClusterParameterGroup";

const clusterRules: Rule[] = [
    {
        id: "docdb-cluster-identifier",
        property: "clusterIdentifier",
        origin: "provider",
        source: `${TF}/docdb/cluster.go (cluster_identifier validIdentifier, ConflictsWith cluster_identifier_prefix); docdb/validate.go (at most 63)`,
        check: (i) => conflict(i, "clusterIdentifier", ["clusterIdentifierPrefix"]) ?? identifierProblem(i.clusterIdentifier, { maxLength: 63 }),
        cases: {
            pass: [{ clusterIdentifier: "a".repeat(63) }, { clusterIdentifier: undefined, clusterIdentifierPrefix: "mlops-prod-docs-" }],
            fail: [{ clusterIdentifier: "a".repeat(64) }, { clusterIdentifier: "mlops--docs" }, { clusterIdentifierPrefix: "mlops-" }, { clusterIdentifier: "Docs" }],
        },
    },
    {
        id: "docdb-cluster-engine",
        property: "engine",
        origin: "provider",
        source: `${TF}/docdb/cluster.go (engine Default "docdb", StringInSlice engine_Values)`,
        check: (i) => (!isSet(i.engine) || i.engine === "docdb" ? undefined : `engine ${show(i.engine)}; allowed: docdb`),
        cases: { pass: [{ engine: undefined }, { engine: "docdb" }], fail: [{ engine: "mongodb" }] },
    },
    {
        id: "docdb-cluster-engine-version",
        property: "engineVersion",
        origin: "aws",
        source: `${CREATE_DB_CLUSTER} (EngineVersion); versions: ${API}/release-notes.html`,
        check: (i) => (!known(i.engineVersion) || DOCDB_VERSIONS.includes(String(i.engineVersion)) ? undefined : `engine version ${show(i.engineVersion)}; allowed: ${DOCDB_VERSIONS.join(", ")}`),
        cases: { pass: [{ engineVersion: "4.0.0" }], fail: [{ engineVersion: "5.0" }, { engineVersion: "6.0.0" }] },
    },
    {
        id: "docdb-cluster-master-password-source",
        property: "masterPassword",
        origin: "provider",
        source: `${TF}/docdb/cluster.go (master_password ConflictsWith manage_master_user_password, master_password_wo; master_password_wo RequiredWith master_password_wo_version)`,
        check: (i) =>
            conflict(i, "masterPassword", ["manageMasterUserPassword", "masterPasswordWo"]) ??
            conflict(i, "manageMasterUserPassword", ["masterPasswordWo"]) ??
            (isSet(i.masterPasswordWo) !== isSet(i.masterPasswordWoVersion) ? "masterPasswordWo and masterPasswordWoVersion must be set together (the provider's RequiredWith)" : undefined),
        cases: {
            pass: [{ masterPassword: undefined, manageMasterUserPassword: true }, { masterPassword: undefined, masterPasswordWo: "x".repeat(20), masterPasswordWoVersion: 1 }],
            fail: [{ manageMasterUserPassword: true }, { masterPasswordWo: "x".repeat(20), masterPasswordWoVersion: 1 }, { masterPassword: undefined, masterPasswordWo: "x".repeat(20) }],
        },
    },
    {
        id: "docdb-cluster-master-credentials",
        property: "masterUsername",
        origin: "aws",
        // The provider's Create refuses before calling AWS (so at `up`, not at preview):
        // "master_password", "master_password_wo": required field is not set / "master_username": required field is not set.
        source: `${TF}/docdb/cluster.go (resourceClusterCreate: without global_cluster_identifier, master_username and a password are required)`,
        check: (i, ctx) => {
            if (["snapshotIdentifier", "restoreToPointInTime", "globalClusterIdentifier"].some((k) => isSet(i[k])) || adoptedReplica(ctx)) return undefined;
            if (!isSet(i.masterUsername)) return "a new cluster needs masterUsername (unless restored or joined to a global cluster)";
            if (!isSet(i.masterPassword) && !isSet(i.masterPasswordWo) && i.manageMasterUserPassword !== true) return "a new cluster needs masterPassword, masterPasswordWo or manageMasterUserPassword: true";
            return undefined;
        },
        cases: {
            pass: [{ masterUsername: undefined, masterPassword: undefined, globalClusterIdentifier: "mlops-prod-docs-global" }],
            fail: [{ masterUsername: undefined }, { masterPassword: undefined }],
        },
    },
    {
        id: "docdb-cluster-secondary-credentials",
        property: "masterUsername",
        origin: "aws",
        // A secondary cluster of a global cluster replicates the primary's users.
        source: `${API}/global-clusters.get-started.html (adding a secondary cluster: no master user name or password)`,
        check: (i) => {
            if (!isSet(i.globalClusterIdentifier)) return undefined;
            const given = ["masterUsername", "masterPassword", "masterPasswordWo", "manageMasterUserPassword"].filter((k) => isSet(i[k]));
            return given.length ? `a secondary cluster takes its users from the primary; remove ${given.join(", ")}` : undefined;
        },
        cases: { pass: [{ masterUsername: undefined, masterPassword: undefined, globalClusterIdentifier: "mlops-prod-docs-global" }], fail: [{ globalClusterIdentifier: "mlops-prod-docs-global" }] },
    },
    {
        id: "docdb-cluster-master-username",
        property: "masterUsername",
        origin: "aws",
        source: `${CREATE_DB_CLUSTER} (MasterUsername: 1 to 63 letters or numbers, a letter first, not a reserved word)`,
        check: (i) => (!known(i.masterUsername) || /^[A-Za-z][A-Za-z0-9]{0,62}$/.test(String(i.masterUsername)) ? undefined : `master user name ${show(i.masterUsername)}; allowed: 1-63 letters and digits, a letter first`),
        cases: { pass: [{ masterUsername: "platformadmin2" }], fail: [{ masterUsername: "platform_admin" }, { masterUsername: "1admin" }, { masterUsername: "a".repeat(64) }] },
    },
    {
        id: "docdb-cluster-master-password",
        property: "masterPassword",
        origin: "aws",
        source: `${CREATE_DB_CLUSTER} (MasterUserPassword: 8 to 100 characters, any printable ASCII character except "/", """, "@")`,
        check: (i, ctx) => passwordProblem("masterPassword", i, ctx, DOCDB_PASSWORD),
        cases: {
            pass: [
                { masterPassword: generated(GOOD_GENERATOR) },
                { masterPassword: generated({ ...GOOD_GENERATOR, overrideSpecial: "!*()-_.~+=" }) },
                { masterPassword: generated({ ...GOOD_GENERATOR, overrideSpecial: "!&#$^<>-", length: 100 }) },
            ],
            fail: [
                { masterPassword: generated({ length: 40 }) },
                { masterPassword: generated({ ...GOOD_GENERATOR, overrideSpecial: "!/-" }) },
                { masterPassword: generated({ ...GOOD_GENERATOR, length: 101 }) },
                { masterPassword: generated({ ...GOOD_GENERATOR, length: 7, minLower: 1, minUpper: 1, minNumeric: 1, minSpecial: 1 }) },
            ],
        },
    },
    {
        id: "docdb-cluster-restore-source",
        property: "snapshotIdentifier",
        origin: "provider",
        source: `${TF}/docdb/cluster.go (snapshot_identifier ConflictsWith restore_to_point_in_time)`,
        check: (i) => conflict(i, "snapshotIdentifier", ["restoreToPointInTime"]),
        cases: {
            pass: [{ snapshotIdentifier: "mlops-prod-docs-final-1a2b3c4d" }],
            fail: [{ snapshotIdentifier: "mlops-prod-docs-final-1a2b3c4d", restoreToPointInTime: { sourceClusterIdentifier: "mlops-prod-docs", useLatestRestorableTime: true } }],
        },
    },
    {
        id: "docdb-cluster-port",
        property: "port",
        origin: "provider",
        source: `${TF}/docdb/cluster.go (port IntBetween(1150, 65535))`,
        check: (i) => (!known(i.port) || (Number(i.port) >= 1150 && Number(i.port) <= 65535) ? undefined : `port ${show(i.port)}; allowed: 1150-65535`),
        cases: { pass: [{ port: 27018 }], fail: [{ port: 443 }, { port: 65536 }] },
    },
    {
        id: "docdb-cluster-backup-retention",
        property: "backupRetentionPeriod",
        origin: "provider",
        // The provider checks at most 35; AWS's minimum is 1.
        source: `${TF}/docdb/cluster.go (backup_retention_period IntAtMost(35)); ${CREATE_DB_CLUSTER} (BackupRetentionPeriod: 1 to 35)`,
        check: (i) => (!known(i.backupRetentionPeriod) || (Number(i.backupRetentionPeriod) >= 1 && Number(i.backupRetentionPeriod) <= 35) ? undefined : `backup retention ${show(i.backupRetentionPeriod)} days; allowed: 1-35`),
        cases: { pass: [{ backupRetentionPeriod: 1 }], fail: [{ backupRetentionPeriod: 0 }, { backupRetentionPeriod: 40 }] },
    },
    {
        id: "docdb-cluster-backup-window",
        property: "preferredBackupWindow",
        origin: "provider",
        source: `${TF}/docdb/cluster.go (preferred_backup_window verify.ValidOnceADayWindowFormat); ${VERIFY_SOURCE}`,
        check: (i) => dailyWindowProblem(i.preferredBackupWindow),
        cases: { pass: [{ preferredBackupWindow: "03:00-03:30" }], fail: [{ preferredBackupWindow: "3am-4am" }] },
    },
    {
        id: "docdb-cluster-maintenance-window",
        property: "preferredMaintenanceWindow",
        origin: "provider",
        source: `${TF}/docdb/cluster.go (preferred_maintenance_window verify.ValidOnceAWeekWindowFormat); ${VERIFY_SOURCE}`,
        check: (i) => weeklyWindowProblem(i.preferredMaintenanceWindow),
        cases: { pass: [{ preferredMaintenanceWindow: "MON:01:00-MON:01:30" }], fail: [{ preferredMaintenanceWindow: "mon:25:00-mon:25:30" }] },
    },
    {
        id: "docdb-cluster-window-lengths",
        property: "preferredBackupWindow",
        origin: "aws",
        source: `${CREATE_DB_CLUSTER} (PreferredBackupWindow: at least 30 minutes; PreferredMaintenanceWindow: minimum 30-minute window)`,
        check: (i) => windowLengthProblem(i.preferredBackupWindow, "daily") ?? windowLengthProblem(i.preferredMaintenanceWindow, "weekly"),
        cases: { pass: [{ preferredBackupWindow: "02:30-04:00" }], fail: [{ preferredBackupWindow: "02:30-02:45" }, { preferredMaintenanceWindow: "sun:05:30-sun:05:40" }] },
    },
    {
        id: "docdb-cluster-windows-overlap",
        property: "preferredBackupWindow",
        origin: "aws",
        source: `${CREATE_DB_CLUSTER} (PreferredBackupWindow: must not conflict with the preferred maintenance window)`,
        check: (i) => windowsOverlapProblem(i.preferredBackupWindow, i.preferredMaintenanceWindow),
        cases: { pass: [{ preferredBackupWindow: "05:00-05:30", preferredMaintenanceWindow: "sun:05:30-sun:06:00" }], fail: [{ preferredBackupWindow: "05:45-06:15" }] },
    },
    {
        id: "docdb-cluster-global-identifier",
        property: "globalClusterIdentifier",
        origin: "provider",
        source: `${TF}/docdb/cluster.go (global_cluster_identifier ValidateFunc validGlobalCusterIdentifier); docdb/validate.go`,
        check: (i) => {
            if (!known(i.globalClusterIdentifier)) return undefined;
            const s = String(i.globalClusterIdentifier);
            return /^[0-9A-Za-z-]+$/.test(s) && /^[A-Za-z]/.test(s) && !s.includes("--") && s.length <= 255 ? undefined : `global cluster identifier ${show(s)}; allowed: up to 255 letters, digits and hyphens, a letter first, no two hyphens in a row`;
        },
        cases: {
            pass: [{ globalClusterIdentifier: "mlops-prod-docs-global", masterUsername: undefined, masterPassword: undefined }],
            fail: [{ globalClusterIdentifier: "mlops_prod_docs", masterUsername: undefined, masterPassword: undefined }],
        },
    },
    {
        id: "docdb-cluster-log-exports",
        property: "enabledCloudwatchLogsExports",
        origin: "provider",
        source: `${TF}/docdb/cluster.go (enabled_cloudwatch_logs_exports elements StringInSlice audit, profiler)`,
        check: (i) => {
            const bad = (Array.isArray(i.enabledCloudwatchLogsExports) ? i.enabledCloudwatchLogsExports : []).filter((x) => x !== "audit" && x !== "profiler");
            return bad.length ? `log types ${bad.map(show).join(", ")}; allowed: audit, profiler` : undefined;
        },
        cases: { pass: [{ enabledCloudwatchLogsExports: ["audit"] }], fail: [{ enabledCloudwatchLogsExports: ["audit", "slowquery"] }] },
    },
    {
        id: "docdb-cluster-storage-type",
        property: "storageType",
        origin: "provider",
        source: `${TF}/docdb/cluster.go (storage_type StringInSlice storageType_Values)`,
        check: (i) => (!isSet(i.storageType) || ["standard", "iopt1"].includes(String(i.storageType)) ? undefined : `storage type ${show(i.storageType)}; allowed: standard, iopt1`),
        cases: { pass: [{ storageType: "iopt1" }], fail: [{ storageType: "gp3" }] },
    },
    {
        id: "docdb-cluster-kms-key-arn",
        property: "kmsKeyId",
        origin: "provider",
        source: `${TF}/docdb/cluster.go (kms_key_id ValidateFunc verify.ValidARN)`,
        check: (i) => (!known(i.kmsKeyId) || isArn(i.kmsKeyId) ? undefined : `kmsKeyId ${show(i.kmsKeyId)} is not an ARN; give the key's ARN`),
        cases: { pass: [{ kmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/abcd" }], fail: [{ kmsKeyId: "alias/mlops-docs" }] },
    },
    {
        id: "docdb-cluster-final-snapshot-identifier",
        property: "finalSnapshotIdentifier",
        origin: "provider",
        source: `${TF}/docdb/cluster.go (final_snapshot_identifier ValidateFunc)`,
        check: (i) => finalSnapshotProblem(i.finalSnapshotIdentifier),
        cases: { pass: [{ finalSnapshotIdentifier: "mlops-prod-docs-final-928c22b0" }], fail: [{ finalSnapshotIdentifier: "mlops.docs.final" }] },
    },
    {
        id: "docdb-cluster-final-snapshot-required",
        property: "finalSnapshotIdentifier",
        origin: "aws",
        // resourceClusterDelete: skip_final_snapshot false needs final_snapshot_identifier, or the delete fails.
        source: `${TF}/docdb/cluster.go (resourceClusterDelete: final_snapshot_identifier is required when skip_final_snapshot is false)`,
        check: (i) => (i.skipFinalSnapshot !== true && !isSet(i.finalSnapshotIdentifier) ? "skipFinalSnapshot is not true but no finalSnapshotIdentifier is given; the cluster could not be deleted" : undefined),
        cases: { pass: [{ skipFinalSnapshot: true, finalSnapshotIdentifier: undefined }], fail: [{ finalSnapshotIdentifier: undefined }] },
    },
    {
        id: "docdb-cluster-parameter-group-matches-engine",
        property: "dbClusterParameterGroupName",
        origin: "aws",
        // Engine 5.0.0 takes family docdb5.0.
        source: `${API}/cluster_parameter_groups.html (a cluster parameter group's family must match the cluster's engine version)`,
        check: (i, ctx) => {
            if (!known(i.engineVersion)) return undefined;
            const family = familyBehind("dbClusterParameterGroupName", i, ctx, CLUSTER_PARAMETER_GROUP);
            const want = `docdb${majorOf(i.engineVersion, 2)}`;
            return family === undefined || family === want ? undefined : `the cluster parameter group is of family ${family}; engine version ${i.engineVersion} needs ${want}`;
        },
        cases: { pass: [{ dbClusterParameterGroupName: "default.docdb5.0" }], fail: [{ dbClusterParameterGroupName: "default.docdb4.0" }] },
    },
    ...tagRules("docdb-cluster"),
];

export const SPECS: ResourceTypeSpec[] = [
    {
        type: "aws:docdb/cluster:Cluster",
        stateful: {
            what: "DocumentDB cluster",
            risk: "a new, empty cluster volume: the documents and automated backups go with the old cluster (a final snapshot is all that is kept, if enabled)",
        },
        source: `${TF}/docdb/cluster.go`,
        example: {
            clusterIdentifier: "mlops-prod-docs",
            engine: "docdb",
            engineVersion: "5.0.0",
            allowMajorVersionUpgrade: false,
            masterUsername: "platformadmin",
            masterPassword: generated(GOOD_GENERATOR),
            port: 27017,
            dbSubnetGroupName: "mlops-prod-docs",
            vpcSecurityGroupIds: ["sg-0123456789abcdef0"],
            dbClusterParameterGroupName: "mlops-prod-docs-docdb5-0",
            storageEncrypted: true,
            kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/0000example-documentdb-key",
            enabledCloudwatchLogsExports: ["audit", "profiler"],
            backupRetentionPeriod: 35,
            preferredBackupWindow: "02:30-03:00",
            preferredMaintenanceWindow: "sun:05:30-sun:06:00",
            deletionProtection: true,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: "mlops-prod-docs-final-928c22b0",
            applyImmediately: false,
            tags: { Name: "mlops-prod-docs", ...TAGS },
        },
        rules: clusterRules,
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
            // Optional, not Computed: removing it plans a change to false, which replaces.
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
        example: {
            identifier: "mlops-prod-docs-1",
            clusterIdentifier: "mlops-prod-docs",
            engine: "docdb",
            instanceClass: "db.r6g.large",
            availabilityZone: "us-east-1a",
            promotionTier: 0,
            autoMinorVersionUpgrade: true,
            preferredMaintenanceWindow: "sun:05:30-sun:06:00",
            enablePerformanceInsights: true,
            performanceInsightsKmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/0000example-documentdb-key",
            copyTagsToSnapshot: true,
            applyImmediately: false,
            tags: { Name: "mlops-prod-docs-1", ...TAGS },
        },
        rules: [
            {
                id: "docdb-instance-identifier",
                property: "identifier",
                origin: "provider",
                source: `${TF}/docdb/cluster_instance.go (identifier validIdentifier, ConflictsWith identifier_prefix; identifier_prefix validIdentifierPrefix); docdb/validate.go`,
                check: (i) => conflict(i, "identifier", ["identifierPrefix"]) ?? identifierProblem(i.identifier, { maxLength: 63 }) ?? identifierProblem(i.identifierPrefix, { prefix: true }),
                cases: {
                    pass: [{ identifier: "mlops-prod-docs-15" }, { identifier: undefined, identifierPrefix: "mlops-prod-docs-" }],
                    fail: [{ identifier: "mlops-prod-docs-1-" }, { identifier: "d".repeat(64) }, { identifierPrefix: "x-" }],
                },
            },
            {
                id: "docdb-instance-required",
                property: "instanceClass",
                origin: "provider",
                source: `${TF}/docdb/cluster_instance.go (cluster_identifier, instance_class Required)`,
                check: (i) => {
                    const missing = ["clusterIdentifier", "instanceClass"].filter((k) => !isSet(i[k]));
                    return missing.length ? `required: ${missing.join(", ")}` : undefined;
                },
                cases: { pass: [{}], fail: [{ instanceClass: undefined }, { clusterIdentifier: undefined }] },
            },
            {
                id: "docdb-instance-engine",
                property: "engine",
                origin: "provider",
                source: `${TF}/docdb/cluster_instance.go (engine Default "docdb", ValidateFunc validEngine)`,
                check: (i) => (!isSet(i.engine) || i.engine === "docdb" ? undefined : `engine ${show(i.engine)}; allowed: docdb`),
                cases: { pass: [{ engine: undefined }], fail: [{ engine: "aurora-postgresql" }] },
            },
            {
                id: "docdb-instance-class",
                property: "instanceClass",
                origin: "aws",
                // The catalogue is DocumentDB 5.0's; the instance does not name its engine version.
                source: `${API}/db-instance-classes.html#db-instance-class-specs (via infra/instanceClasses.ts)`,
                check: (i) => classProblem(i.instanceClass, DOCUMENTDB_CLASSES),
                cases: { pass: [{ instanceClass: "db.t4g.medium" }, { instanceClass: "db.r5.24xlarge" }], fail: [{ instanceClass: "db.r7g.large" }, { instanceClass: "db.t4g.large" }] },
            },
            {
                id: "docdb-instance-promotion-tier",
                property: "promotionTier",
                origin: "provider",
                source: `${TF}/docdb/cluster_instance.go (promotion_tier IntBetween(0, 15))`,
                check: (i) => (!known(i.promotionTier) || (Number.isInteger(Number(i.promotionTier)) && Number(i.promotionTier) >= 0 && Number(i.promotionTier) <= 15) ? undefined : `promotion tier ${show(i.promotionTier)}; allowed: 0-15`),
                cases: { pass: [{ promotionTier: 15 }], fail: [{ promotionTier: 16 }] },
            },
            {
                id: "docdb-instance-maintenance-window",
                property: "preferredMaintenanceWindow",
                origin: "provider",
                // Format (provider) and minimum 30 minutes (AWS, CreateDBInstance) together.
                source: `${TF}/docdb/cluster_instance.go (preferred_maintenance_window verify.ValidOnceAWeekWindowFormat); ${API}/API_CreateDBInstance.html (minimum 30-minute window)`,
                check: (i) => weeklyWindowProblem(i.preferredMaintenanceWindow) ?? windowLengthProblem(i.preferredMaintenanceWindow, "weekly"),
                cases: { pass: [{ preferredMaintenanceWindow: "wed:05:30-wed:06:00" }], fail: [{ preferredMaintenanceWindow: "wed 05:30" }, { preferredMaintenanceWindow: "wed:05:30-wed:05:45" }] },
            },
            ...tagRules("docdb-instance"),
        ],
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
        example: {
            globalClusterIdentifier: "mlops-prod-docs-global",
            sourceDbClusterIdentifier: "arn:aws:rds:us-east-1:123456789012:cluster:mlops-prod-docs",
            deletionProtection: true,
        },
        rules: [
            {
                id: "docdb-global-cluster-identifier",
                property: "globalClusterIdentifier",
                origin: "provider",
                source: `${TF}/docdb/global_cluster.go (global_cluster_identifier Required, validGlobalCusterIdentifier); docdb/validate.go`,
                check: (i) => {
                    if (!isSet(i.globalClusterIdentifier)) return "globalClusterIdentifier is required";
                    const s = String(i.globalClusterIdentifier);
                    return /^[0-9A-Za-z-]+$/.test(s) && /^[A-Za-z]/.test(s) && !s.includes("--") && s.length <= 255 ? undefined : `global cluster identifier ${show(s)}; allowed: up to 255 letters, digits and hyphens, a letter first, no two hyphens in a row`;
                },
                cases: { pass: [{ globalClusterIdentifier: "Mlops-Prod-Docs-Global" }], fail: [{ globalClusterIdentifier: undefined }, { globalClusterIdentifier: "-docs" }] },
            },
            {
                id: "docdb-global-cluster-source",
                property: "sourceDbClusterIdentifier",
                origin: "provider",
                source: `${TF}/docdb/global_cluster.go (engine and source_db_cluster_identifier: AtLeastOneOf, ConflictsWith each other; engine StringInSlice engine_Values)`,
                check: (i) => {
                    if (!isSet(i.engine) && !isSet(i.sourceDbClusterIdentifier)) return "one of engine or sourceDbClusterIdentifier is required (the provider's AtLeastOneOf)";
                    return conflict(i, "sourceDbClusterIdentifier", ["engine"]) ?? (!isSet(i.engine) || i.engine === "docdb" ? undefined : `engine ${show(i.engine)}; allowed: docdb`);
                },
                cases: {
                    pass: [{ sourceDbClusterIdentifier: undefined, engine: "docdb", engineVersion: "5.0.0" }],
                    fail: [{ sourceDbClusterIdentifier: undefined }, { engine: "docdb" }, { sourceDbClusterIdentifier: undefined, engine: "mongodb" }],
                },
            },
            {
                id: "docdb-global-cluster-source-arn",
                property: "sourceDbClusterIdentifier",
                origin: "aws",
                source: `${API}/API_CreateGlobalCluster.html (SourceDBClusterIdentifier: the Amazon Resource Name (ARN) to use as the primary cluster)`,
                check: (i) => (!known(i.sourceDbClusterIdentifier) || /^arn:aws[a-z-]*:rds:[a-z0-9-]+:[0-9]{12}:cluster:.+$/.test(String(i.sourceDbClusterIdentifier)) ? undefined : `sourceDbClusterIdentifier ${show(i.sourceDbClusterIdentifier)} is not a cluster ARN`),
                cases: { pass: [{ sourceDbClusterIdentifier: "arn:aws:rds:us-west-2:123456789012:cluster:x" }], fail: [{ sourceDbClusterIdentifier: "mlops-prod-docs" }] },
            },
            {
                id: "docdb-global-cluster-engine-version",
                property: "engineVersion",
                origin: "aws",
                source: `${API}/global-clusters.html (global clusters: instance-based clusters of DocumentDB 4.0 and later)`,
                check: (i) => (!known(i.engineVersion) || GLOBAL_VERSIONS.includes(String(i.engineVersion)) ? undefined : `engine version ${show(i.engineVersion)} cannot form a global cluster; allowed: ${GLOBAL_VERSIONS.join(", ")}`),
                cases: {
                    pass: [{ sourceDbClusterIdentifier: undefined, engine: "docdb", engineVersion: "5.0.0" }],
                    fail: [{ sourceDbClusterIdentifier: undefined, engine: "docdb", engineVersion: "3.6.0" }],
                },
            },
        ],
        forceNew: [{ property: "databaseName" }, identifier("engine"), { property: "globalClusterIdentifier" }, identifier("sourceDbClusterIdentifier"), identifier("storageEncrypted")],
    },
    {
        type: "aws:docdb/subnetGroup:SubnetGroup",
        source: `${TF}/docdb/subnet_group.go`,
        example: {
            name: "mlops-prod-docs",
            description: "Private subnets of DocumentDB cluster mlops-prod-docs",
            subnetIds: ["subnet-0f0d000000000a001", "subnet-0f0d000000000b001", "subnet-0f0d000000000c001"],
            tags: { Name: "mlops-prod-docs", ...TAGS },
        },
        rules: [
            {
                id: "docdb-subnet-group-name",
                property: "name",
                origin: "provider",
                source: `${TF}/docdb/subnet_group.go (name validSubnetGroupName, ConflictsWith name_prefix); docdb/validate.go`,
                check: (i) => conflict(i, "name", ["namePrefix"]) ?? subnetGroupNameProblem(i.name),
                cases: { pass: [{ name: "mlops_prod docs.1" }], fail: [{ name: "MLOPS" }, { name: "default" }, { namePrefix: "mlops" }] },
            },
            {
                id: "docdb-subnet-group-subnets",
                property: "subnetIds",
                origin: "aws",
                // subnet_ids Required, MinItems 1 (provider); subnets in two zones (AWS).
                source: `${TF}/docdb/subnet_group.go (subnet_ids Required, MinItems 1); ${API}/API_CreateDBSubnetGroup.html`,
                check: (i) => (!Array.isArray(i.subnetIds) ? "subnetIds is required" : subnetCountProblem(i.subnetIds)),
                cases: { pass: [{ subnetIds: ["subnet-a", "subnet-b"] }], fail: [{ subnetIds: [] }, { subnetIds: ["subnet-a"] }, { subnetIds: undefined }] },
            },
            ...tagRules("docdb-subnet-group"),
        ],
        forceNew: [identifier("name"), identifier("namePrefix")],
    },
    {
        type: CLUSTER_PARAMETER_GROUP,
        source: `${TF}/docdb/cluster_parameter_group.go`,
        example: {
            name: "mlops-prod-docs-docdb5-0",
            family: "docdb5.0",
            description: "Cluster parameters of mlops-prod-docs: TLS required, audit and profiler logs",
            parameters: [
                { name: "tls", value: "enabled", applyMethod: "pending-reboot" },
                { name: "audit_logs", value: "enabled", applyMethod: "immediate" },
                { name: "profiler", value: "enabled", applyMethod: "immediate" },
                { name: "profiler_threshold_ms", value: "100", applyMethod: "immediate" },
            ],
            tags: TAGS,
        },
        rules: [
            {
                id: "docdb-parameter-group-name",
                property: "name",
                origin: "provider",
                // DocumentDB's validParamGroupName allows no periods (rds's does).
                source: `${TF}/docdb/cluster_parameter_group.go (name validParamGroupName, ConflictsWith name_prefix); docdb/validate.go`,
                check: (i) => conflict(i, "name", ["namePrefix"]) ?? paramGroupNameProblem(i.name, false),
                cases: { pass: [{ name: "mlops-prod-docs-docdb5-0-v2" }], fail: [{ name: "mlops-prod-docs-docdb5.0" }, { name: "mlops-" }, { namePrefix: "mlops-" }] },
            },
            {
                id: "docdb-parameter-group-family",
                property: "family",
                origin: "aws",
                source: `${TF}/docdb/cluster_parameter_group.go (family Required); families: ${API}/cluster_parameter_groups.html`,
                check: (i) => (DOCDB_FAMILIES.includes(String(i.family)) ? undefined : `family ${show(i.family)}; allowed: ${DOCDB_FAMILIES.join(", ")}`),
                cases: { pass: [{ family: "docdb4.0" }], fail: [{ family: "docdb5.0.0" }, { family: "docdb5" }, { family: undefined }] },
            },
            {
                id: "docdb-parameter-group-apply-method",
                property: "parameters",
                origin: "provider",
                source: `${TF}/docdb/cluster_parameter_group.go (parameter.apply_method StringInSlice immediate, pending-reboot; default pending-reboot)`,
                check: (i) => {
                    // docdb's StringInSlice is case-sensitive.
                    const bad = (Array.isArray(i.parameters) ? i.parameters : []).find((p) => p && p.applyMethod !== undefined && !["immediate", "pending-reboot"].includes(p.applyMethod));
                    return bad ? `parameter ${bad.name}: apply method ${show(bad.applyMethod)}; allowed: "immediate", "pending-reboot"` : applyMethodProblem(i);
                },
                cases: { pass: [{ parameters: [{ name: "tls", value: "enabled" }] }], fail: [{ parameters: [{ name: "tls", value: "enabled", applyMethod: "Pending-Reboot" }] }, { parameters: [{ name: "tls", value: "enabled", applyMethod: "later" }] }] },
            },
            {
                id: "docdb-parameter-group-parameters",
                property: "parameters",
                origin: "aws",
                source: `${PARAMS_DOC} (apply types and valid values); AWS refuses ApplyMethod immediate for a static parameter (${API}/API_Parameter.html)`,
                // The docdb provider's default apply method is pending-reboot.
                check: (i) => parameterProblems(i, docdbCatalogue, "pending-reboot"),
                cases: {
                    pass: [
                        { parameters: [{ name: "tls", value: "tls1.2+", applyMethod: "pending-reboot" }, { name: "audit_logs", value: "ddl", applyMethod: "pending-reboot" }] },
                        { parameters: [{ name: "tls", value: "enabled" }, { name: "ttl_monitor", value: "disabled", applyMethod: "immediate" }] },
                    ],
                    fail: [
                        { parameters: [{ name: "tls", value: "enabled", applyMethod: "immediate" }] },
                        { parameters: [{ name: "profiler_threshold_ms", value: "10", applyMethod: "immediate" }] },
                        { parameters: [{ name: "tls", value: "required", applyMethod: "pending-reboot" }] },
                        { parameters: [{ name: "slow_query_log", value: "1", applyMethod: "immediate" }] },
                    ],
                },
            },
            ...tagRules("docdb-parameter-group"),
        ],
        forceNew: [
            // No bridge default here (@pulumi/aws docdb/clusterParameterGroup.js passes it through): the provider's.
            { property: "description", default: "Managed by Terraform" },
            { property: "family" },
            identifier("name"),
            identifier("namePrefix"),
        ],
    },
];
