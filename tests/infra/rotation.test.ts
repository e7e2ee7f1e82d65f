/**
 * One rotation of every credential of a stack, walked with the offline engine's lifecycle
 * simulator (a sequence of `up`s with the state carried between them), in the order that keeps
 * clients connected:
 *   1. the stack as it is;
 *   2. every rotation counter increased (aurora.masterPasswordRotation,
 *      aurora.application.passwordRotation, documentdb.masterPasswordRotation,
 *      redis.authTokenRotation) with the cache's strategy ROTATE: the cache keeps the old token
 *      valid beside the new one (terraform-provider-aws elasticache/replication_group.go Update:
 *      a change of auth_token or auth_token_update_strategy calls ModifyReplicationGroup with the
 *      token and the strategy, ApplyImmediately true); mlflow_app's credential moves to the other of
 *      its two logins (alternating users: generation 2 logs in as mlflow_app_b, whose password the
 *      migrate Job sets, while generation 1's pods keep logging in as mlflow_app_a), and PgBouncer
 *      rolls only after it;
 *   3. once clients have the new token, strategy SET: only the new token stays valid.
 * Each step's planned operations replace only generators and the dbops Jobs, never a store or
 * its secret. The plans mask secrets (so the engine cannot see a password change, as it cannot
 * see any secret), so the values are followed through the program's evaluations instead.
 * That the previous generation's clients keep connecting (new connections too) while the next
 * generation's login is set, and the generation before is refused, is proven against PostgreSQL:
 * tests/Dbops.Tests/Ops/ApplicationRoleTests.cs.
 */
import * as assert from "assert";
import { Simulator, TYPES as SIM } from "../../engine/lifecycle/simulator";
import { withKey } from "../../engine/lifecycle/scenarios";
import { StackEvaluation, evaluateStack } from "../../engine/mockEngine";
import { StackFileConfig, readStackFile } from "../../engine/stackFile";
import { TYPES, only } from "../harness";

const STACK = "staging";

/** Types that hold data or a store's identity: none may be replaced or deleted by a rotation. */
const STORES = [SIM.rdsCluster, SIM.rdsInstance, SIM.docdbCluster, SIM.cacheGroup, SIM.rdsGlobal, SIM.docdbGlobal, SIM.cacheGlobal, TYPES.secret, "aws:kms/key:Key"];

function rotated(base: StackFileConfig, strategy: "ROTATE" | "SET"): StackFileConfig {
    let cfg = withKey(STACK, "mlops-data:aurora", (a) => {
        a.masterPasswordRotation = 2;
        a.application = { ...(a.application ?? {}), passwordRotation: 2 };
    }, base);
    cfg = withKey(STACK, "mlops-data:documentdb", (d) => (d.masterPasswordRotation = 2), cfg);
    return withKey(STACK, "mlops-data:redis", (r) => {
        r.authTokenRotation = 2;
        r.authTokenUpdateStrategy = strategy;
    }, cfg);
}

/** The credential each consumer is given, in plaintext (the evaluation unwraps secrets). */
function credentials(ev: StackEvaluation) {
    const generated = (name: string) => only(ev, TYPES.password, name).outputs.result as string;
    const c = ev.outputs.verification;
    const k8s = (name: string) => ev.resources.find((r) => r.type === "kubernetes:core/v1:Secret" && r.inputs.metadata?.name === name)!.inputs.stringData;
    return {
        generated: {
            aurora: generated("aurora-master-password"),
            app: generated("aurora-app-password"),
            docdb: generated("documentdb-master-password"),
            cache: generated("cache-auth-token"),
        },
        aurora: only(ev, TYPES.cluster).inputs.masterPassword as string,
        docdb: only(ev, TYPES.docdbCluster).inputs.masterPassword as string,
        cache: only(ev, TYPES.replicationGroup).inputs.authToken as string,
        strategy: only(ev, TYPES.replicationGroup).inputs.authTokenUpdateStrategy as string,
        contract: { master: c.postgres.password, app: c.postgres.application.password, docdb: c.documentdb.password, cache: c.redis.authToken },
        login: c.postgres.application.username as string,
        secretUsername: JSON.parse(only(ev, TYPES.secretVersion, "aurora-app-secret").inputs.secretString).username as string,
        mlflowUsername: k8s("mlflow-db").username as string,
        pgbouncer: k8s("pgbouncer-auth")["userlist.txt"] as string,
        mlflow: k8s("mlflow-db").password as string,
        dbops: k8s("dbops-contract"),
    };
}

