import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { DrHandoff, HANDOFF_VERSION, handoffOutput } from "../handoff";
import { FIRST_STORES, PlatformPlan, StoreNames, StoreSet, rebuiltGlobalIdentifiers } from "../platformPlan";
import { ApplicationContract, CONTRACT_VERSION, MLFLOW_APP_ROLE, VerificationContract, verificationOutput } from "../verification";
import { AlarmTopics } from "./alarmTopics";
import { ApplicationCredential, AuroraPostgres } from "./auroraPostgres";
import { DataTierDashboard } from "./dashboard";
import { BackupPlan } from "./backupPlan";
import { DataPlatformServices } from "./dataPlatformServices";
import { DocumentDb } from "./documentDb";
import { GivenCredentials, RetainedClusterSecrets } from "./clusterOrigin";
import { GlobalReplication, RebuiltGlobalClusters } from "./globalReplication";
import { StorePlacementArgs } from "./storeArgs";
import { RedisCache, cacheLogGroupPrefix } from "./redisCache";

/** What every store of a stack shares: its network placement, clients, alarm topic and tags. */
type StoreCommon = Pick<StorePlacementArgs, "vpcId" | "subnetIds" | "clientSecurityGroupIds" | "clientCidrs" | "availabilityZones" | "alarmRouting" | "tags">;

/**
 * The data tier of one stack, carried out from its plan (infra/platformPlan.ts): the
 * three stores, their backups, and on a replicating primary the global
 * clusters and the DR-region keys.
 */
export class DataPlatform extends pulumi.ComponentResource {
    public readonly aurora: AuroraPostgres;
    public readonly documentDb: DocumentDb;
    /** Undefined when the plan has no cache (a DR standby without a replicated cache). */
    public readonly cache?: RedisCache;
    /** Undefined when the plan has no backup plan (a DR standby). */
    public readonly backup?: BackupPlan;
    public readonly replication?: GlobalReplication;
    /** The verification contract (secret). */
    public readonly verification: pulumi.Output<VerificationContract>;
    /** What the `dr` stack needs from this one (secret); only on a replicating primary. */
    public readonly drHandoff?: pulumi.Output<DrHandoff>;
    /** The wiring on the Kubernetes cluster, when enabled. */
    public readonly services?: DataPlatformServices;
    /** The stack's CloudWatch dashboard. */
    public readonly dashboard: DataTierDashboard;
    /** The notification topic of each severity band. */
    public readonly alarmTopics: AlarmTopics;
    /** Stores out of service but still declared (plan.outOfService). */
    public readonly outOfService: { aurora: AuroraPostgres; documentDb: DocumentDb; cache?: RedisCache }[];
    /** The global clusters of the generation in service, on a replicating primary. */
    public readonly globalClusterIdentifiers?: { aurora: pulumi.Output<string>; documentdb: pulumi.Output<string> };

