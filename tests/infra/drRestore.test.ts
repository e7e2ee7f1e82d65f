/**
 * The dr stack across mode changes, judged by the engine's diff (Pulumi's
 * semantics: the plan of the mode before stands for the state) and by the
 * provider rules (issue 14, defects 1 and 4):
 * - restore builds new logical resources from the snapshots, and leaves the
 *   standby secondaries exactly as they were (or removes them deliberately);
 * - the DR vault outlives every mode change, the clusters in service are backed
 *   up, and a detached generation never stands by again.
 */
import * as assert from "assert";
import { ConfigError, ConfigProblem } from "../../infra/config";
import { StackEvaluation, StackEvaluationError, StackReferenceAnswer, evaluateStack } from "../../engine/mockEngine";
import { StackFileConfig, readStackFile } from "../../engine/stackFile";
import { Plan, buildPlan } from "../../engine/plan";
import { ResourceChange, diffPlans } from "../../engine/diff";
import { checkResources, specOf } from "../../engine/provider/check";
import type { RuleContext } from "../../engine/provider/spec";
import { cacheLogGroupPrefix } from "../../infra/components/redisCache";
import { TYPES, ofType, only, stack } from "../harness";
import { configOf, drConfigOf } from "./stackConfig";

type Json = Record<string, any>;
const PRIMARY_STACK = drConfigOf("dr").dr.primaryStack;
const AURORA_SNAPSHOT = "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:awsbackup:copyjob-0a1b2c3d";
const DOCS_SNAPSHOT = "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:awsbackup:copyjob-4e5f6a7b";

/** The data-bearing types: what a mode change must never touch by accident. */
const STORES: string[] = [TYPES.cluster, TYPES.instance, TYPES.docdbCluster, TYPES.docdbInstance, TYPES.replicationGroup];

function drWith(change: (dr: Json) => void): StackFileConfig {
    const base = readStackFile("dr");
    const dr = JSON.parse(base.config["mlops-data:dr"]);
    change(dr);
    return { ...base, config: { ...base.config, "mlops-data:dr": JSON.stringify(dr) } };
}

async function prodAnswer(): Promise<Record<string, StackReferenceAnswer>> {
    const prod = await stack("prod");
    return { [PRIMARY_STACK]: { outputs: structuredClone(prod.outputs), secretOutputNames: prod.secretOutputs } };
}

interface Planned {
    ev: StackEvaluation;
    plan: Plan;
}

const planned = new Map<string, Promise<Planned>>();
/** The dr stack with its `dr` section changed, evaluated once per distinct change: its evaluation and plan. */
function dr(change: (dr: Json) => void): Promise<Planned> {
    const cfg = drWith(change);
    const key = cfg.config["mlops-data:dr"];
    let p = planned.get(key);
    if (!p) {
        p = prodAnswer().then(async (stackReferences) => {
            const ev = await evaluateStack("dr", { stackConfig: cfg, stackReferences });
            return { ev, plan: buildPlan(ev, cfg, null) };
        });
        planned.set(key, p);
    }
    return p;
}

async function problemsOf(change: (dr: Json) => void): Promise<ConfigProblem[]> {
    try {
        await evaluateStack("dr", { stackConfig: drWith(change), stackReferences: await prodAnswer() });
    } catch (e) {
        assert.ok(e instanceof StackEvaluationError && e.cause instanceof ConfigError, String(e));
        return e.cause.problems;
    }
    return assert.fail("the dr stack accepted the configuration");
}

const standby = () => dr(() => undefined);
const restore = (more: (d: Json) => void = () => undefined) =>
    dr((d) => {
        d.mode = "restore";
        d.force = true;
        d.restore = { auroraSnapshot: AURORA_SNAPSHOT, documentdbSnapshot: DOCS_SNAPSHOT };
        more(d);
    });
const promote = (detached: number[]) =>
    dr((d) => {
        d.mode = "promote";
        d.force = true;
        d.detached = detached;
    });

