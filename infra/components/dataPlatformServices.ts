import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import type { KubernetesConfig } from "../config";
import { dbopsEnvironment } from "../k8s/dbopsEnvironment";
import { PGBOUNCER_PORT, RDS_CA_BUNDLE_PATH, pgbouncerIni, pgbouncerUserlist } from "../k8s/pgbouncer";
import type { VerificationContract } from "../verification";

/** The stable in-cluster names applications use; a DR promotion re-points them, never the applications. */
export const SERVICE_NAMES = {
    postgres: "mlflow-db",
    postgresReadOnly: "mlflow-db-ro",
    documents: "documents",
    documentsReadOnly: "documents-ro",
    cache: "cache",
    cacheReadOnly: "cache-ro",
    pgbouncer: "pgbouncer",
} as const;

/**
 * The ids the pods run as: at least 10000, above any id a node's own users take
 * (Checkov CKV_K8S_40), so that a container escape lands on no host account.
 * dbops/Dockerfile sets the same USER for dbops; PgBouncer runs under it
 * too, since it only reads its mounted files.
 */
const DBOPS_UID = 10001;
const PGBOUNCER_UID = 10001;
/** Where the dbops pods mount the contract Secret, one file per DBOPS_* variable (dbops reads DBOPS_SECRETS_DIR). */
export const DBOPS_SECRETS_DIR = "/etc/dbops/contract";

export interface DataPlatformServicesArgs {
    environment: string;
    /** "standby": the stores are read-only DR secondaries, so no migration or scheduled maintenance runs. */
    role: "primary" | "standby";
    settings: KubernetesConfig;
    /** A kubeconfig (a Pulumi secret); without one the ambient cluster (KUBECONFIG) is used. */
    kubeconfig?: pulumi.Input<string>;
    /** Everything about the stores, as the verifier sees it (a secret). */
    contract: pulumi.Output<VerificationContract>;
    /** Whether the stack has a cache (a DR standby without a replicated cache has none). */
    hasCache: boolean;
    /** Address ranges of the stores' subnets: the only places the namespace's pods may reach, besides DNS. */
    storeCidrs: pulumi.Input<string>[];
    /**
     * Run the verification Job after each change. False for a fenced stack (replication.fenced):
     * its stores admit no client, the verifier included, so a verification could only fail.
     * @default true
     */
    verify?: boolean;
}

/**
 * The data tier on the platform's existing Kubernetes cluster: a namespace,
 * connection Secrets and a ConfigMap, ExternalName Services with stable names,
 * PgBouncer in front of Aurora, the dbops Jobs (migrate, then verify, after each
 * change) and CronJobs (monthly archival, daily vacuum, weekly reindex), and a
 * NetworkPolicy that lets the namespace reach only DNS and the stores.
 */
export class DataPlatformServices extends pulumi.ComponentResource {
    public readonly namespace: k8s.core.v1.Namespace;
    /** Undefined when the stack is fenced (nothing could reach its stores). */
    public readonly verifyJob?: k8s.batch.v1.Job;
    public readonly migrateJob?: k8s.batch.v1.Job;