    constructor(name: string, plan: PlatformPlan, opts?: pulumi.ComponentResourceOptions) {
        super("mlops:data:Platform", name, {}, opts);
        const prefix = plan.namePrefix;
        const net = plan.network;
        // Looked up rather than configured, so that placement can never disagree with the subnet groups.
        const subnets = net.privateSubnetIds.map((id) => aws.ec2.getSubnetOutput({ id }, { parent: this }));
        // Before any store: every alarm of every store goes to the topic of its severity band.
        this.alarmTopics = new AlarmTopics("alarm-topics", { namePrefix: prefix, alarms: plan.alarms, tags: plan.tags }, { parent: this });
        // Every store gets the same network placement and the same clients.
        const common: StoreCommon = {
            vpcId: net.vpcId,
            subnetIds: net.privateSubnetIds,
            clientSecurityGroupIds: net.clientSecurityGroupIds,
            clientCidrs: net.clientCidrs,
            availabilityZones: subnets.map((s) => s.availabilityZone),
            alarmRouting: this.alarmTopics.routing,
            tags: plan.tags,
        };

        const mlflowSchemaRevision = plan.aurora.mlflowSchemaRevision;

        // One provider for the DR region, for everything this stack prepares there before a disaster.
        const drRegion = plan.replication?.drRegion ?? plan.backup?.copy?.region;
        const drProvider = drRegion ? new aws.Provider("dr-region", { region: drRegion as aws.Region }, { parent: this }) : undefined;

        // prod rebuilt for fail-back: each rebuilt generation's global clusters first, so that its clusters join them.
        const gens = plan.clusterGenerations;
        const rebuiltGlobals = new Map<string, pulumi.Output<string>>();
        const unprotect = (g: number) => g !== gens?.current && plan.replication?.retired === "unprotect";
        for (const b of gens?.rebuilds ?? []) {
            if (!gens!.declared.includes(b.generation) || !drProvider) continue;
            const ids = rebuiltGlobalIdentifiers(prefix, b.generation);
            const globals = new RebuiltGlobalClusters(
                `replication-gen-${b.generation}`,
                {
                    identifiers: ids,
                    sources: { aurora: b.auroraSource, documentdb: b.documentdbSource },
                    drProvider,
                    deletionProtection: {
                        aurora: plan.aurora.deletionProtection && !unprotect(b.generation),
                        documentdb: plan.documentdb.deletionProtection && !unprotect(b.generation),
                    },
                    engineVersion: { aurora: plan.aurora.engineVersion, documentdb: plan.documentdb.engineVersion },
                    tags: plan.tags,
                },
                { parent: this },
            );
            rebuiltGlobals.set(ids.aurora, globals.aurora.globalClusterIdentifier);
            rebuiltGlobals.set(ids.documentdb, globals.documentDb.globalClusterIdentifier);
        }

        // The sets from scratch (a new primary's generated credentials) before the sets that join a rebuilt
        // generation's global clusters: those replicate the users of the DR cluster they were rebuilt from,
        // which took generation 1's master passwords through the handoff, so they record the same credentials.
        const serving = { names: plan.storeNames ?? FIRST_STORES, ...plan };
        const sets = [serving, ...(plan.outOfService ?? [])];
        const built = new Map<StoreSet | typeof serving, ReturnType<DataPlatform["stores"]>>();
        for (const set of sets.filter((x) => x.auroraSource.origin?.kind !== "member")) built.set(set, this.stores(set.names, set, common, prefix));
        const fromScratch = sets.find((x) => (x.auroraSource.origin?.kind ?? "primary") === "primary");
        const first = fromScratch && built.get(fromScratch);
        const firstCredentials = sets.some((x) => x.auroraSource.origin?.kind === "member")
            ? {
                  aurora: {
                      username: plan.aurora.masterUsername,
                      password: first?.aurora.masterPassword ?? new RetainedClusterSecrets("mlops:data:AuroraPostgres", "aurora", { service: "Aurora PostgreSQL", id: `${prefix}-mlflow`, tags: plan.tags }, plan.aurora.masterPasswordRotation, { parent: this }).password,
                  },
                  documentdb: {
                      username: plan.documentdb.masterUsername,
                      password: first?.documentDb.masterPassword ?? new RetainedClusterSecrets("mlops:data:DocumentDb", "documentdb", { service: "DocumentDB", id: `${prefix}-docs`, tags: plan.tags }, plan.documentdb.masterPasswordRotation, { parent: this }).password,
                  },
              }
            : undefined;
        for (const set of sets.filter((x) => x.auroraSource.origin?.kind === "member")) {
            built.set(set, this.stores(set.names, joining(set, rebuiltGlobals, firstCredentials!), common, prefix));
        }
        const inService = built.get(serving)!;
        this.aurora = inService.aurora;
        this.documentDb = inService.documentDb;
        this.cache = inService.cache;
        // Out of service, still declared so that nothing about them changes (or unprotected, on the way out).
        this.outOfService = (plan.outOfService ?? []).map((set) => built.get(set)!);

        if (plan.backup) {
            const b = plan.backup;
            // The clusters in service, never those out of service; none while standing by (prod's copies cover it).
            const backedUp = b.vaultOnly ? [] : [this.aurora.cluster.arn, this.documentDb.cluster.arn];
            this.backup = new BackupPlan(
                "backup",
                {
                    namePrefix: prefix,
                    breakGlassRoleArn: b.breakGlassRoleArn,
                    vaultOnly: b.vaultOnly ?? false,
                    resources: backedUp,
                    continuousResources: backedUp.slice(0, 1),
                    schedule: b.schedule,
                    startWindowMinutes: b.startWindowMinutes,
                    completionWindowMinutes: b.completionWindowMinutes,
                    deleteAfterDays: b.deleteAfterDays,
                    continuous: b.continuous,
                    copy: b.copy && drProvider ? { ...b.copy, provider: drProvider } : undefined,
                    vaultLock: b.vaultLock,
                    restoreTesting: b.restoreTesting,
                    restoreTestingResources: b.vaultOnly
                        ? []
                        : [
                              { type: "Aurora", arn: this.aurora.cluster.arn },
                              { type: "DocumentDB", arn: this.documentDb.cluster.arn },
                          ],
                    tags: plan.tags,
                },
                { parent: this },
            );
        }

        if (plan.replication && drProvider) {
            const r = plan.replication;
            const current = gens?.current ?? 1;
            // Generation 1's clusters are the first global clusters' sources, in service or not, until it is removed.
            const firstSet = current === 1 ? inService : this.outOfService[(plan.outOfService ?? []).findIndex((x) => x.names.identifier === FIRST_STORES.identifier)];
            this.replication = new GlobalReplication(
                "replication",
                {
                    namePrefix: prefix,
                    drNamePrefix: r.drNamePrefix,
                    drProvider,
                    firstGeneration: firstSet && { auroraClusterArn: firstSet.aurora.cluster.arn, documentDbClusterArn: firstSet.documentDb.cluster.arn },
                    deletionProtection: {
                        aurora: plan.aurora.deletionProtection && !unprotect(1),
                        documentdb: plan.documentdb.deletionProtection && !unprotect(1),
                    },
                    engineVersion: { aurora: plan.aurora.engineVersion, documentdb: plan.documentdb.engineVersion, cache: plan.redis.engineVersion },
                    cacheReplicationGroupId: r.cacheGlobalDatastore ? this.cache?.replicationGroup.replicationGroupId : undefined,
                    tags: plan.tags,
                },
                { parent: this },
            );
            const currentIds = rebuiltGlobalIdentifiers(prefix, current);
            this.globalClusterIdentifiers =
                current === 1
                    ? { aurora: this.replication.auroraGlobalCluster!.globalClusterIdentifier, documentdb: this.replication.documentDbGlobalCluster!.globalClusterIdentifier }
                    : { aurora: rebuiltGlobals.get(currentIds.aurora)!, documentdb: rebuiltGlobals.get(currentIds.documentdb)! };
            this.drHandoff = this.handoff(plan, this.replication, this.globalClusterIdentifiers);
        }

        // A standby's stores are secondaries of global clusters: its dashboard shows the lag from the primary region.
        const secondary = plan.auroraSource.origin?.kind === "secondary";
        this.dashboard = new DataTierDashboard(
            "dashboard",
            {
                namePrefix: prefix,
                region: plan.region,
                aurora: {
                    clusterIdentifier: this.aurora.clusterIdentifier,
                    instanceIdentifiers: this.aurora.instances.map((i) => i.identifier),
                    connectionsAlarm: plan.aurora.alarms.connections,
                    secondary,
                },
                documentdb: {
                    clusterIdentifier: this.documentDb.clusterIdentifier,
                    instanceIdentifiers: this.documentDb.instances.map((i) => i.identifier),
                    connectionsAlarm: plan.documentdb.alarms.connections,
                    secondary,
                },
                cache: this.cache ? { nodeIdentifiers: this.cache.nodeIdentifiers, memoryAlarmPercent: plan.redis.alarms.memoryPercent, secondary } : undefined,
            },
            { parent: this },
        );

        this.verification = this.contract(plan, mlflowSchemaRevision);

        if (plan.kubernetes?.enabled) {
            this.services = new DataPlatformServices(
                "k8s",
                {
                    environment: plan.environment,
                    role: plan.role,
                    // Stepped down: no PgBouncer pod, so nothing of the platform reaches a still-writable old primary.
                    settings: plan.steppedDown ? { ...plan.kubernetes, pgbouncer: { ...plan.kubernetes.pgbouncer, replicas: 0 } } : plan.kubernetes,
                    kubeconfig: plan.kubeconfig,
                    contract: this.verification,
                    hasCache: this.cache !== undefined,
                    storeCidrs: subnets.map((s) => s.cidrBlock),
                    verify: !plan.isolated,
                },
                { parent: this },
            );
        }
        this.registerOutputs({ verification: this.verification, drHandoff: this.drHandoff });
    }

