import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RedisConfig } from "../config";
import { named } from "../tags";
import type { AlarmKindName } from "../incidents";
import { compositeAlarm, inAlarm, thresholdAlarm } from "./alarms";
import { ConnectionSecret, generatedPassword } from "./credentials";
import { DatabaseSecurityGroup } from "./databaseSecurityGroup";
import { EncryptionKey } from "./encryptionKey";
import { StorePlacementArgs } from "./storeArgs";
import { createStoreKey, createStoreSecurityGroup, storeAlarmTarget } from "./storeSkeleton";

/** What every step of RedisCache reads. */
interface Basics {
    name: string;
    /** The replication group's identifier. */
    id: string;
    args: RedisCacheArgs;
    origin: CacheOrigin;
}

/** Where a cache's replication group comes from. */
export type CacheOrigin =
    /** A new replication group. */
    | { kind: "primary" }
    /** A read-only secondary of a global datastore whose primary is in another region (DR standby). */
    | { kind: "secondary"; globalReplicationGroupId: pulumi.Input<string> }
    /** A former secondary that the DR runbook failed over or disassociated, now the writable cache. */
    | { kind: "promoted" };
import { finalSnapshotName, zoneFor } from "./placement";

/**
 * The engine: Valkey, the BSD-licensed continuation of Redis OSS 7.2. It speaks
 * the same protocol (clients, the verifier and the local Redis 7 tests work
 * unchanged), ElastiCache prices its nodes lower than Redis OSS, and it is
 * supported for global datastores, which the DR design needs.
 */
export const CACHE_ENGINE = "valkey";

/** Alarm thresholds: the stack's `redis.alarms` (infra/schema/redis.ts and docs/configuration.md say what each means, its range and default). */
export type RedisCacheAlarmThresholds = RedisConfig["alarms"] & {
    /**
     * For a secondary of a global datastore (the DR standby): how many seconds the cache may be behind
     * the primary region before it alarms (`GlobalDatastoreReplicationLag`, per node); set from the RPO.
     * No alarm when undefined or when the group is not a secondary.
     */
    globalReplicationLagSeconds?: number;
};

export interface RedisCacheArgs extends StorePlacementArgs {
    /**
     * Replication group id; nodes are `<id>-001`, `-002`, ... (ElastiCache's naming).
     * @example "mlops-prod-cache"
     * Warning: changing it replaces the replication group (the cache starts empty).
     */
    replicationGroupId: string;
    /**
     * Valkey version, pinned. A group of its own is upgraded in place when this
     * changes; automatic minor upgrades also apply (`autoMinorVersionUpgrade`).
     * In a global datastore the datastore manages every member's version
     * (@pulumi/aws elasticache GlobalReplicationGroup: "the Global Replication Group
     * manages the version of all member replication groups"): the primary ignores
     * this value (`globalSource`), the version is declared on the
     * GlobalReplicationGroup, whose update upgrades every member
     * (ModifyGlobalReplicationGroup), and a secondary declares none.
     * @example "7.2"
     * Warning: moving to a new major version needs a new parameter group family;
     * for a global datastore also the datastore's parameter group, which this
     * program does not declare (see the runbook).
     */
    engineVersion: string;
    /** Node type of every node. @example "cache.r7g.large" */
    nodeType: string;
    /**
     * Nodes: one primary plus `nodes - 1` replicas (1-6). With two or more,
     * automatic failover and Multi-AZ are on; with one there is nothing to fail over to.
     * The zones (`availabilityZones`) apply when nodes are created; existing nodes do not move.
     */
    nodes: number;
    /** TCP port (`redis.port`). */
    port: number;
    /** Days of automatic snapshots (0-35; 0 turns them off). */
    snapshotRetentionDays: number;
    /** Daily snapshot window, UTC, at least 60 minutes. @example "03:00-04:00" */
    snapshotWindow: string;
    /** Weekly maintenance window, UTC, at least 60 minutes. @example "sun:06:00-sun:07:00" */
    maintenanceWindow: string;
    /** Take a uniquely named final snapshot when the group is deleted (`redis.finalSnapshot`). */
    finalSnapshot: boolean;
    /** `maxmemory-policy` (`redis.evictionPolicy`). */
    evictionPolicy: string;
    /**
     * Generation of the AUTH token. Increasing it generates a new token, and the
     * group is updated in place (never replaced) using `authTokenUpdateStrategy` (`redis.authTokenRotation`).
     */
    authTokenRotation: number;
    /**
     * How a new token is applied. "ROTATE" adds the new token while the old one
     * keeps working (clients move over from the secret at their own pace); "SET"
     * makes the current token the only one. Rotation: bump `authTokenRotation`
     * with ROTATE, `up`, roll the clients, then set SET and `up` again (`redis.authTokenUpdateStrategy`).
     */
    authTokenUpdateStrategy: "ROTATE" | "SET";
    /** Days CloudWatch Logs keeps the slow log (`redis.slowLogRetentionDays`). */
    slowLogRetentionDays: number;
    applyImmediately: boolean;
    alarms: RedisCacheAlarmThresholds;
    /** Secret holding the endpoint and AUTH token. @example "mlops-prod/cache/auth" */
    secretName: string;
    /** Where the replication group comes from. @default { kind: "primary" } */
    origin?: CacheOrigin;
    /** The primary of a global datastore: its engine version is then the datastore's (GlobalReplication). @default false */
    globalSource?: boolean;
    /**
     * Use this key instead of creating one (the DR stack uses the one prod made in
     * the DR region); it must let CloudWatch Logs use it for this cache's log groups.
     * Warning: changing it replaces the replication group.
     */
    kmsKeyArn?: pulumi.Input<string>;
    /** Use this AUTH token instead of generating one (a secondary must present the primary's). */
    authToken?: pulumi.Input<string>;
    /**
     * Where the cache's log groups go, ending in "/". A given key must let CloudWatch Logs use it
     * there (a later DR set of stores stays below the prefix prod's DR key names).
     * @default cacheLogGroupPrefix(replicationGroupId)
     */
    logGroupPrefix?: string;
}

