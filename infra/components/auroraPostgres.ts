import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { named } from "../tags";
import { clusterAlarms } from "./alarms";
import { ReaderAutoScaling, auroraWriterAlarms, readerAutoScaling } from "./auroraOperations";
import { ClusterSourceArgs, clusterCredentials, clusterKey, clusterKeyDescription, originClusterInputs, originIgnoreChanges } from "./clusterOrigin";
import { MLFLOW_APP_ROLE } from "../verification";
import { ConnectionSecret, generatedPassword, rotationKeepers } from "./credentials";
import { DatabaseSecurityGroup } from "./databaseSecurityGroup";
import { EncryptionKey } from "./encryptionKey";
import { finalSnapshotName, promotionTier, zoneFor } from "./placement";
import { ClusterLifecycleArgs, StorePlacementArgs } from "./storeArgs";
import { PLANNER_PARAMETERS } from "./plannerParameters";

/** The Aurora engine this component declares. */
export const AURORA_POSTGRES_ENGINE = "aurora-postgresql";

export interface AuroraPostgresAlarmThresholds {
    /** CPU utilisation (percent, average over 5 minutes, 3 periods) above which an instance alarms. @default 80 */
    cpuPercent: number;
    /** Freeable memory (MiB, minimum over 5 minutes, 3 periods) below which an instance alarms. @default 512 */
    freeableMemoryMiB: number;
    /** Connections to the cluster (maximum over 5 minutes, 3 periods) above which the cluster alarms. @default 800 */
    connections: number;
    /** Largest replica lag in the cluster (milliseconds) above which the cluster alarms. Only with readers. @default 1000 */
    replicaLagMs: number;
    /** Free local (temporary) storage per instance (MiB, minimum over 5 minutes, 3 periods) below which it alarms. @default 1024 */
    freeLocalStorageMiB: number;
    /** Cluster volume (GiB) above which the Sev 4 capacity alarm is raised. @default 1024 */
    volumeUsedGiB: number;
    /** Deadlocks per minute on the writer, sustained for 3 minutes, that raise the alarm. @default 1 */
    deadlocksPerMinute: number;
    /** Statements slower than slowQueryMs per 5 minutes (3 periods) that raise the alarm. @default 10 */
    slowStatementsPer5Minutes: number;
    /** MaximumUsedTransactionIDs that raises the Sev 2 alarm. @default 1000000000 */
    transactionIdsWarning: number;
    /** MaximumUsedTransactionIDs that raises the Sev 1 alarm. @default 1500000000 */
    transactionIdsCritical: number;
    /** For a secondary of a global cluster: replication lag from the primary region (ms) above which it alarms; set to the RPO. */
    globalReplicationLagMs?: number;
}