    /**
     * One set of stores under its names: the first set under the original ones
     * ("aurora", "mlops-dr-mlflow"), a later one under new Pulumi names and new
     * identifiers, so that it is created beside the sets before it.
     */
    private stores(names: StoreNames, set: Omit<StoreSet, "names">, placement: StoreCommon, prefix: string) {
        const c = names.component;
        const i = names.identifier;
        const common = set.isolated ? { ...placement, clientSecurityGroupIds: [], clientCidrs: [] } : placement;
        const cacheNames = set.cacheNames ?? names;
        const { mlflowSchemaRevision: _revision, ...a } = set.aurora;
        const aurora = new AuroraPostgres(
            `aurora${c}`,
            {
                ...common,
                ...a,
                ...set.auroraSource,
                alarms: { ...a.alarms, globalReplicationLagMs: set.globalLagAlarmMs?.aurora },
                clusterIdentifier: `${prefix}-mlflow${i}`,
                secretName: `${prefix}/aurora${i}/master`,
                applicationSecretName: `${prefix}/aurora${i}/app`,
            },
            { parent: this },
        );
        const d = set.documentdb;
        const documentDb = new DocumentDb(
            `documentdb${c}`,
            {
                ...common,
                ...d,
                ...set.documentDbSource,
                alarms: { ...d.alarms, globalReplicationLagMs: set.globalLagAlarmMs?.documentdb },
                clusterIdentifier: `${prefix}-docs${i}`,
                secretName: `${prefix}/documentdb${i}/master`,
            },
            { parent: this },
        );
        const cache = set.cacheSource
            ? new RedisCache(
                  `cache${cacheNames.component}`,
                  {
                      ...common,
                      ...set.redis,
                      ...set.cacheSource,
                      alarms: { ...set.redis.alarms, globalReplicationLagSeconds: set.globalLagAlarmMs && set.globalLagAlarmMs.cache / 1000 },
                      replicationGroupId: `${prefix}-cache${cacheNames.identifier}`,
                      secretName: `${prefix}/cache${cacheNames.identifier}/auth`,
                      // Below the first set's prefix: the key prod prepared lets CloudWatch Logs use it there only.
                      logGroupPrefix: cacheNames.identifier === "" ? undefined : `${cacheLogGroupPrefix(`${prefix}-cache`)}${cacheNames.identifier.slice(1)}/`,
                  },
                  { parent: this },
              )
            : undefined;
        return { aurora, documentDb, cache };
    }

