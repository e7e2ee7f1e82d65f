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
import { RecordedResource } from "../../engine/mockEngine";
import { redact, secretValues } from "../../engine/plan";
import type { ResourceTypeSpec } from "../../engine/provider/spec";
import { COMMENT_LIMIT, renderReport } from "../../preview/report";
import { renderDiff } from "../../preview/terminal";

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
        deleteBeforeReplace: false,
        replaceOnChanges: [],
        retainOnDelete: false,
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
        assert.match(cluster.reasons.join("\n"), /unable to replace resource "urn:pulumi:prod::mlops-data::.*::aurora-cluster" as it is currently marked for protection/);
        assert.strictEqual(cluster.blocked, true, "protected in the state and in the program");
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
        assert.strictEqual(kindOf("aws:cloudwatch/metricAlarm:MetricAlarm", { threshold: 1 }, { threshold: 2 }), "update", "an input that is not ForceNew updates in place");
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
        assert.match(report, /\| \*\*REPLACE\*\* \(BLOCKED: protected\) \| aws:rds\/cluster:Cluster \| `aurora-cluster` \|/);
        assert.ok(!report.includes("alarm-899"), "updates are not listed");
    });

    it("`preview diff` of the fixture pair exits 1 (the protected cluster's replacement is one pulumi up refuses, flag or not), and writes the risks first in Markdown", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "diff-"));
        try {
            const args = ["diff", path.join(FIXTURES, "base"), path.join(FIXTURES, "head", "prod.plan.json")];
            const plain = capture();
            assert.strictEqual(await main(args, plain.io), 1);
            assert.match(plain.out.join("\n"), /aws:rds\/cluster:Cluster {2}aurora-cluster {2}REPLACE - DATA LOSS RISK/);
            assert.ok(diffPlans(base(), head()).changes.filter((c) => c.blocked).map((c) => c.name).includes("aurora-cluster"));
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

/**
 * Pulumi's plan semantics on small hand-built plans, with provider facts
 * (ForceNew, stateful) the test declares, so that they do not move when the
 * specs in engine/provider/ grow.
 */
describe("diff semantics: resource options and ForceNew for every type", () => {
    const STORE = "test:index/store:Store";
    const KEY = "test:index/key:Key";
    const GROUP = "test:index/group:Group";
    const THING = "test:index/thing:Thing";
    const spec = (type: string, forceNew: ResourceTypeSpec["forceNew"], stateful?: ResourceTypeSpec["stateful"]): ResourceTypeSpec => ({
        type,
        source: `https://example.invalid/${type.split(":")[1]}.go`,
        example: {},
        rules: [],
        forceNew,
        stateful,
    });
    const SPECS = new Map(
        [
            spec(STORE, [{ property: "name" }, { property: "kmsKeyId" }, { property: "subnetGroupName" }, { property: "availabilityZone" }], { what: "test store", risk: "its data" }),
            spec(KEY, [{ property: "keyUsage" }]),
            spec(GROUP, [{ property: "name" }]),
            spec(THING, []),
        ].map((s) => [s.type, s]),
    );
    const options = { specOf: (t: string) => SPECS.get(t) };
    const urn = (type: string, name: string) => `urn:pulumi:prod::mlops-data::${type}::${name}`;
    const res = (type: string, name: string, inputs: Record<string, unknown>, opts: Partial<PlannedResource> = {}): PlannedResource => ({
        ...planWith(type, inputs).resources[0],
        urn: urn(type, name),
        name,
        ...opts,
    });
    const plan = (resources: PlannedResource[], environment = "prod"): Plan => ({ ...planWith(THING, {}, environment), resources });
    const diff = (base: PlannedResource[], head: PlannedResource[], environment = "prod") => diffPlans(plan(base, environment), plan(head, environment), options);
    const only = (d: StackDiff): ResourceChange => {
        assert.strictEqual(d.changes.length, 1, d.changes.map((c) => `${c.kind} ${c.name}`).join(", "));
        return d.changes[0];
    };

    it("a non-stateful resource whose ForceNew input changes is replaced, without data-loss risk", () => {
        const d = diff([res(GROUP, "g", { name: "a" })], [res(GROUP, "g", { name: "b" })]);
        const c = only(d);
        assert.strictEqual(c.kind, "replace");
        assert.strictEqual(c.dataLossRisk, false);
        assert.match(c.reasons[0], /^name: "a" → "b" forces a new Group$/);
        assert.deepStrictEqual(c.sources, [{ argument: "name", url: "https://example.invalid/index/group.go" }]);
        assert.deepStrictEqual(blockingChanges(d), [], "no data at stake, nothing protected");
        const s = only(diff([res(STORE, "s", { name: "a" })], [res(STORE, "s", { name: "b" })]));
        assert.strictEqual(s.kind, "replace");
        assert.strictEqual(s.dataLossRisk, true, "a stateful one is a DATA LOSS RISK");
        assert.strictEqual(only(diff([res(THING, "t", { x: 1 })], [res(THING, "t", { x: 2 })])).kind, "update");
    });

    it("ignoreChanges (the head's) keeps the state's value: no diff and no replacement from it", () => {
        assert.deepStrictEqual(diff([res(STORE, "s", { name: "a" })], [res(STORE, "s", { name: "b" }, { ignoreChanges: ["name"] })]).changes, []);
        const withTags = only(
            diff(
                [res(STORE, "s", { name: "a", tags: { owner: "x", team: "t" } })],
                [res(STORE, "s", { name: "b", tags: { owner: "y", team: "u" } }, { ignoreChanges: ["name", "tags.owner"] })],
            ),
        );
        assert.strictEqual(withTags.kind, "update");
        assert.deepStrictEqual(withTags.properties.map((p) => p.path), ["tags.team"]);
        assert.deepStrictEqual(withTags.ignored, ["name", "tags.owner"]);
        const rules = only(
            diff(
                [res(THING, "t", { rules: [{ schedule: "a", keep: 1 }] })],
                [res(THING, "t", { rules: [{ schedule: "b", keep: 2 }] }, { ignoreChanges: ["rules[0].schedule"] })],
            ),
        );
        assert.deepStrictEqual(rules.properties.map((p) => p.path), ["rules[0].keep"]);
        assert.strictEqual(only(diff([res(STORE, "s", { name: "a" }, { ignoreChanges: ["name"] })], [res(STORE, "s", { name: "b" })])).kind, "replace", "the base's ignoreChanges does not count");
        assert.strictEqual(only(diff([], [res(STORE, "s", { name: "b" }, { ignoreChanges: ["name"] })])).kind, "add", "a new resource takes the program's value");
    });

    it("protect in the state blocks a replacement and a deletion, as pulumi up fails on them", () => {
        const replaced = diff([res(STORE, "s", { name: "a" }, { protect: true })], [res(STORE, "s", { name: "b" }, { protect: true })], "dev");
        const c = only(replaced);
        assert.strictEqual(c.kind, "replace");
        assert.strictEqual(c.blocked, true);
        assert.match(c.reasons.join("\n"), /unable to replace resource "urn:pulumi:prod::mlops-data::test:index\/store:Store::s" as it is currently marked for protection/);
        assert.deepStrictEqual(blockingChanges(replaced), [c], "blocking even in an unprotected environment");
        const group = only(diff([res(GROUP, "g", { name: "a" }, { protect: true })], [res(GROUP, "g", { name: "b" }, { protect: true })], "dev"));
        assert.strictEqual(group.blocked, true, "protect blocks a stateless replacement too");
        const deleted = diff([res(STORE, "s", { name: "a" }, { protect: true })], [], "dev");
        assert.strictEqual(only(deleted).kind, "delete");
        assert.strictEqual(only(deleted).blocked, true);
        assert.match(only(deleted).reasons.join("\n"), /unable to delete resource .* as it is currently marked for protection/);
        assert.strictEqual(blockingChanges(deleted).length, 1);
        // Pulumi allows unprotecting and replacing in one update; protect set now applies after it.
        const lifted = only(diff([res(STORE, "s", { name: "a" }, { protect: true })], [res(STORE, "s", { name: "b" }, { protect: false })], "dev"));
        assert.strictEqual(lifted.blocked, false);
        assert.match(lifted.reasons.join("\n"), /removed from the program/);
        assert.strictEqual(only(diff([res(STORE, "s", { name: "a" })], [res(STORE, "s", { name: "b" }, { protect: true })], "dev")).blocked, false);
        assert.strictEqual(only(diff([res(STORE, "s", { name: "a" }, { protect: true })], [res(STORE, "s", { name: "a" }, { protect: true, inputs: { name: "a", size: 2 } })])).blocked, false, "an update is never blocked");
    });

    it("retainOnDelete (the state's): a deletion leaves the resource, orphaned, with no data-loss risk", () => {
        const d = diff([res(STORE, "s", { name: "a" }, { retainOnDelete: true })], []);
        const c = only(d);
        assert.strictEqual(c.kind, "delete");
        assert.strictEqual(c.retained, true);
        assert.strictEqual(c.dataLossRisk, false);
        assert.match(c.reasons.join("\n"), /left in the cloud, removed from the stack: orphaned/);
        assert.deepStrictEqual(blockingChanges(d), [], "nothing is destroyed, even in prod");
        const replaced = only(diff([res(STORE, "s", { name: "a" }, { retainOnDelete: true })], [res(STORE, "s", { name: "b" }, { retainOnDelete: true })]));
        assert.strictEqual(replaced.kind, "replace");
        assert.strictEqual(replaced.retained, true, "the replacement's delete half leaves the old one");
        assert.strictEqual(only(diff([res(STORE, "s", { name: "a" })], [])).dataLossRisk, true, "without it the store is deleted");
    });

    it("deleteBeforeReplace: the report says the old one is deleted first", () => {
        const c = only(diff([res(STORE, "s", { name: "a" })], [res(STORE, "s", { name: "b" }, { deleteBeforeReplace: true })]));
        assert.strictEqual(c.kind, "replace");
        assert.strictEqual(c.deleteBeforeReplace, true);
        assert.match(c.reasons.join("\n"), /deleted before the new one is created: downtime/);
        assert.match(renderDiff([diff([res(STORE, "s", { name: "a" })], [res(STORE, "s", { name: "b" }, { deleteBeforeReplace: true })])], "base"), /DELETE BEFORE REPLACE - downtime/);
        assert.strictEqual(only(diff([res(STORE, "s", { name: "a" })], [res(STORE, "s", { name: "b" })])).deleteBeforeReplace, false);
    });

    it("replaceOnChanges replaces on a change at or below its paths, \"*\" on any", () => {
        const spec = (input: string, opts: Partial<PlannedResource>) => only(diff([res(THING, "t", { spec: { input: "a", other: 1 } })], [res(THING, "t", { spec: { input, other: 2 } }, opts)]));
        const onInput = spec("b", { replaceOnChanges: ["spec.input"] });
        assert.strictEqual(onInput.kind, "replace");
        assert.match(onInput.reasons[0], /^replaceOnChanges "spec\.input": spec\.input changed/);
        assert.strictEqual(spec("a", { replaceOnChanges: ["spec.input"] }).kind, "update", "only spec.other changed");
        assert.strictEqual(spec("a", { replaceOnChanges: ["*"] }).kind, "replace");
        assert.strictEqual(spec("a", { replaceOnChanges: ["spec"] }).kind, "replace", "a change below the path");
    });

    it("a replaced key replaces what takes a ForceNew input from it (kmsKeyId), and so on down the chain", () => {
        const key = (usage: string) => res(KEY, "key", { keyUsage: usage });
        const group = (name: string) => res(GROUP, "group", { name });
        const store = (opts: Partial<PlannedResource> = {}) =>
            res(STORE, "store", { name: "s", kmsKeyId: "arn:k", subnetGroupName: "g" }, { propertyDependencies: { kmsKeyId: [urn(KEY, "key")], subnetGroupName: [urn(GROUP, "group")] }, ...opts });
        const thing = res(THING, "thing", { storeName: "s" }, { propertyDependencies: { storeName: [urn(STORE, "store")] } });
        const d = diff([key("ENCRYPT_DECRYPT"), group("g"), store(), thing], [key("SIGN_VERIFY"), group("g"), store(), thing]);
        const s = byName(d, "store");
        assert.strictEqual(s.kind, "replace");
        assert.strictEqual(s.dataLossRisk, true);
        assert.match(s.reasons[0], /^kmsKeyId comes from key, which is replaced/);
        assert.ok(!d.changes.some((c) => c.name === "thing"), "an input that is not ForceNew does not take the replacement along");
        const viaGroup = diff([key("A"), group("g"), store(), thing], [key("A"), group("h"), store(), thing]);
        assert.match(byName(viaGroup, "store").reasons[0], /^subnetGroupName comes from group, which is replaced/);
        const ignored = diff([key("A"), group("g"), store()], [key("B"), group("g"), store({ ignoreChanges: ["kmsKeyId"] })]);
        assert.ok(!ignored.changes.some((c) => c.name === "store"), "an ignored input keeps the state's value: nothing travels");
        const real = diffPlans(
            plan([res("aws:kms/key:Key", "k", { keyUsage: "ENCRYPT_DECRYPT" }), res("aws:rds/cluster:Cluster", "c", { kmsKeyId: "arn:k" }, { propertyDependencies: { kmsKeyId: [urn("aws:kms/key:Key", "k")] } })]),
            plan([res("aws:kms/key:Key", "k", { keyUsage: "SIGN_VERIFY" }), res("aws:rds/cluster:Cluster", "c", { kmsKeyId: "arn:k" }, { propertyDependencies: { kmsKeyId: [urn("aws:kms/key:Key", "k")] } })]),
        );
        assert.deepStrictEqual(real.changes.map((c) => `${c.kind} ${c.name}`), ["replace k", "replace c"], "the same with the provider's specs");
    });

    it("a masked value is not compared: it never makes a replacement (defect 6)", () => {
        const d = diff([res(STORE, "s", { availabilityZone: "[secret]a", kmsKeyId: "arn:aws:kms:[secret]:1:key/k" })], [res(STORE, "s", { availabilityZone: "us-east-1a", kmsKeyId: "arn:aws:kms:us-east-1:1:key/k" })]);
        assert.deepStrictEqual(d.changes, [], "the visible parts agree: nothing can be seen to change");
        assert.deepStrictEqual(diff([res(THING, "t", { spec: "[secret]" })], [res(THING, "t", { spec: { replicas: 2 } })]).changes, [], "a wholly masked value hides everything");
        const visible = only(diff([res(STORE, "s", { availabilityZone: "[secret]a", size: 1 })], [res(STORE, "s", { availabilityZone: "us-east-1b", size: 2 })]));
        assert.strictEqual(visible.kind, "update", "a masked side never replaces, even where the visible parts differ");
        assert.deepStrictEqual(visible.properties.map((p) => [p.path, p.masked ?? false]), [["availabilityZone", true], ["size", false]]);
        assert.match(visible.reasons[0], /^availabilityZone: secret \(not compared\)/);
        const text = renderDiff([diff([res(STORE, "s", { availabilityZone: "[secret]a", size: 1 })], [res(STORE, "s", { availabilityZone: "us-east-1b", size: 2 })])], "base");
        assert.match(text, /availabilityZone: secret \(not compared\)/);
        const shown = only(diff([res(THING, "t", { password: "[secret]", size: 1 })], [res(THING, "t", { password: "[secret]x", size: 2 })]));
        assert.deepStrictEqual(shown.notCompared, ["password"]);
        assert.match(renderReport({ plans: new Map(), failures: [], diff: { baseLabel: "b", stacks: [diff([res(THING, "t", { password: "[secret]", size: 1 })], [res(THING, "t", { password: "[secret]x", size: 2 })])], warnings: [] } }), /secret \(not compared\): password/);
    });

    it("the report and the terminal show blocked, retained and delete-before-replace changes", () => {
        const d = diff(
            [res(STORE, "p", { name: "a" }, { protect: true }), res(STORE, "r", { name: "a" }, { retainOnDelete: true }), res(GROUP, "g", { name: "a" }, { protect: true })],
            [res(STORE, "p", { name: "b" }, { protect: true }), res(GROUP, "g", { name: "b" }, { protect: true })],
            "dev",
        );
        const report = renderReport({ plans: new Map(), failures: [], diff: { baseLabel: "b", stacks: [d], warnings: [] } });
        assert.match(report, /\*\*BLOCKED\*\*: 2 replacements or deletions of a protected resource/);
        assert.match(report, /\| dev \| \*\*REPLACE\*\* \| test:index\/group:Group `g` \| .* \| no data: a new one is created in its place \| \*\*BLOCKED\*\*: protect is set, pulumi up fails \|/);
        assert.match(report, /\| \*\*DELETE\*\* \(retained: orphaned, not destroyed\) \| test:index\/store:Store \| `r` \|/);
        const text = renderDiff([d], "b");
        assert.match(text, /test:index\/store:Store {2}p {2}REPLACE - DATA LOSS RISK; BLOCKED - protected: pulumi up fails/);
        assert.match(text, /test:index\/store:Store {2}r {2}RETAINED - left in the cloud, orphaned/);
        assert.match(text, /2 replacement\(s\) or deletion\(s\) of a protected resource: pulumi up would fail/);
    });

    it("a plan file written before the options were recorded reads with their defaults", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
        try {
            const old = JSON.parse(fs.readFileSync(path.join(FIXTURES, "base", "prod.plan.json"), "utf8"));
            for (const r of old.resources) for (const k of ["deleteBeforeReplace", "replaceOnChanges", "retainOnDelete", "ignoreChanges"]) delete r[k];
            fs.writeFileSync(path.join(dir, "old.plan.json"), JSON.stringify(old));
            const read = readPlan(path.join(dir, "old.plan.json"));
            for (const r of read.resources) assert.deepStrictEqual([r.deleteBeforeReplace, r.replaceOnChanges, r.retainOnDelete, r.ignoreChanges], [false, [], false, []]);
            assert.deepStrictEqual(diffPlans(read, base()).changes, [], "the same plan with the defaults written out");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("secret masking: credentials only (defect 6)", () => {
    // The marker Pulumi puts on a secret value on the wire (engine/mockEngine.ts).
    const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });
    const recorded = (type: string, rawInputs: Record<string, unknown>, outputs: Record<string, unknown> = {}): RecordedResource => ({
        urn: `urn:pulumi:prod::mlops-data::${type}::r`,
        type,
        name: "r",
        custom: true,
        protect: false,
        ignoreChanges: [],
        deleteBeforeReplace: false,
        replaceOnChanges: [],
        retainOnDelete: false,
        inputs: {},
        rawInputs,
        secretPaths: [],
        outputs,
    });

    it("a region, a host or a secret's name inside a secret are not redacted; its passwords and tokens are", () => {
        const secrets = secretValues([
            recorded("kubernetes:core/v1:Secret", { stringData: secret({ region: "us-east-1", host: "db.example.internal", password: "hunter2-long-password", authToken: "token-0123456789", secretName: "pgbouncer-auth" }) }),
            recorded("aws:secretsmanager/secretVersion:SecretVersion", { secretString: secret('{"password":"p"}') }),
            recorded("random:index/randomPassword:RandomPassword", { length: 32 }, { result: "generated-password-value" }),
            recorded("pulumi:pulumi:StackReference", { name: "org/mlops-data/prod" }, { outputs: { handoff: { region: "us-east-1", aurora: { masterPassword: "from-the-primary-stack" } }, open: { token: "not-a-secret-output" } }, secretOutputNames: ["handoff"] }),
        ]);
        assert.deepStrictEqual([...secrets].sort(), ['{"password":"p"}', "from-the-primary-stack", "generated-password-value", "hunter2-long-password", "token-0123456789"].sort());
        assert.strictEqual(redact("arn:aws:kms:us-east-1:1:key/k in us-east-1a", secrets), "arn:aws:kms:us-east-1:1:key/k in us-east-1a", "ordinary values are not garbled");
        assert.strictEqual(redact("postgresql://u:hunter2-long-password@h/db", secrets), "postgresql://u:[secret]@h/db");
    });
});
