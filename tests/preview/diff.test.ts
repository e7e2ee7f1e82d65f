/**
 * The diff: added, removed and changed resources with their property-level
 * changes, REPLACE where the provider would replace a stateful resource (and
 * only there), replacements travelling to what depends on them, and the exit
 * code of `preview diff` on the fixture pair in tests/fixtures/preview/.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../preview/cli";
import { ResourceChange, StackDiff, blockingChanges, diffPlans } from "../../engine/diff";
import { PLAN_FORMAT, Plan, PlannedResource, readPlan } from "../../engine/plan";
import { STATEFUL_TYPES } from "../../engine/replacements";
import { COMMENT_LIMIT, renderReport } from "../../preview/report";

const FIXTURES = path.join(__dirname, "..", "fixtures", "preview");
const base = () => readPlan(path.join(FIXTURES, "base", "prod.plan.json"));
const head = () => readPlan(path.join(FIXTURES, "head", "prod.plan.json"));

function byName(d: StackDiff, name: string): ResourceChange {
    const c = d.changes.find((x) => x.name === name);
    assert.ok(c, `no change to ${name}; changes: ${d.changes.map((x) => `${x.kind} ${x.name}`).join(", ")}`);
    return c;
}

/** A one-resource plan of the given type and inputs, for the table's rules. */
function planWith(type: string, inputs: Record<string, unknown>, environment = "prod"): Plan {
    const resource: PlannedResource = {
        urn: `urn:pulumi:${environment}::mlops-data::${type}::r`,
        type,
        name: "r",
        custom: true,
        protect: false,
        ignoreChanges: [],
        inputs,
        secretPaths: [],
        dependencies: [],
        propertyDependencies: {},
    };
    return { format: PLAN_FORMAT, stack: environment, project: "mlops-data", environment, region: "us-east-1", protectedEnvironment: environment !== "dev", resources: [resource], outputs: {}, violations: [] };
}
const kindOf = (type: string, before: Record<string, unknown>, after: Record<string, unknown>) => diffPlans(planWith(type, before), planWith(type, after)).changes[0]?.kind ?? "none";