    constructor(name: string, args: DataPlatformServicesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlops:k8s:DataPlatformServices", name, {}, opts);
        const s = args.settings;
        const provider = args.kubeconfig
            ? new k8s.Provider(`${name}-cluster`, { kubeconfig: pulumi.secret(args.kubeconfig), namespace: s.namespace }, { parent: this })
            : undefined;
        const o = { parent: this, provider };
        const labels = { "app.kubernetes.io/part-of": "mlops-data", environment: args.environment, "managed-by": "pulumi" };
        const c = args.contract;
        // The stores' addresses are not secret, only their credentials: everything
        // outside the Secrets below is built from this view, which holds none.
        const open = pulumi.unsecret(c.apply(withoutCredentials));

        this.namespace = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: s.namespace, labels } }, o);
        const meta = (n: string, extra: Record<string, string> = {}) => ({ name: n, namespace: this.namespace.metadata.name, labels: { ...labels, ...extra } });

        // A digest of the application's credential: the migrate Job runs again, and PgBouncer's pods roll,
        // when it changes (a rotation). Ten hex digits of a SHA-256 of a 40-character random password
        // reveal nothing about it, so the digest may stand in plain sight, in names and annotations.
        const credential = pulumi.unsecret(c.apply((v) => digest(JSON.stringify({ login: applicationLogin(v), settings: v.postgres.application }))));

        this.connectionSecrets(name, c, open, args.hasCache, meta, o);
        this.stableNames(name, open, args.hasCache, meta, o);
        const jobs = this.dbops(name, args, open, credential, meta, o);
        // After the migrate Job, which sets a rotated password on the role: new PgBouncer pods then log in
        // with a password the database already takes, while the old pods' server connections stay open.
        this.pgbouncer(name, s, c, open, credential, jobs.migrate, meta, o);
        this.verifyJob = jobs.verify;
        this.migrateJob = jobs.migrate;
        this.networkPolicy(name, args.storeCidrs, open, meta, o);

        this.registerOutputs({ namespace: this.namespace.metadata.name });
    }

    /** One Secret per store, in the shapes clients take (fields and, for PostgreSQL, a SQLAlchemy URL for MLflow). */
    private connectionSecrets(name: string, c: pulumi.Output<VerificationContract>, open: pulumi.Output<VerificationContract>, hasCache: boolean, meta: Meta, o: Opts): void {
        const secret = <T extends Record<string, string>>(n: string, data: pulumi.Output<T>) =>
            new k8s.core.v1.Secret(`${name}-secret-${n}`, { metadata: meta(n), type: "Opaque", stringData: pulumi.secret(data) }, o);
        secret(
            SERVICE_NAMES.postgres,
            c.apply((v) => {
                const pg = v.postgres;
                const login = applicationLogin(v);
                const tls = `sslmode=verify-full&sslrootcert=${encodeURIComponent(RDS_CA_BUNDLE_PATH)}`;
                return {
                    host: pg.writer,
                    readerHost: pg.reader ?? pg.writer,
                    port: String(pg.port),
                    database: pg.database,
                    username: login.username,
                    password: login.password,
                    sslmode: "verify-full",
                    sslrootcert: RDS_CA_BUNDLE_PATH,
                    // The password's characters are URL-safe by construction (infra/components/credentials.ts).
                    sqlalchemyUrl: `postgresql://${login.username}:${login.password}@${pg.writer}:${pg.port}/${pg.database}?${tls}`,
                };
            }),
        );
        secret(
            SERVICE_NAMES.documents,
            c.apply((v) => {
                const d = v.documentdb!;
                return {
                    host: d.endpoint,
                    readerHost: d.readerEndpoint,
                    port: String(d.port),
                    username: d.username,
                    password: d.password,
                    tls: "true",
                    tlsCAFile: RDS_CA_BUNDLE_PATH,
                };
            }),
        );
        if (hasCache) {
            secret(
                SERVICE_NAMES.cache,
                c.apply((v) => {
                    const r = v.redis!;
                    return { host: r.primary, readerHost: r.reader ?? r.primary, port: String(r.port), authToken: r.authToken, tls: "true" };
                }),
            );
        }
        // The non-secret parts, for tools that must not read Secrets.
        new k8s.core.v1.ConfigMap(
            `${name}-endpoints`,
            {
                metadata: meta("data-tier-endpoints"),
                data: open.apply((v) => ({
                    stack: v.stack,
                    environment: v.environment,
                    region: v.region,
                    role: v.role,
                    postgresHost: v.postgres.writer,
                    postgresReaderHost: v.postgres.reader ?? v.postgres.writer,
                    postgresPort: String(v.postgres.port),
                    postgresDatabase: v.postgres.database,
                    postgresSecretArn: v.postgres.secretArn,
                    postgresService: SERVICE_NAMES.postgres,
                    pgbouncerService: SERVICE_NAMES.pgbouncer,
                    documentsHost: v.documentdb?.endpoint ?? "",
                    documentsReaderHost: v.documentdb?.readerEndpoint ?? "",
                    documentsSecretArn: v.documentdb?.secretArn ?? "",
                    documentsService: SERVICE_NAMES.documents,
                    cacheHost: v.redis?.primary ?? "",
                    cacheReaderHost: v.redis?.reader ?? v.redis?.primary ?? "",
                    cacheSecretArn: v.redis?.secretArn ?? "",
                    cacheService: SERVICE_NAMES.cache,
                    sslmode: "verify-full",
                    caBundlePath: RDS_CA_BUNDLE_PATH,
                })),
            },
            o,
        );
    }

    /**
     * ExternalName Services: a stable DNS name per endpoint. TLS clients that
     * verify the host name must still use the real host (in the Secrets); these
     * names are for everything that follows DNS, and they move with a promotion.
     */
    private stableNames(name: string, c: pulumi.Output<VerificationContract>, hasCache: boolean, meta: Meta, o: Opts): void {
        // Host and port both from the contract: a store's port is configurable (aurora.port, documentdb.port, redis.port).
        const external = (n: string, endpoint: (v: VerificationContract) => { host: string; port: number }) => {
            const e = c.apply(endpoint);
            new k8s.core.v1.Service(
                `${name}-svc-${n}`,
                { metadata: meta(n), spec: { type: "ExternalName", externalName: e.host, ports: [{ name: "tcp", port: e.port, protocol: "TCP" }] } },
                o,
            );
        };
        external(SERVICE_NAMES.postgres, (v) => ({ host: v.postgres.writer, port: v.postgres.port }));
        external(SERVICE_NAMES.postgresReadOnly, (v) => ({ host: v.postgres.reader ?? v.postgres.writer, port: v.postgres.port }));
        external(SERVICE_NAMES.documents, (v) => ({ host: v.documentdb!.endpoint, port: v.documentdb!.port }));
        external(SERVICE_NAMES.documentsReadOnly, (v) => ({ host: v.documentdb!.readerEndpoint, port: v.documentdb!.port }));
        if (hasCache) {
            external(SERVICE_NAMES.cache, (v) => ({ host: v.redis!.primary, port: v.redis!.port }));
            external(SERVICE_NAMES.cacheReadOnly, (v) => ({ host: v.redis!.reader ?? v.redis!.primary, port: v.redis!.port }));
        }
    }

    private pgbouncer(
        name: string,
        s: KubernetesConfig,
        c: pulumi.Output<VerificationContract>,
        open: pulumi.Output<VerificationContract>,
        credential: pulumi.Output<string>,
        migrate: k8s.batch.v1.Job | undefined,
        meta: Meta,
        o: Opts,
    ): void {
        const p = s.pgbouncer;
        const selector = { "app.kubernetes.io/name": "pgbouncer" };
        const ini = open.postgres.apply((pg) =>
            pgbouncerIni({
                writer: pg.writer,
                reader: pg.reader ?? undefined,
                port: pg.port,
                database: pg.database,
                defaultPoolSize: p.defaultPoolSize,
                reservePoolSize: p.reservePoolSize,
                maxClientConnections: p.maxClientConnections,
            }),
        );
        const config = new k8s.core.v1.ConfigMap(`${name}-pgbouncer-config`, { metadata: meta("pgbouncer", selector), data: { "pgbouncer.ini": ini } }, o);
        const auth = new k8s.core.v1.Secret(
            `${name}-pgbouncer-auth`,
            {
                metadata: meta("pgbouncer-auth", selector),
                type: "Opaque",
                stringData: pulumi.secret(c.apply((v) => ({ "userlist.txt": pgbouncerUserlist(applicationLogin(v).username, applicationLogin(v).password) }))),
            },
            o,
        );
        // A changed configuration rolls the pods: PgBouncer reads its files at start.
        const configHash = ini.apply((text) => digest(text));
        new k8s.apps.v1.Deployment(
            `${name}-pgbouncer`,
            {
                metadata: meta("pgbouncer", selector),
                spec: {
                    replicas: p.replicas,
                    selector: { matchLabels: selector },
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                    template: {
                        metadata: {
                            labels: { ...selector, "app.kubernetes.io/part-of": "mlops-data" },
                            // PgBouncer reads its auth file at start only: a rotated credential rolls the pods.
                            annotations: { "mlops-data/config-hash": configHash, "mlops-data/credential-hash": credential },
                        },
                        spec: {
                            // PgBouncer never calls the Kubernetes API: no token to steal (CKV_K8S_38).
                            automountServiceAccountToken: false,
                            securityContext: {
                                runAsNonRoot: true,
                                runAsUser: PGBOUNCER_UID,
                                runAsGroup: PGBOUNCER_UID,
                                fsGroup: PGBOUNCER_UID,
                                seccompProfile: { type: "RuntimeDefault" },
                            },
                            // Spread the replicas so that one node's loss never takes all of them.
                            topologySpreadConstraints: [
                                { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } },
                            ],
                            initContainers: [
                                {
                                    // The RDS CA bundle ships in the platform's own dbops image.
                                    name: "rds-ca-bundle",
                                    image: s.dbops.image,
                                    command: ["cp", RDS_CA_BUNDLE_PATH, "/ca/global-bundle.pem"],
                                    securityContext: restricted(),
                                    volumeMounts: [{ name: "ca", mountPath: "/ca" }],
                                    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
                                },
                            ],
                            containers: [
                                {
                                    name: "pgbouncer",
                                    image: requiredImage(p.image),
                                    command: ["pgbouncer", "/etc/pgbouncer/pgbouncer.ini"],
                                    ports: [{ name: "postgres", containerPort: PGBOUNCER_PORT, protocol: "TCP" }],
                                    readinessProbe: { tcpSocket: { port: PGBOUNCER_PORT }, periodSeconds: 5, failureThreshold: 3 },
                                    livenessProbe: { tcpSocket: { port: PGBOUNCER_PORT }, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 6 },
                                    resources: { requests: p.requests, limits: p.limits },
                                    securityContext: restricted(),
                                    volumeMounts: [
                                        { name: "config", mountPath: "/etc/pgbouncer/pgbouncer.ini", subPath: "pgbouncer.ini", readOnly: true },
                                        { name: "auth", mountPath: "/etc/pgbouncer/auth", readOnly: true },
                                        { name: "ca", mountPath: "/etc/ssl/rds", readOnly: true },
                                    ],
                                },
                            ],
                            volumes: [
                                { name: "config", configMap: { name: config.metadata.name } },
                                { name: "auth", secret: { secretName: auth.metadata.name, defaultMode: 0o440 } },
                                { name: "ca", emptyDir: {} },
                            ],
                        },
                    },
                },
            },
            { ...o, dependsOn: migrate ? [migrate] : [] },
        );
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-pgbouncer-pdb`,
            {
                metadata: meta("pgbouncer", selector),
                // With one replica a minAvailable of 1 would block every node drain.
                spec: p.replicas > 1 ? { minAvailable: 1, selector: { matchLabels: selector } } : { maxUnavailable: 1, selector: { matchLabels: selector } },
            },
            o,
        );
        new k8s.core.v1.Service(
            `${name}-pgbouncer-svc`,
            {
                metadata: meta(SERVICE_NAMES.pgbouncer, selector),
                spec: { type: "ClusterIP", selector, ports: [{ name: "postgres", port: PGBOUNCER_PORT, targetPort: PGBOUNCER_PORT, protocol: "TCP" }] },
            },
            o,
        );
    }

    /**
     * dbops in the cluster. The Jobs are named after what they act on (image and
     * stores), so a change runs them again on the next `up` and Pulumi waits for
     * them: a failed verification fails the deploy. A standby is read-only: it
     * gets the verification only.
     */
    private dbops(
        name: string,
        args: DataPlatformServicesArgs,
        open: pulumi.Output<VerificationContract>,
        credential: pulumi.Output<string>,
        meta: Meta,
        o: Opts,
    ): { verify?: k8s.batch.v1.Job; migrate?: k8s.batch.v1.Job } {
        const d = args.settings.dbops;
        const contractSecret = new k8s.core.v1.Secret(
            `${name}-dbops-contract`,
            { metadata: meta("dbops-contract"), type: "Opaque", stringData: pulumi.secret(args.contract.apply(dbopsEnvironment)) },
            o,
        );
        // The application's credential and timeouts are in it too: migrate sets them, so a change runs it again.
        const revision = pulumi.all([open, credential]).apply(([c, cred]) =>
            digest(JSON.stringify({ image: d.image, writer: c.postgres.writer, reader: c.postgres.reader, role: c.role, engine: c.postgres.engineMajor, cred })),
        );
        const pod = (command: string[]): k8s.types.input.core.v1.PodSpec => ({
            restartPolicy: "Never",
            // dbops talks to the stores, never to the Kubernetes API (CKV_K8S_38).
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: DBOPS_UID, runAsGroup: DBOPS_UID, fsGroup: DBOPS_UID, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
                {
                    name: "dbops",
                    image: d.image,
                    args: command,
                    // The contract as files, not environment variables (CKV_K8S_35): dbops reads
                    // each DBOPS_* variable from the file of that name in DBOPS_SECRETS_DIR.
                    env: [{ name: "DBOPS_SECRETS_DIR", value: DBOPS_SECRETS_DIR }],
                    securityContext: restricted(),
                    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
                    volumeMounts: [
                        { name: "tmp", mountPath: "/tmp" },
                        { name: "contract", mountPath: DBOPS_SECRETS_DIR, readOnly: true },
                    ],
                },
            ],
            volumes: [
                { name: "tmp", emptyDir: {} },
                { name: "contract", secret: { secretName: contractSecret.metadata.name, defaultMode: 0o440 } },
            ],
        });
        const job = (n: string, command: string[], deps: pulumi.Resource[]) =>
            new k8s.batch.v1.Job(
                `${name}-${n}`,
                {
                    metadata: { ...meta(`dbops-${n}`, { "app.kubernetes.io/name": "dbops" }), name: pulumi.interpolate`dbops-${n}-${revision}` },
                    spec: { backoffLimit: 1, activeDeadlineSeconds: 1800, ttlSecondsAfterFinished: 7 * 86400, template: { spec: pod(command) } },
                },
                { ...o, dependsOn: deps },
            );
        // Every command verifies the servers' certificates against the RDS bundle in the image.
        const ca = ["--ca-bundle", RDS_CA_BUNDLE_PATH];
        const verifyArgs = ["verify", ...ca, "--format", "table"];
        if (args.role === "standby") return { verify: args.verify === false ? undefined : job("verify", verifyArgs, []) };

        const migrate = job("migrate", ["migrate", ...ca], []);
        const verify = job("verify", verifyArgs, [migrate]);
        const cronJob = (n: string, schedule: string, command: string[]) =>
            new k8s.batch.v1.CronJob(
                `${name}-${n}`,
                {
                    metadata: meta(`dbops-${n}`, { "app.kubernetes.io/name": "dbops" }),
                    spec: {
                        schedule,
                        timeZone: "Etc/UTC",
                        // Never two at once: an archival or a vacuum overlapping itself only adds load.
                        concurrencyPolicy: "Forbid",
                        successfulJobsHistoryLimit: 3,
                        failedJobsHistoryLimit: 3,
                        startingDeadlineSeconds: 3600,
                        jobTemplate: { spec: { backoffLimit: 1, template: { spec: pod(command) } } },
                    },
                },
                o,
            );
        cronJob("archive", d.archiveSchedule, ["archive", "--older-than", d.archiveOlderThan, ...ca]);
        cronJob("vacuum", d.vacuumSchedule, ["maintain", "vacuum", ...ca]);
        cronJob("reindex", d.reindexSchedule, ["maintain", "reindex", ...ca]);
        return { verify, migrate };
    }

    private networkPolicy(name: string, storeCidrs: pulumi.Input<string>[], open: pulumi.Output<VerificationContract>, meta: Meta, o: Opts): void {
        const ports = open.apply((v) => [
            { protocol: "TCP", port: v.postgres.port },
            ...(v.documentdb ? [{ protocol: "TCP", port: v.documentdb.port }] : []),
            ...(v.redis ? [{ protocol: "TCP", port: v.redis.port }] : []),
        ]);
        new k8s.networking.v1.NetworkPolicy(
            `${name}-egress`,
            {
                metadata: meta("data-tier-egress"),
                spec: {
                    podSelector: {},
                    policyTypes: ["Egress"],
                    egress: [
                        { ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
                        { to: storeCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports },
                    ],
                },
            },
            o,
        );
    }
}

type Meta = (name: string, extra?: Record<string, string>) => k8s.types.input.meta.v1.ObjectMeta;
type Opts = { parent: pulumi.Resource; provider?: k8s.Provider };

/**
 * The login PgBouncer and MLflow use: the application's (mlflow_app), never the master user. Every
 * stack has one: a cluster of its own generates it, a DR cluster takes the primary's from the handoff
 * (infra/handoff.ts), since its roles are the primary's.
 */
export function applicationLogin(v: VerificationContract): { username: string; password: string } {
    const app = v.postgres.application;
    if (!app) throw new Error(`the contract of stack ${v.stack} has no postgres.application: PgBouncer and MLflow would have no login but the master user's, which they must never use`);
    return { username: app.username, password: app.password };
}

/** The contract with its credentials blanked: what may appear outside a Secret. */
function withoutCredentials(c: VerificationContract): VerificationContract {
    return {
        ...c,
        postgres: { ...c.postgres, password: "", application: c.postgres.application && { ...c.postgres.application, password: "" } },
        documentdb: c.documentdb && { ...c.documentdb, password: "" },
        redis: c.redis && { ...c.redis, authToken: "" },
    };
}

/** The container security context every pod here runs with. */
function restricted(): k8s.types.input.core.v1.SecurityContext {
    return { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } };
}

/** The PgBouncer image; the config schema requires it wherever the wiring is enabled. */
function requiredImage(image: string | undefined): string {
    if (image === undefined) throw new Error("kubernetes.pgbouncer.image is unset although the wiring is enabled; the config schema should have refused this");
    return image;
}

function digest(text: string): string {
    return createHash("sha256").update(text).digest("hex").slice(0, 10);
}