export interface AuroraPostgresArgs extends StorePlacementArgs, ClusterLifecycleArgs, ClusterSourceArgs {
    /**
     * The cluster identifier; instances are named `<identifier>-1`, `-2`, ... (not
     * "writer"/"reader": the roles move on failover).
     * @example "mlops-prod-mlflow"
     * Warning: changing it replaces the cluster, and with it all data.
     */
    clusterIdentifier: string;
    /**
     * Aurora PostgreSQL engine version, pinned to a minor version so that a
     * preview never shows an upgrade nobody chose.
     * - A cluster of its own (dev, staging): changing it upgrades the cluster in
     *   place (ModifyDBCluster), in the maintenance window unless `applyImmediately`.
     *   Automatic minor upgrades in the maintenance window also happen (auto minor
     *   version upgrade is on on every instance).
     * - A member of a global database (prod's primary with `globalSource`, the DR
     *   secondary): the cluster ignores this value after creation; the version is
     *   declared on the global cluster (GlobalReplication), whose update upgrades
     *   every member in every region. AWS applies no automatic minor version upgrade
     *   to a cluster in a global database, whatever the instances' setting
     *   (AWS knowledge center, https://repost.aws/knowledge-center/aurora-mysql-global-cluster-upgrade:
     *   automatic minor version upgrades do not apply to Aurora MySQL- and
     *   PostgreSQL-compatible clusters in a global database; upgrades of a global
     *   database: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-upgrade.html).
     *   The DR secondary is created with prod's version from the handoff: AWS
     *   requires a new secondary to run the global cluster's version.
     * @example "16.6"
     * Warning: a major version change (e.g. 16 to 17) needs a new parameter group
     * family and is an in-place major upgrade with downtime; this component refuses
     * it on a cluster of its own (`allowMajorVersionUpgrade: false`) and the stack
     * schema allows only 16.x, so it cannot happen by accident. For a global
     * database it is done through the global cluster
     * (`aws rds modify-global-cluster --engine-version … --allow-major-version-upgrade`),
     * see the runbook.
     */
    engineVersion: string;
    /**
     * Instance class of every instance. Changing it restarts instances one at a
     * time in the maintenance window (or at once with `applyImmediately`).
     * @example "db.r7g.large"
     */
    instanceClass: string;
    /**
     * Number of instances: one writer plus `instances - 1` readers (1-16), spread
     * round-robin across `availabilityZones`. A secondary may have none (headless:
     * storage replicates, no instance to pay for until promotion).
     */
    instances: number;
    /**
     * Name of the database created in the cluster.
     * @default "mlflow"
     * Warning: changing it replaces the cluster.
     */
    databaseName: string;
    /**
     * Master user name. The password is generated and kept in Secrets Manager.
     * @default "mlflow_admin"
     * Warning: changing it replaces the cluster.
     */
    masterUsername: string;
    /** TCP port. @default 5432 */
    port: number;
    /** Performance Insights on every instance, encrypted with the cluster's key. @default { enabled: false, retentionDays: 7 } */
    performanceInsights: { enabled: boolean; retentionDays: number };
    /** Enhanced Monitoring interval in seconds (0 = off); creates the monitoring role when on. @default 60 */
    monitoringIntervalSeconds: number;
    /** `log_min_duration_statement`: statements slower than this (ms) are logged. @default 1000 */
    slowQueryMs: number;
    /** Alarm thresholds. */
    alarms: AuroraPostgresAlarmThresholds;
    /**
     * Reader auto scaling (Application Auto Scaling on the replica count). Not on a secondary of a
     * global cluster: its readers follow the standby's plan, and the secondary takes no load to track.
     * @default { enabled: false }
     */
    readerAutoScaling?: ReaderAutoScaling;
    /** Name of the Secrets Manager secret holding the master credentials. @example "mlops-prod/aurora/master" */
    secretName: string;
    /**
     * The MLflow application's login role (mlflow_app): the generation of its password and the
     * timeouts `dbops migrate` sets on it. Changing any of them changes no AWS resource but the
     * password's generator and secret; `dbops migrate` applies them.
     * @default generation 1; statement and idle-in-transaction timeouts 60 s; lock timeout 10 s
     */
    application?: ApplicationRoleSettings;
    /** Name of the Secrets Manager secret holding mlflow_app's credentials. @example "mlops-prod/aurora/app" */
    applicationSecretName?: string;
    /**
     * mlflow_app's password, given instead of generated: a DR cluster (secondary, promoted or restored)
     * has the primary's roles, passwords included, so it must present the primary's. Without it such a
     * cluster has no application credential (see `application` on the component).
     */
    applicationPassword?: pulumi.Input<string>;
}

export interface ApplicationRoleSettings {
    /** Generation of mlflow_app's password; increasing it rotates the password. @default 1 */
    passwordRotation: number;
    /** `statement_timeout` of mlflow_app's sessions, ms (0: none). @default 60000 */
    statementTimeoutMs: number;
    /** `idle_in_transaction_session_timeout` of mlflow_app's sessions, ms (0: none). @default 60000 */
    idleInTransactionSessionTimeoutMs: number;
    /** `lock_timeout` of mlflow_app's sessions, ms (0: none). @default 10000 */
    lockTimeoutMs: number;
}

/** The application role's credential as the contract carries it. */
export interface ApplicationCredential {
    username: string;
    /** A Pulumi secret. */
    password: pulumi.Output<string>;
    secretArn: pulumi.Output<string>;
    settings: Omit<ApplicationRoleSettings, "passwordRotation">;
}

const DEFAULT_APPLICATION: ApplicationRoleSettings = { passwordRotation: 1, statementTimeoutMs: 60_000, idleInTransactionSessionTimeoutMs: 60_000, lockTimeoutMs: 10_000 };

/**
 * Encrypted, TLS-only, private Aurora PostgreSQL cluster: MLflow's metadata store.
 *
 * Declares a customer-managed KMS key (storage, Performance Insights, the
 * master secret), a generated master password kept in Secrets Manager, cluster
 * and instance parameter groups (TLS forced, pg_stat_statements preloaded,
 * slow statements logged), a subnet group, a security group admitting only the
 * clients, a writer plus readers across AZs, the Enhanced Monitoring role, and
 * CloudWatch alarms.
 */
