import * as pulumi from "@pulumi/pulumi";
import { generatedPassword, rotationKeepers } from "./credentials";
import { EncryptionKey } from "./encryptionKey";

/** Where an Aurora or DocumentDB cluster's data comes from. */
export type ClusterOrigin =
    /** A new cluster with its own master credentials: the stores of dev, staging and prod. */
    | { kind: "primary" }
    /**
     * A read-only member of a global cluster whose primary is in another region
     * (the DR stack in standby). It has no master credentials of its own: it
     * replicates the primary's, users and all.
     */
    | { kind: "secondary"; globalClusterIdentifier: pulumi.Input<string> }
    /**
     * A former secondary that the DR runbook detached from (or failed over in)
     * its global cluster, now writable. Declared without the global cluster so
     * that Pulumi adopts it as it is instead of re-attaching or replacing it.
     */
    | { kind: "promoted" }
    /**
     * Restored from a cluster snapshot or an AWS Backup recovery point (the DR stack's `restore` mode).
     * Only a new logical resource restores: the provider calls RestoreDBClusterFromSnapshot in Create
     * alone. A cluster already in state under the same name would keep its state's (absent) snapshot
     * through ignoreChanges and be updated in place instead, so the DR stack declares each restore
     * under new Pulumi names and identifiers (a restore generation, infra/plan.ts). It never joins a
     * global cluster (snapshot_identifier ConflictsWith global_cluster_identifier).
     */
    | { kind: "snapshot"; snapshotIdentifier: string };

/** Master credentials given rather than generated (the DR stack takes prod's). */
export interface GivenCredentials {
    username: string;
    password: pulumi.Input<string>;
}

/**
 * Resource options for a cluster of the given origin, and why each is there:
 * - a global cluster's members have their engine upgraded through the global
 *   cluster, so their own engineVersion must not be diffed (the provider's
 *   documented "inconsistent final plan" otherwise);
 * - a primary that became a global cluster's source gets its
 *   globalClusterIdentifier set by AWS, not by this program, and after a
 *   switchover its replicationSourceIdentifier too (issue 14, defect 2);
 * - a secondary's replication source is set by AWS;
 * - a promoted cluster still carries its old global membership in state until a
 *   refresh: diffing it would make the provider try to re-attach or replace it;
 * - a restored cluster, once in service, must not be replaced by a later edit of
 *   its snapshot (snapshot_identifier is ForceNew and never read back): a new
 *   restore is a new generation, i.e. a new resource, never a new snapshot here.
 */
export function originIgnoreChanges(origin: ClusterOrigin, globalSource: boolean): string[] {
    switch (origin.kind) {
        case "primary":
            // After a switchover AWS makes this cluster a secondary and Read records the new primary as its
            // replicationSourceIdentifier; undeclared, the next update would call PromoteReadReplicaDBCluster
            // (rds/cluster.go Update). @pulumi/aws's Cluster docs tell global-cluster members to ignore it.
            return globalSource ? ["globalClusterIdentifier", "engineVersion", "replicationSourceIdentifier"] : [];
        case "secondary":
            return ["replicationSourceIdentifier", "engineVersion"];
        case "promoted":
            return ["globalClusterIdentifier", "replicationSourceIdentifier"];
        case "snapshot":
            return ["snapshotIdentifier"];
    }
}


/** What an Aurora or DocumentDB component needs to know about where its cluster comes from. */
export interface ClusterSourceArgs {
    /** Where the cluster's data comes from. @default { kind: "primary" } */
    origin?: ClusterOrigin;
    /**
     * This primary is the source of a global cluster (prod with DR replication):
     * AWS then manages its global membership and engine version.
     * @default false
     */
    globalSource?: boolean;
    /**
     * Use this key instead of creating one (the DR stack uses the key prod
     * created in the DR region).
     * Warning: changing the key of an existing cluster replaces the cluster.
     * @default a new customer-managed key for the cluster
     */
    kmsKeyArn?: pulumi.Input<string>;
    /** Master credentials to record in the secret instead of generating them; required for every origin but "primary". */
    credentials?: GivenCredentials;
    /**
     * Generation of the generated master password (config `masterPasswordRotation`); increasing it
     * rotates the password in place. Ignored when `credentials` are given.
     * @default 1
     */
    masterPasswordRotation?: number;
}

/** The cluster's key: the one given, or a new rotating CMK under the cluster's identifier. */
export function clusterKey(
    name: string,
    given: pulumi.Input<string> | undefined,
    description: string,
    alias: string,
    tags: Record<string, string>,
    parent: pulumi.Resource,
): { arn: pulumi.Output<string>; key?: EncryptionKey } {
    if (given !== undefined) return { arn: pulumi.output(given) };
    const key = new EncryptionKey(name, { description, alias, tags }, { parent });
    return { arn: key.arn, key };
}

/** The master credentials: given, or for a new primary generated here. */
export function clusterCredentials(
    name: string,
    args: ClusterSourceArgs,
    username: string,
    parent: pulumi.Resource,
): { username: string; password: pulumi.Output<string> } {
    if (args.credentials) return { username: args.credentials.username, password: pulumi.secret(pulumi.output(args.credentials.password)) };
    const origin = args.origin ?? { kind: "primary" };
    if (origin.kind !== "primary") {
        // A member of someone else's cluster cannot invent a password; its secret must carry the real one.
        throw new Error(`${name}: a cluster of origin "${origin.kind}" needs the primary's credentials`);
    }
    return { username, password: generatedPassword(`${name}-master-password`, parent, { keepers: rotationKeepers(args.masterPasswordRotation ?? 1, true) }) };
}

/**
 * The cluster inputs that depend on the origin (the same names on aws.rds.Cluster
 * and aws.docdb.Cluster). A secondary takes its users from the primary, so it
 * declares none; a restore sets the password so that the secret stays true.
 */
export function originClusterInputs(
    origin: ClusterOrigin,
    credentials: { username: string; password: pulumi.Output<string> },
    primaryOnly: Record<string, unknown> = {},
): Record<string, unknown> {
    switch (origin.kind) {
        case "primary":
            return { masterUsername: credentials.username, masterPassword: credentials.password, ...primaryOnly };
        case "secondary":
            return { globalClusterIdentifier: origin.globalClusterIdentifier };
        case "promoted":
            return {};
        case "snapshot":
            return { snapshotIdentifier: origin.snapshotIdentifier, masterPassword: credentials.password };
    }
}
