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

export interface PlatformPlan {
    environment: string;
    region: string;
    namePrefix: string;
    network: NetworkConfig;
    tags: Record<string, string>;
    alarmTopicArn?: string;
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
    fenced?: boolean;
    aurora: AuroraConfig;
    auroraSource: ClusterSourceArgs;
    documentdb: DocumentDbConfig;
    documentDbSource: ClusterSourceArgs;
    redis: RedisConfig;
    /** Undefined when the stack has no cache (a DR standby whose primary does not replicate its cache). */
    cacheSource?: CacheSource;
    recovery: RecoveryConfig;
    /** Undefined when the stack declares no AWS Backup plan (a DR standby: the primary's copies cover it). */
    backup?: BackupConfig;
    /** Set on a primary that replicates to a DR region: global clusters and the DR-region keys. */
    replication?: ReplicationConfig;
    /**
     * A standby's alarms on replication lag from the primary region, at each store's RPO. The cache has
     * no objective of its own (recovery covers Aurora and DocumentDB): it alarms at the tightest of them.
     */
    globalLagAlarmMs?: { aurora: number; documentdb: number; cache: number };
    /** The wiring on the platform's Kubernetes cluster; undefined or disabled: none. */
    kubernetes?: KubernetesConfig;
    /** A kubeconfig (secret); undefined: the ambient cluster. */
    kubeconfig?: string;
}

/** What every stack sets for itself, primary or dr: where it runs, its names and tags, its cluster wiring. */
function ownSettings(cfg: StackConfig) {
    return {
        environment: cfg.environment,
        region: cfg.region,
        namePrefix: cfg.namePrefix,
        network: cfg.network,
        tags: stackTags(cfg),
        alarmTopicArn: cfg.alarms.topicArn,
        kubernetes: cfg.kubernetes,
        kubeconfig: cfg.kubeconfig,
    };
}

export function primaryPlan(cfg: PrimaryStackConfig): PlatformPlan {
    const replicated = cfg.replication !== undefined;
    // A primary that handed over (switchover or failover to the DR region) is verified as a
    // secondary, runs no migrations, and is fenced until fail-back sets primaryActive again.
    const steppedDown = cfg.replication?.primaryActive === false;
    return {
        ...ownSettings(cfg),
        role: steppedDown ? "standby" : "primary",
        fenced: steppedDown,
        aurora: cfg.aurora,
        auroraSource: { origin: { kind: "primary" }, globalSource: replicated },
        documentdb: cfg.documentdb,
        documentDbSource: { origin: { kind: "primary" }, globalSource: replicated },
        redis: cfg.redis,
        cacheSource: { origin: { kind: "primary" }, globalSource: cfg.replication?.cacheGlobalDatastore ?? false },
        recovery: cfg.recovery,
        backup: cfg.backup,
        replication: cfg.replication,
    };
}

/**
 * The DR region's platform in the configured mode. Store settings are prod's;
 * network, names and tags are the dr stack's own.
 *   standby: secondaries of the global clusters (and of the global datastore, if any), read-only, no backup plan;
 *   promote: the same clusters, detached by the runbook and now writable, at prod's size, with a backup plan;
 *   restore: new clusters from the named snapshots, a fresh cache, with a backup plan.
 */
export function drPlan(cfg: DrStackConfig, h: DrHandoff, secrets: HandoffSecrets): PlatformPlan {
    const mode = cfg.dr.mode;
    const s = h.sections;
    const standby = mode === "standby";
    const credentials = (c: DrHandoff["aurora"], password: pulumi.Output<string>) => ({ username: c.masterUsername, password });
    const clusterOrigin = (globalClusterIdentifier: string, snapshot: string | undefined): ClusterSourceArgs["origin"] =>
        mode === "standby"
            ? { kind: "secondary", globalClusterIdentifier }
            : mode === "promote"
              ? { kind: "promoted" }
              : { kind: "snapshot", snapshotIdentifier: snapshot! };
    const rpoMs = (minutes: number) => minutes * 60_000;
    const cacheGlobal = h.redis.globalReplicationGroupId;
    const cacheSource: CacheSource | undefined =
        standby && cacheGlobal === null
            ? undefined
            : {
                  origin:
                      cacheGlobal === null || mode === "restore"
                          ? { kind: "primary" }
                          : standby
                            ? { kind: "secondary", globalReplicationGroupId: cacheGlobal }
                            : { kind: "promoted" },
                  kmsKeyArn: h.redis.drKmsKeyArn,
                  authToken: secrets.cacheAuthToken,
              };
    return {
        ...ownSettings(cfg),
        role: standby ? "standby" : "primary",
        aurora: { ...s.aurora, instances: standby ? cfg.dr.standby.auroraInstances : s.aurora.instances },
        auroraSource: {
            origin: clusterOrigin(h.aurora.globalClusterIdentifier, cfg.dr.restore.auroraSnapshot),
            kmsKeyArn: h.aurora.drKmsKeyArn,
            credentials: credentials(h.aurora, secrets.auroraPassword),
        },
        documentdb: { ...s.documentdb, instances: standby ? cfg.dr.standby.documentdbInstances : s.documentdb.instances },
        documentDbSource: {
            origin: clusterOrigin(h.documentdb.globalClusterIdentifier, cfg.dr.restore.documentdbSnapshot),
            kmsKeyArn: h.documentdb.drKmsKeyArn,
            credentials: credentials(h.documentdb, secrets.documentdbPassword),
        },
        redis: s.redis,
        cacheSource,
        recovery: s.recovery,
        globalLagAlarmMs: standby
            ? {
                  aurora: rpoMs(s.recovery.aurora.rpoMinutes),
                  documentdb: rpoMs(s.recovery.documentdb.rpoMinutes),
                  cache: rpoMs(Math.min(s.recovery.aurora.rpoMinutes, s.recovery.documentdb.rpoMinutes)),
              }
            : undefined,
        // The primary region may be gone: no copy back to it until fail-back.
        backup: standby ? undefined : { ...s.backup, copy: undefined },
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
