/**
 * One side of the contract test: writes the `verification` output each stack
 * exports (as `pulumi stack output verification --json --show-secrets` would
 * print it) to out/contract/<stack>.verification.json. tests/Dbops.Tests reads
 * those very files, so `make test` runs this suite before `dotnet test`.
 * The password in these files is the offline fixture's, not a real one.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DR_STACKS, PRIMARY_STACKS, TYPES, ofType, only, stack, within } from "../harness";
import { contractSchema } from "../../infra/verification";
import { configOf } from "./stackConfig";

export const CONTRACT_DIR = path.resolve(__dirname, "..", "..", "out", "contract");

/** Writes the contract after checking it against its one schema (infra/verification.ts), strictly: no key it does not declare. */
function write(name: string, contract: unknown): void {
    const checked = contractSchema.safeParse(contract);
    assert.ok(checked.success, `stack ${name}'s verification output does not match contractSchema: ${checked.error?.message}`);
    fs.mkdirSync(CONTRACT_DIR, { recursive: true });
    fs.writeFileSync(path.join(CONTRACT_DIR, `${name}.verification.json`), JSON.stringify(contract, null, 2) + "\n");
}

for (const name of PRIMARY_STACKS) {
    describe(`verification contract of stack ${name}`, () => {
        it("describes the Aurora cluster as declared and is written for the C# side", async () => {
            const ev = await stack(name);
            const c = ev.outputs.verification;
            const aurora = within(ev, TYPES.aurora);
            const cluster = only(aurora, TYPES.cluster);
            const instances = ofType(aurora, TYPES.instance);

            assert.strictEqual(c.contractVersion, 1);
            assert.strictEqual(c.role, "primary");
            assert.strictEqual(c.stack, name);
            assert.strictEqual(c.environment, ev.outputs.environment);
            assert.strictEqual(c.region, ev.outputs.region);
            assert.strictEqual(c.postgres.writer, cluster.outputs.endpoint);
            assert.strictEqual(c.postgres.reader, instances.length > 1 ? cluster.outputs.readerEndpoint : null);
            assert.strictEqual(c.postgres.port, cluster.inputs.port);
            assert.strictEqual(c.postgres.database, cluster.inputs.databaseName);
            assert.strictEqual(c.postgres.username, cluster.inputs.masterUsername);
            assert.strictEqual(c.postgres.password, cluster.inputs.masterPassword);
            assert.strictEqual(c.postgres.engineMajor, Number(String(cluster.inputs.engineVersion).split(".")[0]));
            assert.strictEqual(c.postgres.readers, instances.length - 1);
            assert.strictEqual(c.postgres.tlsRequired, true);
            // The verifier's replica lag limit is the replica lag alarm's threshold: one config key, not a default of dbops's own.
            assert.strictEqual(c.postgres.replicaLagMs, configOf(name).aurora.alarms.replicaLagMs);
            const lagAlarms = ofType(ev, TYPES.alarm).filter((x) => x.inputs.metricName === "AuroraReplicaLagMaximum" && x.inputs.dimensions.DBClusterIdentifier === cluster.inputs.clusterIdentifier);
            assert.deepStrictEqual(lagAlarms.map((x) => x.inputs.threshold), instances.length > 1 ? [c.postgres.replicaLagMs] : []);
            const group = only(aurora, TYPES.clusterParams);
            assert.deepStrictEqual(
                c.postgres.parameters,
                Object.fromEntries(group.inputs.parameters.map((p: { name: string; value: string }) => [p.name, p.value])),
            );
            assert.strictEqual(c.postgres.secretArn, only(aurora, TYPES.secret, "aurora-master-secret").outputs.arn);
            assert.strictEqual(c.postgres.alembicRevision, null);
            // The application role: its own generated password and secret, and the timeouts config gives it.
            const timeouts = configOf(name).aurora.application;
            assert.deepStrictEqual(c.postgres.application, {
                // Generation 1 (config's passwordRotation) logs in as the first of the two alternating logins.
                username: timeouts.passwordRotation % 2 === 1 ? "mlflow_app_a" : "mlflow_app_b",
                role: "mlflow_app",
                generation: timeouts.passwordRotation,
                restoredCluster: false,
                password: only(aurora, TYPES.password, "aurora-app-password").outputs.result,
                secretArn: only(aurora, TYPES.secret, "aurora-app-secret").outputs.arn,
                statementTimeoutMs: timeouts.statementTimeoutMs,
                idleInTransactionSessionTimeoutMs: timeouts.idleInTransactionSessionTimeoutMs,
                lockTimeoutMs: timeouts.lockTimeoutMs,
            });

            const docs = within(ev, TYPES.documentDb);
            const docdb = only(docs, TYPES.docdbCluster);
            assert.deepStrictEqual(c.documentdb, {
                endpoint: docdb.outputs.endpoint,
                readerEndpoint: docdb.outputs.readerEndpoint,
                port: docdb.inputs.port,
                username: docdb.inputs.masterUsername,
                password: docdb.inputs.masterPassword,
                instances: ofType(docs, TYPES.docdbInstance).length,
                tlsRequired: only(docs, TYPES.docdbParams).inputs.parameters.some((p: any) => p.name === "tls" && p.value === "enabled"),
                secretArn: only(docs, TYPES.secret).outputs.arn,
            });

            const cache = within(ev, TYPES.redisCache);
            const rg = only(cache, TYPES.replicationGroup);
            assert.deepStrictEqual(c.redis, {
                primary: rg.outputs.primaryEndpointAddress,
                reader: rg.inputs.numCacheClusters > 1 ? rg.outputs.readerEndpointAddress : null,
                port: rg.inputs.port,
                authToken: rg.inputs.authToken,
                replicas: rg.inputs.numCacheClusters - 1,
                tlsRequired: rg.inputs.transitEncryptionMode === "required",
                secretArn: only(cache, TYPES.secret).outputs.arn,
            });

            write(name, c);
        });
    });
}

