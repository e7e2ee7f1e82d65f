/**
 * The AWS side of the lifecycle simulator: what AWS holds about the stores,
 * whatever Pulumi's state says. Global clusters and their members (which one is
 * primary, i.e. writable), the cache's global datastore, detached clusters, and
 * which regions' APIs answer. Pulumi learns of it only through `refresh`
 * (engine/lifecycle/simulator.ts), as the provider's Read would.
 *
 * The AWS events are the runbook's commands (docs/runbooks/dr-standup.md):
 * - switchover-global-cluster: both regions must answer; the target becomes the
 *   primary, the old primary a secondary of the same global cluster, no data loss
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_SwitchoverGlobalCluster.html);
 * - failover-global-cluster --allow-data-loss: only the target's region must
 *   answer; the target becomes the primary at once. The old primary stays in the
 *   global cluster's topology and comes back as a read-only secondary when its
 *   region recovers (AWS Database Blog, "Introducing Aurora Global Database
 *   Failover", https://aws.amazon.com/blogs/database/introducing-aurora-global-database-failover/;
 *   the API reference, API_FailoverGlobalCluster.html, says only that the target
 *   is promoted; what AWS does with the old primary on recovery could not be read
 *   in full here). DocumentDB's FailoverGlobalCluster is modelled the same way
 *   (https://docs.aws.amazon.com/documentdb/latest/developerguide/API_FailoverGlobalCluster.html);
 * - remove-from-global-cluster: the member leaves the global cluster and is a
 *   standalone, writable cluster; the global cluster and its primary are not
 *   touched, so a primary in a lost region is writable again when the region
 *   returns: nothing on AWS's side fences it;
 * - failover-global-replication-group: the datastore's primary moves
 *   (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_FailoverGlobalReplicationGroup.html);
 * - a region's loss and return: its API does not answer (an `up` or `refresh`
 *   of a stack there fails); the state backend is elsewhere.
 * - a credential rotation outside Pulumi (Secrets Manager rotation or a
 *   `modify-db-cluster --master-user-password`);
 * - replicated corruption: bad writes (a faulty migration, a bad job) on a global
 *   cluster's primary reach every member, as replication does; only a store
 *   restored from a snapshot taken before them is clean. The data is a flag, no more;
 * - an operator cutting clients off a store by hand (the runbook's manual fence of a
 *   store the program does not fence: DocumentDB and the cache, whose clients connect
 *   directly). The drill takes that step on trust: nothing checks how it is done.
 */

export type ClusterEngine = "aurora" | "docdb";

export interface WorldCluster {
    id: string;
    engine: ClusterEngine;
    region: string;
    arn: string;
    /** The global cluster it belongs to; undefined: standalone. */
    global?: string;
    engineVersion?: string;
    /** The master password was changed outside Pulumi. */
    passwordRotated?: boolean;
    /** Holds the replicated bad writes. */
    corrupt?: boolean;
}

export interface WorldGlobalCluster {
    id: string;
    engine: ClusterEngine;
    /** Member cluster ids. */
    members: string[];
    /** The member that takes writes; undefined when it left. */
    primary?: string;
    engineVersion?: string;
}

export interface WorldCache {
    id: string;
    region: string;
    /** The global datastore it belongs to. */
    global?: string;
    /**
     * What AWS reports of its engine and encryption (engine, engineVersion, nodeType,
     * parameterGroupName, atRestEncryptionEnabled, transitEncryptionEnabled, transitEncryptionMode):
     * a secondary's are its datastore's, i.e. the primary's at the time it joined.
     */
    attributes: Record<string, unknown>;
}

export interface WorldDatastore {
    id: string;
    members: string[];
    primary?: string;
}

export class AwsRefusal extends Error {}

export class World {
    readonly clusters = new Map<string, WorldCluster>();
    readonly globals = new Map<string, WorldGlobalCluster>();
    readonly caches = new Map<string, WorldCache>();
    readonly datastores = new Map<string, WorldDatastore>();
    readonly down = new Set<string>();
    /** Store ids (clusters, cache groups) whose clients the operator cut off by hand. */
    readonly fenced = new Set<string>();

    reachable(region: string): boolean {
        return !this.down.has(region);
    }

    private requireRegion(region: string, what: string): void {
        if (!this.reachable(region)) throw new AwsRefusal(`${what}: the ${region} API does not answer (the region is lost)`);
    }

    /** A cluster takes writes when it is standalone or its global cluster's primary. */
    writable(c: WorldCluster): boolean {
        if (!c.global) return true;
        return this.globals.get(c.global)?.primary === c.id;
    }

