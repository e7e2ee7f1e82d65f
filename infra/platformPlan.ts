/**
 * What the platform of one stack consists of, decided from its configuration
 * (and, for the `dr` stack, from the primary's handoff) before any resource is
 * declared. The components only carry a plan out; every "which stores, from
 * where, with which settings" decision lives here.
 */
import type {
    AuroraConfig,
    BackupConfig,
    ConfigProblem,
    DocumentDbConfig,
    DrStackConfig,
    NetworkConfig,
    PrimaryStackConfig,
    RecoveryConfig,
    KubernetesConfig,
    RedisConfig,
    ReplicationConfig,
    StackConfig,
} from "./config";
import { PROJECT } from "./config";
import type { AlarmsConfig } from "./schema/alarms";
import type { ClusterSourceArgs } from "./components/clusterOrigin";
import type { CacheOrigin } from "./components/redisCache";
import type { DrHandoff, HandoffSecrets } from "./handoff";
import type * as pulumi from "@pulumi/pulumi";
import { stackTags } from "./tags";

export interface CacheSource {
    origin: CacheOrigin;
    globalSource?: boolean;
    kmsKeyArn?: string;
    authToken?: pulumi.Input<string>;
}

/**
 * The names of one set of stores (Aurora, DocumentDB, cache). The first set keeps
 * the original names; every later one (a new standby generation, a restore) gets
 * new Pulumi names and new AWS identifiers, so that Pulumi creates it instead of
 * updating, or replacing, the set before it.
 */
export interface StoreNames {
    /** Appended to the components' Pulumi names ("aurora" becomes "aurora-restore-1"); "" for the first set. */
    component: string;
    /** Appended to the AWS identifiers and secret names ("mlops-dr-mlflow" becomes "mlops-dr-mlflow-r1"); "" for the first set. */
    identifier: string;
}

export const FIRST_STORES: StoreNames = { component: "", identifier: "" };

/** One set of stores and where their data comes from. */
export interface StoreSet {
    names: StoreNames;
    aurora: AuroraConfig;
    /**
     * `applicationPassword`: mlflow_app's password given instead of generated (a DR set: its cluster holds
     * the primary's roles, so it presents the primary's password, from the handoff).
     */
    auroraSource: ClusterSourceArgs & { applicationPassword?: pulumi.Input<string> };
    documentdb: DocumentDbConfig;
    documentDbSource: ClusterSourceArgs;
    redis: RedisConfig;
    /** Undefined when the stack has no cache (a DR standby whose primary does not replicate its cache). */
    cacheSource?: CacheSource;
    /**
     * A standby's alarms on replication lag from the primary region, at each store's RPO. The cache has
     * no objective of its own (recovery covers Aurora and DocumentDB): it alarms at the tightest of them.
     */
    globalLagAlarmMs?: { aurora: number; documentdb: number; cache: number };
    /** The set admits no client: its security groups have no client rule (prod's generations out of service). */
    isolated?: boolean;
    /** The cache's names, when they are not the set's: prod's cache keeps its first names in every generation. @default names */
    cacheNames?: StoreNames;
}