    private handoff(plan: PlatformPlan, g: GlobalReplication, globals: { aurora: pulumi.Output<string>; documentdb: pulumi.Output<string> }): pulumi.Output<DrHandoff> {
        const r = plan.replication!;
        return handoffOutput({
            handoffVersion: HANDOFF_VERSION,
            primaryStack: pulumi.getStack(),
            primaryRegion: plan.region,
            drRegion: r.drRegion,
            drNamePrefix: r.drNamePrefix,
            primaryActive: r.primaryActive,
            sections: { aurora: plan.aurora, documentdb: plan.documentdb, redis: plan.redis, recovery: plan.recovery, backup: plan.backup! },
            aurora: pulumi.all([globals.aurora, g.drKeys.aurora.arn, this.aurora.masterUsername, this.aurora.masterPassword, this.applicationOfPrimary().password]).apply(
                ([globalClusterIdentifier, drKmsKeyArn, masterUsername, masterPassword, applicationPassword]) => ({
                    globalClusterIdentifier,
                    drKmsKeyArn,
                    masterUsername,
                    masterPassword,
                    applicationPassword,
                }),
            ),
            documentdb: pulumi
                .all([globals.documentdb, g.drKeys.documentdb.arn, this.documentDb.masterUsername, this.documentDb.masterPassword])
                .apply(([globalClusterIdentifier, drKmsKeyArn, masterUsername, masterPassword]) => ({ globalClusterIdentifier, drKmsKeyArn, masterUsername, masterPassword })),
            redis: pulumi
                .all([g.cacheGlobalReplicationGroupId, g.drKeys.cache.arn, this.cache!.authToken])
                .apply(([globalReplicationGroupId, drKmsKeyArn, authToken]) => ({ globalReplicationGroupId, drKmsKeyArn, authToken })),
        });
    }

