/**
 * The lifecycle simulator (engine/lifecycle/) and the DR drill's scenarios:
 * every scenario with the operations each `up` plans per stack per step; the
 * simulator's refresh read-back and AWS events; issue 14's defects 2 and 3.
 */
import * as assert from "assert";
import { Simulator, TYPES, key } from "../../engine/lifecycle/simulator";
import { IDS, SCENARIOS, SNAPSHOTS, STORE_TYPES, ScenarioReport, drConfig, prodConfig, runScenario, standUp, unbackedUp, writablePrimaries } from "../../engine/lifecycle/scenarios";
import { AwsRefusal } from "../../engine/lifecycle/world";

const SCENARIO_RESTORE_1 = { generation: 1, auroraSnapshot: SNAPSHOTS.aurora, documentdbSnapshot: SNAPSHOTS.documentdb };
import { evaluateStack } from "../../engine/mockEngine";

/** A simulator after scenario (a): prod up, dr up in standby. */
async function stoodUp(): Promise<Simulator> {
    const sim = new Simulator();
    const r = await runScenario({ id: "a", title: "stand-up", steps: standUp() }, sim);
    assert.ok(r.ok, JSON.stringify(r.steps.flatMap((s) => s.problems)));
    return sim;
}

const stateOf = (sim: Simulator, stack: string, type: string, name?: string) => {
    const found = sim.ofType(stack, type).filter((r) => name === undefined || r.planned.name === name);
    assert.strictEqual(found.length, 1, `${stack}: expected one ${type}${name ? ` ${name}` : ""}, found ${found.length}`);
    return found[0];
};