const byName = (p: Planned, type: string, name: string) => only(p.ev, type, name);
/** Changes to resources whose names start with one of the given component names (children are named after their component). */
const under = (changes: ResourceChange[], components: string[]) => changes.filter((c) => components.some((name) => c.name.startsWith(name)));
/** A replacement or deletion, other than of the wiring's ConfigMaps (in-cluster copies the wiring replaces when the endpoints move). */
const replacedOrDeleted = (c: ResourceChange) => (c.kind === "replace" || c.kind === "delete") && c.type !== "kubernetes:core/v1:ConfigMap";
const kinds = (changes: ResourceChange[]) => changes.map((c) => `${c.kind} ${c.type}::${c.name}`);

/** The provider's rule on a restore into a global cluster, as the engine applies it. */
function snapshotGlobalRule(inputs: Record<string, unknown>): string | undefined {
    const rule = specOf(TYPES.cluster)!.rules.find((r) => r.id === "rds-cluster-snapshot-global")!;
    return rule.check(inputs, {} as RuleContext);
}

describe("dr restore: new stores from the snapshots (defect 1)", () => {
    it("standby -> restore creates the restored clusters, instances and cache, and changes nothing of the standby stores", async () => {
        const [before, after] = [await standby(), await restore()];
        const diff = diffPlans(before.plan, after.plan);
        const prod = configOf("prod");
        const added = diff.changes.filter((c) => c.kind === "add" && STORES.includes(c.type)).map((c) => c.name).sort();
        assert.deepStrictEqual(
            added,
            [
                "aurora-restore-1-cluster",
                ...Array.from({ length: prod.aurora.instances }, (_, i) => `aurora-restore-1-instance-${i + 1}`),
                "cache-restore-1-group",
                "documentdb-restore-1-cluster",
                ...Array.from({ length: prod.documentdb.instances }, (_, i) => `documentdb-restore-1-instance-${i + 1}`),
            ].sort(),
        );
        // Nothing replaced or deleted but what the wiring re-creates when the endpoints move, and no data store
        // that existed is updated: no dropped globalClusterIdentifier, no master password set on a secondary,
        // no cache leaving its datastore.
        assert.deepStrictEqual(kinds(diff.changes.filter(replacedOrDeleted)), []);
        const touched = diff.changes.filter((c) => c.kind !== "add" && STORES.includes(c.type));
        assert.deepStrictEqual(kinds(touched), []);
        // Under the standby components (aurora, documentdb, cache) nothing changes at all.
        const standbyUrns = new Set(before.plan.resources.filter((r) => /::(aurora|documentdb|cache)(-|$)/.test(r.urn) && !r.urn.includes("-restore-")).map((r) => r.urn));
        assert.ok(standbyUrns.size > 20, "the standby components are found");
        assert.deepStrictEqual(kinds(diff.changes.filter((c) => standbyUrns.has(c.urn))), []);
        // The standby cluster is declared exactly as in standby: still a member of prod's global cluster.
        const h = (await stack("prod")).outputs.drHandoff;
        assert.strictEqual(byName(after, TYPES.cluster, "aurora-cluster").inputs.globalClusterIdentifier, h.aurora.globalClusterIdentifier);
        assert.strictEqual(byName(after, TYPES.replicationGroup, "cache-group").inputs.globalReplicationGroupId, h.redis.globalReplicationGroupId);
    });

    it("the restored clusters' inputs pass the provider's and AWS's rules (a restore never joins a global cluster)", async () => {
        const p = await restore();
        assert.deepStrictEqual(checkResources(p.plan.resources, p.plan.region).violations, []);
        for (const [type, name, snapshot] of [
            [TYPES.cluster, "aurora-restore-1-cluster", AURORA_SNAPSHOT],
            [TYPES.docdbCluster, "documentdb-restore-1-cluster", DOCS_SNAPSHOT],
        ]) {
            const c = byName(p, type, name);
            assert.strictEqual(c.inputs.snapshotIdentifier, snapshot, name);
            assert.strictEqual(c.inputs.globalClusterIdentifier, undefined, name);
            assert.strictEqual(c.inputs.masterUsername, undefined, `${name}: the snapshot carries the master user`);
            assert.ok(c.secretPaths.includes("masterPassword"), `${name}: prod's password, so that the secret stays true`);
        }
        const restoredAurora = byName(p, TYPES.cluster, "aurora-restore-1-cluster").inputs;
        assert.strictEqual(snapshotGlobalRule(restoredAurora), undefined);
        // The rule bites these very inputs once they name a global cluster, as the old restore mode did.
        assert.match(snapshotGlobalRule({ ...restoredAurora, globalClusterIdentifier: "mlops-prod-mlflow-global" }) ?? "", /globalClusterIdentifier/);
    });

    it("the restored cache is a new replication group whose log group the DR cache key (prod's) allows", async () => {
        const p = await restore();
        const rg = byName(p, TYPES.replicationGroup, "cache-restore-1-group");
        assert.strictEqual(rg.inputs.replicationGroupId, "mlops-dr-cache-r1");
        assert.strictEqual(rg.inputs.globalReplicationGroupId, undefined);
        assert.strictEqual(rg.inputs.transitEncryptionMode, "required");
        const logGroup = byName(p, TYPES.logGroup, "cache-restore-1-slow-log").inputs.name;
        const prodKey = only(await stack("prod"), TYPES.kmsKey, "replication-dr-cache-key");
        const allowed = JSON.parse(prodKey.inputs.policy).Statement.find((s: any) => s.Principal.Service).Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"] as string;
        const prefix = allowed.split(":log-group:")[1].replace(/\*$/, "");
        assert.strictEqual(prefix, cacheLogGroupPrefix("mlops-dr-cache"));
        assert.ok(logGroup.startsWith(prefix) && logGroup !== `${prefix}slow-log`, logGroup);
    });

    it("points the verification contract, the outputs, the secrets and the Kubernetes wiring at the restored stores", async () => {
        const p = await restore();
        const h = (await stack("prod")).outputs.drHandoff;
        const aurora = byName(p, TYPES.cluster, "aurora-restore-1-cluster");
        const docs = byName(p, TYPES.docdbCluster, "documentdb-restore-1-cluster");
        const rg = byName(p, TYPES.replicationGroup, "cache-restore-1-group");
        const c = p.ev.outputs.verification;
        assert.strictEqual(c.role, "primary");
        assert.strictEqual(c.postgres.writer, aurora.outputs.endpoint);
        assert.strictEqual(c.postgres.password, h.aurora.masterPassword);
        assert.strictEqual(c.documentdb.endpoint, docs.outputs.endpoint);
        assert.strictEqual(c.redis.primary, rg.outputs.primaryEndpointAddress);
        assert.strictEqual(p.ev.outputs.auroraClusterIdentifier, "mlops-dr-mlflow-r1");
        assert.strictEqual(p.ev.outputs.documentDbClusterIdentifier, "mlops-dr-docs-r1");
        // New secret names beside the standby's, with prod's credentials.
        const secret = byName(p, TYPES.secretVersion, "aurora-restore-1-master-secret");
        const stored = JSON.parse(secret.inputs.secretString);
        assert.strictEqual(stored.host, aurora.outputs.endpoint);
        assert.strictEqual(stored.password, h.aurora.masterPassword);
        assert.strictEqual(byName(p, TYPES.secret, "aurora-restore-1-master-secret").inputs.name, "mlops-dr/aurora-r1/master");
        assert.strictEqual(JSON.parse(byName(p, TYPES.secretVersion, "cache-restore-1-auth-secret").inputs.secretString).authToken, h.redis.authToken);
        // MLflow's stable names follow the restored writer.
        const services = ofType(p.ev, "kubernetes:core/v1:Service").filter((s) => s.inputs.spec?.type === "ExternalName");
        const hosts = services.map((s) => s.inputs.spec.externalName);
        assert.ok(hosts.includes(aurora.outputs.endpoint), hosts.join(", "));
        assert.ok(!hosts.includes(byName(p, TYPES.cluster, "aurora-cluster").outputs.endpoint));
        assert.ok(!hosts.includes(byName(p, TYPES.cluster, "aurora-cluster").outputs.readerEndpoint));
    });

    it("a second restore is again new: generation 2 creates new stores, generation 1 stays as it was", async () => {
        const first = await restore();
        const second = await restore((d) => {
            d.restore.generation = 2;
            d.restored = [{ generation: 1, auroraSnapshot: AURORA_SNAPSHOT, documentdbSnapshot: DOCS_SNAPSHOT }];
            d.restore.auroraSnapshot = `${AURORA_SNAPSHOT}-later`;
        });
        const diff = diffPlans(first.plan, second.plan);
        assert.ok(diff.changes.some((c) => c.kind === "add" && c.name === "aurora-restore-2-cluster"));
        assert.strictEqual(byName(second, TYPES.cluster, "aurora-restore-2-cluster").inputs.snapshotIdentifier, `${AURORA_SNAPSHOT}-later`);
        assert.deepStrictEqual(kinds(diff.changes.filter((c) => c.kind !== "add" && STORES.includes(c.type))), []);
        assert.deepStrictEqual(kinds(under(diff.changes, ["aurora-restore-1", "documentdb-restore-1", "cache-restore-1", "aurora-cluster", "aurora-instance"])), []);
        // The backups follow the stores in service.
        assert.deepStrictEqual(
            [...byName(second, TYPES.selection, "backup-scheduled").inputs.resources].sort(),
            [byName(second, TYPES.cluster, "aurora-restore-2-cluster").outputs.arn, byName(second, TYPES.docdbCluster, "documentdb-restore-2-cluster").outputs.arn].sort(),
        );
    });

    it("a restore after a detach keeps the detached clusters as promoted: nothing re-attaches them", async () => {
        const [detached, restored] = [await promote([1]), await restore((d) => (d.detached = [1]))];
        const diff = diffPlans(detached.plan, restored.plan);
        assert.deepStrictEqual(kinds(diff.changes.filter((c) => c.kind !== "add" && STORES.includes(c.type))), []);
        assert.strictEqual(byName(restored, TYPES.cluster, "aurora-cluster").inputs.globalClusterIdentifier, undefined);
        assert.ok(diff.changes.some((c) => c.kind === "add" && c.name === "aurora-restore-1-cluster"));
    });

    it("refuses a restore that reuses an earlier generation, and a restore left out of dr.restored", async () => {
        const reused = await problemsOf((d) => {
            d.mode = "restore";
            d.force = true;
            d.restore = { generation: 1, auroraSnapshot: AURORA_SNAPSHOT, documentdbSnapshot: DOCS_SNAPSHOT };
            d.restored = [{ generation: 1, auroraSnapshot: AURORA_SNAPSHOT, documentdbSnapshot: DOCS_SNAPSHOT }];
        });
        assert.deepStrictEqual(reused.map((p) => p.key), ["mlops-data:dr.restore.generation"]);
        assert.match(reused[0].message, /^is 1, an earlier restore \(dr\.restored\): a new restore takes a new generation, e\.g\. 2/);
        const forgotten = await problemsOf((d) => {
            d.restore = { generation: 1, auroraSnapshot: AURORA_SNAPSHOT, documentdbSnapshot: DOCS_SNAPSHOT };
        });
        assert.deepStrictEqual(forgotten.map((p) => p.key), ["mlops-data:dr.restored"]);
        assert.match(forgotten[0].message, /must list restore generation 1 .* or its restored clusters are no longer declared/);
    });

    it("removes the standby secondaries only deliberately: removing them at once is blocked by protect; unprotect, then remove, is not", async () => {
        const [before, unprotected, removed] = [await standby(), await restore((d) => (d.retired = "unprotect")), await restore((d) => (d.retired = "remove"))];
        // At once: every protected standby cluster's delete is refused by Pulumi.
        const atOnce = diffPlans(before.plan, removed.plan);
        const clusterDeletes = atOnce.changes.filter((c) => c.kind === "delete" && ([TYPES.cluster, TYPES.docdbCluster] as string[]).includes(c.type));
        assert.deepStrictEqual(clusterDeletes.map((c) => c.name).sort(), ["aurora-cluster", "documentdb-cluster"]);
        assert.ok(clusterDeletes.every((c) => c.blocked), "protect blocks the delete");
        // Step 1: an update in place lifts AWS's deletion protection and Pulumi's protect; nothing else changes.
        const step1 = diffPlans(before.plan, unprotected.plan).changes.filter((c) => c.kind !== "add" && STORES.includes(c.type));
        assert.deepStrictEqual(step1.map((c) => `${c.kind} ${c.name}`).sort(), ["update aurora-cluster", "update documentdb-cluster"]);
        for (const c of step1) assert.deepStrictEqual(c.properties.map((x) => x.path).sort(), ["(protect)", "deletionProtection"]);
        // Step 2: the deletes go through (the provider removes a secondary from its global cluster first).
        const step2 = diffPlans(unprotected.plan, removed.plan);
        const deletes = step2.changes.filter((c) => c.kind === "delete" && STORES.includes(c.type));
        assert.deepStrictEqual(deletes.map((c) => c.name).sort(), ["aurora-cluster", "aurora-instance-1", "cache-group", "documentdb-cluster", "documentdb-instance-1"]);
        assert.ok(deletes.every((c) => !c.blocked));
        assert.ok(step2.changes.every((c) => !c.name.includes("-restore-1") || c.kind !== "delete"));
    });
});

