/** The in-cluster wiring (mlops:k8s:DataPlatformServices) per stack, as registered under the mocks. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { StackEvaluation, evaluateStack, isSecret } from "../../engine/mockEngine";
import { MASKED, readStackFile } from "../../engine/stackFile";
import { STACKS, TYPES, byUrn, only, stack, within } from "../harness";
import { CONTRACT_DIR } from "./verificationContract.test";
import { anyConfigOf } from "./stackConfig";
import { applicationLogin } from "../../infra/components/dataPlatformServices";

const K8S = "mlops:k8s:DataPlatformServices";
const k8s = (ev: StackEvaluation) => within(ev, K8S);
const ofKind = (ev: StackEvaluation, type: string) => ev.resources.filter((r) => r.type === type);
const named = (ev: StackEvaluation, type: string, name: string) => {
    const found = ofKind(ev, type).filter((r) => r.inputs.metadata?.name === name);
    assert.strictEqual(found.length, 1, `${type} ${name}`);
    return found[0];
};
const T = {
    ns: "kubernetes:core/v1:Namespace",
    secret: "kubernetes:core/v1:Secret",
    configMap: "kubernetes:core/v1:ConfigMap",
    service: "kubernetes:core/v1:Service",
    deployment: "kubernetes:apps/v1:Deployment",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    job: "kubernetes:batch/v1:Job",
    cronJob: "kubernetes:batch/v1:CronJob",
    netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
};

/** Everything a pod's containers run with. */
function containersOf(spec: any): any[] {
    return [...(spec.initContainers ?? []), ...spec.containers];
}

function assertRestricted(podSpec: any, what: string) {
    assert.strictEqual(podSpec.securityContext.runAsNonRoot, true, what);
    // Checkov CKV_K8S_40: an id above the node's own users.
    assert.ok(podSpec.securityContext.runAsUser >= 10000, what);
    assert.strictEqual(podSpec.automountServiceAccountToken, false, `${what}: no service-account token`);
    for (const c of containersOf(podSpec)) assert.match(c.image, /@sha256:[0-9a-f]{64}$/, `${what} ${c.name}: image pinned by digest`);
    assert.strictEqual(podSpec.securityContext.seccompProfile.type, "RuntimeDefault", what);
    for (const c of containersOf(podSpec)) {
        assert.deepStrictEqual(c.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } }, `${what} ${c.name}`);
        assert.ok(c.resources.requests && c.resources.limits, `${what} ${c.name} has requests and limits`);
    }
}

/** The dbops contract reaches the pod as files of the mounted Secret, and no secret through the environment. */
function assertContractAsFiles(podSpec: any, what: string) {
    const [c] = podSpec.containers;
    assert.strictEqual(c.envFrom, undefined, what);
    assert.deepStrictEqual(c.env, [{ name: "DBOPS_SECRETS_DIR", value: "/etc/dbops/contract" }], what);
    const volume = podSpec.volumes.find((v: any) => v.name === "contract");
    assert.strictEqual(volume.secret.secretName, "dbops-contract", what);
    assert.deepStrictEqual(c.volumeMounts.find((m: any) => m.name === "contract"), { name: "contract", mountPath: "/etc/dbops/contract", readOnly: true }, what);
}