for (const name of DR_STACKS) {
    describe(`verification contract of stack ${name} (standby)`, () => {
        it("points the verifier at the read-only secondaries and is written for the C# side", async () => {
            const ev = await stack(name);
            const c = ev.outputs.verification;
            const cluster = only(ev, TYPES.cluster);
            const docdb = only(ev, TYPES.docdbCluster);
            assert.strictEqual(c.role, "standby");
            assert.strictEqual(c.region, "us-west-2");
            assert.strictEqual(c.postgres.writer, cluster.outputs.readerEndpoint, "a secondary's sessions go to its reader endpoint");
            assert.strictEqual(c.postgres.reader, null);
            assert.strictEqual(c.postgres.readers, 0);
            // The primary's setting, which the DR stack takes through the handoff.
            assert.strictEqual(c.postgres.replicaLagMs, (await stack("prod")).outputs.drHandoff.sections.aurora.alarms.replicaLagMs);
            assert.strictEqual(c.postgres.secretArn, only(within(ev, TYPES.aurora), TYPES.secret, "aurora-master-secret").outputs.arn);
            assert.strictEqual(c.documentdb.endpoint, docdb.outputs.readerEndpoint);
            const rg = only(ev, TYPES.replicationGroup);
            assert.strictEqual(c.redis.primary, rg.outputs.primaryEndpointAddress);
            write(name, c);
        });
    });
}

describe("stack outputs", () => {
    it("name every store's endpoints, port, secret and key, and hold no secret outside verification", async () => {
        const ev = await stack("prod");
        const o = ev.outputs;
        const docdb = only(ev, TYPES.docdbCluster);
        const rg = only(ev, TYPES.replicationGroup);
        assert.strictEqual(o.documentDbEndpoint, docdb.outputs.endpoint);
        assert.strictEqual(o.documentDbReaderEndpoint, docdb.outputs.readerEndpoint);
        assert.strictEqual(o.documentDbPort, 27017);
        assert.strictEqual(o.documentDbSecretArn, only(within(ev, TYPES.documentDb), TYPES.secret).outputs.arn);
        assert.strictEqual(o.cachePrimaryEndpoint, rg.outputs.primaryEndpointAddress);
        assert.strictEqual(o.cacheReaderEndpoint, rg.outputs.readerEndpointAddress);
        assert.strictEqual(o.cachePort, 6379);
        assert.strictEqual(o.cacheSecretArn, only(within(ev, TYPES.redisCache), TYPES.secret).outputs.arn);
        assert.strictEqual(o.auroraWriterEndpoint, only(ev, TYPES.cluster).outputs.endpoint);
        assert.deepStrictEqual(ev.secretOutputs, ev.outputs.drHandoff ? ["drHandoff", "verification"] : ["verification"]);
    });
});
