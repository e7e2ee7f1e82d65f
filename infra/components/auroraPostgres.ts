import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AuroraConfig } from "../config";
import { auroraSchema } from "../schema/aurora";
import { named } from "../tags";
import { ReaderAutoScaling, auroraConnectionLimitAlarms, auroraWriterAlarms, readerAutoScaling } from "./auroraOperations";
import { ClusterSourceArgs } from "./clusterOrigin";
import {
    ClusterBasics,
    appliedPassword,
    clusterBasics,
    clusterCommonInputs,
    clusterOptions,
    createClusterAlarms,
    createClusterCredentials,
    createClusterKey,
    createMasterSecret,
    instanceCommonInputs,
    instanceIdentifiers,
} from "./clusterSkeleton";
import { ApplicationLoginName, MLFLOW_APP_ROLE, applicationLoginName } from "../verification";
import { ConnectionSecret, generatedPassword, rotationKeepers } from "./credentials";
import { DatabaseSecurityGroup } from "./databaseSecurityGroup";
import { EncryptionKey } from "./encryptionKey";
import { ClusterLifecycleArgs, StorePlacementArgs } from "./storeArgs";
import { createStoreSecurityGroup, storeAlarmTarget } from "./storeSkeleton";
import { PLANNER_PARAMETERS } from "./plannerParameters";

/** The Aurora engine this component declares. */
export const AURORA_POSTGRES_ENGINE = "aurora-postgresql";

/** Alarm thresholds: the stack's `aurora.alarms` (infra/schema/aurora.ts and docs/configuration.md say what each means, its range and default). */
export type AuroraPostgresAlarmThresholds = AuroraConfig["alarms"] & {
    /** For a secondary of a global cluster: replication lag from the primary region (ms) above which it alarms; set to the RPO. */
    globalReplicationLagMs?: number;
};

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
     * Name of the database created in the cluster (`aurora.databaseName`).
     * Warning: changing it replaces the cluster.
     */
    databaseName: string;
    /**
     * Master user name (`aurora.masterUsername`). The password is generated and kept in Secrets Manager.
     * Warning: changing it replaces the cluster.
     */
    masterUsername: string;
    /** TCP port (`aurora.port`). */
    port: number;
    /** Performance Insights on every instance, encrypted with the cluster's key (`aurora.performanceInsights`). */
    performanceInsights: AuroraConfig["performanceInsights"];
    /** Enhanced Monitoring interval in seconds (0 = off); creates the monitoring role when on (`aurora.monitoringIntervalSeconds`). */
    monitoringIntervalSeconds: number;
    /** `log_min_duration_statement`: statements slower than this (ms) are logged (`aurora.slowQueryMs`). */
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
     * @default the schema's defaults of `aurora.application`
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

/** The application role's settings: the stack's `aurora.application` (infra/schema/aurora.ts says what each means). */
export type ApplicationRoleSettings = AuroraConfig["application"];

/** The application role's credential as the contract carries it. */
export interface ApplicationCredential {
    /** The login of this generation (one of two that act as mlflow_app, alternately). */
    username: ApplicationLoginName;
    generation: number;
    /** Restored from a snapshot: see ApplicationContract.restoredCluster. */
    restoredCluster: boolean;
    /** A Pulumi secret. */
    password: pulumi.Output<string>;
    secretArn: pulumi.Output<string>;
    settings: Omit<ApplicationRoleSettings, "passwordRotation">;
}

type Basics = ClusterBasics<AuroraPostgresArgs>;

