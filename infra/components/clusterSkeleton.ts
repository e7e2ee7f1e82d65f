/**
 * What an Aurora and a DocumentDB cluster share: the two services run on the
 * same RDS machinery, and @pulumi/aws gives their clusters and instances the
 * same input names for the same things (origin, backups, windows, deletion,
 * placement of instances). AuroraPostgres and DocumentDb declare their own
 * engine-specific resources (parameter groups, subnet groups of their own
 * type, the cluster and instance resources themselves) and take these parts
 * from here: the key, the master credentials and their secret, the inputs
 * their clusters and instances share, and the alarms every cluster has, so
 * that a rule about backups, deletion, placement or alarms is written once.
 */
import type * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { named } from "../tags";
import { ClusterOrigin, ClusterService, ClusterSourceArgs, clusterCredentials, clusterKeyDescription, originClusterInputs, originIgnoreChanges } from "./clusterOrigin";
import { finalSnapshotName, promotionTier, zoneFor } from "./placement";
import type { ClusterLifecycleArgs, StorePlacementArgs } from "./storeArgs";
import { ClusterAlarms, clusterAlarms } from "./alarms";
import { ConnectionSecret } from "./credentials";
import { createStoreKey, storeAlarmTarget } from "./storeSkeleton";
import type { EncryptionKey } from "./encryptionKey";

type ClusterArgs = StorePlacementArgs &
    ClusterLifecycleArgs &
    ClusterSourceArgs & { clusterIdentifier: string; instances: number; instanceClass: string; masterUsername: string };

/** Inputs aws.rds.Cluster and aws.docdb.Cluster both take, under the same names and meaning. */
type SharedClusterInputKey =
    | "clusterIdentifier"
    | "engineVersion"
    | "allowMajorVersionUpgrade"
    | "port"
    | "dbSubnetGroupName"
    | "vpcSecurityGroupIds"
    | "dbClusterParameterGroupName"
    | "storageEncrypted"
    | "kmsKeyId"
    | "backupRetentionPeriod"
    | "preferredBackupWindow"
    | "preferredMaintenanceWindow"
    | "deletionProtection"
    | "skipFinalSnapshot"
    | "finalSnapshotIdentifier"
    | "applyImmediately"
    | "tags";
export type SharedClusterInputs = Pick<aws.rds.ClusterArgs, SharedClusterInputKey> & Pick<aws.docdb.ClusterArgs, SharedClusterInputKey>;

/** Inputs aws.rds.ClusterInstance and aws.docdb.ClusterInstance both take alike. */
type SharedInstanceInputKey =
    | "identifier"
    | "clusterIdentifier"
    | "instanceClass"
    | "availabilityZone"
    | "promotionTier"
    | "autoMinorVersionUpgrade"
    | "preferredMaintenanceWindow"
    | "copyTagsToSnapshot"
    | "applyImmediately"
    | "tags";
export type SharedInstanceInputs = Pick<aws.rds.ClusterInstanceArgs, SharedInstanceInputKey> & Pick<aws.docdb.ClusterInstanceArgs, SharedInstanceInputKey>;

/** What every step of a cluster component reads: its logical name, identifier, origin and arguments. */
export interface ClusterBasics<A extends ClusterArgs> {
    /** The component's logical name: the prefix of every child's. */
    name: string;
    /** The cluster identifier (AWS's name for it). */
    id: string;
    args: A;
    origin: ClusterOrigin;
    /** A secondary of a global cluster: no final snapshot, no writes, its users the primary's. */
    secondary: boolean;
}

export function clusterBasics<A extends ClusterArgs>(name: string, args: A): ClusterBasics<A> {
    const origin = args.origin ?? { kind: "primary" };
    return { name, id: args.clusterIdentifier, args, origin, secondary: origin.kind === "secondary" };
}

/** The cluster's key: the one given, or a new rotating CMK under the cluster's identifier. */
export function createClusterKey(c: ClusterBasics<ClusterArgs>, service: ClusterService, parent: pulumi.Resource): { arn: pulumi.Output<string>; key?: EncryptionKey } {
    return createStoreKey(c.name, c.args.kmsKeyArn, { description: clusterKeyDescription(service, c.id), alias: c.id, tags: c.args.tags }, parent);
}

/** The master credentials: the ones given (every origin but a primary), or a generated password. */
export function createClusterCredentials(c: ClusterBasics<ClusterArgs>, parent: pulumi.Resource): { username: string; password: pulumi.Output<string> } {
    return clusterCredentials(c.name, c.args, c.args.masterUsername, parent);
}

/**
 * The inputs aws.rds.Cluster and aws.docdb.Cluster take alike: identity and
 * origin, port, network, encryption, backups, windows and deletion. The
 * engine-specific ones are the caller's.
 */