/**
 * ElastiCache (Valkey) replication group for sessions and the model and feature
 * cache: encrypted at rest with its own CMK, TLS required in transit, an AUTH
 * token in Secrets Manager that rotates in place, slow log delivered to an
 * encrypted log group, failover across zones when there is more than one node.
 */
export class RedisCache extends pulumi.ComponentResource {
    public readonly replicationGroup: aws.elasticache.ReplicationGroup;
    /** The nodes' ids, `<id>-001` ... (ElastiCache's naming): the dimension of every per-node metric. */
    public readonly nodeIdentifiers: string[];
    /** The key this component created; undefined when it was given one. */
    public readonly key?: EncryptionKey;
    public readonly securityGroup: DatabaseSecurityGroup;
    public readonly secret: ConnectionSecret;

    public readonly primaryEndpoint: pulumi.Output<string>;
    public readonly readerEndpoint: pulumi.Output<string>;
    public readonly port: pulumi.Output<number>;
    /** The AUTH token, a Pulumi secret. */
    public readonly authToken: pulumi.Output<string>;
    public readonly secretArn: pulumi.Output<string>;
    public readonly kmsKeyArn: pulumi.Output<string>;
    /** True when clients must use TLS (transit encryption mode "required"). */
    public readonly tlsRequired: boolean;

    constructor(name: string, args: RedisCacheArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlops:data:RedisCache", name, {}, opts);
        const c: Basics = { name, id: args.replicationGroupId, args, origin: args.origin ?? { kind: "primary" } };

        const { arn: kmsKeyArn, key } = createStoreKey(
            name,
            args.kmsKeyArn,
            { description: `ElastiCache ${c.id}: data at rest, AUTH token secret and slow log`, alias: c.id, logGroupNamePrefix: cacheLogGroupPrefix(c.id), tags: args.tags },
            this,
        );
        const token = this.createAuthToken(c);
        const subnetGroup = this.createSubnetGroup(c);
        const securityGroup = createStoreSecurityGroup(name, args, { groupName: `${c.id}-cache`, service: `Valkey (ElastiCache ${c.id})`, port: args.port }, this);
        const parameterGroup = this.createParameterGroup(c);
        const slowLog = this.createSlowLog(c, kmsKeyArn, key);
        const group = this.createReplicationGroup(c, { token, kmsKeyArn, subnetGroup, securityGroup, parameterGroup, slowLog });
        const secret = this.createAuthSecret(c, { group, kmsKeyArn, token });
        this.nodeIdentifiers = Array.from({ length: args.nodes }, (_, i) => `${c.id}-${String(i + 1).padStart(3, "0")}`);
        this.createAlarms(c);

        this.key = key;
        this.securityGroup = securityGroup;
        this.replicationGroup = group.replicationGroup;
        this.tlsRequired = group.tlsRequired;
        this.secret = secret;
        this.primaryEndpoint = group.replicationGroup.primaryEndpointAddress;
        this.readerEndpoint = group.replicationGroup.readerEndpointAddress;
        this.port = pulumi.output(args.port);
        this.authToken = token;
        this.secretArn = secret.arn;
        this.kmsKeyArn = kmsKeyArn;
        this.registerOutputs({
            primaryEndpoint: this.primaryEndpoint,
            readerEndpoint: this.readerEndpoint,
            port: this.port,
            secretArn: this.secretArn,
            kmsKeyArn: this.kmsKeyArn,
        });
    }

