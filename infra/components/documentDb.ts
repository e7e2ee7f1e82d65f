import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DocumentDbConfig } from "../config";
import { named } from "../tags";
import { clusterAlarms } from "./alarms";
import { ClusterSourceArgs, clusterCredentials, clusterKey, clusterKeyDescription, originClusterInputs, originIgnoreChanges } from "./clusterOrigin";
import { ConnectionSecret } from "./credentials";
import { DatabaseSecurityGroup } from "./databaseSecurityGroup";
import { EncryptionKey } from "./encryptionKey";
import { ClusterLifecycleArgs, StorePlacementArgs } from "./storeArgs";
import { finalSnapshotName, promotionTier, zoneFor } from "./placement";

/** Alarm thresholds: the stack's `documentdb.alarms` (infra/schema/documentdb.ts and docs/configuration.md say what each means, its range and default). */
export type DocumentDbAlarmThresholds = DocumentDbConfig["alarms"] & {
    /** For a secondary of a global cluster: replication lag from the primary region (ms) above which it alarms; set to the RPO. */
    globalReplicationLagMs?: number;
};

export interface DocumentDbArgs extends StorePlacementArgs, ClusterLifecycleArgs, ClusterSourceArgs {
    /**
     * The cluster identifier; instances are `<identifier>-1`, `-2`, ...
     * @example "mlops-prod-docs"
     * Warning: changing it replaces the cluster, and with it all data.
     */
    clusterIdentifier: string;
    /**
     * Engine version, pinned. Engine patches come with instance maintenance
     * (auto minor version upgrade is on on every instance); DocumentDB 5.0 has one
     * engine version, "5.0.0".
     * - A member of a global cluster (prod with `globalSource`, the DR secondary):
     *   the cluster ignores this value after creation; the version is declared on
     *   the global cluster (GlobalReplication), whose update runs ModifyDBCluster on
     *   every member (provider docdb/global_cluster.go). The DR secondary is created
     *   with prod's version from the handoff.
     * @example "5.0.0"
     * Warning: a major version change is not an in-place update here
     * (`allowMajorVersionUpgrade: false`); the stack schema allows only "5.0.0".
     * DocumentDB's ModifyGlobalCluster has no engine version (CLI reference,
     * docdb modify-global-cluster): a global cluster is upgraded member by member
     * (`aws docdb modify-db-cluster --engine-version … --apply-immediately`), which
     * is what the provider does; see the runbook.
     */
    engineVersion: string;
    /** Instance class of every instance; a change restarts instances one at a time. @example "db.r6g.large" */
    instanceClass: string;
    /**
     * Instances: one primary plus `instances - 1` replicas (1-16), spread
     * round-robin across `availabilityZones`; a secondary may have none (headless).
     */
    instances: number;
    /**
     * Master user name (`documentdb.masterUsername`); the password is generated and kept in Secrets Manager.
     * Warning: changing it replaces the cluster.
     */
    masterUsername: string;
    /** TCP port (`documentdb.port`). */
    port: number;
    /** Operations slower than this (ms) go to the profiler log (`documentdb.profilerThresholdMs`). */
    profilerThresholdMs: number;
    /** Performance Insights on every instance, encrypted with the cluster's key (`documentdb.performanceInsights`). */
    performanceInsights: boolean;
    alarms: DocumentDbAlarmThresholds;
    /** Name of the Secrets Manager secret with the master credentials. @example "mlops-prod/documentdb/master" */
    secretName: string;
}

/**
 * Amazon DocumentDB 5.0 cluster for the platform's flexible documents
 * (experiment metadata, run logs): storage encrypted with its own CMK, TLS
 * required by the parameter group, audit and profiler logs exported, private,
 * instances across zones, generated master password in Secrets Manager.
 */
export class DocumentDb extends pulumi.ComponentResource {
    public readonly cluster: aws.docdb.Cluster;
    public readonly instances: aws.docdb.ClusterInstance[];
    /** The key this component created; undefined when it was given one. */
    public readonly key?: EncryptionKey;
    public readonly securityGroup: DatabaseSecurityGroup;
    public readonly secret: ConnectionSecret;

    public readonly clusterIdentifier: pulumi.Output<string>;
    public readonly endpoint: pulumi.Output<string>;
    public readonly readerEndpoint: pulumi.Output<string>;
    public readonly port: pulumi.Output<number>;
    public readonly masterUsername: pulumi.Output<string>;
    /** The master password, a Pulumi secret. */
    public readonly masterPassword: pulumi.Output<string>;
    public readonly secretArn: pulumi.Output<string>;
    public readonly kmsKeyArn: pulumi.Output<string>;
    /** True when the parameter group requires TLS. */
    public readonly tlsRequired: boolean;

