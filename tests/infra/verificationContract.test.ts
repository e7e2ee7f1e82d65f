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
import { STACKS, TYPES, ofType, only, stack } from "../harness";

export const CONTRACT_DIR = path.resolve(__dirname, "..", "..", "out", "contract");

for (const name of STACKS) {
    describe(`verification contract of stack ${name}`, () => {
        it("describes the Aurora cluster as declared and is written for the C# side", async () => {
            const ev = await stack(name);
            const c = ev.outputs.verification;
            const cluster = only(ev, TYPES.cluster);
            const instances = ofType(ev, TYPES.instance);

            assert.strictEqual(c.contractVersion, 1);
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
            const group = only(ev, TYPES.clusterParams);
            assert.deepStrictEqual(
                c.postgres.parameters,
                Object.fromEntries(group.inputs.parameters.map((p: { name: string; value: string }) => [p.name, p.value])),
            );
            assert.strictEqual(c.postgres.secretArn, only(ev, TYPES.secret).outputs.arn);

            fs.mkdirSync(CONTRACT_DIR, { recursive: true });
            fs.writeFileSync(path.join(CONTRACT_DIR, `${name}.verification.json`), JSON.stringify(c, null, 2) + "\n");
        });
    });
}