export class AuroraPostgres extends pulumi.ComponentResource {
    public readonly cluster: aws.rds.Cluster;
    public readonly instances: aws.rds.ClusterInstance[];
    public readonly clusterParameterGroup: aws.rds.ClusterParameterGroup;
    /** The key this component created; undefined when it was given one. */
    public readonly key?: EncryptionKey;
    public readonly securityGroup: DatabaseSecurityGroup;
    public readonly secret: ConnectionSecret;

    public readonly clusterIdentifier: pulumi.Output<string>;
    public readonly writerEndpoint: pulumi.Output<string>;
    public readonly readerEndpoint: pulumi.Output<string>;
    public readonly port: pulumi.Output<number>;
    public readonly databaseName: pulumi.Output<string>;
    public readonly masterUsername: pulumi.Output<string>;
    /** The master password, a Pulumi secret; known only once the cluster has taken it (see the constructor). */
    public readonly masterPassword: pulumi.Output<string>;
    public readonly secretArn: pulumi.Output<string>;
    /**
     * mlflow_app's credential (PgBouncer and MLflow use it). Undefined for a cluster whose roles are
     * another's (a DR secondary, promoted or restored cluster) when not given the primary's password.
     */
    public readonly application?: ApplicationCredential;
    public readonly kmsKeyArn: pulumi.Output<string>;
    /** Parameters the cluster parameter group sets, as PostgreSQL reports them (`SHOW name`). */
    public readonly parameters: Record<string, string>;