export function clusterCommonInputs(
    c: ClusterBasics<ClusterArgs & { engineVersion: string; port: number }>,
    parts: {
        credentials: { username: string; password: pulumi.Output<string> };
        /** Inputs only a primary declares (Aurora's databaseName). */
        primaryOnly?: Record<string, unknown>;
        subnetGroupName: pulumi.Input<string>;
        securityGroupId: pulumi.Input<string>;
        parameterGroupName: pulumi.Input<string>;
        kmsKeyArn: pulumi.Input<string>;
    },
    parent: pulumi.Resource,
): SharedClusterInputs & Record<string, unknown> {
    const a = c.args;
    // A secondary cannot take a final snapshot: it is deleted by detaching it first.
    const finalSnapshot = a.finalSnapshot && !c.secondary;
    return {
        clusterIdentifier: c.id,
        engineVersion: a.engineVersion,
        allowMajorVersionUpgrade: false,
        ...originClusterInputs(c.origin, parts.credentials, parts.primaryOnly),
        port: a.port,
        dbSubnetGroupName: parts.subnetGroupName,
        vpcSecurityGroupIds: [parts.securityGroupId],
        dbClusterParameterGroupName: parts.parameterGroupName,
        storageEncrypted: true,
        kmsKeyId: parts.kmsKeyArn,
        backupRetentionPeriod: a.backupRetentionDays,
        preferredBackupWindow: a.preferredBackupWindow,
        preferredMaintenanceWindow: a.preferredMaintenanceWindow,
        deletionProtection: a.deletionProtection,
        skipFinalSnapshot: !finalSnapshot,
        finalSnapshotIdentifier: finalSnapshotName(c.name, c.id, finalSnapshot, parent),
        applyImmediately: a.applyImmediately,
        tags: named(a.tags, c.id),
    };
}

/** The cluster's options: protected when deletion-protected, and what its origin ignores (originIgnoreChanges). */
export function clusterOptions(c: ClusterBasics<ClusterArgs>, parent: pulumi.Resource): pulumi.CustomResourceOptions {
    return { parent, protect: c.args.deletionProtection, ignoreChanges: originIgnoreChanges(c.origin, c.args.globalSource ?? false) };
}

/** The instances' identifiers, numbered `<cluster>-1`, `-2`, ... (not "writer"/"reader": the roles move on failover). */
export function instanceIdentifiers(c: ClusterBasics<ClusterArgs>): string[] {
    return Array.from({ length: c.args.instances }, (_, i) => `${c.id}-${i + 1}`);
}

/** The inputs the i-th instance of either service takes alike: its name, cluster, class, zone, failover tier, maintenance and tags. */
export function instanceCommonInputs(c: ClusterBasics<ClusterArgs>, i: number, identifier: string, clusterId: pulumi.Input<string>): SharedInstanceInputs {
    const a = c.args;
    return {
        identifier,
        clusterIdentifier: clusterId,
        instanceClass: a.instanceClass,
        availabilityZone: zoneFor(i, a.availabilityZones),
        promotionTier: promotionTier(i),
        autoMinorVersionUpgrade: true,
        preferredMaintenanceWindow: a.preferredMaintenanceWindow,
        copyTagsToSnapshot: true,
        applyImmediately: a.applyImmediately,
        tags: named(a.tags, identifier),
    };
}

/**
 * The master password once the cluster has taken it: resolved after the
 * cluster's create or update has returned, so that the secret, the contract
 * and the dbops Jobs get a rotated password only after ModifyDBCluster has
 * taken it. AWS then applies it "asynchronously as soon as possible"
 * (ModifyDBCluster, MasterUserPassword), a short window in which the old one
 * may still be the one that works; only dbops uses the master password.
 */
export function appliedPassword(clusterArn: pulumi.Output<string>, password: pulumi.Output<string>): pulumi.Output<string> {
    return pulumi.secret(pulumi.all([clusterArn, password]).apply(([, p]) => p));
}

/**
 * The master credentials in Secrets Manager (`<name>-master-secret`), encrypted
 * with the cluster's key; `value` is the engine's connection document (RDS
 * rotation functions' shape), whose password is the applied one.
 */
export function createMasterSecret(
    c: ClusterBasics<ClusterArgs & { secretName: string }>,
    service: ClusterService,
    kmsKeyArn: pulumi.Input<string>,
    value: Record<string, pulumi.Input<string | number>>,
    parent: pulumi.Resource,
): ConnectionSecret {
    return new ConnectionSecret(
        `${c.name}-master-secret`,
        { secretName: c.args.secretName, description: `Master credentials of ${service} cluster ${c.id}`, kmsKeyArn, value, tags: c.args.tags },
        { parent },
    );
}

/** The alarms every cluster of either service has (alarms.ts clusterAlarms), by kind, for the caller's composites. */
export function createClusterAlarms(
    c: ClusterBasics<ClusterArgs & { alarms: ClusterAlarms["thresholds"] }>,
    engine: ClusterAlarms["engine"],
    identifiers: string[],
    parent: pulumi.Resource,
): ReturnType<typeof clusterAlarms> {
    return clusterAlarms(
        { name: c.name, engine, clusterIdentifier: c.id, instanceIdentifiers: identifiers, thresholds: c.args.alarms, secondary: c.secondary },
        storeAlarmTarget(c.args, parent),
    );
}