    constructor(name: string, args: DocumentDbArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlops:data:DocumentDb", name, {}, opts);
        const id = args.clusterIdentifier;
        const family = `docdb${args.engineVersion.split(".").slice(0, 2).join(".")}`;

        const origin = args.origin ?? { kind: "primary" };
        const { arn: kmsKeyArn, key } = clusterKey(
            `${name}-key`,
            args.kmsKeyArn,
            clusterKeyDescription("DocumentDB", id),
            id,
            args.tags,
            this,
        );
        this.key = key;
        const credentials = clusterCredentials(name, args, args.masterUsername, this);
        const password = credentials.password;
        // A secondary cannot take a final snapshot: it is deleted by detaching it first.
        const finalSnapshot = args.finalSnapshot && origin.kind !== "secondary";

        const subnetGroup = new aws.docdb.SubnetGroup(
            `${name}-subnets`,
            { name: id, description: `Private subnets of DocumentDB cluster ${id}`, subnetIds: args.subnetIds, tags: named(args.tags, id) },
            { parent: this },
        );

        this.securityGroup = new DatabaseSecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.vpcId,
                groupName: `${id}-docdb`,
                service: `DocumentDB (${id})`,
                port: args.port,
                clientSecurityGroupIds: args.clientSecurityGroupIds,
                clientCidrs: args.clientCidrs,
                tags: args.tags,
            },
            { parent: this },
        );

        // `tls` is static (takes effect at the next reboot); the logging parameters are dynamic.
        const parameters: Record<string, { value: string; static: boolean }> = {
            tls: { value: "enabled", static: true },
            // DDL and DML (reads and writes) audited: "enabled" is the legacy value for DDL only
            // (policy database-logging-parameters requires DDL and DML writes).
            audit_logs: { value: "all", static: false },
            profiler: { value: "enabled", static: false },
            profiler_threshold_ms: { value: String(args.profilerThresholdMs), static: false },
        };
        this.tlsRequired = parameters.tls.value === "enabled";
        const parameterGroup = new aws.docdb.ClusterParameterGroup(
            `${name}-cluster-params`,
            {
                name: `${id}-${family.replace(".", "-")}`,
                family,
                description: `Cluster parameters of ${id}: TLS required, audit and profiler logs`,
                parameters: Object.entries(parameters).map(([pname, p]) => ({
                    name: pname,
                    value: p.value,
                    applyMethod: p.static ? "pending-reboot" : "immediate",
                })),
                tags: args.tags,
            },
            { parent: this },
        );

        this.cluster = new aws.docdb.Cluster(
            `${name}-cluster`,
            {
                clusterIdentifier: id,
                engine: "docdb",
                engineVersion: args.engineVersion,
                allowMajorVersionUpgrade: false,
                ...originClusterInputs(origin, credentials),
                port: args.port,
                dbSubnetGroupName: subnetGroup.name,
                vpcSecurityGroupIds: [this.securityGroup.id],
                dbClusterParameterGroupName: parameterGroup.name,
                storageEncrypted: true,
                kmsKeyId: kmsKeyArn,
                enabledCloudwatchLogsExports: ["audit", "profiler"],
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

        // Numbered, not "writer"/"reader": the roles move on failover.
        const identifiers = Array.from({ length: args.instances }, (_, i) => `${id}-${i + 1}`);
        this.instances = [];
        identifiers.forEach((identifier, i) => {
            this.instances.push(
                new aws.docdb.ClusterInstance(
                    `${name}-instance-${i + 1}`,
                    {
                        identifier,
                        clusterIdentifier: this.cluster.id,
                        engine: "docdb",
                        instanceClass: args.instanceClass,
                        availabilityZone: zoneFor(i, args.availabilityZones),
                        promotionTier: promotionTier(i),
                        autoMinorVersionUpgrade: true,
                        preferredMaintenanceWindow: args.preferredMaintenanceWindow,
                        enablePerformanceInsights: args.performanceInsights,
                        performanceInsightsKmsKeyId: args.performanceInsights ? kmsKeyArn : undefined,
                        copyTagsToSnapshot: true,
                        applyImmediately: args.applyImmediately,
                        tags: named(args.tags, identifier),
                    },
                    { parent: this },
                ),
            );
        });

        // Resolved once the cluster has taken the password (as for Aurora, auroraPostgres.ts): a rotated
        // one reaches the secret and the contract only after ModifyDBCluster has returned.
        const applied = pulumi.secret(pulumi.all([this.cluster.arn, password]).apply(([, p]) => p));

        this.secret = new ConnectionSecret(
            `${name}-master-secret`,
            {
                secretName: args.secretName,
                description: `Master credentials of DocumentDB cluster ${id}`,
                kmsKeyArn,
                value: {
                    engine: "mongo",
                    host: this.cluster.endpoint,
                    port: args.port,
                    username: credentials.username,
                    password: applied,
                    ssl: "true",
                },
                tags: args.tags,
            },
            { parent: this },
        );

        clusterAlarms(
            { name, engine: "docdb", clusterIdentifier: id, instanceIdentifiers: identifiers, thresholds: args.alarms, secondary: origin.kind === "secondary" },
            { routing: args.alarmRouting, tags: args.tags, parent: this },
        );

        this.clusterIdentifier = this.cluster.clusterIdentifier;
        this.endpoint = this.cluster.endpoint;
        this.readerEndpoint = this.cluster.readerEndpoint;
        this.port = this.cluster.port.apply((p) => p ?? args.port);
        this.masterUsername = pulumi.output(credentials.username);
        this.masterPassword = applied;
        this.secretArn = this.secret.arn;
        this.kmsKeyArn = kmsKeyArn;
        this.registerOutputs({
            clusterIdentifier: this.clusterIdentifier,
            endpoint: this.endpoint,
            readerEndpoint: this.readerEndpoint,
            port: this.port,
            secretArn: this.secretArn,
            kmsKeyArn: this.kmsKeyArn,
        });
    }
}