/** Without `application`, the schema's defaults (a component built outside a stack's config, e.g. in a test). */
const DEFAULT_APPLICATION: ApplicationRoleSettings = auroraSchema.shape.application.parse(undefined);

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
    /** The master password, a Pulumi secret; known only once the cluster has taken it (clusterSkeleton.ts appliedPassword). */
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
        const c = clusterBasics(name, args);

        const { arn: kmsKeyArn, key } = createClusterKey(c, "Aurora PostgreSQL", this);
        const credentials = createClusterCredentials(c, this);
        const subnetGroup = this.createSubnetGroup(c);
        const securityGroup = createStoreSecurityGroup(name, args, { groupName: `${c.id}-postgres`, service: `PostgreSQL (Aurora ${c.id})`, port: args.port }, this);
        const parameterGroups = this.createParameterGroups(c);
        const cluster = this.createCluster(c, { credentials, kmsKeyArn, subnetGroup, securityGroup, parameterGroup: parameterGroups.cluster });
        const identifiers = instanceIdentifiers(c);
        const instances = this.createInstances(c, identifiers, { cluster, kmsKeyArn, subnetGroup, parameterGroup: parameterGroups.instance });
        const password = appliedPassword(cluster.arn, credentials.password);
        const secret = createMasterSecret(
            c,
            "Aurora PostgreSQL",
            kmsKeyArn,
            { engine: "postgres", host: cluster.endpoint, port: cluster.port, dbname: args.databaseName, username: credentials.username, password },
            this,
        );
        const application = this.createApplicationCredential(c, cluster, kmsKeyArn);
        this.createAlarms(c, identifiers, instances);
        this.createReaderAutoScaling(c, instances);

        this.key = key;
        this.securityGroup = securityGroup;
        this.parameters = parameterGroups.parameters;
        this.clusterParameterGroup = parameterGroups.cluster;
        this.cluster = cluster;
        this.instances = instances;
        this.secret = secret;
        this.application = application;
        this.clusterIdentifier = cluster.clusterIdentifier;
        this.writerEndpoint = cluster.endpoint;
        this.readerEndpoint = cluster.readerEndpoint;
        this.port = cluster.port;
        this.databaseName = pulumi.output(args.databaseName);
        this.masterUsername = pulumi.output(credentials.username);
        this.masterPassword = password;
        this.secretArn = secret.arn;
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

    private createSubnetGroup(c: Basics): aws.rds.SubnetGroup {
        return new aws.rds.SubnetGroup(
            `${c.name}-subnets`,
            { name: c.id, description: `Private subnets of Aurora cluster ${c.id}`, subnetIds: c.args.subnetIds, tags: named(c.args.tags, c.id) },
            { parent: this },
        );
    }

    /**
     * The cluster parameter group (TLS forced, pg_stat_statements preloaded, slow statements and DDL
     * logged) and an instance parameter group of our own, empty for now, so that tuning an instance
     * parameter later edits this group instead of swapping the default group out (which needs a
     * reboot of every instance).
     */
    private createParameterGroups(c: Basics): { parameters: Record<string, string>; cluster: aws.rds.ClusterParameterGroup; instance: aws.rds.ParameterGroup } {
        const family = `aurora-postgresql${c.args.engineVersion.split(".")[0]}`;
        const parameters: Record<string, string> = {
            "rds.force_ssl": "1",
            ssl_min_protocol_version: "TLSv1.2",
            shared_preload_libraries: "pg_stat_statements",
            log_min_duration_statement: String(c.args.slowQueryMs),
            // Every schema change is logged (Checkov CKV2_AWS_27; policy database-logging-parameters): an
            // incident review must tell who changed MLflow's tables and when. Dynamic: applied at once.
            log_statement: "ddl",
            // Planner costs measured on MLflow's real searches (plannerParameters.ts).
            ...PLANNER_PARAMETERS,
        };
        // shared_preload_libraries is static: it takes effect at the next reboot.
        // The others are dynamic and apply at once.
        const staticParameters = new Set(["shared_preload_libraries"]);
        const cluster = new aws.rds.ClusterParameterGroup(
            `${c.name}-cluster-params`,
            {
                name: `${c.id}-${family}`,
                family,
                description: `Cluster parameters of ${c.id}: TLS only, pg_stat_statements, slow statements logged`,
                parameters: Object.entries(parameters).map(([pname, value]) => ({
                    name: pname,
                    value,
                    applyMethod: staticParameters.has(pname) ? "pending-reboot" : "immediate",
                })),
                tags: c.args.tags,
            },
            { parent: this },
        );
        const instance = new aws.rds.ParameterGroup(
            `${c.name}-instance-params`,
            { name: `${c.id}-instance-${family}`, family, description: `Instance parameters of ${c.id}`, tags: c.args.tags },
            { parent: this },
        );
        return { parameters, cluster, instance };
    }

    private createCluster(
        c: Basics,
        parts: {
            credentials: { username: string; password: pulumi.Output<string> };
            kmsKeyArn: pulumi.Output<string>;
            subnetGroup: aws.rds.SubnetGroup;
            securityGroup: DatabaseSecurityGroup;
            parameterGroup: aws.rds.ClusterParameterGroup;
        },
    ): aws.rds.Cluster {
        return new aws.rds.Cluster(
            `${c.name}-cluster`,
            {
                ...clusterCommonInputs(
                    c,
                    {
                        credentials: parts.credentials,
                        primaryOnly: { databaseName: c.args.databaseName },
                        subnetGroupName: parts.subnetGroup.name,
                        securityGroupId: parts.securityGroup.id,
                        parameterGroupName: parts.parameterGroup.name,
                        kmsKeyArn: parts.kmsKeyArn,
                    },
                    this,
                ),
                engine: AURORA_POSTGRES_ENGINE,
                engineMode: "provisioned",
                iamDatabaseAuthenticationEnabled: true,
                enabledCloudwatchLogsExports: ["postgresql"],
                copyTagsToSnapshot: true,
            },
            clusterOptions(c, this),
        );
    }

    /** One writer plus readers, spread over the zones, with Performance Insights and Enhanced Monitoring as configured. */
    private createInstances(
        c: Basics,
        identifiers: string[],
        parts: { cluster: aws.rds.Cluster; kmsKeyArn: pulumi.Output<string>; subnetGroup: aws.rds.SubnetGroup; parameterGroup: aws.rds.ParameterGroup },
    ): aws.rds.ClusterInstance[] {
        const a = c.args;
        const monitoringRole = a.monitoringIntervalSeconds > 0 ? this.createMonitoringRole(c) : undefined;
        const pi = a.performanceInsights;
        return identifiers.map(
            (identifier, i) =>
                new aws.rds.ClusterInstance(
                    `${c.name}-instance-${i + 1}`,
                    {
                        ...instanceCommonInputs(c, i, identifier, parts.cluster.id),
                        engine: AURORA_POSTGRES_ENGINE,
                        engineVersion: parts.cluster.engineVersion,
                        dbSubnetGroupName: parts.subnetGroup.name,
                        dbParameterGroupName: parts.parameterGroup.name,
                        publiclyAccessible: false,
                        performanceInsightsEnabled: pi.enabled,
                        performanceInsightsKmsKeyId: pi.enabled ? parts.kmsKeyArn : undefined,
                        performanceInsightsRetentionPeriod: pi.enabled ? pi.retentionDays : undefined,
                        monitoringInterval: a.monitoringIntervalSeconds,
                        monitoringRoleArn: monitoringRole?.arn,
                    },
                    { parent: this },
                ),
        );
    }

    /** The cluster's alarms (clusterAlarms) and the writer's own: deadlocks, slow statements, transaction IDs. */
    private createAlarms(c: Basics, identifiers: string[], instances: aws.rds.ClusterInstance[]): void {
        const alarms = createClusterAlarms(c, "aurora", identifiers, this);
        auroraWriterAlarms(
            {
                name: c.name,
                clusterIdentifier: c.id,
                thresholds: c.args.alarms,
                slowQueryMs: c.args.slowQueryMs,
                connectionsAlarm: alarms.connections![0],
                writable: !c.secondary,
                instances,
            },
            storeAlarmTarget(c.args, this),
        );
        auroraConnectionLimitAlarms(
            { name: c.name, clusterIdentifier: c.id, instanceIdentifiers: identifiers, instanceClass: c.args.instanceClass, percent: c.args.alarms.connectionsLimitPercent },
            storeAlarmTarget(c.args, this),
        );
    }

    private createReaderAutoScaling(c: Basics, instances: aws.rds.ClusterInstance[]): void {
        if (!c.args.readerAutoScaling?.enabled || c.secondary) return;
        // After the instances: the scalable target needs an available cluster with its declared readers.
        readerAutoScaling(c.name, c.id, c.args.readerAutoScaling, c.args.tags, { parent: this, dependsOn: instances });
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
    private createApplicationCredential(c: Basics, cluster: aws.rds.Cluster, kmsKeyArn: pulumi.Output<string>): ApplicationCredential | undefined {
        const { name, id, args } = c;
        const settings = { ...DEFAULT_APPLICATION, ...args.application };
        if (args.applicationPassword === undefined && c.origin.kind !== "primary" && c.origin.kind !== "member") return undefined;
        const password =
            args.applicationPassword !== undefined
                ? pulumi.secret(pulumi.output(args.applicationPassword))
                : generatedPassword(`${name}-app-password`, this, { keepers: rotationKeepers(settings.passwordRotation) });
        // The generation's login: a DR cluster takes prod's generation with prod's settings (the handoff), so the
        // same login, whose password it holds.
        const { passwordRotation: generation, ...timeouts } = settings;
        const username = applicationLoginName(generation);
        const secret = new ConnectionSecret(
            `${name}-app-secret`,
            {
                secretName: args.applicationSecretName ?? `${id}/app`,
                description: `Credentials of the MLflow application's login (acting as role ${MLFLOW_APP_ROLE}) on Aurora PostgreSQL cluster ${id}`,
                kmsKeyArn,
                value: { engine: "postgres", host: cluster.endpoint, port: cluster.port, dbname: args.databaseName, username, password },
                tags: args.tags,
            },
            { parent: this },
        );
        return { username, generation, restoredCluster: c.origin.kind === "snapshot", password, secretArn: secret.arn, settings: timeouts };
    }

    /** The role RDS assumes to publish Enhanced Monitoring metrics, with only the AWS-managed policy for that. */
    private createMonitoringRole(c: Basics): aws.iam.Role {
        const { name, id } = c;
        const tags = c.args.tags;
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