/** What a stack declares: its own settings, the stores in service (a StoreSet, named by `storeNames`), and around them. */
export interface PlatformPlan extends Omit<StoreSet, "names"> {
    environment: string;
    region: string;
    namePrefix: string;
    network: NetworkConfig;
    tags: Record<string, string>;
    /** Where alarms go: each severity band's topic (and subscriptions), the runbook links' base. */
    alarms: AlarmsConfig;
    /**
     * "primary": the stores take writes here; "standby": they replicate from the primary region
     * (the dr stack in standby, or prod stepped down with replication.primaryActive false).
     */
    role: "primary" | "standby";
    /**
     * The platform sends no client to the stores: PgBouncer runs 0 replicas. Set on a primary
     * stack that stepped down (replication.primaryActive false), so that a cluster AWS left
     * writable there (a detached DR cluster leaves the old primary writable when its region
     * returns) takes no writes through the platform (issue 14, defect 3).
     */
    steppedDown?: boolean;
    /**
     * The stores admit no client at all (replication.fenced): their security groups
     * have no client ingress, and no verification Job runs, since nothing could reach them.
     */
    isolated?: boolean;
    recovery: RecoveryConfig;
    /**
     * Undefined when the stack has no AWS Backup. `vaultOnly`: the vault (its key, policy, lock) and the
     * service role without any plan (a DR standby: prod's copies cover the region, but the vault holds
     * what earlier promotes and restores backed up, and must outlive every mode change).
     */
    backup?: BackupConfig & { vaultOnly?: boolean };
    /** Set on a primary that replicates to a DR region: global clusters and the DR-region keys. */
    replication?: ReplicationConfig;
    /** The wiring on the platform's Kubernetes cluster; undefined or disabled: none. */
    kubernetes?: KubernetesConfig;
    /** A kubeconfig (secret); undefined: the ambient cluster. */
    kubeconfig?: string;
    /** The names of the stores in service (above). @default FIRST_STORES */
    storeNames?: StoreNames;
    /**
     * Sets of stores out of service but still declared (a DR stack's kept standby beside a restore,
     * detached or earlier generations): not verified, not backed up, not wired, not in the outputs.
     */
    outOfService?: StoreSet[];
    /**
     * prod's cluster generations (replication.generation, rebuilds, retired): every generation after the
     * first has global clusters of its own, made from the DR clusters it was rebuilt from.
     */
    clusterGenerations?: { declared: number[]; current: number; rebuilds: ReplicationConfig["rebuilds"] };
}

/** What every stack sets for itself, primary or dr: where it runs, its names and tags, its cluster wiring. */
function ownSettings(cfg: StackConfig) {
    return {
        environment: cfg.environment,
        region: cfg.region,
        namePrefix: cfg.namePrefix,
        network: cfg.network,
        tags: stackTags(cfg),
        alarms: cfg.alarms,
        kubernetes: cfg.kubernetes,
        kubeconfig: cfg.kubeconfig,
    };
}

export function primaryPlan(cfg: PrimaryStackConfig): PlatformPlan {
    const r = cfg.replication;
    const replicated = r !== undefined;
    // A primary that handed over (switchover or failover to the DR region) is verified as a
    // secondary, runs no migrations, and is fenced until fail-back sets primaryActive again.
    const steppedDown = r?.primaryActive === false;
    const isolated = r?.fenced === true;
    const own = ownSettings(cfg);
    const current = r?.generation ?? 1;
    /** A generation's clusters: the first from scratch (the global clusters' sources), a rebuilt one joining its global clusters. */
    const clusterSources = (g: number): Pick<StoreSet, "auroraSource" | "documentDbSource"> =>
        g === 1
            ? { auroraSource: { origin: { kind: "primary" }, globalSource: replicated }, documentDbSource: { origin: { kind: "primary" }, globalSource: replicated } }
            : {
                  auroraSource: { origin: { kind: "member", globalClusterIdentifier: rebuiltGlobalIdentifiers(cfg.namePrefix, g).aurora, serving: g === current && !steppedDown }, globalSource: true },
                  documentDbSource: { origin: { kind: "member", globalClusterIdentifier: rebuiltGlobalIdentifiers(cfg.namePrefix, g).documentdb, serving: g === current && !steppedDown }, globalSource: true },
              };
    const generations = r ? clusterGenerations(r) : { declared: [1], current: 1 };
    // The generations a rebuild replaced: declared as they last served, but admitting no client (they may
    // still be writable primaries of their old global clusters), never backed up or wired; the cache is not
    // part of a generation (it stays in service).
    const outOfService: StoreSet[] = generations.declared
        .filter((g) => g !== current)
        .map((g) => {
            const unprotect = r?.retired === "unprotect";
            return {
                names: generationNames(g),
                aurora: { ...cfg.aurora, deletionProtection: unprotect ? false : cfg.aurora.deletionProtection },
                documentdb: { ...cfg.documentdb, deletionProtection: unprotect ? false : cfg.documentdb.deletionProtection },
                redis: cfg.redis,
                ...clusterSources(g),
                isolated: true,
            };
        });
    return {
        ...own,
        network: isolated ? { ...own.network, clientSecurityGroupIds: [], clientCidrs: [] } : own.network,
        isolated,
        role: steppedDown ? "standby" : "primary",
        steppedDown,
        aurora: cfg.aurora,
        documentdb: cfg.documentdb,
        ...clusterSources(current),
        redis: cfg.redis,
        cacheSource: { origin: { kind: "primary" }, globalSource: r?.cacheGlobalDatastore ?? false },
        recovery: cfg.recovery,
        backup: cfg.backup,
        replication: r,
        storeNames: generationNames(current),
        cacheNames: FIRST_STORES,
        outOfService,
        clusterGenerations: r ? { ...generations, rebuilds: r.rebuilds } : undefined,
    };
}