function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe("preview diff", () => {
    it("finds what was added, removed and changed, property by property", () => {
        const d = diffPlans(base(), head());
        assert.deepStrictEqual(
            d.changes.map((c) => `${c.kind} ${c.name}`).sort(),
            ["add aurora-memory-1", "delete documentdb-instance-3", "replace aurora-cluster", "replace aurora-instance-1", "update aurora-cpu-1"],
        );
        assert.deepStrictEqual(byName(d, "aurora-cpu-1").properties, [{ path: "threshold", before: 80, after: 75 }]);
        assert.deepStrictEqual(
            byName(d, "aurora-cluster").properties.map((p) => p.path),
            ["backupRetentionPeriod", "masterUsername"],
        );
        assert.strictEqual(d.changes.some((c) => c.name === "aurora-key"), false, "an unchanged resource is not a change");
    });

    it("flags the master username change as REPLACE with DATA LOSS RISK, and the instance it takes along", () => {
        const d = diffPlans(base(), head());
        const cluster = byName(d, "aurora-cluster");
        assert.strictEqual(cluster.kind, "replace");
        assert.ok(cluster.dataLossRisk);
        assert.match(cluster.reasons[0], /^masterUsername: "mlflow_admin" → "platform_admin" forces a new Aurora cluster$/);
        assert.match(cluster.reasons.join("\n"), /protect is set on it/);
        assert.deepStrictEqual(cluster.sources, [{ argument: "master_username", url: "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/rds/cluster.go" }]);
        const instance = byName(d, "aurora-instance-1");
        assert.strictEqual(instance.kind, "replace");
        assert.match(instance.reasons[0], /clusterIdentifier comes from aurora-cluster, which is replaced/);
        assert.strictEqual(byName(d, "documentdb-instance-3").dataLossRisk, true, "removing a stateful resource deletes it");
        assert.strictEqual(byName(d, "aurora-cpu-1").dataLossRisk, false);
        assert.strictEqual(blockingChanges(d).length, 3, "prod is a protected environment");
    });

    it("a change in dev is not blocking unless the resource is protected", () => {
        const d = diffPlans({ ...base(), environment: "dev", protectedEnvironment: false }, { ...head(), environment: "dev", protectedEnvironment: false });
        assert.deepStrictEqual(blockingChanges(d).map((c) => c.name), ["aurora-cluster"]);
    });

    it("replaces only on the table's properties and conditions", () => {
        const cluster = "aws:rds/cluster:Cluster";
        assert.strictEqual(kindOf(cluster, { storageEncrypted: true }, { storageEncrypted: false }), "replace");
        assert.strictEqual(kindOf(cluster, { kmsKeyId: "arn:a" }, { kmsKeyId: "arn:b" }), "replace");
        assert.strictEqual(kindOf(cluster, { databaseName: "mlflow" }, { databaseName: "mlflow2" }), "replace");
        assert.strictEqual(kindOf(cluster, { dbSubnetGroupName: "a" }, { dbSubnetGroupName: "b" }), "replace");
        assert.strictEqual(kindOf(cluster, { engine: "aurora-postgresql" }, { engine: "aurora-mysql" }), "replace");
        assert.strictEqual(kindOf(cluster, { engineVersion: "16.6" }, { engineVersion: "16.8" }), "update", "engine version upgrades are in place");
        assert.strictEqual(kindOf(cluster, { backupRetentionPeriod: 7 }, { backupRetentionPeriod: 35 }), "update");
        assert.strictEqual(kindOf(cluster, {}, { snapshotIdentifier: "snap-1" }), "replace", "restoring from a snapshot is a new cluster");
        assert.strictEqual(kindOf(cluster, { snapshotIdentifier: "snap-1" }, {}), "update", "dropping the snapshot once restored is not");
        assert.strictEqual(kindOf(cluster, { kmsKeyId: "arn:a" }, {}), "update", "a computed input left out keeps its value");
        assert.strictEqual(kindOf(cluster, { engineMode: "provisioned" }, {}), "update", "the default is the same value");
        const cache = "aws:elasticache/replicationGroup:ReplicationGroup";
        assert.strictEqual(kindOf(cache, { engineVersion: "7.2" }, { engineVersion: "7.1" }), "replace", "a downgrade replaces");
        assert.strictEqual(kindOf(cache, { engineVersion: "7.1" }, { engineVersion: "7.2" }), "update");
        assert.strictEqual(kindOf(cache, { engine: "redis" }, { engine: "valkey" }), "update");
        assert.strictEqual(kindOf(cache, { engine: "valkey" }, { engine: "redis" }), "replace");
        assert.strictEqual(kindOf(cache, { atRestEncryptionEnabled: true }, { atRestEncryptionEnabled: false }), "replace");
        assert.strictEqual(kindOf("aws:kms/key:Key", { keyUsage: "ENCRYPT_DECRYPT" }, {}), "update", "ENCRYPT_DECRYPT is the default");
        assert.strictEqual(kindOf("aws:backup/vault:Vault", { name: "a" }, { name: "b" }), "replace");
        assert.strictEqual(kindOf("aws:rds/subnetGroup:SubnetGroup", { name: "a" }, { name: "b" }), "update", "types outside the table are not guessed at");
    });

    it("the table names a source for every stateful type the issue lists, and only inputs @pulumi/aws has", () => {
        const types = STATEFUL_TYPES.map((t) => t.type);
        for (const t of [
            "aws:rds/cluster:Cluster",
            "aws:rds/clusterInstance:ClusterInstance",
            "aws:docdb/cluster:Cluster",
            "aws:docdb/clusterInstance:ClusterInstance",
            "aws:elasticache/replicationGroup:ReplicationGroup",
            "aws:kms/key:Key",
            "aws:backup/vault:Vault",
            "aws:rds/globalCluster:GlobalCluster",
            "aws:docdb/globalCluster:GlobalCluster",
            "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
        ]) {
            assert.ok(types.includes(t), `${t} missing from engine/replacements.ts`);
        }
        const awsDir = path.dirname(require.resolve("@pulumi/aws/package.json"));
        for (const t of STATEFUL_TYPES) {
            assert.match(t.source, /^https:\/\/github\.com\/hashicorp\/terraform-provider-aws\/blob\/main\/internal\/service\/.+\.go$/);
            const [, mod, name] = t.type.split(":");
            const args = fs.readFileSync(path.join(awsDir, `${mod}.d.ts`), "utf8").split(`export interface ${name}Args {`)[1]?.split("\n}")[0] ?? "";
            for (const p of t.properties) assert.match(args, new RegExp(`\\n    ${p.property}\\??:`), `${t.type} has no input ${p.property} in the installed @pulumi/aws`);
        }
    });

    it("a report too long for a PR comment drops the in-place updates from its tables, never the replacements", () => {
        const alarms = (threshold: number) =>
            Array.from({ length: 900 }, (_, i) => ({ ...base().resources[0], urn: `urn:pulumi:prod::mlops-data::aws:cloudwatch/metricAlarm:MetricAlarm::alarm-${i}`, name: `alarm-${i}`, type: "aws:cloudwatch/metricAlarm:MetricAlarm", inputs: { threshold, description: "x".repeat(60) } }));
        const [b, h] = [base(), head()];
        b.resources.push(...alarms(80));
        h.resources.push(...alarms(75));
        const d = diffPlans(b, h);
        const report = renderReport({ plans: new Map([["prod", h]]), failures: [], diff: { baseLabel: "base", stacks: [d], warnings: [] } });
        assert.ok(report.length <= COMMENT_LIMIT, `${report.length} characters`);
        assert.match(report, /In-place updates are counted but not listed/);
        assert.match(report, /### prod: 1 to create, 901 to update, 2 to replace, 1 to delete/);
        assert.match(report, /\| \*\*REPLACE\*\* \| aws:rds\/cluster:Cluster \| `aurora-cluster` \|/);
        assert.ok(!report.includes("alarm-899"), "updates are not listed");
    });

    it("`preview diff` of the fixture pair exits 0, or 1 with --fail-on-replace, and writes the risks first in Markdown", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "diff-"));
        try {
            const args = ["diff", path.join(FIXTURES, "base"), path.join(FIXTURES, "head", "prod.plan.json")];
            const plain = capture();
            assert.strictEqual(await main(args, plain.io), 0);
            assert.match(plain.out.join("\n"), /aws:rds\/cluster:Cluster {2}aurora-cluster {2}REPLACE - DATA LOSS RISK/);
            const strict = capture();
            const md = path.join(dir, "diff.md");
            assert.strictEqual(await main([...args, "--fail-on-replace", "--markdown", md], strict.io), 1);
            const report = fs.readFileSync(md, "utf8");
            assert.ok(report.indexOf("DATA LOSS RISK") < report.indexOf("## Stacks"), "the risks come before everything else");
            assert.match(report, /\| prod \| \*\*REPLACE\*\* \| Aurora cluster `aurora-cluster` \| .*source: \[master_username\]\(https:\/\/github\.com\/hashicorp\/terraform-provider-aws\/blob\/main\/internal\/service\/rds\/cluster\.go\) \|/);
            assert.match(report, /\| prod \| \*\*DELETE\*\* \| DocumentDB instance `documentdb-instance-3` \|/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
