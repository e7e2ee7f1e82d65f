import * as assert from "assert";
import { parseDailyWindow, parseWeeklyWindow, windowsOverlap } from "../../infra/windows";
import { configOf } from "./stackConfig";
import { PRIMARY_STACKS, TYPES, ofType, only, stack as wholeStack, within } from "../harness";
import { DERIVED_METRICS_NAMESPACE } from "../../infra/components/auroraOperations";

/** The Aurora component's part of the stack. */
const stack = async (name: string) => within(await wholeStack(name), TYPES.aurora);

for (const name of PRIMARY_STACKS) {
    describe(`Aurora PostgreSQL in stack ${name}`, () => {
        const cfg = configOf(name);
        const a = cfg.aurora;

        it("encrypts storage with its own customer-managed key that rotates", async () => {
            const ev = await stack(name);
            const key = only(ev, TYPES.kmsKey);
            const cluster = only(ev, TYPES.cluster);
            assert.strictEqual(key.inputs.enableKeyRotation, true);
            assert.strictEqual(key.inputs.deletionWindowInDays, 30);
            assert.strictEqual(key.inputs.customerMasterKeySpec, "SYMMETRIC_DEFAULT");
            assert.strictEqual(cluster.inputs.storageEncrypted, true);
            assert.match(cluster.inputs.kmsKeyId, /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\//);
            assert.strictEqual(cluster.inputs.kmsKeyId, key.outputs.arn);
            const alias = only(ev, TYPES.kmsAlias);
            assert.strictEqual(alias.inputs.name, `alias/${cfg.namePrefix}-mlflow`);
            assert.strictEqual(alias.inputs.targetKeyId, key.outputs.keyId);
        });

        it("keeps the master secret in Secrets Manager under the same key", async () => {
            const ev = await stack(name);
            const cluster = only(ev, TYPES.cluster);
            const secret = only(ev, TYPES.secret, "aurora-master-secret");
            assert.strictEqual(secret.inputs.kmsKeyId, cluster.inputs.kmsKeyId);
            assert.strictEqual(secret.inputs.name, `${cfg.namePrefix}/aurora/master`);
            const version = only(ev, TYPES.secretVersion, "aurora-master-secret");
            const doc = JSON.parse(version.inputs.secretString);
            assert.deepStrictEqual(Object.keys(doc).sort(), ["dbname", "engine", "host", "password", "port", "username"]);
            assert.strictEqual(doc.host, cluster.outputs.endpoint);
            assert.strictEqual(doc.port, 5432);
            assert.strictEqual(doc.username, a.masterUsername);
        });

        it("generates long master and application passwords that fit RDS's rules and connection URLs", async () => {
            const ev = await stack(name);
            for (const generator of ["aurora-master-password", "aurora-app-password"]) {
                const p = only(ev, TYPES.password, generator).inputs;
                assert.ok(p.length >= 32, generator);
                assert.strictEqual(p.special, true, generator);
                for (const ch of ['/', '@', '"', "'", " ", ":", "#", "?", "%", ";", "\\"]) {
                    assert.ok(!p.overrideSpecial.includes(ch), `${generator}: special characters include ${JSON.stringify(ch)}`);
                }
            }
            // Generation 1 of the master password declares no keepers, as before the rotation counter existed; the application's carries its counter.
            assert.strictEqual(only(ev, TYPES.password, "aurora-master-password").inputs.keepers, undefined);
            assert.deepStrictEqual(only(ev, TYPES.password, "aurora-app-password").inputs.keepers, { rotation: String(cfg.aurora.application.passwordRotation) });
        });

        it("forces TLS, preloads pg_stat_statements and logs slow statements, and the cluster uses that group", async () => {
            const ev = await stack(name);
            const group = only(ev, TYPES.clusterParams);
            const params = Object.fromEntries(
                (group.inputs.parameters as { name: string; value: string; applyMethod: string }[]).map((p) => [p.name, p]),
            );
            assert.strictEqual(params["rds.force_ssl"].value, "1");
            assert.strictEqual(params["rds.force_ssl"].applyMethod, "immediate");
            assert.ok(params.shared_preload_libraries.value.split(",").includes("pg_stat_statements"));
            assert.strictEqual(params.shared_preload_libraries.applyMethod, "pending-reboot");
            assert.strictEqual(params.log_min_duration_statement.value, "1000");
            // The planner cost measured on MLflow's real searches (docs/benchmarks/), dynamic: no reboot.
            assert.strictEqual(params.random_page_cost.value, "1.1");
            assert.strictEqual(params.random_page_cost.applyMethod, "immediate");
            assert.strictEqual(group.inputs.family, "aurora-postgresql16");
            const cluster = only(ev, TYPES.cluster);
            assert.strictEqual(cluster.inputs.dbClusterParameterGroupName, group.inputs.name);
            const instanceGroup = only(ev, TYPES.instanceParams);
            for (const i of ofType(ev, TYPES.instance)) assert.strictEqual(i.inputs.dbParameterGroupName, instanceGroup.inputs.name);
        });

        it("admits only the client security groups and CIDRs on 5432, every rule described", async () => {
            const ev = await stack(name);
            const sg = only(ev, TYPES.securityGroup);
            assert.strictEqual(sg.inputs.vpcId, cfg.network.vpcId);
            assert.strictEqual(sg.inputs.ingress, undefined, "no inline ingress");
            assert.strictEqual(sg.inputs.egress, undefined, "no egress: the provider removes AWS's default allow-all");
            const rules = ofType(ev, TYPES.ingress);
            assert.strictEqual(rules.length, cfg.network.clientSecurityGroupIds.length + cfg.network.clientCidrs.length);
            assert.deepStrictEqual(
                rules.map((r) => r.inputs.referencedSecurityGroupId).filter(Boolean).sort(),
                [...cfg.network.clientSecurityGroupIds].sort(),
            );
            for (const r of rules) {
                assert.strictEqual(r.inputs.securityGroupId, sg.id, "rule attached to the database's group");
                assert.strictEqual(r.inputs.ipProtocol, "tcp");
                assert.strictEqual(r.inputs.fromPort, 5432);
                assert.strictEqual(r.inputs.toPort, 5432);
                assert.match(r.inputs.description, /^PostgreSQL .* from client (security group sg-|network )/);
                assert.notStrictEqual(r.inputs.cidrIpv4, "0.0.0.0/0");
                assert.strictEqual(r.inputs.cidrIpv6, undefined);
            }
            const cluster = only(ev, TYPES.cluster);
            assert.deepStrictEqual(cluster.inputs.vpcSecurityGroupIds, [sg.id]);
            const subnets = only(ev, TYPES.subnetGroup);
            assert.deepStrictEqual(subnets.inputs.subnetIds, cfg.network.privateSubnetIds);
            assert.strictEqual(cluster.inputs.dbSubnetGroupName, subnets.inputs.name);
        });

        it("declares the configured instances across availability zones, private, with explicit failover order", async () => {
            const ev = await stack(name);
            const instances = ofType(ev, TYPES.instance);
            assert.strictEqual(instances.length, a.instances);
            const zones = instances.map((i) => i.inputs.availabilityZone);
            const distinct = new Set(zones).size;
            assert.strictEqual(distinct, Math.min(a.instances, cfg.network.privateSubnetIds.length), `zones: ${zones}`);
            for (const z of zones) assert.ok(z.startsWith(cfg.region), `${z} is in ${cfg.region}`);
            instances.forEach((i, idx) => {
                assert.strictEqual(i.inputs.identifier, `${cfg.namePrefix}-mlflow-${idx + 1}`);
                assert.strictEqual(i.inputs.clusterIdentifier, only(ev, TYPES.cluster).id);
                assert.strictEqual(i.inputs.instanceClass, a.instanceClass);
                assert.strictEqual(i.inputs.promotionTier, idx);
                assert.strictEqual(i.inputs.publiclyAccessible, false);
                assert.strictEqual(i.inputs.autoMinorVersionUpgrade, true);
                assert.strictEqual(i.inputs.engine, "aurora-postgresql");
            });
        });

        it("takes retention, windows, deletion protection and final snapshot from the stack file", async () => {
            const ev = await stack(name);
            const c = only(ev, TYPES.cluster).inputs;
            assert.strictEqual(c.engine, "aurora-postgresql");
            assert.strictEqual(c.engineVersion, a.engineVersion);
            assert.strictEqual(c.allowMajorVersionUpgrade, false);
            assert.strictEqual(c.backupRetentionPeriod, a.backupRetentionDays);
            assert.strictEqual(c.preferredBackupWindow, a.preferredBackupWindow);
            assert.strictEqual(c.preferredMaintenanceWindow, a.preferredMaintenanceWindow);
            assert.ok(!windowsOverlap(parseDailyWindow(c.preferredBackupWindow), parseWeeklyWindow(c.preferredMaintenanceWindow)));
            assert.strictEqual(c.deletionProtection, a.deletionProtection);
            assert.strictEqual(only(ev, TYPES.cluster).protect, a.deletionProtection, "protected in Pulumi exactly when deletion-protected");
            assert.strictEqual(c.skipFinalSnapshot, !a.finalSnapshot);
            if (a.finalSnapshot) assert.match(c.finalSnapshotIdentifier, new RegExp(`^${cfg.namePrefix}-mlflow-final-[0-9a-f]{8}$`));
            else assert.strictEqual(c.finalSnapshotIdentifier, undefined);
            assert.strictEqual(c.iamDatabaseAuthenticationEnabled, true);
            assert.deepStrictEqual(c.enabledCloudwatchLogsExports, ["postgresql"]);
            assert.strictEqual(c.copyTagsToSnapshot, true);
            assert.strictEqual(c.databaseName, "mlflow");
        });

        it("wires Performance Insights and Enhanced Monitoring as configured", async () => {
            const ev = await stack(name);
            const cluster = only(ev, TYPES.cluster);
            for (const i of ofType(ev, TYPES.instance)) {
                assert.strictEqual(i.inputs.performanceInsightsEnabled, a.performanceInsights.enabled);
                if (a.performanceInsights.enabled) {
                    assert.strictEqual(i.inputs.performanceInsightsKmsKeyId, cluster.inputs.kmsKeyId);
                    assert.strictEqual(i.inputs.performanceInsightsRetentionPeriod, a.performanceInsights.retentionDays);
                }
                assert.strictEqual(i.inputs.monitoringInterval, a.monitoringIntervalSeconds);
            }
            const roles = ofType(ev, TYPES.role);
            if (a.monitoringIntervalSeconds === 0) {
                assert.strictEqual(roles.length, 0);
                return;
            }
            const role = only(ev, TYPES.role);
            const trust = JSON.parse(role.inputs.assumeRolePolicy);
            assert.deepStrictEqual(trust.Statement.map((s: any) => s.Principal.Service), ["monitoring.rds.amazonaws.com"]);
            assert.strictEqual(
                only(ev, TYPES.rolePolicy).inputs.policyArn,
                "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
            );
            for (const i of ofType(ev, TYPES.instance)) assert.strictEqual(i.inputs.monitoringRoleArn, role.outputs.arn);
        });

        it("alarms on CPU and memory per instance, connections, and replica lag when there are readers", async () => {
            const ev = await stack(name);
            const alarms = ofType(ev, TYPES.alarm).map((r) => r.inputs);
            const byMetric = (m: string) => alarms.filter((x) => x.metricName === m);
            assert.strictEqual(byMetric("CPUUtilization").length, a.instances);
            assert.strictEqual(byMetric("FreeableMemory").length, a.instances);
            for (const x of byMetric("CPUUtilization")) {
                assert.strictEqual(x.threshold, a.alarms.cpuPercent);
                assert.strictEqual(x.comparisonOperator, "GreaterThanThreshold");
            }
            for (const x of byMetric("FreeableMemory")) {
                assert.strictEqual(x.threshold, a.alarms.freeableMemoryMiB * 1024 * 1024);
                assert.strictEqual(x.comparisonOperator, "LessThanThreshold");
            }
            assert.deepStrictEqual(
                byMetric("CPUUtilization").map((x) => x.dimensions.DBInstanceIdentifier).sort(),
                ofType(ev, TYPES.instance).map((i) => i.inputs.identifier).sort(),
            );
            // The cluster's threshold alarm; the per-instance Sev 1 ones at the limit: tests/infra/alarms.test.ts.
            const [conn] = byMetric("DatabaseConnections").filter((x) => x.dimensions.DBClusterIdentifier !== undefined);
            assert.strictEqual(conn.threshold, a.alarms.connections);
            assert.strictEqual(conn.dimensions.DBClusterIdentifier, `${cfg.namePrefix}-mlflow`);
            const lag = byMetric("AuroraReplicaLagMaximum");
            assert.strictEqual(lag.length, a.instances > 1 ? 1 : 0);
            if (lag.length) assert.strictEqual(lag[0].threshold, a.alarms.replicaLagMs);
            // AWS's metrics, and the slow-statement count this program derives from the exported log.
            for (const x of alarms) assert.ok(["AWS/RDS", DERIVED_METRICS_NAMESPACE].includes(x.namespace), x.name);
            assert.deepStrictEqual(
                alarms.filter((x) => x.namespace === DERIVED_METRICS_NAMESPACE).map((x) => x.name),
                [`${cfg.namePrefix}-mlflow-slow-statements`],
            );
        });
    });
}

describe("per-environment requirements", () => {
    const instancesOf = async (s: string) => ofType(await stack(s), TYPES.instance).map((i) => i.inputs);
    const clusterOf = async (s: string) => only(await stack(s), TYPES.cluster);

    it("dev: one small instance, short retention, no deletion protection", async () => {
        const instances = await instancesOf("dev");
        assert.strictEqual(instances.length, 1);
        assert.match(instances[0].instanceClass, /^db\.t4g\./);
        const c = await clusterOf("dev");
        assert.ok(c.inputs.backupRetentionPeriod <= 7);
        assert.strictEqual(c.inputs.deletionProtection, false);
        assert.strictEqual(c.protect, false);
    });

    it("staging: writer plus a reader in another AZ, at least 7 days of backups", async () => {
        const instances = await instancesOf("staging");
        assert.ok(instances.length >= 2);
        assert.ok(new Set(instances.map((i) => i.availabilityZone)).size >= 2);
        assert.ok((await clusterOf("staging")).inputs.backupRetentionPeriod >= 7);
    });

    it("prod: writer plus two readers in distinct AZs, 35 days, protected, final snapshot, PI and Enhanced Monitoring", async () => {
        const instances = await instancesOf("prod");
        assert.ok(instances.length >= 3);
        assert.strictEqual(new Set(instances.map((i) => i.availabilityZone)).size, instances.length);
        const c = await clusterOf("prod");
        assert.strictEqual(c.inputs.backupRetentionPeriod, 35);
        assert.strictEqual(c.inputs.deletionProtection, true);
        assert.strictEqual(c.protect, true);
        assert.strictEqual(c.inputs.skipFinalSnapshot, false);
        for (const i of instances) {
            assert.strictEqual(i.performanceInsightsEnabled, true);
            assert.ok(i.monitoringInterval > 0);
        }
    });
});