/**
 * Which of prod's cluster generations are declared: the one in service, and the others unless
 * replication.retired is "remove" (generation 1's master credentials outlive its clusters: every later
 * generation replicates the same users, see DataPlatform).
 */
export function clusterGenerations(r: ReplicationConfig): { declared: number[]; current: number } {
    const all = [1, ...r.rebuilds.map((b) => b.generation)].filter((g) => g <= r.generation).sort((a, b) => a - b);
    const keep = (g: number) => g === r.generation || r.retired !== "remove";
    return { declared: all.filter(keep), current: r.generation };
}

/** The names of prod's cluster generation g: the original ones for 1, "-gen-<g>" and "-g<g>" after a rebuild. */
export function generationNames(g: number): StoreNames {
    return g === 1 ? FIRST_STORES : { component: `-gen-${g}`, identifier: `-g${g}` };
}

/** The global clusters of a rebuilt generation: new ones, since a detached or restored DR cluster can only be the source of a new global cluster. */
export function rebuiltGlobalIdentifiers(namePrefix: string, g: number): { aurora: string; documentdb: string } {
    return { aurora: `${namePrefix}-mlflow-global-${g}`, documentdb: `${namePrefix}-docs-global-${g}` };
}

/** The names of a standby generation (1: the original names) and of a restore generation. */
export function standbyNames(generation: number): StoreNames {
    return generation === 1 ? FIRST_STORES : { component: `-standby-${generation}`, identifier: `-s${generation}` };
}
export function restoreNames(generation: number): StoreNames {
    return { component: `-restore-${generation}`, identifier: `-r${generation}` };
}

/**
 * The DR region's platform in the configured mode. Store settings are prod's;
 * network, names and tags are the dr stack's own.
 *   standby: secondaries of the global clusters (and of the global datastore, if any), read-only,
 *     of generation dr.standby.generation; the backup vault without a plan;
 *   promote: the same clusters, detached or failed over by the runbook and now writable, at prod's
 *     size, backed up;
 *   restore: new clusters (new Pulumi names, new identifiers: generation dr.restore.generation) from
 *     the named snapshots and a fresh cache, at prod's size, backed up; the standby secondaries stay
 *     as they are (dr.retired).
 * Sets out of service (the standby beside a restore, detached standby generations, earlier restores)
 * are declared as they last served, unprotected, or not at all, as dr.retired says.
 */