describe("dr: returning to standby (defect 4)", () => {
    const VAULT_TYPES: string[] = [TYPES.vault, "aws:backup/vaultPolicy:VaultPolicy", TYPES.kmsKey, TYPES.kmsAlias];

    it("no mode change deletes or replaces the DR vault, its key or its policy", async () => {
        const modes: [string, Planned][] = [
            ["standby", await standby()],
            ["promote", await promote([])],
            ["restore", await restore()],
        ];
        for (const [from, a] of modes) {
            for (const [to, b] of modes) {
                if (from === to) continue;
                const lost = diffPlans(a.plan, b.plan).changes.filter((c) => (c.kind === "delete" || c.kind === "replace") && VAULT_TYPES.includes(c.type));
                assert.deepStrictEqual(kinds(lost), [], `${from} -> ${to}`);
            }
            assert.strictEqual(byName(a, TYPES.vault, "backup-vault").inputs.name, "mlops-dr-backups", from);
            assert.deepStrictEqual(checkResources(a.plan.resources, a.plan.region).violations, [], `${from}: the provider's and AWS's rules`);
        }
    });

    it("promote and restore back up the clusters in service with prod's backup settings; standby backs up nothing", async () => {
        const prod = configOf("prod");
        for (const [p, aurora, docs] of [
            [await promote([]), "aurora-cluster", "documentdb-cluster"],
            [await restore(), "aurora-restore-1-cluster", "documentdb-restore-1-cluster"],
        ] as const) {
            const [rule] = byName(p, TYPES.plan, "backup-scheduled").inputs.rules;
            assert.strictEqual(rule.schedule, prod.backup.schedule);
            assert.strictEqual(rule.lifecycle.deleteAfter, prod.backup.deleteAfterDays);
            assert.deepStrictEqual(rule.copyActions, [], "no copy back to the primary region");
            const arns = [byName(p, TYPES.cluster, aurora).outputs.arn, byName(p, TYPES.docdbCluster, docs).outputs.arn];
            assert.deepStrictEqual([...byName(p, TYPES.selection, "backup-scheduled").inputs.resources].sort(), [...arns].sort());
            if (prod.backup.continuous.enabled) assert.deepStrictEqual(byName(p, TYPES.selection, "backup-continuous").inputs.resources, [arns[0]]);
        }
        assert.deepStrictEqual(ofType((await standby()).ev, TYPES.selection), []);
    });

    it("promote must say which generations were detached", async () => {
        const problems = await problemsOf((d) => {
            d.mode = "promote";
            d.force = true;
        });
        assert.deepStrictEqual(problems.map((p) => p.key), ["mlops-data:dr.detached"]);
        assert.match(problems[0].message, /^is required in promote mode: .*\[1\] after remove-from-global-cluster/);
    });

    it("standby after a detach, in the same generation, is refused with the procedure", async () => {
        const problems = await problemsOf((d) => (d.detached = [1]));
        assert.deepStrictEqual(problems.map((p) => p.key), ["mlops-data:dr.standby.generation"]);
        assert.match(problems[0].message, /^is 1, a generation detached from its global clusters \(dr\.detached\): AWS refuses to add an existing cluster to a global cluster\. /);
        assert.match(problems[0].message, /set dr\.standby\.generation to 2/);
    });

    it("standby after a detach, with a new generation: new secondaries, and the detached clusters left as they were", async () => {
        const [detached, back] = [await promote([1]), await dr((d) => {
            d.detached = [1];
            d.standby.generation = 2;
        })];
        const diff = diffPlans(detached.plan, back.plan);
        const h = (await stack("prod")).outputs.drHandoff;
        const added = diff.changes.filter((c) => c.kind === "add" && ([TYPES.cluster, TYPES.docdbCluster, TYPES.replicationGroup] as string[]).includes(c.type));
        // The cache is not detached by the runbook (it is failed over): the one standing by stays the datastore's member.
        assert.deepStrictEqual(added.map((c) => c.name).sort(), ["aurora-standby-2-cluster", "documentdb-standby-2-cluster"]);
        const s2 = byName(back, TYPES.cluster, "aurora-standby-2-cluster");
        assert.strictEqual(s2.inputs.clusterIdentifier, "mlops-dr-mlflow-s2");
        assert.strictEqual(s2.inputs.globalClusterIdentifier, h.aurora.globalClusterIdentifier);
        assert.strictEqual(byName(back, TYPES.replicationGroup, "cache-group").inputs.globalReplicationGroupId, h.redis.globalReplicationGroupId);
        // The detached generation: no globalClusterIdentifier put back, nothing replaced or deleted. The cache goes back to
        // a secondary; a diff of two plans cannot judge that (the provider diffs against the state, whose Computed values
        // Read set): the drill does, with the state carried, and finds an update in place ((e-detach), "dr standby, generation 2").
        const notCache = (c: ResourceChange) => !(c.name === "cache-group" || (c.type.startsWith("kubernetes:core/v1:Secret") || c.name === "cache-auth-secret"));
        assert.deepStrictEqual(kinds(diff.changes.filter((c) => c.kind !== "add" && STORES.includes(c.type) && notCache(c))), []);
        assert.strictEqual(byName(back, TYPES.cluster, "aurora-cluster").inputs.globalClusterIdentifier, undefined);
        // Going back to standby ends the DR backup plans and the primary's jobs; no data store goes, nothing is refused.
        assert.deepStrictEqual(kinds(diff.changes.filter((c) => notCache(c) && (c.dataLossRisk || c.blocked || (c.kind === "replace" && replacedOrDeleted(c))))), []);
        // The contract now verifies the new secondaries, read-only.
        assert.strictEqual(back.ev.outputs.verification.role, "standby");
        assert.strictEqual(back.ev.outputs.auroraClusterIdentifier, "mlops-dr-mlflow-s2");
        assert.deepStrictEqual(checkResources(back.plan.resources, back.plan.region).violations, []);
    });
});