    /** The global cluster's primary's ARN, which AWS reports as a secondary's ReplicationSourceIdentifier. */
    replicationSourceOf(c: WorldCluster): string | undefined {
        if (!c.global) return undefined;
        const g = this.globals.get(c.global);
        if (!g?.primary || g.primary === c.id) return undefined;
        return this.clusters.get(g.primary)?.arn;
    }

    private globalOf(engine: ClusterEngine, globalId: string): WorldGlobalCluster {
        const g = this.globals.get(globalId);
        if (!g || g.engine !== engine) throw new AwsRefusal(`GlobalClusterNotFoundFault: ${globalId} (${engine})`);
        return g;
    }

    private memberOf(g: WorldGlobalCluster, clusterId: string): WorldCluster {
        const c = this.clusters.get(clusterId);
        if (!c || !g.members.includes(clusterId)) throw new AwsRefusal(`InvalidParameterValue: ${clusterId} is not found in global cluster ${g.id}`);
        return c;
    }

    /** switchover-global-cluster: no data loss; both the old primary's and the target's regions must answer. */
    switchover(engine: ClusterEngine, globalId: string, targetId: string): void {
        const g = this.globalOf(engine, globalId);
        const target = this.memberOf(g, targetId);
        const old = g.primary ? this.clusters.get(g.primary) : undefined;
        if (old) this.requireRegion(old.region, `switchover-global-cluster ${globalId}`);
        this.requireRegion(target.region, `switchover-global-cluster ${globalId}`);
        g.primary = targetId;
    }

    /** failover-global-cluster --allow-data-loss: only the target's region must answer. */
    failover(engine: ClusterEngine, globalId: string, targetId: string): void {
        const g = this.globalOf(engine, globalId);
        const target = this.memberOf(g, targetId);
        this.requireRegion(target.region, `failover-global-cluster ${globalId}`);
        g.primary = targetId;
    }

    /** remove-from-global-cluster: the member is standalone and writable; the rest of the global cluster is unchanged. */
    removeFromGlobal(engine: ClusterEngine, globalId: string, clusterId: string): void {
        const g = this.globalOf(engine, globalId);
        const c = this.memberOf(g, clusterId);
        this.requireRegion(c.region, `remove-from-global-cluster ${clusterId}`);
        g.members = g.members.filter((m) => m !== clusterId);
        if (g.primary === clusterId) g.primary = undefined;
        c.global = undefined;
    }

    /** failover-global-replication-group: the datastore's primary moves to the target member. */
    cacheFailover(datastoreId: string, targetId: string): void {
        const d = this.datastores.get(datastoreId);
        if (!d) throw new AwsRefusal(`GlobalReplicationGroupNotFoundFault: ${datastoreId}`);
        if (!d.members.includes(targetId)) throw new AwsRefusal(`InvalidParameterValue: ${targetId} is not a member of ${datastoreId}`);
        this.requireRegion(this.caches.get(targetId)!.region, `failover-global-replication-group ${datastoreId}`);
        d.primary = targetId;
    }

    rotateCredentials(clusterId: string): void {
        const c = this.clusters.get(clusterId);
        if (!c) throw new AwsRefusal(`DBClusterNotFoundFault: ${clusterId}`);
        this.requireRegion(c.region, `modify-db-cluster ${clusterId}`);
        c.passwordRotated = true;
    }

    /** Bad writes on the global cluster's primary: every member replicates them. */
    corruptGlobal(engine: ClusterEngine, globalId: string): void {
        const g = this.globalOf(engine, globalId);
        if (!g.primary) throw new AwsRefusal(`${globalId} has no primary to write to`);
        for (const m of g.members) this.clusters.get(m)!.corrupt = true;
    }

    /**
     * The damage is gone from a global cluster: its primary rebuilt from clean data (docs/runbooks/restore.md E),
     * which the drill does not model step by step; only the result.
     */
    repairGlobal(engine: ClusterEngine, globalId: string): void {
        const g = this.globalOf(engine, globalId);
        for (const m of g.members) delete this.clusters.get(m)!.corrupt;
    }

    /** The operator stops every client writing to a store (the runbook's manual fence). */
    fence(id: string): void {
        if (!this.clusters.has(id) && !this.caches.has(id)) throw new AwsRefusal(`no store ${id}`);
        this.fenced.add(id);
    }

    /** The cache group that takes writes: standalone, or its datastore's primary. */
    cacheWritable(c: WorldCache): boolean {
        return !c.global || this.datastores.get(c.global)?.primary === c.id;
    }

    snapshot(): unknown {
        const sorted = <T>(m: Map<string, T>) => Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
        return { clusters: sorted(this.clusters), globals: sorted(this.globals), caches: sorted(this.caches), datastores: sorted(this.datastores), down: [...this.down].sort(), fenced: [...this.fenced].sort() };
    }
}