export function drPlan(cfg: DrStackConfig, h: DrHandoff, secrets: HandoffSecrets): PlatformPlan {
    const dr = cfg.dr;
    const mode = dr.mode;
    const s = h.sections;
    const detached = new Set(dr.detached ?? []);
    const credentials = (c: { masterUsername: string }, password: pulumi.Output<string>) => ({ username: c.masterUsername, password });
    const rpoMs = (minutes: number) => minutes * 60_000;
    const cacheGlobal = h.redis.globalReplicationGroupId;

    /**
     * A set of stores as it serves in `kind`: a standby's secondaries, promoted ones, or restored ones.
     * `rejoined`: a restore's clusters that prod was rebuilt from, now members of prod's global clusters,
     * serving as `kind` (standby or promoted): declared as restored (nothing about them changes), with a
     * cache of the standby's kind under names of their own.
     */
    const storeSet = (kind: "standby" | "promoted" | "restored", names: StoreNames, snapshots?: { aurora: string; documentdb: string }, rejoined = false): StoreSet => {
        const standby = kind === "standby";
        const origin = (globalClusterIdentifier: string, snapshot: string | undefined): ClusterSourceArgs["origin"] =>
            rejoined
                ? { kind: "rejoined" }
                : kind === "restored"
                  ? { kind: "snapshot", snapshotIdentifier: snapshot! }
                  : kind === "standby"
                    ? { kind: "secondary", globalClusterIdentifier }
                    : { kind: "promoted" };
        // A restore starts a fresh cache: a new replication group, never a member of the global datastore.
        const cacheSource: CacheSource | undefined =
            standby && cacheGlobal === null
                ? undefined
                : {
                      origin:
                          cacheGlobal === null || (kind === "restored" && !rejoined)
                              ? { kind: "primary" }
                              : standby
                                ? { kind: "secondary", globalReplicationGroupId: cacheGlobal }
                                : { kind: "promoted" },
                      kmsKeyArn: h.redis.drKmsKeyArn,
                      authToken: secrets.cacheAuthToken,
                  };
        return {
            names,
            aurora: { ...s.aurora, instances: standby ? dr.standby.auroraInstances : s.aurora.instances },
            auroraSource: {
                origin: origin(h.aurora.globalClusterIdentifier, snapshots?.aurora),
                kmsKeyArn: h.aurora.drKmsKeyArn,
                credentials: credentials(h.aurora, secrets.auroraPassword),
                // Every DR set, whatever its kind: its roles are the primary's, so is mlflow_app's password.
                applicationPassword: secrets.auroraApplicationPassword,
            },
            documentdb: { ...s.documentdb, instances: standby ? dr.standby.documentdbInstances : s.documentdb.instances },
            documentDbSource: {
                origin: origin(h.documentdb.globalClusterIdentifier, snapshots?.documentdb),
                kmsKeyArn: h.documentdb.drKmsKeyArn,
                credentials: credentials(h.documentdb, secrets.documentdbPassword),
            },
            redis: s.redis,
            cacheSource,
            // The standby's cache keeps the first names in every standby generation: a cache is failed over, never
            // detached, so the one standing by stays a member of prod's datastore, and AWS takes one member per region.
            // Only a restore starts a fresh cache of its own.
            cacheNames: kind === "restored" && !rejoined ? undefined : FIRST_STORES,
            globalLagAlarmMs: standby
                ? {
                      aurora: rpoMs(s.recovery.aurora.rpoMinutes),
                      documentdb: rpoMs(s.recovery.documentdb.rpoMinutes),
                      cache: rpoMs(Math.min(s.recovery.aurora.rpoMinutes, s.recovery.documentdb.rpoMinutes)),
                  }
                : undefined,
        };
    };
    /** A standby generation as it last served: promoted once detached, else a secondary. */
    const standbyGeneration = (g: number) => storeSet(detached.has(g) ? "promoted" : "standby", standbyNames(g));

    const S = dr.standby.generation;
    const rejoined = mode === "restore" ? undefined : dr.restored.find((r) => r.generation === dr.standby.restoreGeneration);
    const rejoinedSet = (kind: "standby" | "promoted") => storeSet(kind, restoreNames(rejoined!.generation), { aurora: rejoined!.auroraSnapshot, documentdb: rejoined!.documentdbSnapshot }, true);
    const active =
        mode === "standby"
            ? rejoined
                ? rejoinedSet("standby")
                : storeSet("standby", standbyNames(S))
            : mode === "promote"
              ? rejoined
                  ? rejoinedSet("promoted")
                  : storeSet("promoted", standbyNames(S))
              : storeSet("restored", restoreNames(dr.restore.generation), { aurora: dr.restore.auroraSnapshot!, documentdb: dr.restore.documentdbSnapshot! });

    const outOfService: StoreSet[] = [];
    if (dr.retired !== "remove") {
        const standbyGenerations = new Set(detached);
        if (mode === "restore" || rejoined) standbyGenerations.add(S);
        else standbyGenerations.delete(S);
        for (const g of [...standbyGenerations].sort((a, b) => a - b)) outOfService.push(standbyGeneration(g));
        for (const r of dr.restored.filter((x) => x !== rejoined)) outOfService.push(storeSet("restored", restoreNames(r.generation), { aurora: r.auroraSnapshot, documentdb: r.documentdbSnapshot }));
        if (dr.retired === "unprotect") {
            for (const set of outOfService) {
                set.aurora = { ...set.aurora, deletionProtection: false };
                set.documentdb = { ...set.documentdb, deletionProtection: false };
            }
        }
    }

    // One set carries the standby's cache (first names): the set in service unless it is a restore, else the
    // newest standby generation still declared; the other standby generations are declared without it.
    const carriesCache = (set: StoreSet) => set.cacheNames === FIRST_STORES;
    const carrier = carriesCache(active) ? active : [...outOfService].reverse().find(carriesCache);
    for (const set of [active, ...outOfService]) if (carriesCache(set) && set !== carrier) set.cacheSource = undefined;

    const { names, ...stores } = active;
    return {
        ...ownSettings(cfg),
        role: mode === "standby" ? "standby" : "primary",
        ...stores,
        storeNames: names,
        outOfService,
        recovery: s.recovery,
        // The vault exists in every mode (a mode change must never delete a vault holding recovery points);
        // a plan backs up the stores in service once they take writes. The primary region may be gone:
        // no copy back to it until fail-back.
        backup: { ...s.backup, copy: undefined, vaultOnly: mode === "standby" },
    };
}