    /** The AUTH token: the one given (a DR standby takes the primary's), or 64 generated characters; the keeper makes a bumped rotation generate a new one. */
    private createAuthToken(c: Basics): pulumi.Output<string> {
        return c.args.authToken !== undefined
            ? pulumi.secret(pulumi.output(c.args.authToken))
            : generatedPassword(`${c.name}-auth-token`, this, { length: 64, keepers: { rotation: String(c.args.authTokenRotation) } });
    }

    private createSubnetGroup(c: Basics): aws.elasticache.SubnetGroup {
        return new aws.elasticache.SubnetGroup(
            `${c.name}-subnets`,
            { name: c.id, description: `Private subnets of cache ${c.id}`, subnetIds: c.args.subnetIds, tags: named(c.args.tags, c.id) },
            { parent: this },
        );
    }

    /** The eviction policy; none for a secondary, which takes its engine, node type and parameters from the global datastore. */
    private createParameterGroup(c: Basics): aws.elasticache.ParameterGroup | undefined {
        if (c.origin.kind === "secondary") return undefined;
        const family = `${CACHE_ENGINE}${c.args.engineVersion.split(".")[0]}`;
        return new aws.elasticache.ParameterGroup(
            `${c.name}-params`,
            {
                name: `${c.id}-${family}`,
                family,
                description: `Parameters of ${c.id}: eviction policy ${c.args.evictionPolicy}`,
                parameters: [{ name: "maxmemory-policy", value: c.args.evictionPolicy }],
                tags: c.args.tags,
            },
            { parent: this },
        );
    }

    private createSlowLog(c: Basics, kmsKeyArn: pulumi.Output<string>, key: EncryptionKey | undefined): aws.cloudwatch.LogGroup {
        const logGroupName = `${c.args.logGroupPrefix ?? cacheLogGroupPrefix(c.id)}slow-log`;
        return new aws.cloudwatch.LogGroup(
            `${c.name}-slow-log`,
            { name: logGroupName, kmsKeyId: kmsKeyArn, retentionInDays: c.args.slowLogRetentionDays, tags: c.args.tags },
            // The key policy must allow CloudWatch Logs before the group can use the key.
            { parent: this, dependsOn: key ? [key] : [] },
        );
    }

