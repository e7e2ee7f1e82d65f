import * as assert from "assert";
import { parseDailyWindow, parseWeeklyWindow, windowsOverlap } from "../../infra/windows";
import { PRIMARY_STACKS, TYPES, ofType, only, stack as wholeStack, within } from "../harness";
import { configOf } from "./stackConfig";
import { randomPasswordOutput } from "../../engine/provider/generated";

const stack = async (name: string) => within(await wholeStack(name), TYPES.redisCache);

for (const name of PRIMARY_STACKS) {
    describe(`ElastiCache in stack ${name}`, () => {
        const cfg = configOf(name);
        const r = cfg.redis;

        it("runs pinned Valkey, encrypted at rest with its own key and TLS required in transit", async () => {
            const ev = await stack(name);
            const key = only(ev, TYPES.kmsKey);
            const g = only(ev, TYPES.replicationGroup).inputs;
            assert.strictEqual(g.engine, "valkey");
            assert.strictEqual(g.engineVersion, r.engineVersion);
            assert.strictEqual(g.atRestEncryptionEnabled, true);
            assert.strictEqual(g.kmsKeyId, key.outputs.arn);
            assert.strictEqual(key.inputs.enableKeyRotation, true);
            assert.strictEqual(g.transitEncryptionEnabled, true);
            assert.strictEqual(g.transitEncryptionMode, "required");
            assert.strictEqual(g.autoMinorVersionUpgrade, true);
        });

        it("has an AUTH token within ElastiCache's rules, kept in Secrets Manager under the cache's key", async () => {
            const ev = await stack(name);
            const token = only(ev, TYPES.password).inputs;
            assert.ok(token.length >= 16 && token.length <= 128, `length ${token.length}`);
            assert.strictEqual(token.special, true);
            // ElastiCache: non-alphanumerics are restricted to ! & # $ ^ < > - (the provider only refuses @ " /).
            const produced = [...randomPasswordOutput(token).characters];
            assert.deepStrictEqual(produced.filter((ch) => !/^[A-Za-z0-9]$/.test(ch) && !"!&#$^<>-".includes(ch)), []);
            assert.ok(token.minSpecial >= 1 && token.overrideSpecial.length > 0, "the token has specials");
            assert.ok([...token.overrideSpecial].every((ch: string) => "!&#$^<>-".includes(ch)), token.overrideSpecial);
            const group = only(ev, TYPES.replicationGroup);
            assert.deepStrictEqual(group.secretPaths, ["authToken"]);
            assert.strictEqual(group.inputs.authToken, only(ev, TYPES.password).outputs.result);
            const secret = only(ev, TYPES.secret);
            assert.strictEqual(secret.inputs.kmsKeyId, only(ev, TYPES.kmsKey).outputs.arn);
            const stored = JSON.parse(only(ev, TYPES.secretVersion).inputs.secretString);
            assert.strictEqual(stored.authToken, group.inputs.authToken);
            assert.strictEqual(stored.host, group.outputs.primaryEndpointAddress);
        });

        it("rotates the token in place: a rotation counter keeps the token, the group applies it with the update strategy", async () => {
            const ev = await stack(name);
            assert.deepStrictEqual(only(ev, TYPES.password).inputs.keepers, { rotation: String(r.authTokenRotation) });
            assert.strictEqual(only(ev, TYPES.replicationGroup).inputs.authTokenUpdateStrategy, r.authTokenUpdateStrategy);
        });

        it("fails over across zones whenever there is a replica", async () => {
            const g = only(await stack(name), TYPES.replicationGroup).inputs;
            assert.strictEqual(g.numCacheClusters, r.nodes);
            assert.strictEqual(g.automaticFailoverEnabled, r.nodes > 1);
            assert.strictEqual(g.multiAzEnabled, r.nodes > 1);
            assert.strictEqual(g.preferredCacheClusterAzs.length, r.nodes);
            assert.strictEqual(new Set(g.preferredCacheClusterAzs).size, Math.min(r.nodes, cfg.network.privateSubnetIds.length));
        });

        it("sets the eviction policy through its parameter group and delivers the slow log to a log group under the cache's key", async () => {
            const ev = await stack(name);
            const g = only(ev, TYPES.replicationGroup).inputs;
            const params = only(ev, TYPES.cacheParams);
            assert.strictEqual(g.parameterGroupName, params.inputs.name);
            assert.strictEqual(params.inputs.family, `valkey${r.engineVersion.split(".")[0]}`);
            assert.deepStrictEqual(params.inputs.parameters, [{ name: "maxmemory-policy", value: r.evictionPolicy }]);
            const log = only(ev, TYPES.logGroup);
            assert.strictEqual(log.inputs.kmsKeyId, only(ev, TYPES.kmsKey).outputs.arn);
            assert.strictEqual(log.inputs.retentionInDays, r.slowLogRetentionDays);
            assert.deepStrictEqual(g.logDeliveryConfigurations, [
                { destination: log.inputs.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" },
            ]);
        });

        it("lets CloudWatch Logs use the key only for this cache's log groups", async () => {
            const ev = await stack(name);
            const policy = JSON.parse(only(ev, TYPES.kmsKey).inputs.policy);
            const logs = policy.Statement.filter((s: any) => s.Principal.Service);
            assert.strictEqual(logs.length, 1);
            assert.strictEqual(logs[0].Principal.Service, `logs.${cfg.region}.amazonaws.com`);
            const allowed = logs[0].Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"];
            assert.strictEqual(allowed, `arn:aws:logs:${cfg.region}:123456789012:log-group:/aws/elasticache/${cfg.namePrefix}-cache/*`);
            assert.ok(only(ev, TYPES.logGroup).inputs.name.startsWith(allowed.split("log-group:")[1].replace("*", "")));
            const aurora = within(await wholeStack(name), TYPES.aurora);
            const auroraPolicy = JSON.parse(only(aurora, TYPES.kmsKey).inputs.policy);
            assert.ok(auroraPolicy.Statement.every((s: any) => !s.Principal.Service), "keys without log groups grant no service");
        });

        it("admits only the client security groups on 6379, from a private subnet group", async () => {
            const ev = await stack(name);
            const sg = only(ev, TYPES.securityGroup);
            const rules = ofType(ev, TYPES.ingress);
            assert.deepStrictEqual(
                rules.map((x) => [x.inputs.referencedSecurityGroupId, x.inputs.fromPort, x.inputs.toPort, x.inputs.securityGroupId]),
                cfg.network.clientSecurityGroupIds.map((id) => [id, 6379, 6379, sg.id]),
            );
            for (const x of rules) assert.ok(x.inputs.description.length > 0);
            const g = only(ev, TYPES.replicationGroup).inputs;
            assert.deepStrictEqual(g.securityGroupIds, [sg.id]);
            assert.strictEqual(g.subnetGroupName, only(ev, TYPES.cacheSubnetGroup).inputs.name);
            assert.deepStrictEqual(only(ev, TYPES.cacheSubnetGroup).inputs.subnetIds, cfg.network.privateSubnetIds);
        });

        it("takes snapshot retention and windows from the stack file", async () => {
            const g = only(await stack(name), TYPES.replicationGroup).inputs;
            assert.strictEqual(g.snapshotRetentionLimit, r.snapshotRetentionDays);
            assert.strictEqual(g.snapshotWindow, r.snapshotWindow);
            assert.strictEqual(g.maintenanceWindow, r.maintenanceWindow);
            assert.ok(parseDailyWindow(g.snapshotWindow).minutes >= 60);
            assert.ok(!windowsOverlap(parseDailyWindow(g.snapshotWindow), parseWeeklyWindow(g.maintenanceWindow)));
            if (r.finalSnapshot) assert.match(g.finalSnapshotIdentifier, /^mlops-[a-z]+-cache-final-[0-9a-f]{8}$/);
            else assert.strictEqual(g.finalSnapshotIdentifier, undefined);
        });

        it("alarms per node on host and engine CPU, memory, evictions, and replication lag when replicated", async () => {
            const alarms = ofType(await stack(name), TYPES.alarm).map((a) => a.inputs);
            const nodes = Array.from({ length: r.nodes }, (_, i) => `${cfg.namePrefix}-cache-00${i + 1}`);
            const of = (m: string) => alarms.filter((a) => a.metricName === m);
            for (const [metric, threshold] of [
                ["CPUUtilization", r.alarms.cpuPercent],
                ["EngineCPUUtilization", r.alarms.engineCpuPercent],
                ["DatabaseMemoryUsagePercentage", r.alarms.memoryPercent],
                ["Evictions", r.alarms.evictions],
            ] as const) {
                assert.deepStrictEqual(of(metric).map((a) => a.dimensions.CacheClusterId), nodes, metric);
                for (const a of of(metric)) assert.strictEqual(a.threshold, threshold);
            }
            assert.strictEqual(of("ReplicationLag").length, r.nodes > 1 ? r.nodes : 0);
            for (const a of alarms) assert.strictEqual(a.namespace, "AWS/ElastiCache");
        });
    });
}

describe("ElastiCache per environment", () => {
    it("dev may run one node; staging and prod at least two with automatic failover and Multi-AZ", async () => {
        const g = async (s: string) => only(await stack(s), TYPES.replicationGroup).inputs;
        assert.strictEqual((await g("dev")).numCacheClusters, 1);
        for (const s of ["staging", "prod"]) {
            const x = await g(s);
            assert.ok(x.numCacheClusters >= 2, s);
            assert.strictEqual(x.automaticFailoverEnabled, true);
            assert.strictEqual(x.multiAzEnabled, true);
        }
    });
});