/** What makes a dr stack's configuration unusable against the primary's handoff. */
export function drProblems(cfg: DrStackConfig, h: DrHandoff): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const dr = cfg.dr;
    if (cfg.region === h.primaryRegion) {
        problems.push({
            key: "aws:region",
            value: cfg.region,
            message: `is the primary stack's region; the DR region must be another one (the primary prepared ${h.drRegion})`,
        });
    } else if (cfg.region !== h.drRegion) {
        problems.push({
            key: "aws:region",
            value: cfg.region,
            message: `must be ${h.drRegion}: the region whose keys the primary stack (${h.primaryStack}) prepared (replication.drRegion)`,
        });
    }
    if (cfg.namePrefix !== h.drNamePrefix) {
        problems.push({
            key: `${PROJECT}:namePrefix`,
            value: cfg.namePrefix,
            message: `must be "${h.drNamePrefix}", the primary stack's replication.drNamePrefix: the DR keys and log-group grants carry that name`,
        });
    }
    if (dr.mode === "restore") {
        for (const [key, value] of [
            ["auroraSnapshot", dr.restore.auroraSnapshot],
            ["documentdbSnapshot", dr.restore.documentdbSnapshot],
        ] as const) {
            if (value === undefined) {
                problems.push({
                    key: `${PROJECT}:dr.restore.${key}`,
                    value: undefined,
                    message: "is required in restore mode: the snapshot or recovery point (e.g. a copy in the DR vault) to restore from",
                });
            }
        }
    }
    problems.push(...generationProblems(dr));
    if (dr.mode !== "standby" && h.primaryActive && !dr.force) {
        problems.push({
            key: `${PROJECT}:dr.mode`,
            value: dr.mode,
            message:
                `cannot ${dr.mode} while the primary stack (${h.primaryStack}) says it is still the primary: ` +
                "for a planned switchover set replication.primaryActive to false on it and `pulumi up` there first; " +
                "if its region is down, set dr.force to true",
        });
    }
    return problems;
}

