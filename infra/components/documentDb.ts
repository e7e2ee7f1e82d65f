import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DocumentDbConfig } from "../config";
import { named } from "../tags";
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
import { ConnectionSecret } from "./credentials";
import { DatabaseSecurityGroup } from "./databaseSecurityGroup";
import { EncryptionKey } from "./encryptionKey";
import { ClusterLifecycleArgs, StorePlacementArgs } from "./storeArgs";
import { createStoreSecurityGroup } from "./storeSkeleton";

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

type Basics = ClusterBasics<DocumentDbArgs>;

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
        const c = clusterBasics(name, args);

        const { arn: kmsKeyArn, key } = createClusterKey(c, "DocumentDB", this);
        const credentials = createClusterCredentials(c, this);
        const subnetGroup = this.createSubnetGroup(c);
        const securityGroup = createStoreSecurityGroup(name, args, { groupName: `${c.id}-docdb`, service: `DocumentDB (${c.id})`, port: args.port }, this);
        const parameterGroup = this.createParameterGroup(c);
        const cluster = this.createCluster(c, { credentials, kmsKeyArn, subnetGroup, securityGroup, parameterGroup: parameterGroup.group });
        const identifiers = instanceIdentifiers(c);
        const instances = this.createInstances(c, identifiers, { cluster, kmsKeyArn });
        // As for Aurora: a rotated password reaches the secret and the contract only after ModifyDBCluster has returned.
        const password = appliedPassword(cluster.arn, credentials.password);
        const secret = createMasterSecret(
            c,
            "DocumentDB",
            kmsKeyArn,
            { engine: "mongo", host: cluster.endpoint, port: args.port, username: credentials.username, password, ssl: "true" },
            this,
        );
        createClusterAlarms(c, "docdb", identifiers, this);

        this.key = key;
        this.securityGroup = securityGroup;
        this.tlsRequired = parameterGroup.tlsRequired;
        this.cluster = cluster;
        this.instances = instances;
        this.secret = secret;
        this.clusterIdentifier = cluster.clusterIdentifier;
        this.endpoint = cluster.endpoint;
        this.readerEndpoint = cluster.readerEndpoint;
        this.port = cluster.port.apply((p) => p ?? args.port);
        this.masterUsername = pulumi.output(credentials.username);
        this.masterPassword = password;
        this.secretArn = secret.arn;
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

    private createSubnetGroup(c: Basics): aws.docdb.SubnetGroup {
        return new aws.docdb.SubnetGroup(
            `${c.name}-subnets`,
            { name: c.id, description: `Private subnets of DocumentDB cluster ${c.id}`, subnetIds: c.args.subnetIds, tags: named(c.args.tags, c.id) },
            { parent: this },
        );
    }

    /** TLS required, DDL and DML audited, slow operations profiled. */
    private createParameterGroup(c: Basics): { group: aws.docdb.ClusterParameterGroup; tlsRequired: boolean } {
        const family = `docdb${c.args.engineVersion.split(".").slice(0, 2).join(".")}`;
        // `tls` is static (takes effect at the next reboot); the logging parameters are dynamic.
        const parameters: Record<string, { value: string; static: boolean }> = {
            tls: { value: "enabled", static: true },
            // DDL and DML (reads and writes) audited: "enabled" is the legacy value for DDL only
            // (policy database-logging-parameters requires DDL and DML writes).
            audit_logs: { value: "all", static: false },
            profiler: { value: "enabled", static: false },
            profiler_threshold_ms: { value: String(c.args.profilerThresholdMs), static: false },
        };
        const group = new aws.docdb.ClusterParameterGroup(
            `${c.name}-cluster-params`,
            {
                name: `${c.id}-${family.replace(".", "-")}`,
                family,
                description: `Cluster parameters of ${c.id}: TLS required, audit and profiler logs`,
                parameters: Object.entries(parameters).map(([pname, p]) => ({
                    name: pname,
                    value: p.value,
                    applyMethod: p.static ? "pending-reboot" : "immediate",
                })),
                tags: c.args.tags,
            },
            { parent: this },
        );
        return { group, tlsRequired: parameters.tls.value === "enabled" };
    }

    private createCluster(
        c: Basics,
        parts: {
            credentials: { username: string; password: pulumi.Output<string> };
            kmsKeyArn: pulumi.Output<string>;
            subnetGroup: aws.docdb.SubnetGroup;
            securityGroup: DatabaseSecurityGroup;
            parameterGroup: aws.docdb.ClusterParameterGroup;
        },
    ): aws.docdb.Cluster {
        return new aws.docdb.Cluster(
            `${c.name}-cluster`,
            {
                ...clusterCommonInputs(
                    c,
                    {
                        credentials: parts.credentials,
                        subnetGroupName: parts.subnetGroup.name,
                        securityGroupId: parts.securityGroup.id,
                        parameterGroupName: parts.parameterGroup.name,
                        kmsKeyArn: parts.kmsKeyArn,
                    },
                    this,
                ),
                engine: "docdb",
                enabledCloudwatchLogsExports: ["audit", "profiler"],
            },
            clusterOptions(c, this),
        );
    }

    /** One primary plus replicas, spread over the zones, with Performance Insights as configured. */
    private createInstances(c: Basics, identifiers: string[], parts: { cluster: aws.docdb.Cluster; kmsKeyArn: pulumi.Output<string> }): aws.docdb.ClusterInstance[] {
        const pi = c.args.performanceInsights;
        return identifiers.map(
            (identifier, i) =>
                new aws.docdb.ClusterInstance(
                    `${c.name}-instance-${i + 1}`,
                    {
                        ...instanceCommonInputs(c, i, identifier, parts.cluster.id),
                        engine: "docdb",
                        enablePerformanceInsights: pi,
                        performanceInsightsKmsKeyId: pi ? parts.kmsKeyArn : undefined,
                    },
                    { parent: this },
                ),
        );
    }
}