    constructor(name: string, args: AuroraPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlops:data:AuroraPostgres", name, {}, opts);
        const id = args.clusterIdentifier;
        const family = `aurora-postgresql${args.engineVersion.split(".")[0]}`;

        const origin = args.origin ?? { kind: "primary" };
        const { arn: kmsKeyArn, key } = clusterKey(
            `${name}-key`,
            args.kmsKeyArn,
            clusterKeyDescription("Aurora PostgreSQL", id),
            id,
            args.tags,
            this,
        );
        this.key = key;
        const credentials = clusterCredentials(name, args, args.masterUsername, this);
        const password = credentials.password;

        const subnetGroup = new aws.rds.SubnetGroup(
            `${name}-subnets`,
            {
                name: id,
                description: `Private subnets of Aurora cluster ${id}`,
                subnetIds: args.subnetIds,
                tags: named(args.tags, id),
            },
            { parent: this },
        );

        this.securityGroup = new DatabaseSecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.vpcId,
                groupName: `${id}-postgres`,
                service: `PostgreSQL (Aurora ${id})`,
                port: args.port,
                clientSecurityGroupIds: args.clientSecurityGroupIds,
                clientCidrs: args.clientCidrs,
                tags: args.tags,
            },
            { parent: this },
        );

        this.parameters = {
            "rds.force_ssl": "1",
            ssl_min_protocol_version: "TLSv1.2",
            shared_preload_libraries: "pg_stat_statements",
            log_min_duration_statement: String(args.slowQueryMs),
            // Every schema change is logged (Checkov CKV2_AWS_27; policy database-logging-parameters): an
            // incident review must tell who changed MLflow's tables and when. Dynamic: applied at once.
            log_statement: "ddl",
            // Planner costs measured on MLflow's real searches (plannerParameters.ts).
            ...PLANNER_PARAMETERS,
        };
        // shared_preload_libraries is static: it takes effect at the next reboot.
        // The others are dynamic and apply at once.
        const staticParameters = new Set(["shared_preload_libraries"]);
        this.clusterParameterGroup = new aws.rds.ClusterParameterGroup(
            `${name}-cluster-params`,
            {
                name: `${id}-${family}`,
                family,
                description: `Cluster parameters of ${id}: TLS only, pg_stat_statements, slow statements logged`,
                parameters: Object.entries(this.parameters).map(([pname, value]) => ({
                    name: pname,
                    value,
                    applyMethod: staticParameters.has(pname) ? "pending-reboot" : "immediate",
                })),
                tags: args.tags,
            },
            { parent: this },
        );
        // An instance parameter group of our own, empty for now, so that tuning an
        // instance parameter later edits this group instead of swapping the
        // default group out (which needs a reboot of every instance).
        const instanceParameterGroup = new aws.rds.ParameterGroup(
            `${name}-instance-params`,
            {
                name: `${id}-instance-${family}`,
                family,
                description: `Instance parameters of ${id}`,
                tags: args.tags,
            },
            { parent: this },
        );

        // A secondary cannot take a final snapshot: it is deleted by detaching it first.
        const finalSnapshot = args.finalSnapshot && origin.kind !== "secondary";

        this.cluster = new aws.rds.Cluster(
            `${name}-cluster`,
            {
                clusterIdentifier: id,
                engine: AURORA_POSTGRES_ENGINE,
                engineMode: "provisioned",
                engineVersion: args.engineVersion,
                allowMajorVersionUpgrade: false,
                ...originClusterInputs(origin, credentials, { databaseName: args.databaseName }),
                port: args.port,
                dbSubnetGroupName: subnetGroup.name,
                vpcSecurityGroupIds: [this.securityGroup.id],
                dbClusterParameterGroupName: this.clusterParameterGroup.name,
                storageEncrypted: true,
                kmsKeyId: kmsKeyArn,
                iamDatabaseAuthenticationEnabled: true,
                enabledCloudwatchLogsExports: ["postgresql"],
                copyTagsToSnapshot: true,
                backupRetentionPeriod: args.backupRetentionDays,
                preferredBackupWindow: args.preferredBackupWindow,
                preferredMaintenanceWindow: args.preferredMaintenanceWindow,
                deletionProtection: args.deletionProtection,
                skipFinalSnapshot: !finalSnapshot,
                finalSnapshotIdentifier: finalSnapshotName(name, id, finalSnapshot, this),
                applyImmediately: args.applyImmediately,
                tags: named(args.tags, id),
            },
            { parent: this, protect: args.deletionProtection, ignoreChanges: originIgnoreChanges(origin, args.globalSource ?? false) },
        );

        const monitoringRole = args.monitoringIntervalSeconds > 0 ? this.monitoringRole(name, id, args.tags) : undefined;

        // Numbered, not "writer"/"reader": the roles move on failover.
        const identifiers = Array.from({ length: args.instances }, (_, i) => `${id}-${i + 1}`);
        this.instances = [];
        identifiers.forEach((identifier, i) => {
            this.instances.push(
                new aws.rds.ClusterInstance(
                    `${name}-instance-${i + 1}`,
                    {
                        identifier,
                        clusterIdentifier: this.cluster.id,
                        engine: AURORA_POSTGRES_ENGINE,
                        engineVersion: this.cluster.engineVersion,
                        instanceClass: args.instanceClass,
                        availabilityZone: zoneFor(i, args.availabilityZones),
                        promotionTier: promotionTier(i),
                        dbSubnetGroupName: subnetGroup.name,
                        dbParameterGroupName: instanceParameterGroup.name,
                        publiclyAccessible: false,
                        autoMinorVersionUpgrade: true,
                        performanceInsightsEnabled: args.performanceInsights.enabled,
                        performanceInsightsKmsKeyId: args.performanceInsights.enabled ? kmsKeyArn : undefined,
                        performanceInsightsRetentionPeriod: args.performanceInsights.enabled
                            ? args.performanceInsights.retentionDays
                            : undefined,
                        monitoringInterval: args.monitoringIntervalSeconds,
                        monitoringRoleArn: monitoringRole?.arn,
                        preferredMaintenanceWindow: args.preferredMaintenanceWindow,
                        copyTagsToSnapshot: true,
                        applyImmediately: args.applyImmediately,
                        tags: named(args.tags, identifier),
                    },
                    { parent: this },
                ),
            );
        });

        // Resolved once the cluster's create or update has returned, so that the secret, the contract and
        // the dbops Jobs get a new password only after ModifyDBCluster has taken it. AWS then applies it
        // "asynchronously as soon as possible" (ModifyDBCluster, MasterUserPassword), a short window in
        // which the old one may still be the one that works; only dbops uses the master password.
        const applied = pulumi.secret(pulumi.all([this.cluster.arn, password]).apply(([, p]) => p));

        this.secret = new ConnectionSecret(
            `${name}-master-secret`,
            {
                secretName: args.secretName,
                description: `Master credentials of Aurora PostgreSQL cluster ${id}`,
                kmsKeyArn,
                value: {
                    engine: "postgres",
                    host: this.cluster.endpoint,
                    port: this.cluster.port,
                    dbname: args.databaseName,
                    username: credentials.username,
                    password: applied,
                },
                tags: args.tags,
            },
            { parent: this },
        );
        this.application = this.applicationCredential(name, id, args, origin.kind, kmsKeyArn);

        const alarmTarget = { routing: args.alarmRouting, tags: args.tags, parent: this };
        const alarms = clusterAlarms(
            { name, engine: "aurora", clusterIdentifier: id, instanceIdentifiers: identifiers, thresholds: args.alarms, secondary: origin.kind === "secondary" },
            alarmTarget,
        );
        auroraWriterAlarms(
            {
                name,
                clusterIdentifier: id,
                thresholds: args.alarms,
                slowQueryMs: args.slowQueryMs,
                connectionsAlarm: alarms.connections![0],
                writable: origin.kind !== "secondary",
                instances: this.instances,
            },
            alarmTarget,
        );
        if (args.readerAutoScaling?.enabled && origin.kind !== "secondary") {
            // After the instances: the scalable target needs an available cluster with its declared readers.
            readerAutoScaling(name, id, args.readerAutoScaling, args.tags, { parent: this, dependsOn: this.instances });
        }

        this.clusterIdentifier = this.cluster.clusterIdentifier;
        this.writerEndpoint = this.cluster.endpoint;
        this.readerEndpoint = this.cluster.readerEndpoint;
        this.port = this.cluster.port;
        this.databaseName = pulumi.output(args.databaseName);
        this.masterUsername = pulumi.output(credentials.username);
        this.masterPassword = applied;
        this.secretArn = this.secret.arn;
        this.kmsKeyArn = kmsKeyArn;

        this.registerOutputs({
            clusterIdentifier: this.clusterIdentifier,
            writerEndpoint: this.writerEndpoint,
            readerEndpoint: this.readerEndpoint,
            port: this.port,
            databaseName: this.databaseName,
            masterUsername: this.masterUsername,
            secretArn: this.secretArn,
            kmsKeyArn: this.kmsKeyArn,
        });
    }

    /**
     * mlflow_app's password and its secret. On a cluster of its own the password is generated with a
     * rotation counter (config `aurora.application.passwordRotation`) and set by `dbops migrate`, which
     * reads it from the contract; the secret names it for other consumers. Every other origin has the
     * primary's roles, passwords included (replicated by the global cluster, or restored from its
     * snapshot), so it uses the primary's password when given one and otherwise has none; except prod's
     * rebuilt generation ("member"), whose own migrate Job sets the password once it serves, as on a
     * cluster of its own.
     */
    private applicationCredential(name: string, id: string, args: AuroraPostgresArgs, origin: string, kmsKeyArn: pulumi.Output<string>): ApplicationCredential | undefined {
        const settings = { ...DEFAULT_APPLICATION, ...args.application };
        if (args.applicationPassword === undefined && origin !== "primary" && origin !== "member") return undefined;
        const password =
            args.applicationPassword !== undefined
                ? pulumi.secret(pulumi.output(args.applicationPassword))
                : generatedPassword(`${name}-app-password`, this, { keepers: rotationKeepers(settings.passwordRotation) });
        const secret = new ConnectionSecret(
            `${name}-app-secret`,
            {
                secretName: args.applicationSecretName ?? `${id}/app`,
                description: `Credentials of ${MLFLOW_APP_ROLE}, the MLflow application's role, on Aurora PostgreSQL cluster ${id}`,
                kmsKeyArn,
                value: { engine: "postgres", host: this.cluster.endpoint, port: this.cluster.port, dbname: args.databaseName, username: MLFLOW_APP_ROLE, password },
                tags: args.tags,
            },
            { parent: this },
        );
        const { passwordRotation: _generation, ...timeouts } = settings;
        return { username: MLFLOW_APP_ROLE, password, secretArn: secret.arn, settings: timeouts };
    }

    /** The role RDS assumes to publish Enhanced Monitoring metrics, with only the AWS-managed policy for that. */
    private monitoringRole(name: string, id: string, tags: Record<string, string>): aws.iam.Role {
        const role = new aws.iam.Role(
            `${name}-monitoring-role`,
            {
                name: `${id}-rds-monitoring`,
                description: `Enhanced Monitoring of ${id}`,
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Effect: "Allow", Principal: { Service: "monitoring.rds.amazonaws.com" }, Action: "sts:AssumeRole" },
                    ],
                }),
                tags,
            },
            { parent: this },
        );
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        new aws.iam.RolePolicyAttachment(
            `${name}-monitoring-policy`,
            {
                role: role.name,
                policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
            },
            { parent: this },
        );
        return role;
    }
}