/**
 * The generations must say which clusters exist and which may still be
 * secondaries. AWS never adds an existing cluster to a global cluster
 * (CreateGlobalCluster / ModifyDBCluster: "existing RDS Clusters cannot be added
 * to an existing RDS Global Cluster"), so a detached generation cannot stand by
 * again; and Pulumi would quietly keep a restore whose snapshot changed
 * (snapshotIdentifier is ignored once restored), so each restore is a generation.
 */
function generationProblems(dr: DrStackConfig["dr"]): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const key = (k: string) => `${PROJECT}:dr.${k}`;
    const S = dr.standby.generation;
    const detached = dr.detached ?? [];
    if (dr.mode === "promote" && dr.detached === undefined) {
        problems.push({
            key: key("detached"),
            value: undefined,
            message:
                "is required in promote mode: the standby generations whose clusters were removed from their global clusters " +
                `([] after a switchover or a failover-global-cluster, which keep the membership; [${S}] after remove-from-global-cluster), ` +
                "so that a later standby never tries to re-attach them",
        });
    }
    if (dr.mode === "standby" && detached.includes(S)) {
        problems.push({
            key: key("standby.generation"),
            value: S,
            message:
                `is ${S}, a generation detached from its global clusters (dr.detached): AWS refuses to add an existing cluster to a global cluster. ` +
                `Stand by with new secondaries: set dr.standby.generation to ${Math.max(S, ...detached) + 1}, once the primary's global clusters exist again; ` +
                `the detached clusters of generation ${S} stay declared, out of service, as dr.retired says (keep, then unprotect, then remove)`,
        });
    }
    for (const g of new Set(detached)) {
        if (g > S) {
            problems.push({ key: key("detached"), value: detached, message: `names generation ${g}, which has not stood by yet (dr.standby.generation is ${S})` });
        }
    }
    if (new Set(detached).size !== detached.length) problems.push({ key: key("detached"), value: detached, message: "names a generation twice" });
    const restored = dr.restored.map((r) => r.generation);
    if (dr.mode !== "restore" && dr.restore.auroraSnapshot !== undefined && !restored.includes(dr.restore.generation)) {
        problems.push({
            key: key("restored"),
            value: restored,
            message:
                `must list restore generation ${dr.restore.generation} (dr.restore) outside restore mode, with its two snapshots, ` +
                "or its restored clusters are no longer declared and `pulumi up` tries to delete them; " +
                "if that restore never ran, remove dr.restore.auroraSnapshot and dr.restore.documentdbSnapshot instead",
        });
    }
    if (new Set(restored).size !== restored.length) problems.push({ key: key("restored"), value: restored, message: "names a generation twice" });
    const rg = dr.standby.restoreGeneration;
    if (rg !== undefined && dr.mode !== "restore" && !restored.includes(rg)) {
        problems.push({
            key: key("standby.restoreGeneration"),
            value: rg,
            message: `names restore generation ${rg}, which dr.restored does not list (listed: ${restored.length ? restored.join(", ") : "none"}); list it there with its two snapshots`,
        });
    }
    if (dr.mode === "restore" && restored.includes(dr.restore.generation)) {
        problems.push({
            key: key("restore.generation"),
            value: dr.restore.generation,
            message:
                `is ${dr.restore.generation}, an earlier restore (dr.restored): a new restore takes a new generation, ` +
                `e.g. ${Math.max(...restored) + 1}, so that Pulumi creates new clusters from the new snapshots`,
        });
    }
    return problems;
}