for (const name of STACKS) {
    const cfg = anyConfigOf(name);
    const enabled = cfg.kubernetes?.enabled === true;

    describe(`Kubernetes wiring in stack ${name} (${enabled ? "enabled" : "disabled"})`, () => {
        if (!enabled) {
            it("declares nothing in any cluster", async () => {
                const ev = await stack(name);
                assert.deepStrictEqual(ev.resources.filter((r) => r.type.startsWith("kubernetes:") || r.type === K8S).map((r) => r.name), []);
            });
            return;
        }

        it("puts everything in a namespace labelled with the environment", async () => {
            const ev = k8s(await stack(name));
            const ns = only(ev, T.ns);
            assert.strictEqual(ns.inputs.metadata.name, cfg.kubernetes!.namespace);
            assert.strictEqual(ns.inputs.metadata.labels.environment, cfg.environment);
            for (const r of ev.resources.filter((x) => x.type !== T.ns)) assert.strictEqual(r.inputs.metadata.namespace, cfg.kubernetes!.namespace, r.name);
        });

        it("keeps connection details in Secrets, secret as a whole, and only the non-secret parts in the ConfigMap", async () => {
            const whole = await stack(name);
            const ev = k8s(whole);
            const c = whole.outputs.verification;
            for (const s of ofKind(ev, T.secret)) assert.deepStrictEqual(s.secretPaths, ["stringData"], s.name);
            const pg = named(ev, T.secret, "mlflow-db").inputs.stringData;
            const login = applicationLogin(c);
            assert.strictEqual(pg.host, c.postgres.writer);
            assert.strictEqual(pg.password, login.password);
            assert.strictEqual(pg.sslmode, "verify-full");
            assert.strictEqual(pg.sqlalchemyUrl, `postgresql://${login.username}:${login.password}@${c.postgres.writer}:5432/mlflow?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Frds%2Fglobal-bundle.pem`);
            assert.strictEqual(named(ev, T.secret, "documents").inputs.stringData.host, c.documentdb.endpoint);
            assert.strictEqual(named(ev, T.secret, "cache").inputs.stringData.authToken, c.redis.authToken);
            const cm = named(ev, T.configMap, "data-tier-endpoints").inputs.data;
            assert.strictEqual(cm.postgresHost, c.postgres.writer);
            const credentials = [c.postgres.password, c.postgres.application?.password, c.documentdb.password, c.redis.authToken].filter((x) => x);
            for (const r of ev.resources.filter((x) => x.type !== T.secret)) {
                const text = JSON.stringify(r.rawInputs);
                assert.ok(!credentials.some((p) => text.includes(p)), `${r.type} ${r.name} holds a credential`);
            }
        });

        it("gives every endpoint a stable ExternalName pointing at the store", async () => {
            const whole = await stack(name);
            const c = whole.outputs.verification;
            const ev = k8s(whole);
            const target = (n: string) => {
                const svc = named(ev, T.service, n).inputs.spec;
                assert.strictEqual(svc.type, "ExternalName");
                return svc.externalName;
            };
            assert.strictEqual(target("mlflow-db"), c.postgres.writer);
            assert.strictEqual(target("mlflow-db-ro"), c.postgres.reader ?? c.postgres.writer);
            assert.strictEqual(target("documents"), c.documentdb.endpoint);
            assert.strictEqual(target("cache"), c.redis.primary);
        });

        it("runs PgBouncer in transaction pooling with TLS verified to Aurora, probed, bounded and non-root", async () => {
            const whole = await stack(name);
            const c = whole.outputs.verification;
            const ev = k8s(whole);
            const pgb = cfg.kubernetes!.pgbouncer;
            const ini: string = named(ev, T.configMap, "pgbouncer").inputs.data["pgbouncer.ini"];
            for (const line of [
                "pool_mode = transaction",
                `default_pool_size = ${pgb.defaultPoolSize}`,
                `max_client_conn = ${pgb.maxClientConnections}`,
                "server_tls_sslmode = verify-full",
                "server_tls_ca_file = /etc/ssl/rds/global-bundle.pem",
                `mlflow = host=${c.postgres.writer} port=5432 dbname=mlflow`,
            ]) {
                assert.ok(ini.split("\n").includes(line), `pgbouncer.ini lacks "${line}"`);
            }
            assert.ok(!ini.includes(c.postgres.password));
            const userlist = named(ev, T.secret, "pgbouncer-auth");
            const login = applicationLogin(c);
            assert.strictEqual(userlist.inputs.stringData["userlist.txt"], `"${login.username}" "${login.password}"\n`);

            const d = named(ev, T.deployment, "pgbouncer").inputs.spec;
            assert.strictEqual(d.replicas, pgb.replicas);
            const pod = d.template.spec;
            assertRestricted(pod, "pgbouncer");
            const main = pod.containers[0];
            assert.deepStrictEqual(main.readinessProbe.tcpSocket, { port: 6432 });
            assert.deepStrictEqual(main.livenessProbe.tcpSocket, { port: 6432 });
            assert.deepStrictEqual(main.resources, { requests: pgb.requests, limits: pgb.limits });
            assert.strictEqual(pod.initContainers[0].image, cfg.kubernetes!.dbops.image, "the CA bundle comes from the dbops image");
            assert.match(d.template.metadata.annotations["mlops-data/config-hash"], /^[0-9a-f]{10}$/);
            const pdb = named(ev, T.pdb, "pgbouncer").inputs.spec;
            assert.deepStrictEqual(pdb, pgb.replicas > 1 ? { minAvailable: 1, selector: d.selector } : { maxUnavailable: 1, selector: d.selector });
            const svc = named(ev, T.service, "pgbouncer").inputs.spec;
            assert.deepStrictEqual([svc.type, svc.ports[0].port, svc.selector], ["ClusterIP", 6432, d.selector.matchLabels]);
        });

        it("gives PgBouncer and MLflow the application role's credential, never the master's; only the dbops Jobs get the master's", async () => {
            const whole = await stack(name);
            const c = whole.outputs.verification;
            const ev = k8s(whole);
            const app = c.postgres.application;
            const generated = (n: string) => ofKind(whole, TYPES.password).find((p) => p.name === n)?.outputs.result;
            const a = cfg.kind === "dr" ? (await stack("prod")).outputs.drHandoff.sections.aurora.application : cfg.aurora.application;
            // The login of the generation: odd generations the first of the two that act as mlflow_app, even ones the second.
            const login = a.passwordRotation % 2 === 1 ? "mlflow_app_a" : "mlflow_app_b";
            assert.deepStrictEqual([app.username, app.role, app.generation], [login, "mlflow_app", a.passwordRotation]);
            if (cfg.kind === "dr") {
                // A DR cluster's roles are the primary's: it presents prod's mlflow_app password, from the handoff.
                assert.strictEqual(app.password, (await stack("prod")).outputs.drHandoff.aurora.applicationPassword);
                assert.strictEqual(generated("aurora-app-password"), undefined, "the dr stack generates none of its own");
            } else {
                assert.strictEqual(app.password, generated("aurora-app-password"));
            }
            assert.notStrictEqual(app.password, c.postgres.password);
            assert.deepStrictEqual(
                [app.statementTimeoutMs, app.idleInTransactionSessionTimeoutMs, app.lockTimeoutMs],
                [a.statementTimeoutMs, a.idleInTransactionSessionTimeoutMs, a.lockTimeoutMs],
            );
            const mlflow = named(ev, T.secret, "mlflow-db").inputs.stringData;
            assert.deepStrictEqual([mlflow.username, mlflow.password], [login, app.password]);
            assert.ok(mlflow.sqlalchemyUrl.startsWith(`postgresql://${login}:${app.password}@`));
            assert.strictEqual(named(ev, T.secret, "pgbouncer-auth").inputs.stringData["userlist.txt"], `"${login}" "${app.password}"\n`);
            // The master password is in the dbops Jobs' contract and nowhere else in the cluster.
            const holders = ev.resources.filter((r) => JSON.stringify(r.inputs).includes(c.postgres.password)).map((r) => r.inputs.metadata?.name);
            assert.deepStrictEqual(holders, ["dbops-contract"]);
            const env = named(ev, T.secret, "dbops-contract").inputs.stringData;
            assert.deepStrictEqual([env.DBOPS_PG_USERNAME, env.DBOPS_PG_APP_USERNAME, env.DBOPS_PG_APP_PASSWORD], [c.postgres.username, login, app.password]);
            assert.strictEqual(env.DBOPS_PG_APP_STATEMENT_TIMEOUT_MS, String(a.statementTimeoutMs));
            // The credential has its own secret in Secrets Manager, under the cluster's key.
            const secret = ofKind(whole, TYPES.secret).find((r) => r.name === "aurora-app-secret")!;
            assert.strictEqual(secret.inputs.name, `${whole.outputs.verification.postgres.secretArn.split(":secret:")[1].replace(/\/master-AbCdEf$/, "")}/app`);
            const version = ofKind(whole, TYPES.secretVersion).find((r) => r.name === "aurora-app-secret")!;
            assert.deepStrictEqual(JSON.parse(version.inputs.secretString).username, login);
            assert.strictEqual(JSON.parse(version.inputs.secretString).password, app.password);
            // PgBouncer's pods roll only after the migrate Job has set a rotated password on the role.
            const migrate = ofKind(ev, T.job).find((j) => j.name === "k8s-migrate");
            const pgbouncer = named(ev, T.deployment, "pgbouncer");
            if (migrate) assert.ok(pgbouncer.dependencies!.includes(migrate.urn), "PgBouncer waits for the migrate Job");
            assert.match(pgbouncer.inputs.spec.template.metadata.annotations["mlops-data/credential-hash"], /^[0-9a-f]{10}$/);
        });

        it("lets the namespace reach only DNS and the stores' ports in their subnets", async () => {
            const ev = k8s(await stack(name));
            const spec = only(ev, T.netpol).inputs.spec;
            assert.deepStrictEqual(spec.podSelector, {});
            assert.deepStrictEqual(spec.policyTypes, ["Egress"]);
            const [dns, stores] = spec.egress;
            assert.deepStrictEqual(dns, { ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] });
            assert.deepStrictEqual(stores.ports.map((p: any) => p.port).sort(), [27017, 5432, 6379]);
            assert.deepStrictEqual(stores.to, cfg.network.privateSubnetIds.map((_, i) => ({ ipBlock: { cidr: `10.0.${i}.0/24` } })));
        });

        it("writes the dbops contract environment for the C# side", async () => {
            const ev = k8s(await stack(name));
            const env = named(ev, T.secret, "dbops-contract").inputs.stringData;
            assert.ok(Object.keys(env).every((k) => k.startsWith("DBOPS_")));
            fs.mkdirSync(CONTRACT_DIR, { recursive: true });
            fs.writeFileSync(path.join(CONTRACT_DIR, `${name}.dbops-env.json`), JSON.stringify(env, null, 2) + "\n");
        });
    });
}