    /** The in-service cluster's mlflow_app credential: a primary (of its own or a serving member) always has one. */
    private applicationOfPrimary() {
        const app = this.aurora.application;
        if (!app) throw new Error("the primary's Aurora cluster has no mlflow_app credential to hand to the DR region; a primary generates one (AuroraPostgres.applicationCredential)");
        return app;
    }

    /**
     * The verification contract. A standby's clusters are read-only secondaries:
     * its "writer" is the reader endpoint, and role "standby" tells the verifier
     * to expect read-only sessions.
     */
    private contract(plan: PlatformPlan, alembicRevision: string | undefined): pulumi.Output<VerificationContract> {
        const pg = this.aurora;
        const docs = this.documentDb;
        const cache = this.cache;
        const a = plan.aurora;
        const standby = plan.role === "standby";
        return verificationOutput({
            contractVersion: CONTRACT_VERSION,
            stack: pulumi.getStack(),
            environment: plan.environment,
            region: plan.region,
            role: plan.role,
            postgres: pulumi.all([pg.writerEndpoint, pg.readerEndpoint, pg.port, pg.masterPassword, pg.secretArn, applicationContract(pg.application)]).apply(
                ([writer, reader, port, password, secretArn, application]) => ({
                    writer: standby ? reader : writer,
                    reader: !standby && a.instances > 1 ? reader : null,
                    port,
                    database: a.databaseName,
                    username: a.masterUsername,
                    password,
                    engineMajor: Number(a.engineVersion.split(".")[0]),
                    tlsRequired: pg.parameters["rds.force_ssl"] === "1",
                    readers: standby ? 0 : a.instances - 1,
                    replicaLagMs: a.alarms.replicaLagMs,
                    parameters: pg.parameters,
                    secretArn,
                    alembicRevision: alembicRevision ?? null,
                    application,
                }),
            ),
            documentdb: pulumi.all([docs.endpoint, docs.readerEndpoint, docs.port, docs.masterPassword, docs.masterUsername, docs.secretArn]).apply(
                ([endpoint, readerEndpoint, port, password, username, secretArn]) => ({
                    endpoint: standby ? readerEndpoint : endpoint,
                    readerEndpoint,
                    port,
                    username,
                    password,
                    instances: plan.documentdb.instances,
                    tlsRequired: docs.tlsRequired,
                    secretArn,
                }),
            ),
            redis: cache
                ? pulumi.all([cache.primaryEndpoint, cache.readerEndpoint, cache.port, cache.authToken, cache.secretArn]).apply(
                      ([primary, reader, port, authToken, secretArn]) => ({
                          primary,
                          reader: plan.redis.nodes > 1 ? reader : null,
                          port,
                          authToken,
                          replicas: plan.redis.nodes - 1,
                          tlsRequired: cache.tlsRequired,
                          secretArn,
                      }),
                  )
                : undefined,
        });
    }
}

/**
 * A set of a rebuilt generation, ready to be declared: its clusters join the generation's global
 * clusters (the resources' outputs, so that Pulumi creates them first) and record generation 1's
 * credentials, which the global clusters' users carry.
 */
function joining(set: Omit<StoreSet, "names">, globals: Map<string, pulumi.Output<string>>, credentials: { aurora: GivenCredentials; documentdb: GivenCredentials }): Omit<StoreSet, "names"> {
    const join = (source: StoreSet["auroraSource"], given: GivenCredentials): StoreSet["auroraSource"] => {
        const origin = source.origin;
        if (origin?.kind !== "member") return source;
        const id = globals.get(String(origin.globalClusterIdentifier));
        if (!id) throw new Error(`no global cluster ${String(origin.globalClusterIdentifier)} is declared for this generation`);
        return { ...source, origin: { ...origin, globalClusterIdentifier: id }, credentials: given };
    };
    return { ...set, auroraSource: join(set.auroraSource, credentials.aurora), documentDbSource: join(set.documentDbSource, credentials.documentdb) };
}

/** The application role's part of the contract; null when the cluster has no application credential. */
function applicationContract(app: ApplicationCredential | undefined): pulumi.Output<ApplicationContract | null> {
    if (!app) return pulumi.output(null);
    return pulumi.all([app.password, app.secretArn]).apply(([password, secretArn]): ApplicationContract => ({
        username: app.username,
        role: MLFLOW_APP_ROLE,
        generation: app.generation,
        restoredCluster: app.restoredCluster,
        password,
        secretArn,
        ...app.settings,
    }));
}
