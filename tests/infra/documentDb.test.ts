import * as assert from "assert";
import { parseDailyWindow, parseWeeklyWindow, windowsOverlap } from "../../infra/windows";
import { PRIMARY_STACKS, TYPES, ofType, only, stack as wholeStack, within } from "../harness";
import { configOf } from "./stackConfig";

const stack = async (name: string) => within(await wholeStack(name), TYPES.documentDb);

for (const name of PRIMARY_STACKS) {
    describe(`DocumentDB in stack ${name}`, () => {
        const cfg = configOf(name);
        const d = cfg.documentdb;

        it("pins engine 5.0 and encrypts storage with its own rotating customer-managed key", async () => {
            const ev = await stack(name);
            const key = only(ev, TYPES.kmsKey);
            const c = only(ev, TYPES.docdbCluster).inputs;
            assert.strictEqual(key.inputs.enableKeyRotation, true);
            assert.strictEqual(c.engine, "docdb");
            assert.strictEqual(c.engineVersion, "5.0.0");
            assert.strictEqual(c.allowMajorVersionUpgrade, false);
            assert.strictEqual(c.storageEncrypted, true);
            assert.strictEqual(c.kmsKeyId, key.outputs.arn);
            assert.strictEqual(only(ev, TYPES.secret).inputs.kmsKeyId, key.outputs.arn);
            const aurora = within(await wholeStack(name), TYPES.aurora);
            assert.notStrictEqual(key.outputs.arn, only(aurora, TYPES.kmsKey).outputs.arn, "each store has its own key");
        });

        it("requires TLS and turns on audit and profiler logs through the group the cluster uses", async () => {
            const ev = await stack(name);
            const group = only(ev, TYPES.docdbParams);
            const params = Object.fromEntries(group.inputs.parameters.map((p: any) => [p.name, p]));
            assert.strictEqual(group.inputs.family, "docdb5.0");
            assert.deepStrictEqual(params.tls, { name: "tls", value: "enabled", applyMethod: "pending-reboot" });
            assert.strictEqual(params.audit_logs.value, "all");
            assert.strictEqual(params.profiler.value, "enabled");
            assert.strictEqual(params.profiler_threshold_ms.value, String(d.profilerThresholdMs));
            const c = only(ev, TYPES.docdbCluster).inputs;
            assert.strictEqual(c.dbClusterParameterGroupName, group.inputs.name);
            assert.deepStrictEqual(c.enabledCloudwatchLogsExports, ["audit", "profiler"]);
        });

        it("admits only the client security groups on 27017, described, from a private subnet group", async () => {
            const ev = await stack(name);
            const sg = only(ev, TYPES.securityGroup);
            const rules = ofType(ev, TYPES.ingress);
            assert.deepStrictEqual(
                rules.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort, r.inputs.toPort, r.inputs.securityGroupId]),
                cfg.network.clientSecurityGroupIds.map((id) => [id, 27017, 27017, sg.id]),
            );
            for (const r of rules) assert.match(r.inputs.description, /^DocumentDB \(.*\) from client security group sg-/);
            assert.strictEqual(sg.inputs.egress, undefined);
            const c = only(ev, TYPES.docdbCluster).inputs;
            assert.deepStrictEqual(c.vpcSecurityGroupIds, [sg.id]);
            assert.deepStrictEqual(only(ev, TYPES.docdbSubnetGroup).inputs.subnetIds, cfg.network.privateSubnetIds);
            assert.strictEqual(c.dbSubnetGroupName, only(ev, TYPES.docdbSubnetGroup).inputs.name);
        });

        it("spreads the configured instances across zones with explicit failover order", async () => {
            const ev = await stack(name);
            const instances = ofType(ev, TYPES.docdbInstance).map((i) => i.inputs);
            assert.strictEqual(instances.length, d.instances);
            assert.strictEqual(new Set(instances.map((i) => i.availabilityZone)).size, Math.min(d.instances, cfg.network.privateSubnetIds.length));
            instances.forEach((i, idx) => {
                assert.strictEqual(i.instanceClass, d.instanceClass);
                assert.strictEqual(i.promotionTier, idx);
                assert.strictEqual(i.autoMinorVersionUpgrade, true);
                assert.strictEqual(i.clusterIdentifier, only(ev, TYPES.docdbCluster).id);
                assert.strictEqual(i.enablePerformanceInsights, d.performanceInsights);
            });
        });

        it("takes retention, windows, deletion protection and final snapshot from the stack file", async () => {
            const ev = await stack(name);
            const cluster = only(ev, TYPES.docdbCluster);
            const c = cluster.inputs;
            assert.strictEqual(c.backupRetentionPeriod, d.backupRetentionDays);
            assert.strictEqual(c.preferredBackupWindow, d.preferredBackupWindow);
            assert.strictEqual(c.preferredMaintenanceWindow, d.preferredMaintenanceWindow);
            assert.ok(!windowsOverlap(parseDailyWindow(c.preferredBackupWindow), parseWeeklyWindow(c.preferredMaintenanceWindow)));
            assert.strictEqual(c.deletionProtection, d.deletionProtection);
            assert.strictEqual(cluster.protect, d.deletionProtection);
            assert.strictEqual(c.skipFinalSnapshot, !d.finalSnapshot);
            if (d.finalSnapshot) assert.match(c.finalSnapshotIdentifier, /^mlops-[a-z]+-docs-final-[0-9a-f]{8}$/);
        });

        it("alarms on CPU per instance, connections, and replica lag when there are replicas", async () => {
            const ev = await stack(name);
            const alarms = ofType(ev, TYPES.alarm).map((a) => a.inputs);
            for (const a of alarms) assert.strictEqual(a.namespace, "AWS/DocDB");
            const metric = (m: string) => alarms.filter((a) => a.metricName === m);
            assert.strictEqual(metric("CPUUtilization").length, d.instances);
            assert.deepStrictEqual(metric("DatabaseConnections").map((a) => a.threshold), [d.alarms.connections]);
            assert.deepStrictEqual(
                metric("DBClusterReplicaLagMaximum").map((a) => a.threshold),
                d.instances > 1 ? [d.alarms.replicaLagMs] : [],
            );
        });
    });
}

describe("DocumentDB per environment", () => {
    const instances = async (s: string) => ofType(await stack(s), TYPES.docdbInstance).map((i) => i.inputs.availabilityZone);
    it("dev runs one instance; staging and prod at least two and three in distinct zones", async () => {
        assert.strictEqual((await instances("dev")).length, 1);
        const staging = await instances("staging");
        assert.ok(staging.length >= 2 && new Set(staging).size >= 2);
        const prod = await instances("prod");
        assert.ok(prod.length >= 3);
        assert.strictEqual(new Set(prod).size, prod.length);
    });
    it("prod is deletion-protected with a final snapshot and 35 days of backups", async () => {
        const c = only(await stack("prod"), TYPES.docdbCluster);
        assert.strictEqual(c.inputs.deletionProtection, true);
        assert.strictEqual(c.protect, true);
        assert.strictEqual(c.inputs.skipFinalSnapshot, false);
        assert.strictEqual(c.inputs.backupRetentionPeriod, 35);
    });
});
