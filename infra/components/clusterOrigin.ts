import * as pulumi from "@pulumi/pulumi";
import { generatedPassword, rotationKeepers } from "./credentials";
import { createStoreKey } from "./storeSkeleton";

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
     * A cluster created as a secondary of a global cluster whose role AWS then changes (prod rebuilt
     * for fail-back: a secondary of the global cluster made from the DR cluster serving, until a
     * switchover makes it the primary, and again after a later one). It joins at creation only; its
     * membership, replication source and engine version are AWS's from then on, in every role, so
     * that no switchover in either direction plans a change to it. Its users are the global
     * cluster's: it declares no master credentials of its own, but records the ones it replicates.
     */
    | {
          kind: "member";
          globalClusterIdentifier: pulumi.Input<string>;
          /**
           * It serves as the primary (prod in service on this generation): it declares the master password, so
           * that a rotation reaches it. Created as a secondary it must not (AWS refuses credentials on a secondary),
           * and stepped down again it keeps the one it has (ignored, so no removal is sent to a secondary).
           */
          serving?: boolean;
      }
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
     * under new Pulumi names and identifiers (a restore generation, infra/platformPlan.ts). It never joins a
     * global cluster (snapshot_identifier ConflictsWith global_cluster_identifier).
     */
    | { kind: "snapshot"; snapshotIdentifier: string }
    /**
     * A restored cluster that AWS made a member of a global cluster: prod was rebuilt from it (the source
     * of prod's new global cluster) and switched back, so it is a secondary now (docs/runbooks/dr-standup.md
     * D.3). Its snapshot is no longer declared: the provider refuses snapshot_identifier beside the
     * global_cluster_identifier a refresh records (ConflictsWith), and removing it replaces nothing (the
     * provider suppresses that diff: rds/cluster.go, docdb/cluster.go). Its membership, replication source
     * and engine version are AWS's; it keeps the master password it was restored with.
     */
    | { kind: "rejoined" };

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
        case "member":
            return ["globalClusterIdentifier", "replicationSourceIdentifier", "engineVersion", ...(origin.serving ? [] : ["masterPassword"])];
        case "promoted":
            return ["globalClusterIdentifier", "replicationSourceIdentifier"];
        case "rejoined":
            return ["globalClusterIdentifier", "replicationSourceIdentifier", "engineVersion"];
        case "snapshot":
            // The membership too: a restored cluster never joins a global cluster by this program (snapshot_identifier
            // ConflictsWith global_cluster_identifier), but AWS makes it a global cluster's source when prod is rebuilt
            // from it, and after the switch back a secondary; a refresh then records both, and diffing them would make the
            // provider detach it (RemoveFromGlobalCluster) or promote it (issue 14, defect 2). Ignored, they stay in the
            // inputs beside the snapshot, which the provider refuses (ConflictsWith): a loud stop instead of a silent
            // detach, until the dr stack declares the cluster as rejoined (dr.standby.restoreGeneration).
            return ["snapshotIdentifier", "globalClusterIdentifier", "replicationSourceIdentifier"];
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
    return { username, password: masterPassword(name, parent, args.masterPasswordRotation) };
}

/** A new primary's generated master password, as a child of its cluster's component; `rotation` is its counter (1: no keepers). */
function masterPassword(componentName: string, parent: pulumi.Resource, rotation: number | undefined): pulumi.Output<string> {
    return generatedPassword(`${componentName}-master-password`, parent, { keepers: rotationKeepers(rotation ?? 1, true) });
}

/** The services whose clusters come from an origin, as their keys describe them. */
export type ClusterService = "Aurora PostgreSQL" | "DocumentDB";

/** What a cluster's key protects, as its description: one text for a cluster's own key and a retained one. */
export function clusterKeyDescription(service: ClusterService, id: string): string {
    return `${service} ${id}: storage, Performance Insights and master secret`;
}

/**
 * What must outlive a removed cluster, kept under the URNs it had (its component's type and name,
 * the same children), so that Pulumi keeps them instead of deleting them:
 * - its master password: prod's later generations replicate the users of the DR cluster they were
 *   rebuilt from, which carries this password (the DR stack took it through the handoff), so their
 *   secrets must keep recording it;
 * - its customer-managed key: the cluster's final snapshot and the recovery points AWS Backup took
 *   of it are encrypted with it, and are unreadable once the key is deleted.
 */
export class RetainedClusterSecrets extends pulumi.ComponentResource {
    public readonly password: pulumi.Output<string>;

    /**
     * @param type the removed cluster's component type, e.g. "mlops:data:AuroraPostgres"
     * @param service and id: as the cluster's own key was described (clusterKeyDescription)
     */
    constructor(
        type: string,
        name: string,
        key: { service: ClusterService; id: string; tags: Record<string, string> },
        /** The cluster's masterPasswordRotation: the same keepers, or Pulumi would generate a new password. */
        rotation: number | undefined,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super(type, name, {}, opts);
        this.password = pulumi.secret(masterPassword(name, this, rotation));
        createStoreKey(name, undefined, { description: clusterKeyDescription(key.service, key.id), alias: key.id, tags: key.tags }, this);
        this.registerOutputs({});
    }
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
        case "member":
            return { globalClusterIdentifier: origin.globalClusterIdentifier, ...(origin.serving ? { masterPassword: credentials.password } : {}) };
        case "promoted":
            return {};
        case "snapshot":
            return { snapshotIdentifier: origin.snapshotIdentifier, masterPassword: credentials.password };
        case "rejoined":
            return { masterPassword: credentials.password };
    }
}