describe(`one rotation of every credential, walked with the offline engine (${STACK})`, function () {
    this.timeout(300_000);

    it("rotates Aurora's and DocumentDB's master, mlflow_app's password and the cache token in place, ROTATE then SET", async () => {
        const base = readStackFile(STACK);
        const sim = new Simulator();
        const first = await sim.up(STACK, base);
        assert.ok(first.ok, first.failures.join("\n"));

        const walk: { step: string; config: StackFileConfig }[] = [
            { step: "counters increased, cache ROTATE", config: rotated(base, "ROTATE") },
            { step: "cache SET", config: rotated(base, "SET") },
        ];
        const evaluations = [await evaluateStack(STACK, { stackConfig: base })];
        const ups = [];
        for (const { step, config } of walk) {
            const up = await sim.up(STACK, config);
            ups.push(up);
            assert.ok(up.ok, `${step}: ${up.failures.join("\n")}`);
            const removed = [...up.operations.replace, ...up.operations.delete];
            const stores = removed.filter((k) => STORES.some((t) => k.startsWith(`${t}::`)));
            assert.deepStrictEqual(stores, [], `${step}: a store or its secret is replaced or deleted`);
            // What may be replaced, and why nothing of it holds data:
            // - the generators (keepers are ForceNew);
            // - a Secrets Manager secret's version whose value is a new generator's (secret_string is ForceNew:
            //   a new version becomes AWSCURRENT; the secret and its ARN stay);
            // - in-cluster Secrets and ConfigMaps built from the contract: the Kubernetes provider replaces them
            //   when their data changes, and the engine takes every value derived from a replaced generator as
            //   unknown, so the endpoint ConfigMaps too (their values stay the same; a cache-only rotation did
            //   this before this change as well);
            // - the dbops Jobs, named after what they act on.
            for (const k of removed) {
                assert.match(
                    k,
                    /^(random:index\/randomPassword:RandomPassword|aws:secretsmanager\/secretVersion:SecretVersion|kubernetes:core\/v1:(Secret|ConfigMap)|kubernetes:batch\/v1:Job)::/,
                    `${step}: ${k}`,
                );
            }
            assert.deepStrictEqual(up.operations.delete, [], step);
            evaluations.push(await evaluateStack(STACK, { stackConfig: config }));
        }
        const [before, rotating, set] = evaluations.map(credentials);
        const generators = (ops: string[]) => ops.filter((k) => k.startsWith("random:index/randomPassword:RandomPassword::")).sort();
        assert.deepStrictEqual(
            generators(ups[0].operations.replace),
            ["aurora-app-password", "aurora-master-password", "cache-auth-token", "documentdb-master-password"].map((n) => `random:index/randomPassword:RandomPassword::${n}`),
        );
        // SET generates nothing and replaces nothing: it changes how the cache applies the token it has.
        assert.deepStrictEqual(ups[1].operations.replace, []);
        assert.ok(ups[1].operations.update.some((k) => k.startsWith(`${SIM.cacheGroup}::`)), ups[1].operations.update.join(", "));

        for (const k of ["aurora", "app", "docdb", "cache"] as const) assert.notStrictEqual(rotating.generated[k], before.generated[k], `${k} generated anew`);
        // Every consumer has the new value: the stores (in place), the contract, the cluster's clients.
        assert.strictEqual(rotating.aurora, rotating.generated.aurora);
        assert.strictEqual(rotating.docdb, rotating.generated.docdb);
        assert.strictEqual(rotating.cache, rotating.generated.cache);
        assert.deepStrictEqual(rotating.contract, { master: rotating.generated.aurora, app: rotating.generated.app, docdb: rotating.generated.docdb, cache: rotating.generated.cache });
        // The username follows the generation: generation 1 logs in as mlflow_app_a, generation 2 as mlflow_app_b,
        // in the contract, Secrets Manager, PgBouncer's auth file, MLflow's Secret and the migrate Job's contract.
        for (const [what, c, login] of [["before", before, "mlflow_app_a"], ["rotating", rotating, "mlflow_app_b"], ["set", set, "mlflow_app_b"]] as const) {
            assert.deepStrictEqual([c.login, c.secretUsername, c.mlflowUsername, c.dbops.DBOPS_PG_APP_USERNAME, c.dbops.DBOPS_PG_APP_GENERATION], [login, login, login, login, login === "mlflow_app_a" ? "1" : "2"], what);
        }
        assert.strictEqual(before.pgbouncer, `"mlflow_app_a" "${before.generated.app}"\n`);
        assert.strictEqual(rotating.pgbouncer, `"mlflow_app_b" "${rotating.generated.app}"\n`);
        assert.strictEqual(rotating.mlflow, rotating.generated.app);
        assert.strictEqual(rotating.dbops.DBOPS_PG_APP_PASSWORD, rotating.generated.app, "migrate sets the new login's password");
        assert.strictEqual(rotating.dbops.DBOPS_PG_PASSWORD, rotating.generated.aurora);
        // The cache: the new token is added beside the old one first, and made the only one after.
        assert.strictEqual(before.strategy, "ROTATE");
        assert.strictEqual(rotating.strategy, "ROTATE");
        assert.strictEqual(set.strategy, "SET");
        assert.strictEqual(set.cache, rotating.cache, "SET keeps the token ROTATE added: no third one");

        // Order: the migrate Job (named after the credential, so it runs again) before PgBouncer's pods roll.
        const ev = evaluations[1];
        const migrate = ev.resources.find((r) => r.type === "kubernetes:batch/v1:Job" && r.name === "k8s-migrate")!;
        const migrateBefore = evaluations[0].resources.find((r) => r.type === "kubernetes:batch/v1:Job" && r.name === "k8s-migrate")!;
        assert.notStrictEqual(migrate.inputs.metadata.name, migrateBefore.inputs.metadata.name, "a rotation runs migrate again");
        const pgbouncer = ev.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.inputs.metadata?.name === "pgbouncer")!;
        assert.ok(pgbouncer.dependencies!.includes(migrate.urn));
        const annotation = (e: StackEvaluation) =>
            e.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.inputs.metadata?.name === "pgbouncer")!.inputs.spec.template.metadata.annotations["mlops-data/credential-hash"];
        assert.notStrictEqual(annotation(evaluations[1]), annotation(evaluations[0]), "PgBouncer's pods roll to read the new auth file");
    });
});