    private createReplicationGroup(
        c: Basics,
        parts: {
            token: pulumi.Output<string>;
            kmsKeyArn: pulumi.Output<string>;
            subnetGroup: aws.elasticache.SubnetGroup;
            securityGroup: DatabaseSecurityGroup;
            parameterGroup: aws.elasticache.ParameterGroup | undefined;
            slowLog: aws.cloudwatch.LogGroup;
        },
    ): { replicationGroup: aws.elasticache.ReplicationGroup; tlsRequired: boolean } {
        const { name, id, args, origin } = c;
        const secondary = origin.kind === "secondary";
        const { token, kmsKeyArn, subnetGroup, parameterGroup, slowLog } = parts;
        // A new group requires TLS. A secondary may not declare transit encryption (below): it runs with
        // its global datastore's, which is the primary's, and the primary is a RedisCache too, so it is
        // "required" there as well (the datastore's TransitEncryptionEnabled is one setting for every
        // member: ElastiCache API GlobalReplicationGroup; the provider reads each member's mode back from
        // its nodes, replication_group.go resourceReplicationGroupRead). Clients of the standby use TLS.
        const transitEncryptionMode = "required";
        const replicated = args.nodes > 1;
        // What the group declares about its engine and encryption. A secondary of a global datastore
        // declares none of it: the provider's global_replication_group_id ConflictsWith num_node_groups,
        // parameter_group_name, engine, engine_version, node_type, security_group_names,
        // transit_encryption_enabled, transit_encryption_mode, at_rest_encryption_enabled, snapshot_arns
        // and snapshot_name (replication_group.go; rule elasticache-global-member-conflicts), so declaring
        // any of them fails `pulumi preview`. It does keep, because it may and must:
        // - kmsKeyId: not in that list and sent on create; it is Optional but not Computed and ForceNew,
        //   so leaving it out while AWS reports the member's key would plan a replacement at every preview.
        //   KMS keys are regional, so the standby names the DR region's key (prod created it).
        // - authToken: the standby is given the primary's token (args.authToken), so clients of either
        //   region authenticate alike; the provider sends it on create.
        // - port: ForceNew and not Computed, like kmsKeyId; it is the primary's port.
        // Whether CreateReplicationGroup with GlobalReplicationGroupId accepts an explicit KmsKeyId and
        // AuthToken could not be read in AWS's documentation here; the provider sends both.
        const engineAndEncryption = secondary
            ? { globalReplicationGroupId: origin.globalReplicationGroupId }
            : {
                  engine: CACHE_ENGINE,
                  engineVersion: args.engineVersion,
                  nodeType: args.nodeType,
                  parameterGroupName: parameterGroup!.name,
                  atRestEncryptionEnabled: true,
                  transitEncryptionEnabled: true,
                  transitEncryptionMode,
              };
        const replicationGroup = new aws.elasticache.ReplicationGroup(
            `${name}-group`,
            {
                replicationGroupId: id,
                description: `Cache of the MLOps platform (${id})`,
                ...engineAndEncryption,
                numCacheClusters: args.nodes,
                preferredCacheClusterAzs: Array.from({ length: args.nodes }, (_, i) => zoneFor(i, args.availabilityZones)),
                port: args.port,
                subnetGroupName: subnetGroup.name,
                securityGroupIds: [parts.securityGroup.id],
                kmsKeyId: kmsKeyArn,
                authToken: token,
                authTokenUpdateStrategy: args.authTokenUpdateStrategy,
                automaticFailoverEnabled: replicated,
                multiAzEnabled: replicated,
                autoMinorVersionUpgrade: true,
                snapshotRetentionLimit: args.snapshotRetentionDays,
                snapshotWindow: args.snapshotWindow,
                maintenanceWindow: args.maintenanceWindow,
                // A secondary is removed by disassociating it first; it takes no final snapshot.
                finalSnapshotIdentifier: finalSnapshotName(name, id, args.finalSnapshot && !secondary, this),
                applyImmediately: args.applyImmediately,
                logDeliveryConfigurations: [
                    { destination: slowLog.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" },
                ],
                tags: named(args.tags, id),
            },
            { parent: this, ignoreChanges: cacheIgnoreChanges(origin, args.globalSource ?? false) },
        );
        return { replicationGroup, tlsRequired: transitEncryptionMode === "required" };
    }

    /** Endpoint and AUTH token in Secrets Manager, for clients outside the cluster's Kubernetes wiring. */
    private createAuthSecret(c: Basics, parts: { group: { replicationGroup: aws.elasticache.ReplicationGroup }; kmsKeyArn: pulumi.Output<string>; token: pulumi.Output<string> }): ConnectionSecret {
        const rg = parts.group.replicationGroup;
        return new ConnectionSecret(
            `${c.name}-auth-secret`,
            {
                secretName: c.args.secretName,
                description: `Endpoint and AUTH token of cache ${c.id}`,
                kmsKeyArn: parts.kmsKeyArn,
                value: {
                    engine: CACHE_ENGINE,
                    host: rg.primaryEndpointAddress,
                    readerHost: rg.readerEndpointAddress,
                    port: c.args.port,
                    authToken: parts.token,
                    tls: "true",
                },
                tags: c.args.tags,
            },
            { parent: this },
        );
    }

    private createAlarms(c: Basics): void {
        const { name, id, args } = c;
        const t = args.alarms;
        const target = storeAlarmTarget(args, this);
        const pressure: string[] = [];
        const members: aws.cloudwatch.MetricAlarm[] = [];
        for (let i = 0; i < args.nodes; i++) {
            const node = this.nodeIdentifiers[i];
            const perNode: {
                suffix: string;
                kind: AlarmKindName;
                metricName: string;
                statistic: "Average" | "Sum" | "Maximum";
                threshold: number;
                what: string;
                periodSeconds?: number;
            }[] = [
                { suffix: "cpu", kind: "cache-cpu", metricName: "CPUUtilization", statistic: "Average", threshold: t.cpuPercent, what: `host CPU above ${t.cpuPercent}%` },
                {
                    suffix: "engine-cpu",
                    kind: "cache-engine-cpu",
                    metricName: "EngineCPUUtilization",
                    statistic: "Average",
                    threshold: t.engineCpuPercent,
                    what: `engine CPU above ${t.engineCpuPercent}%`,
                },
                {
                    suffix: "memory",
                    kind: "cache-memory",
                    metricName: "DatabaseMemoryUsagePercentage",
                    statistic: "Average",
                    threshold: t.memoryPercent,
                    what: `memory use above ${t.memoryPercent}%`,
                },
                { suffix: "evictions", kind: "cache-evictions", metricName: "Evictions", statistic: "Sum", threshold: t.evictions, what: `more than ${t.evictions} evictions per 5 minutes` },
            ];
            if (args.nodes > 1) {
                // Only replicas report lag; on whichever node is primary the data is missing, which does not alarm.
                perNode.push({
                    suffix: "replication-lag",
                    kind: "cache-replication-lag",
                    metricName: "ReplicationLag",
                    statistic: "Maximum",
                    threshold: t.replicationLagSeconds,
                    what: `replication lag above ${t.replicationLagSeconds} s`,
                });
            }
            // A secondary of a global datastore: how far it is behind the primary region. AWS publishes
            // GlobalDatastoreReplicationLag (seconds; "the lag between the secondary Region's primary node and
            // the primary Region's primary node") in AWS/ElastiCache, calculated per cache node like every
            // engine metric, i.e. with dimension CacheClusterId = the node's id
            // (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html). Every node gets
            // the alarm because the node that is primary moves on failover; a node that publishes nothing does
            // not alarm (missing data is "missing").
            if (args.origin?.kind === "secondary" && t.globalReplicationLagSeconds !== undefined) {
                perNode.push({
                    suffix: "global-replication-lag",
                    kind: "cache-global-lag",
                    metricName: "GlobalDatastoreReplicationLag",
                    statistic: "Maximum",
                    threshold: t.globalReplicationLagSeconds,
                    what: `more than ${t.globalReplicationLagSeconds} s behind the primary region (the RPO)`,
                    periodSeconds: 60,
                });
            }
            for (const a of perNode) {
                const alarm = thresholdAlarm(
                    `${name}-${a.suffix}-${i + 1}`,
                    {
                        alarmName: `${node}-${a.suffix}`,
                        description: `Cache node ${node}: ${a.what} for ${((a.periodSeconds ?? 300) * 3) / 60} minutes`,
                        kind: a.kind,
                        namespace: "AWS/ElastiCache",
                        metricName: a.metricName,
                        dimensions: { CacheClusterId: node },
                        statistic: a.statistic,
                        comparison: "GreaterThanThreshold",
                        threshold: a.threshold,
                        periodSeconds: a.periodSeconds,
                    },
                    target,
                );
                if (a.kind === "cache-memory" || a.kind === "cache-evictions") members.push(alarm);
            }
            pressure.push(`(${inAlarm(`${node}-memory`)} AND ${inAlarm(`${node}-evictions`)})`);
        }
        // One cause, two alarms per node: the working set outgrew the node, so memory is full and keys are evicted.
        compositeAlarm(
            `${name}-memory-pressure`,
            {
                alarmName: `${id}-memory-pressure`,
                description: `Cache ${id} is too small for its working set: a node is full and evicting keys (the cause of its -memory and -evictions alarms)`,
                kind: "cache-memory-pressure",
                rule: pressure.join(" OR "),
                members,
            },
            target,
        );
    }
}

/** Log groups of a cache live under this prefix; its key lets CloudWatch Logs use it there only. */
export function cacheLogGroupPrefix(replicationGroupId: string): string {
    return `/aws/elasticache/${replicationGroupId}/`;
}

/**
 * What each origin ignores, read against the provider (replication_group.go) and
 * Pulumi's engine, which copies an ignored property's old *input* into the new
 * inputs before the provider checks them (pkg/resource/deploy/step_generator.go,
 * processIgnoreChanges before Check):
 * - the primary of a global datastore: its engine is upgraded through the
 *   datastore (ModifyGlobalReplicationGroup). The provider suppresses
 *   engine_version diffs of a member only once its state holds
 *   global_replication_group_id, which Read writes after the datastore exists, so
 *   until a refresh a changed engineVersion would reach ModifyReplicationGroup.
 * - a secondary: nothing. It declares none of what the datastore manages
 *   (engine, version, node type, parameter group, encryption); Read writes those
 *   as computed values, and an input that is not declared does not diff.
 * - a promoted former secondary: nothing either. Its old inputs hold the
 *   datastore's id, so ignoring globalReplicationGroupId would put that id back
 *   next to engine, node type and encryption, which the provider refuses
 *   (ConflictsWith). Leaving it out is no change: the argument is Optional and
 *   Computed, so the provider keeps what its state holds and plans no update.
 */
function cacheIgnoreChanges(origin: CacheOrigin, globalSource: boolean): string[] {
    switch (origin.kind) {
        case "primary":
            return globalSource ? ["engineVersion"] : [];
        case "secondary":
        case "promoted":
            return [];
    }
}