describe("Kubernetes wiring per environment", () => {
    it("staging and prod run at least two PgBouncer pods; dev has no wiring", async () => {
        for (const s of ["staging", "prod"]) assert.ok(named(k8s(await stack(s)), T.deployment, "pgbouncer").inputs.spec.replicas >= 2, s);
        assert.strictEqual(anyConfigOf("dev").kubernetes?.enabled, false);
    });

    it("on a primary: migrate, then verify after it; monthly archival, daily vacuum, weekly reindex, never overlapping", async () => {
        const ev = k8s(await stack("prod"));
        const jobs = ofKind(ev, T.job);
        const migrate = jobs.find((j) => j.name === "k8s-migrate")!;
        const verify = jobs.find((j) => j.name === "k8s-verify")!;
        assert.ok(verify.dependencies!.includes(migrate.urn), "verification waits for the migration");
        assert.deepStrictEqual(migrate.inputs.spec.template.spec.containers[0].args, ["migrate", "--ca-bundle", "/etc/ssl/rds/global-bundle.pem"]);
        assert.deepStrictEqual(verify.inputs.spec.template.spec.containers[0].args, ["verify", "--ca-bundle", "/etc/ssl/rds/global-bundle.pem", "--format", "table"]);
        for (const j of jobs) {
            assert.match(j.inputs.metadata.name, /^dbops-(migrate|verify)-[0-9a-f]{10}$/);
            assertRestricted(j.inputs.spec.template.spec, j.name);
            assertContractAsFiles(j.inputs.spec.template.spec, j.name);
        }
        const cron: Record<string, any> = Object.fromEntries(ofKind(ev, T.cronJob).map((c) => [c.inputs.metadata.name, c.inputs.spec]));
        const args = (n: string) => cron[n].jobTemplate.spec.template.spec.containers[0].args;
        const ca = ["--ca-bundle", "/etc/ssl/rds/global-bundle.pem"];
        assert.deepStrictEqual(Object.keys(cron).sort(), ["dbops-archive", "dbops-reindex", "dbops-vacuum"]);
        assert.strictEqual(cron["dbops-archive"].schedule, "0 3 1 * *");
        assert.deepStrictEqual(args("dbops-archive"), ["archive", "--older-than", "90d", ...ca]);
        assert.strictEqual(cron["dbops-vacuum"].schedule, "30 4 * * *");
        assert.deepStrictEqual(args("dbops-vacuum"), ["maintain", "vacuum", ...ca]);
        assert.strictEqual(cron["dbops-reindex"].schedule, "45 4 * * 6");
        assert.deepStrictEqual(args("dbops-reindex"), ["maintain", "reindex", ...ca]);
        for (const [n, spec] of Object.entries(cron)) {
            assertRestricted(spec.jobTemplate.spec.template.spec, n);
            assertContractAsFiles(spec.jobTemplate.spec.template.spec, n);
            assert.strictEqual(spec.concurrencyPolicy, "Forbid");
            assert.strictEqual(spec.successfulJobsHistoryLimit, 3);
            assert.strictEqual(spec.failedJobsHistoryLimit, 3);
        }
    });

    it("the dbops image runs as the id the pods run as (dbops/Dockerfile's USER)", async () => {
        const user = /^USER (\d+):(\d+)$/m.exec(fs.readFileSync(path.join(__dirname, "../../dbops/Dockerfile"), "utf8"));
        assert.ok(user, "dbops/Dockerfile sets a numeric USER uid:gid");
        const pod = ofKind(k8s(await stack("prod")), T.job)[0].inputs.spec.template.spec;
        assert.deepStrictEqual([pod.securityContext.runAsUser, pod.securityContext.runAsGroup], [Number(user[1]), Number(user[2])]);
    });

    it("on the dr standby: only the verification, since the stores are read-only", async () => {
        const ev = k8s(await stack("dr"));
        assert.deepStrictEqual(ofKind(ev, T.job).map((j) => j.name), ["k8s-verify"]);
        assert.deepStrictEqual(ofKind(ev, T.cronJob), []);
        assert.strictEqual(named(ev, T.configMap, "data-tier-endpoints").inputs.data.role, "standby");
    });

    it("re-points the stable names to the DR endpoints when the dr stack promotes", async () => {
        const base = readStackFile("dr");
        const dr = JSON.parse(base.config["mlops-data:dr"]);
        dr.mode = "promote";
        dr.force = true;
        dr.detached = [];
        const ev = await evaluateStack("dr", { stackConfig: { ...base, config: { ...base.config, "mlops-data:dr": JSON.stringify(dr) } } });
        const cluster = only(ev, TYPES.cluster);
        const svc = (n: string) => named(k8s(ev), T.service, n).inputs.spec.externalName;
        assert.strictEqual(svc("mlflow-db"), cluster.outputs.endpoint);
        assert.ok(svc("mlflow-db").includes(".us-west-2."));
        assert.strictEqual(svc("documents"), only(ev, TYPES.docdbCluster).outputs.endpoint);
        assert.deepStrictEqual(ofKind(k8s(ev), T.job).map((j) => j.name).sort(), ["k8s-migrate", "k8s-verify"]);
    });

    it("gives the stable names the stores' configured ports, not their defaults", async () => {
        const base = readStackFile("staging");
        const port = (section: string, value: number) => ({ [`mlops-data:${section}`]: JSON.stringify({ ...JSON.parse(base.config[`mlops-data:${section}`]), port: value }) });
        const config = { ...base.config, ...port("aurora", 6543), ...port("documentdb", 27018), ...port("redis", 6380) };
        const ev = k8s(await evaluateStack("staging", { stackConfig: { ...base, config } }));
        const ports = (n: string) => named(ev, T.service, n).inputs.spec.ports.map((p: any) => p.port);
        assert.deepStrictEqual(
            ["mlflow-db", "mlflow-db-ro", "documents", "documents-ro", "cache", "cache-ro"].map((n) => [n, ports(n)]),
            [["mlflow-db", [6543]], ["mlflow-db-ro", [6543]], ["documents", [27018]], ["documents-ro", [27018]], ["cache", [6380]], ["cache-ro", [6380]]],
        );
    });

    it("uses a kubeconfig from config as a secret, for every object it declares", async () => {
        const base = readStackFile("staging");
        const ev = await evaluateStack("staging", {
            stackConfig: { ...base, config: { ...base.config, "mlops-data:kubeconfig": MASKED }, secretKeys: [...base.secretKeys, "mlops-data:kubeconfig"] },
        });
        const provider = ev.resources.find((r) => r.type === "pulumi:providers:kubernetes");
        assert.ok(provider, "a Kubernetes provider");
        assert.ok(isSecret(provider.rawInputs.kubeconfig));
        for (const r of k8s(ev).resources.filter((x) => x.type.startsWith("kubernetes:"))) {
            assert.strictEqual(byUrn(ev, r.provider!).urn, provider.urn, r.name);
        }
    });
});