describe("DR drill: every scenario, with the operations each up plans", function () {
    this.timeout(120_000);
    const reports = new Map<string, ScenarioReport>();
    before(async () => {
        for (const s of SCENARIOS) reports.set(s.id, await runScenario(s));
    });

    it("has the runbook's scenarios a-f (e once after each of b, c, a detach and d), each step naming the runbook step it proves", () => {
        assert.deepStrictEqual(SCENARIOS.map((s) => s.id), ["a", "b", "c", "d", "e-b", "e-c", "e-detach", "e-d", "f", "g", "g-restore"]);
        for (const s of SCENARIOS) for (const step of s.steps) assert.ok(step.runbook.length > 0, `${s.id}: ${step.title}`);
    });

    for (const s of SCENARIOS) {
        it(`(${s.id}) ${s.title}: every step passes, and each up plans exactly the expected operations`, () => {
            const r = reports.get(s.id)!;
            const problems = r.steps.flatMap((st, i) => st.problems.map((p) => `step ${i + 1} (${st.step.title}): ${p}`));
            assert.deepStrictEqual(problems, []);
            assert.strictEqual(r.steps.length, s.steps.length);
            let checked = 0;
            for (const st of r.steps) {
                const a = st.step.action;
                if (a.kind !== "up" || !a.expect || !st.up) continue;
                checked++;
                if (a.expect === "create-all") {
                    assert.ok(st.up.operations.create.length > 0, st.step.title);
                    assert.deepStrictEqual([...st.up.operations.update, ...st.up.operations.replace, ...st.up.operations.delete], [], st.step.title);
                    continue;
                }
                const scoped = "scope" in a.expect;
                for (const kind of ["create", "update", "replace", "delete"] as const) {
                    const planned: string[] = st.up.operations[kind].filter((k) => !scoped || STORE_TYPES.has(k.split("::")[0]));
                    assert.deepStrictEqual(planned, [...(a.expect[kind] ?? [])].sort(), `${s.id} ${st.step.title}: ${a.stack} ${kind}`);
                }
            }
            assert.ok(checked >= 2, `${s.id}: at least two ups with planned operations`);
        });
    }

    it("no up of any scenario replaces or deletes a data store it does not name as intended, and only deletes are intended", () => {
        for (const r of reports.values()) {
            for (const st of r.steps) {
                const a = st.step.action;
                const intended = a.kind === "up" ? (a.intendedDataLoss ?? []) : [];
                const risky = (st.up?.diff?.changes ?? []).filter((c) => c.dataLossRisk);
                assert.deepStrictEqual(risky.filter((c) => !intended.includes(key(c))).map(key), [], `${r.scenario.id}: ${st.step.title}`);
                assert.deepStrictEqual(risky.filter((c) => c.kind !== "delete").map(key), [], `${r.scenario.id}: ${st.step.title}: no replacement`);
            }
        }
        // Without (d)'s and (e)'s deliberate removals and scale-downs, nothing is at risk at all.
        for (const id of ["a", "b", "c", "f"]) for (const st of reports.get(id)!.steps) assert.deepStrictEqual((st.up?.diff?.changes ?? []).filter((c) => c.dataLossRisk).map(key), [], `${id}: ${st.step.title}`);
    });

    const upOf = (id: string, title: RegExp) => {
        const st = reports.get(id)!.steps.find((x) => x.step.action.kind === "up" && title.test(x.step.title));
        assert.ok(st?.up, `${id}: an up titled ${title}`);
        return st!.up!;
    };
    const STANDBY_STORES = ["aws:rds/cluster:Cluster::aurora-cluster", "aws:docdb/cluster:Cluster::documentdb-cluster", "aws:elasticache/replicationGroup:ReplicationGroup::cache-group"];

    it("(d) the restore creates the restored clusters, prod's count of instances and the cache, and touches no standby store", async () => {
        const up = upOf("d", /^dr up in restore/);
        const prod = (await evaluateStack("prod", { stackConfig: prodConfig()() })).resources;
        const count = (type: string) => prod.filter((r) => r.type === type && !r.name.includes("restore")).length;
        const created = up.operations.create;
        assert.ok(created.includes("aws:rds/cluster:Cluster::aurora-restore-1-cluster"));
        assert.ok(created.includes("aws:docdb/cluster:Cluster::documentdb-restore-1-cluster"));
        assert.ok(created.includes("aws:elasticache/replicationGroup:ReplicationGroup::cache-restore-1-group"));
        assert.strictEqual(created.filter((k) => k.startsWith(`${TYPES.rdsInstance}::aurora-restore-1-instance-`)).length, count(TYPES.rdsInstance));
        assert.strictEqual(created.filter((k) => k.startsWith("aws:docdb/clusterInstance:ClusterInstance::documentdb-restore-1-instance-")).length, count("aws:docdb/clusterInstance:ClusterInstance"));
        for (const k of ["aws:backup/plan:Plan::backup-scheduled", "aws:backup/selection:Selection::backup-scheduled", "aws:secretsmanager/secret:Secret::aurora-restore-1-master-secret"]) assert.ok(created.includes(k), k);
        // Nothing of the standby generation's stores or instances is updated, replaced or deleted.
        const touched = [...up.operations.update, ...up.operations.replace, ...up.operations.delete];
        assert.deepStrictEqual(touched.filter((k) => /::(aurora|documentdb)-(cluster|instance-\d)$|::cache-group$/.test(k)), []);
        assert.deepStrictEqual(up.effects.sort(), ["mlops-dr-docs-r1 created", "mlops-dr-mlflow-r1 created"]);
    });

    it("(d) retiring the kept secondaries: unprotect updates only them, remove deletes them with nothing blocked; at once it would be blocked", () => {
        const unprotect = upOf("d", /unprotect/);
        assert.deepStrictEqual(unprotect.operations.update, [STANDBY_STORES[1], STANDBY_STORES[0]]);
        for (const c of unprotect.diff!.changes) assert.deepStrictEqual(c.properties.map((p) => p.path).sort(), ["(protect)", "deletionProtection"], key(c));
        const remove = upOf("d", /retired remove/);
        for (const k of STANDBY_STORES) assert.ok(remove.operations.delete.includes(k), k);
        assert.ok(remove.diff!.changes.every((c) => !c.blocked));
        assert.ok(remove.operations.delete.every((k) => !k.includes("restore-1") && !k.includes("backup-vault")), remove.operations.delete.join(", "));
    });

    it("(d) removing the kept secondaries in one up is blocked by protect", async () => {
        const sim = await stoodUp();
        const up = await sim.up("dr", drConfig({ mode: "restore", force: true, restore: { generation: 1, auroraSnapshot: SNAPSHOTS.aurora, documentdbSnapshot: SNAPSHOTS.documentdb }, retired: "remove" })());
        assert.strictEqual(up.ok, false);
        const blocked = up.diff!.changes.filter((c) => c.blocked).map(key);
        for (const k of STANDBY_STORES.slice(0, 2)) assert.ok(blocked.includes(k), `${k} blocked: ${blocked.join(", ")}`);
        assert.ok(sim.world.clusters.has(IDS.drAurora), "nothing was deleted");
    });

    it("(e) back to standby after (b) and (c): the same operations, backup plans and selections deleted, vault kept, lag alarms back", () => {
        const [b, c] = [upOf("e-b", /^dr back to standby/), upOf("e-c", /^dr back to standby/)];
        assert.deepStrictEqual(b.operations, c.operations);
        for (const k of ["aws:backup/plan:Plan::backup-scheduled", "aws:backup/plan:Plan::backup-continuous", "aws:backup/selection:Selection::backup-scheduled", "aws:backup/selection:Selection::backup-continuous"]) assert.ok(b.operations.delete.includes(k), k);
        assert.ok(!b.operations.delete.some((k) => k.startsWith("aws:backup/vault")), "the vault is kept");
        for (const k of ["aws:cloudwatch/metricAlarm:MetricAlarm::aurora-global-lag", "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-global-lag", "aws:cloudwatch/metricAlarm:MetricAlarm::cache-global-replication-lag-1"]) assert.ok(b.operations.create.includes(k), k);
        assert.deepStrictEqual(b.effects, [], "no cluster detached or re-attached");
    });

    it("(e) after a detach: the same generation is refused with the next one named; generation 2 creates -s2 Aurora and DocumentDB secondaries, keeps the cache, and leaves generation 1 alone", () => {
        const refused = upOf("e-detach", /is refused/);
        assert.strictEqual(refused.ok, false);
        assert.match(refused.failures.join("\n"), /dr\.standby\.generation: is 1, a generation detached from its global clusters \(dr\.detached\).*set dr\.standby\.generation to 2/s);
        const g2 = upOf("e-detach", /generation 2/);
        for (const k of ["aws:rds/cluster:Cluster::aurora-standby-2-cluster", "aws:docdb/cluster:Cluster::documentdb-standby-2-cluster"]) assert.ok(g2.operations.create.includes(k), k);
        assert.deepStrictEqual([...g2.operations.update, ...g2.operations.replace, ...g2.operations.delete].filter((k) => /::(aurora|documentdb)-(cluster|instance-\d)$/.test(k)), []);
        // The cache was failed over and back, never detached: it stays the datastore's member in us-west-2 (one per
        // region), back to a secondary in place; a new -s2 group would be refused.
        assert.ok(g2.operations.update.includes("aws:elasticache/replicationGroup:ReplicationGroup::cache-group"));
        assert.ok(!g2.operations.create.some((k) => k.includes("cache-standby-2")));
        assert.deepStrictEqual(g2.effects.sort(), [
            "mlops-dr-docs-s2 created as a secondary of mlops-prod-docs-global",
            "mlops-dr-mlflow-s2 created as a secondary of mlops-prod-mlflow-global",
        ]);
    });

    it("(e) after the restore: standby lists it in dr.restored and keeps its stores, out of service", () => {
        const up = upOf("e-d", /^dr back to standby/);
        assert.ok(up.operations.create.includes(STANDBY_STORES[0]), "generation 1 secondaries created again (removed in (d))");
        assert.deepStrictEqual([...up.operations.update, ...up.operations.replace, ...up.operations.delete].filter((k) => k.includes("restore-1")), []);
    });

    it("(g) the rebuild creates new global clusters from the DR clusters and generation 2 as their secondaries, in that order", () => {
        const up = upOf("g", /^prod rebuilt as a secondary/);
        assert.deepStrictEqual(up.effects, [
            "global cluster mlops-prod-docs-global-2 created from mlops-dr-docs",
            "global cluster mlops-prod-mlflow-global-2 created from mlops-dr-mlflow",
            "mlops-prod-mlflow-g2 created as a secondary of mlops-prod-mlflow-global-2",
            "mlops-prod-docs-g2 created as a secondary of mlops-prod-docs-global-2",
        ]);
        // Nothing of generation 1 changes: it stays as it was, out of service, admitting no client.
        assert.deepStrictEqual([...up.operations.update, ...up.operations.replace, ...up.operations.delete].filter((k) => /::(aurora|documentdb)-(cluster|instance-\d)$/.test(k)), []);
    });

    it("(g) retiring generation 1 deletes its clusters and global clusters but keeps its master passwords and keys; generation 2's secrets hold the same passwords", () => {
        const up = upOf("g", /^retire generation 1, second up/);
        for (const kept of [
            "random:index/randomPassword:RandomPassword::aurora-master-password",
            "random:index/randomPassword:RandomPassword::documentdb-master-password",
            "aws:kms/key:Key::aurora-key",
            "aws:kms/key:Key::documentdb-key",
        ]) {
            assert.ok(!up.operations.delete.includes(kept) && !up.operations.replace.includes(kept), `${kept} must outlive generation 1`);
        }
        assert.ok(up.operations.delete.includes("aws:rds/globalCluster:GlobalCluster::replication-aurora"));
        assert.ok(up.operations.delete.includes("aws:rds/cluster:Cluster::aurora-cluster"));
    });

    it("(g) without lifting deletion protection first, removing generation 1 is blocked by protect", async () => {
        const g = SCENARIOS.find((x) => x.id === "g")!;
        const steps = g.steps.filter((st) => !st.title.startsWith("retire generation 1, first up"));
        const r = await runScenario({ ...g, steps });
        const failed = r.steps[r.steps.length - 1];
        assert.ok(!r.ok);
        assert.match(failed.step.title, /^retire generation 1, second up/);
        assert.ok(failed.problems.some((p) => /protect/.test(p)), failed.problems.join("\n"));
    });

    it("(g) a rebuild from a DR cluster that is still a member of a global cluster (a failover, not a detach) is refused by AWS", async () => {
        const sim = new Simulator();
        await runScenario({ id: "x", title: "x", steps: standUp() }, sim);
        const rebuild = prodConfig({ primaryActive: false, generation: 2, rebuilds: [{ generation: 2, auroraSource: `arn:aws:rds:us-west-2:123456789012:cluster:${IDS.drAurora}`, documentdbSource: `arn:aws:rds:us-west-2:123456789012:cluster:${IDS.drDocs}` }] });
        const up = await sim.up("prod", rebuild());
        assert.ok(!up.ok);
        assert.match(up.failures.join("\n"), /mlops-dr-(mlflow|docs) is already a member of mlops-prod-(mlflow|docs)-global/);
    });

    it("(g-restore) the restored clusters stand by in place: no snapshot declared, nothing detached, a new cache secondary", () => {
        const up = upOf("g-restore", /^dr back to standby with the restored clusters/);
        assert.deepStrictEqual(up.effects.sort(), ["cache mlops-dr-cache created as a secondary of ldgnf-mlops-prod-cache", "cache mlops-dr-cache-r1 deleted"]);
        const cluster = up.diff!.changes.find((c) => c.name === "aurora-restore-1-cluster")!;
        assert.deepStrictEqual(cluster.properties.map((p) => p.path), ["snapshotIdentifier"], "only the snapshot goes, which the provider does not send");
    });

    it("(c) dr is promoted with us-east-1 unreachable, and its contract names the DR endpoints with role primary", () => {
        const r = reports.get("c")!;
        const promote = r.steps.find((st) => st.step.action.kind === "up" && st.step.action.stack === "dr" && st.up?.ok && st.step.title.includes("promote"))!;
        assert.ok(promote, "a successful dr promote");
        // Backups in us-west-2 start with the promotion.
        assert.ok(promote.up!.operations.create.includes("aws:backup/plan:Plan::backup-scheduled"));
        assert.ok(promote.up!.operations.create.includes("aws:backup/selection:Selection::backup-continuous"));
        const refusal = r.steps.find((st) => st.step.action.kind === "up" && st.step.action.stack === "prod" && st.up && !st.up.ok)!;
        assert.match(refusal.up!.failures[0], /us-east-1 API does not answer/);
    });
});

describe("DR drill: the assertions fail a scenario", function () {
    this.timeout(60_000);

    it("a detach whose old primary returns unfenced is two writable primaries: the scenario fails at that step", async () => {
        const r = await runScenario({
            id: "x",
            title: "detach without stepping prod down",
            steps: [
                ...standUp(),
                { title: "lose us-east-1", runbook: "A", action: { kind: "event", describe: "region loss", apply: (w) => w.down.add("us-east-1") } },
                { title: "detach", runbook: "A.2 (fallback)", action: { kind: "event", describe: "remove-from-global-cluster", apply: (w) => w.removeFromGlobal("aurora", IDS.auroraGlobal, IDS.drAurora) } },
                { title: "us-east-1 returns", runbook: "D", action: { kind: "event", describe: "region return", apply: (w) => w.down.delete("us-east-1") } },
                { title: "never reached", runbook: "D", action: { kind: "refresh", stack: "prod" } },
            ],
        });
        assert.strictEqual(r.ok, false);
        assert.strictEqual(r.steps.length, 6);
        assert.deepStrictEqual(r.steps[5].problems, [`two writable aurora primaries reachable by clients: ${IDS.drAurora}, ${IDS.prodAurora}`]);
    });

    it("(e-detach) without the operator's manual fence, us-east-1's return is two writable primaries", async () => {
        const e = SCENARIOS.find((x) => x.id === "e-detach")!;
        const steps = e.steps.filter((st) => !(st.action.kind === "event" && st.action.describe.startsWith("manual fence of")));
        const r = await runScenario({ ...e, steps });
        assert.strictEqual(r.ok, false);
        const last = r.steps[r.steps.length - 1];
        assert.match(last.step.title, /us-east-1 returns/);
        assert.deepStrictEqual(last.problems, [
            `two writable aurora primaries reachable by clients: ${IDS.drAurora}, ${IDS.prodAurora}`,
            `two writable docdb primaries reachable by clients: ${IDS.drDocs}, ${IDS.prodDocs}`,
        ]);
    });

    it("(e-detach) without failing the cache back, prod takes over serving a read-only cache: the step fails", async () => {
        const e = SCENARIOS.find((x) => x.id === "e-detach")!;
        const steps = e.steps.filter((st) => !st.title.startsWith("failover-global-replication-group (cache) back to prod"));
        assert.strictEqual(steps.length, e.steps.length - 1);
        const r = await runScenario({ ...e, steps });
        assert.strictEqual(r.ok, false);
        const last = r.steps[r.steps.length - 1];
        assert.match(last.step.title, /^prod takes over again/);
        assert.match(last.problems.join("\n"), /prod serves as the primary, but cache mlops-prod-cache is a secondary of ldgnf-mlops-prod-cache \(read-only\)/);
    });

    it("(g-restore) declared as restored after the switch back, the dr stack's up stops on the provider's ConflictsWith instead of detaching the restored clusters", async () => {
        const g = SCENARIOS.find((x) => x.id === "g-restore")!;
        const at = g.steps.findIndex((st) => st.title.startsWith("dr back to standby with the restored clusters"));
        const stillRestore = { ...g.steps[at], action: { kind: "up" as const, stack: "dr", config: drConfig({ mode: "restore", restore: SCENARIO_RESTORE_1, retired: "remove" }) } };
        const r = await runScenario({ ...g, steps: [...g.steps.slice(0, at), stillRestore] });
        const last = r.steps[r.steps.length - 1];
        assert.strictEqual(r.ok, false);
        assert.match(last.problems.join("\n"), /aurora-restore-1-cluster: snapshotIdentifier: snapshotIdentifier cannot be set together with globalClusterIdentifier/);
        assert.deepStrictEqual(last.up!.effects, [], "nothing detached");
    });

    it("dr.standby.restoreGeneration must name a restore listed in dr.restored", async () => {
        const cfg = drConfig({ mode: "standby", standbyRestoreGeneration: 2, restore: SCENARIO_RESTORE_1, restored: [SCENARIO_RESTORE_1] });
        const sim = new Simulator();
        await runScenario({ id: "x", title: "x", steps: standUp() }, sim);
        const up = await sim.up("dr", cfg());
        assert.strictEqual(up.ok, false);
        assert.match(up.failures.join("\n"), /mlops-data:dr\.standby\.restoreGeneration: names restore generation 2, which dr\.restored does not list \(listed: 1\)/);
    });

    it("(g) AWS takes one secondary per region: after the rebuild, a new standby generation beside the DR clusters (members of the new global clusters) is refused", async () => {
        const g = SCENARIOS.find((x) => x.id === "g")!;
        const at = g.steps.findIndex((st) => st.title.startsWith("dr back to standby with generation 1"));
        const newGeneration = { ...g.steps[at], action: { kind: "up" as const, stack: "dr", config: drConfig({ mode: "standby", detached: [1], standbyGeneration: 2 }) } };
        const r = await runScenario({ ...g, steps: [...g.steps.slice(0, at), newGeneration] });
        assert.strictEqual(r.ok, false);
        assert.match(r.steps[r.steps.length - 1].problems.join("\n"), /AWS refuses: creating mlops-dr-(mlflow|docs)-s2 in mlops-prod-(mlflow|docs)-global-2: mlops-dr-(mlflow|docs) is already its member in us-west-2 \(one cluster per region\)/);
    });

    it("an up that plans other operations than the scenario expects fails the step", async () => {
        const r = await runScenario({
            id: "y",
            title: "wrong expectation",
            steps: [{ title: "prod up", runbook: "Stand up", action: { kind: "up", stack: "prod", config: prodConfig(), expect: { create: ["aws:rds/cluster:Cluster::aurora-cluster"] } } }],
        });
        assert.strictEqual(r.ok, false);
        assert.match(r.steps[0].problems.join("\n"), /prod create: expected \[aws:rds\/cluster:Cluster::aurora-cluster\], planned \[/);
    });
});

describe("lifecycle simulator: refresh reads back what AWS changed", function () {
    this.timeout(60_000);

    it("after a switchover, prod's Aurora cluster records its global cluster and the DR primary as replication source", async () => {
        const sim = await stoodUp();
        sim.world.switchover("aurora", IDS.auroraGlobal, IDS.drAurora);
        const { changes } = await sim.refresh("prod");
        const cluster = stateOf(sim, "prod", TYPES.rdsCluster);
        assert.strictEqual(cluster.planned.inputs.globalClusterIdentifier, IDS.auroraGlobal);
        assert.strictEqual(cluster.planned.inputs.replicationSourceIdentifier, sim.world.clusters.get(IDS.drAurora)!.arn);
        assert.ok(changes.some((c) => c.includes("replicationSourceIdentifier")), changes.join("\n"));
        // The DR cluster is now the writable one, prod's not.
        assert.deepStrictEqual(writablePrimaries(sim).aurora, [IDS.drAurora]);
    });

    it("after a cache failover, the global datastore's primaryReplicationGroupId is the DR group", async () => {
        const sim = await stoodUp();
        sim.world.cacheFailover(IDS.cacheGlobal, IDS.drCache);
        await sim.refresh("prod");
        assert.strictEqual(stateOf(sim, "prod", TYPES.cacheGlobal).planned.inputs.primaryReplicationGroupId, IDS.drCache);
    });

    it("refresh of a stack in a lost region fails; the dr stack still reads prod's outputs from state", async () => {
        const sim = await stoodUp();
        sim.world.down.add("us-east-1");
        await assert.rejects(sim.refresh("prod"), /us-east-1 API does not answer/);
        const up = await sim.up("dr", drConfig({ mode: "standby" })());
        assert.ok(up.ok, up.failures.join("\n"));
        assert.deepStrictEqual(up.operations, { create: [], update: [], replace: [], delete: [] });
    });

    it("a credential rotation outside Pulumi is not read back: the next up plans no password change", async () => {
        const sim = await stoodUp();
        const before = stateOf(sim, "prod", TYPES.rdsCluster).planned.inputs.masterPassword;
        sim.world.rotateCredentials(IDS.prodAurora);
        await sim.refresh("prod");
        assert.strictEqual(stateOf(sim, "prod", TYPES.rdsCluster).planned.inputs.masterPassword, before);
        const up = await sim.up("prod", prodConfig()());
        assert.ok(up.ok);
        assert.ok(!up.operations.update.includes("aws:rds/cluster:Cluster::aurora-cluster"), "rds/cluster.go Read does not set master_password: the program's secret and the database now disagree");
        assert.strictEqual(sim.world.clusters.get(IDS.prodAurora)!.passwordRotated, true);
    });
});

describe("lifecycle simulator: AWS events", function () {
    this.timeout(60_000);

    it("a switchover needs both regions; a failover with data loss needs only the target's", async () => {
        const sim = await stoodUp();
        sim.world.down.add("us-east-1");
        assert.throws(() => sim.world.switchover("aurora", IDS.auroraGlobal, IDS.drAurora), AwsRefusal);
        sim.world.failover("aurora", IDS.auroraGlobal, IDS.drAurora);
        assert.strictEqual(sim.world.globals.get(IDS.auroraGlobal)!.primary, IDS.drAurora);
        // The old primary stays in the topology and returns read-only.
        assert.ok(sim.world.globals.get(IDS.auroraGlobal)!.members.includes(IDS.prodAurora));
        sim.world.down.delete("us-east-1");
        assert.strictEqual(sim.world.writable(sim.world.clusters.get(IDS.prodAurora)!), false);
    });

    it("remove-from-global-cluster leaves a standalone writable cluster, and the old primary writable too", async () => {
        const sim = await stoodUp();
        sim.world.removeFromGlobal("aurora", IDS.auroraGlobal, IDS.drAurora);
        const dr = sim.world.clusters.get(IDS.drAurora)!;
        assert.strictEqual(dr.global, undefined);
        assert.ok(sim.world.writable(dr));
        assert.ok(sim.world.writable(sim.world.clusters.get(IDS.prodAurora)!));
        assert.deepStrictEqual(writablePrimaries(sim).aurora, [IDS.drAurora, IDS.prodAurora]);
    });

    it("an update that re-adds globalClusterIdentifier to an existing cluster is refused by AWS", async () => {
        const sim = await stoodUp();
        sim.world.removeFromGlobal("aurora", IDS.auroraGlobal, IDS.drAurora);
        await sim.refresh("dr");
        // standby declares the global cluster again: AWS cannot add an existing cluster to a global cluster.
        const up = await sim.up("dr", drConfig({ mode: "standby" })());
        assert.strictEqual(up.ok, false);
        assert.match(up.failures.join("\n"), /existing RDS Clusters cannot be added/);
    });

    it("the drill's backup assertion sees a writable cluster no plan selects", async () => {
        const sim = await stoodUp();
        assert.deepStrictEqual(unbackedUp(sim), []);
        sim.world.down.add("us-east-1");
        sim.world.failover("aurora", IDS.auroraGlobal, IDS.drAurora);
        assert.deepStrictEqual(unbackedUp(sim), [`${IDS.drAurora} takes writes in us-west-2 and no backup plan of dr selects it`]);
    });
});

describe("issue 14, defect 2: a refresh after AWS moved the primaries plans no replacement and no promotion", function () {
    this.timeout(60_000);

    it("prod's up after a cache failover and a refresh does not replace the global datastore", async () => {
        const sim = await stoodUp();
        sim.world.cacheFailover(IDS.cacheGlobal, IDS.drCache);
        await sim.refresh("prod");
        const up = await sim.up("prod", prodConfig()());
        assert.deepStrictEqual(up.failures, []);
        assert.deepStrictEqual(up.operations.replace, []);
        assert.ok(!up.operations.update.includes("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup::replication-cache"));
        assert.ok(stateOf(sim, "prod", TYPES.cacheGlobal).planned.ignoreChanges.includes("primaryReplicationGroupId"));
    });

    it("prod's up after an Aurora switchover and a refresh keeps replicationSourceIdentifier (no PromoteReadReplicaDBCluster)", async () => {
        const sim = await stoodUp();
        sim.world.switchover("aurora", IDS.auroraGlobal, IDS.drAurora);
        await sim.refresh("prod");
        const up = await sim.up("prod", prodConfig()());
        assert.deepStrictEqual(up.failures, []);
        assert.ok(!up.operations.update.includes("aws:rds/cluster:Cluster::aurora-cluster"), JSON.stringify(up.operations));
        // Still a secondary of the same global cluster.
        assert.strictEqual(sim.world.clusters.get(IDS.prodAurora)!.global, IDS.auroraGlobal);
    });
});

describe("issue 14, defect 3: prod steps down with replication.primaryActive false", function () {
    this.timeout(60_000);

    it("role standby, verified as a secondary, no migrate Job, PgBouncer at 0 replicas", async () => {
        const ev = await evaluateStack("prod", { stackConfig: prodConfig({ primaryActive: false })() });
        assert.strictEqual(ev.outputs.role, "standby");
        assert.strictEqual(ev.outputs.verification.role, "standby");
        // Verified against the reader endpoint, as a secondary.
        assert.strictEqual(ev.outputs.verification.postgres.writer, ev.outputs.auroraReaderEndpoint);
        const jobs = ev.resources.filter((r) => r.type === "kubernetes:batch/v1:Job").map((r) => r.name);
        assert.deepStrictEqual(jobs, ["k8s-verify"]);
        const pgbouncer = ev.resources.find((r) => r.type === TYPES.deployment && r.name === "k8s-pgbouncer")!;
        assert.strictEqual(pgbouncer.inputs.spec.replicas, 0);
        // The handoff tells dr it may promote without force.
        assert.strictEqual(ev.outputs.drHandoff.primaryActive, false);
    });

    it("primaryActive true (the default) keeps prod primary with its migrate Job and PgBouncer", async () => {
        const ev = await evaluateStack("prod", { stackConfig: prodConfig()() });
        assert.strictEqual(ev.outputs.verification.role, "primary");
        assert.ok(ev.resources.some((r) => r.type === "kubernetes:batch/v1:Job" && r.name === "k8s-migrate"));
        assert.strictEqual(ev.resources.find((r) => r.type === TYPES.deployment && r.name === "k8s-pgbouncer")!.inputs.spec.replicas, 3);
    });

    it("after a detach, the returning old primary takes no writes through the platform once prod stepped down", async () => {
        const sim = await stoodUp();
        sim.world.down.add("us-east-1");
        sim.world.removeFromGlobal("aurora", IDS.auroraGlobal, IDS.drAurora);
        sim.world.removeFromGlobal("docdb", IDS.docsGlobal, IDS.drDocs);
        const promote = await sim.up("dr", drConfig({ mode: "promote", force: true })());
        assert.ok(promote.ok, promote.failures.join("\n"));
        sim.world.down.delete("us-east-1");
        // Nothing on AWS's side fences a detached topology: prod's cluster is writable again.
        assert.deepStrictEqual(writablePrimaries(sim).aurora, [IDS.drAurora, IDS.prodAurora]);
        const stepDown = await sim.up("prod", prodConfig({ primaryActive: false })());
        assert.ok(stepDown.ok, stepDown.failures.join("\n"));
        assert.deepStrictEqual(writablePrimaries(sim).aurora, [IDS.drAurora]);
        // DocumentDB's clients connect directly: stepping down alone does not fence them.
        assert.deepStrictEqual(writablePrimaries(sim).docdb, [IDS.drDocs, IDS.prodDocs]);
        // replication.fenced withdraws every client rule of prod's stores: DocumentDB and the cache too.
        const fence = await sim.up("prod", prodConfig({ primaryActive: false, fenced: true })());
        assert.ok(fence.ok, fence.failures.join("\n"));
        const after = writablePrimaries(sim);
        assert.deepStrictEqual([after.aurora, after.docdb], [[IDS.drAurora], [IDS.drDocs]]);
        assert.ok(!after.cache.includes(IDS.prodCache), `prod's cache still reachable: ${after.cache.join(", ")}`);
        const rules = sim.ofType("prod", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        assert.deepStrictEqual(rules.map((r) => r.planned.name), []);
    });

    it("replication.fenced: no client rule on any store, no verification Job, PgBouncer at 0; refused while prod is still primary", async () => {
        const ev = await evaluateStack("prod", { stackConfig: prodConfig({ primaryActive: false, fenced: true })() });
        assert.deepStrictEqual(ev.resources.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => r.name), []);
        assert.strictEqual(ev.resources.filter((r) => r.type === "aws:ec2/securityGroup:SecurityGroup").length, 3, "the stores keep their security groups, only the rules go");
        assert.deepStrictEqual(ev.resources.filter((r) => r.type === "kubernetes:batch/v1:Job").map((r) => r.name), []);
        assert.strictEqual(ev.resources.find((r) => r.type === TYPES.deployment && r.name === "k8s-pgbouncer")!.inputs.spec.replicas, 0);
        await assert.rejects(
            evaluateStack("prod", { stackConfig: prodConfig({ fenced: true })() }),
            (e: Error) => /mlops-data:replication\.fenced: needs replication\.primaryActive false/.test(e.message),
        );
    });
});

describe("prod rebuilt for fail-back: replication.generation and rebuilds", function () {
    this.timeout(60_000);
    const arn = (region: string, id: string) => `arn:aws:rds:${region}:123456789012:cluster:${id}`;
    const rebuild2 = { generation: 2, auroraSource: arn("us-west-2", IDS.drAurora), documentdbSource: arn("us-west-2", IDS.drDocs) };
    const refused = (o: Parameters<typeof prodConfig>[0], message: RegExp) =>
        assert.rejects(evaluateStack("prod", { stackConfig: prodConfig(o)() }), (e: Error) => message.test(e.message), String(message));

    it("generation 2 declares its global clusters in the DR region from the given sources, its clusters as their members, and generation 1 without client rules", async () => {
        const ev = await evaluateStack("prod", { stackConfig: prodConfig({ primaryActive: false, generation: 2, rebuilds: [rebuild2] })() });
        const global = ev.resources.find((r) => r.type === TYPES.rdsGlobal && r.name === "replication-gen-2-aurora")!;
        assert.strictEqual(global.inputs.sourceDbClusterIdentifier, rebuild2.auroraSource);
        assert.strictEqual(global.inputs.globalClusterIdentifier, "mlops-prod-mlflow-global-2");
        assert.deepStrictEqual(global.ignoreChanges, ["sourceDbClusterIdentifier"]);
        assert.match(String(global.provider), /::dr-region::/);
        const cluster = ev.resources.find((r) => r.type === TYPES.rdsCluster && r.name === "aurora-gen-2-cluster")!;
        assert.strictEqual(cluster.inputs.clusterIdentifier, "mlops-prod-mlflow-g2");
        assert.strictEqual(cluster.inputs.globalClusterIdentifier, "mlops-prod-mlflow-global-2");
        assert.strictEqual(cluster.inputs.masterPassword, undefined, "a secondary declares no master password");
        // Stepped down (a secondary): no master password declared, and the one it may have is kept (ignored).
        assert.deepStrictEqual([...cluster.ignoreChanges].sort(), ["engineVersion", "globalClusterIdentifier", "masterPassword", "replicationSourceIdentifier"]);
        // Generation 1 is still declared (keep), its security groups without a single client rule; the cache is not rebuilt.
        const rules = ev.resources.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => r.name);
        assert.ok(ev.resources.some((r) => r.type === TYPES.rdsCluster && r.name === "aurora-cluster"));
        assert.deepStrictEqual(rules.filter((n) => /^(aurora|documentdb)-sg-/.test(n)), []);
        assert.ok(rules.some((n) => n.startsWith("aurora-gen-2-sg-")) && rules.some((n) => n.startsWith("cache-sg-")));
        assert.deepStrictEqual(ev.resources.filter((r) => r.type === TYPES.cacheGroup).map((r) => r.inputs.replicationGroupId), ["mlops-prod-cache"]);
        // The secret of generation 2 records generation 1's generated password (the users the global cluster replicates).
        const secrets = ev.resources.filter((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion" && /^aurora(-gen-2)?-master-secret$/.test(r.name));
        const passwords = secrets.map((r) => JSON.parse(String(r.inputs.secretString)).password);
        assert.strictEqual(passwords.length, 2);
        assert.strictEqual(passwords[0], passwords[1]);
    });

    it("refuses a generation without its rebuild, a source outside the DR region, a generation listed twice or above the one in service, and a malformed ARN", async () => {
        await refused({ generation: 2 }, /mlops-data:replication\.rebuilds: must list generation 2 \(replication\.generation\)/);
        await refused({ generation: 2, rebuilds: [{ ...rebuild2, auroraSource: arn("us-east-1", "mlops-prod-mlflow") }] }, /replication\.rebuilds\[0\]\.auroraSource: is a cluster in us-east-1; a rebuild is made from the cluster serving in the DR region \(replication\.drRegion, us-west-2\)/);
        await refused({ generation: 2, rebuilds: [rebuild2, rebuild2] }, /replication\.rebuilds\[1\]\.generation: names a generation twice/);
        await refused({ generation: 2, rebuilds: [rebuild2, { ...rebuild2, generation: 3 }] }, /replication\.rebuilds\[1\]\.generation: is above replication\.generation \(2\)/);
        await refused({ generation: 2, rebuilds: [{ ...rebuild2, documentdbSource: "mlops-dr-docs" }] }, /replication\.rebuilds\[0\]\.documentdbSource: must be a cluster ARN/);
    });
});
