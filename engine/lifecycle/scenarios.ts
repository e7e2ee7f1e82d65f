/**
 * The disaster-recovery drill: the runbook's scenarios (docs/runbooks/dr-standup.md)
 * as lists of steps over the lifecycle simulator, each `up` with the operations
 * it must plan per stack, and the assertions every step must keep:
 * - the step succeeds (no provider or AWS rule broken, no protect violated, no
 *   AWS refusal, no unreachable region), unless the scenario expects it to fail;
 * - no data store is replaced or deleted that the step does not name as intended;
 * - never two writable primaries that clients can reach (per store kind);
 * - after every `up`, the active region's data is backed up: each writable
 *   cluster in a reachable region is selected by a backup plan of its stack;
 * - after an `up` of a stack whose contract says primary, the stores it serves take writes.
 *
 * A store counts as reached by clients only while it is in service (its stack's
 * outputs, hence its contract, secrets and Kubernetes names, name it) and not
 * fenced by hand (World.fenced): a dr stack's stores out of service (kept
 * secondaries, detached generations, earlier restores) are wired to no client,
 * take no writes, and so are neither a second primary nor unbacked-up active data.
 *
 * SCENARIOS is the list anyone can extend, reusing standUp() and the helpers.
 */
import { StackFileConfig, readStackFile } from "../stackFile";
import { Operations, Simulator, TYPES, UpResult, key } from "./simulator";
import { ClusterEngine, World } from "./world";

/**
 * What an up must plan: every operation, exactly; "create-all"; or, with `scope: "stores"`, exactly these
 * operations on the data stores and what serves them (STORE_TYPES), the rest left to the invariants (no
 * unintended replacement or deletion of a store, one writable primary, backups): for long sequences whose
 * alarms, secrets and parameter groups other scenarios already list.
 */
export type Expected = Partial<Operations> | "create-all" | (Partial<Operations> & { scope: "stores" });

/** The types a `scope: "stores"` expectation lists: clusters, instances, global resources, cache groups, backup selections, PgBouncer and the Jobs. */
export const STORE_TYPES = new Set<string>([
    TYPES.rdsCluster,
    TYPES.rdsInstance,
    TYPES.rdsGlobal,
    TYPES.docdbCluster,
    "aws:docdb/clusterInstance:ClusterInstance",
    TYPES.docdbGlobal,
    TYPES.cacheGroup,
    TYPES.cacheGlobal,
    TYPES.backupSelection,
    TYPES.deployment,
    "kubernetes:batch/v1:Job",
]);

export type Action =
    | { kind: "up"; stack: string; config: () => StackFileConfig; expect?: Expected; intendedDataLoss?: string[]; expectFailure?: RegExp }
    | { kind: "refresh"; stack: string; expectFailure?: RegExp }
    | { kind: "event"; describe: string; apply: (w: World) => void }
    | { kind: "check"; describe: string; check: (sim: Simulator) => string[] };

export interface Step {
    title: string;
    /** The runbook step it proves: a section of docs/runbooks/dr-standup.md. */
    runbook: string;
    action: Action;
}

export interface Scenario {
    id: string;
    title: string;
    steps: Step[];
}

export interface StepReport {
    step: Step;
    up?: UpResult;
    refreshed?: string[];
    problems: string[];
}

export interface ScenarioReport {
    scenario: Scenario;
    steps: StepReport[];
    ok: boolean;
}

// ---------- configuration of each step ----------

type Json = Record<string, any>;

/** A stack file with one structured key changed. */
export function withKey(stack: string, configKey: string, change: (v: Json) => void, base: StackFileConfig = readStackFile(stack)): StackFileConfig {
    const value = JSON.parse(base.config[configKey] ?? "{}");
    change(value);
    return { ...base, config: { ...base.config, [configKey]: JSON.stringify(value) } };
}

/** prod's replication.rebuilds entry: the generation and the DR clusters it is built from. */
export interface Rebuild {
    generation: number;
    auroraSource: string;
    documentdbSource: string;
}

export const prodConfig =
    (o: { primaryActive?: boolean; fenced?: boolean; auroraEngineVersion?: string; generation?: number; rebuilds?: Rebuild[]; retired?: "keep" | "unprotect" | "remove" } = {}) =>
    () => {
    let cfg = withKey("prod", "mlops-data:replication", (r) => {
        if (o.primaryActive !== undefined) r.primaryActive = o.primaryActive;
        if (o.fenced !== undefined) r.fenced = o.fenced;
        if (o.generation !== undefined) r.generation = o.generation;
        if (o.rebuilds) r.rebuilds = o.rebuilds.map((b) => ({ ...b }));
        if (o.retired) r.retired = o.retired;
    });
    if (o.auroraEngineVersion) cfg = withKey("prod", "mlops-data:aurora", (a) => (a.engineVersion = o.auroraEngineVersion), cfg);
    return cfg;
};

/**
 * The dr stack's file with its mode changed. `detached`: the standby generations removed from their
 * global clusters, which promote must be told ([] after a switchover or a failover-global-cluster, the
 * drill's events, which keep the membership).
 */
export interface DrMode {
    mode?: "standby" | "promote" | "restore";
    force?: boolean;
    detached?: number[];
    /** dr.standby.generation. */
    standbyGeneration?: number;
    /** dr.standby.restoreGeneration. */
    standbyRestoreGeneration?: number;
    /** dr.restore: the generation and the snapshots of the restore in restore mode (or of the last one). */
    restore?: { generation: number; auroraSnapshot: string; documentdbSnapshot: string };
    /** dr.restored: the earlier restores. */
    restored?: { generation: number; auroraSnapshot: string; documentdbSnapshot: string }[];
    retired?: "keep" | "unprotect" | "remove";
}

export const drConfig = (o: DrMode = {}) => () =>
    withKey("dr", "mlops-data:dr", (d) => {
        if (o.mode) d.mode = o.mode;
        if (o.force !== undefined) d.force = o.force;
        if (o.detached !== undefined) d.detached = o.detached;
        else if (o.mode === "promote") d.detached = [];
        if (o.standbyGeneration !== undefined) d.standby = { ...d.standby, generation: o.standbyGeneration };
        if (o.standbyRestoreGeneration !== undefined) d.standby = { ...d.standby, restoreGeneration: o.standbyRestoreGeneration };
        if (o.restore) d.restore = { ...o.restore };
        if (o.restored) d.restored = o.restored.map((r) => ({ ...r }));
        if (o.retired) d.retired = o.retired;
    });

// ---------- the stores, as AWS names them ----------

export const IDS = {
    prodAurora: "mlops-prod-mlflow",
    drAurora: "mlops-dr-mlflow",
    auroraGlobal: "mlops-prod-mlflow-global",
    prodDocs: "mlops-prod-docs",
    drDocs: "mlops-dr-docs",
    docsGlobal: "mlops-prod-docs-global",
    prodCache: "mlops-prod-cache",
    drCache: "mlops-dr-cache",
    cacheGlobal: "ldgnf-mlops-prod-cache",
} as const;

const PRIMARY_REGION = "us-east-1";

// ---------- the invariants ----------

/** The stack whose state holds the cluster. */
function ownerOf(sim: Simulator, clusterId: string, type: string): string | undefined {
    for (const [name] of sim.stacks) if (sim.ofType(name, type).some((r) => r.planned.inputs.clusterIdentifier === clusterId)) return name;
    return undefined;
}

/**
 * Whether the stack that owns a store has it in service: its outputs (the
 * verification contract, the secrets, the Kubernetes names are built from the
 * same stores) name it. A dr stack's stores out of service (the standby beside a
 * restore, detached or earlier generations: infra/platformPlan.ts, outOfService) are
 * declared but wired to no client. A store no stack owns counts as in service.
 */
export function inService(sim: Simulator, kind: ClusterEngine | "cache", id: string): boolean {
    const type = kind === "aurora" ? TYPES.rdsCluster : kind === "docdb" ? TYPES.docdbCluster : TYPES.cacheGroup;
    const field = kind === "cache" ? "replicationGroupId" : "clusterIdentifier";
    for (const [name, s] of sim.stacks) {
        if (!sim.ofType(name, type).some((r) => r.planned.inputs[field] === id)) continue;
        const o = s.outputs as Json;
        if (kind === "aurora") return o.auroraClusterIdentifier === id;
        if (kind === "docdb") return o.documentDbClusterIdentifier === id;
        return String(o.cachePrimaryEndpoint ?? "").includes(`${id}.`);
    }
    return true;
}

/**
 * Whether clients of the platform reach a store: its region answers, it is in
 * service (above), the operator has not cut its clients off by hand (World.fenced)
 * its security group admits clients (replication.fenced withdraws every client rule)
 * and, for Aurora, its stack runs PgBouncer pods (the platform's way in to Aurora;
 * a stepped-down stack runs none). DocumentDB and the cache are reached directly by
 * their clients: only replication.fenced (or an operator, by hand) keeps them off.
 */
export function clientsReach(sim: Simulator, engine: ClusterEngine | "cache", clusterId: string, region: string): boolean {
    if (!sim.world.reachable(region) || sim.world.fenced.has(clusterId) || !inService(sim, engine, clusterId)) return false;
    if (!admitsClients(sim, engine, clusterId)) return false;
    if (engine !== "aurora") return true;
    const owner = ownerOf(sim, clusterId, TYPES.rdsCluster);
    if (!owner) return true;
    const pgbouncers = sim.ofType(owner, TYPES.deployment).filter((d) => d.planned.name.endsWith("-pgbouncer"));
    return pgbouncers.length === 0 || pgbouncers.some((d) => Number((d.planned.inputs.spec as Json | undefined)?.replicas ?? 1) > 0);
}

/**
 * Whether the store's security group, as its stack declares it, admits any client:
 * a stack fenced by replication.fenced declares no client ingress rule
 * (infra/platformPlan.ts, isolated). A store no stack owns counts as admitting clients.
 */
function admitsClients(sim: Simulator, engine: ClusterEngine | "cache", id: string): boolean {
    const type = engine === "aurora" ? TYPES.rdsCluster : engine === "docdb" ? TYPES.docdbCluster : TYPES.cacheGroup;
    const field = engine === "cache" ? "replicationGroupId" : "clusterIdentifier";
    for (const [name] of sim.stacks) {
        const store = sim.ofType(name, type).find((r) => r.planned.inputs[field] === id);
        if (!store) continue;
        const groups = (store.planned.inputs[engine === "cache" ? "securityGroupIds" : "vpcSecurityGroupIds"] ?? []) as string[];
        return sim.ofType(name, INGRESS_RULE).some((rule) => groups.includes(String(rule.planned.inputs.securityGroupId)));
    }
    return true;
}

const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

/** Writable primaries clients can reach, per store kind: more than one is a split brain. */
export function writablePrimaries(sim: Simulator): { aurora: string[]; docdb: string[]; cache: string[] } {
    const w = sim.world;
    const clusters = (engine: ClusterEngine) =>
        [...w.clusters.values()].filter((c) => c.engine === engine && w.writable(c) && clientsReach(sim, engine, c.id, c.region)).map((c) => c.id).sort();
    const cache = [...w.caches.values()].filter((c) => w.cacheWritable(c) && clientsReach(sim, "cache", c.id, c.region)).map((c) => c.id).sort();
    return { aurora: clusters("aurora"), docdb: clusters("docdb"), cache };
}

function splitBrain(sim: Simulator): string[] {
    return Object.entries(writablePrimaries(sim))
        .filter(([, ids]) => ids.length > 1)
        .map(([kind, ids]) => `two writable ${kind} primaries reachable by clients: ${ids.join(", ")}`);
}

/** Each writable cluster in a reachable region is selected by an AWS Backup plan of the stack that owns it. */
export function unbackedUp(sim: Simulator): string[] {
    const problems: string[] = [];
    for (const c of sim.world.clusters.values()) {
        // A store out of service takes no writes from clients (no new data to lose); what it held when it
        // left service was backed up while it served (the DR vault outlives every mode).
        if (!sim.world.writable(c) || !sim.world.reachable(c.region) || !inService(sim, c.engine, c.id)) continue;
        const owner = ownerOf(sim, c.id, c.engine === "aurora" ? TYPES.rdsCluster : TYPES.docdbCluster);
        const selected = owner
            ? sim.ofType(owner, TYPES.backupSelection).some((s) => ((s.planned.inputs.resources as unknown[] | undefined) ?? []).includes(c.arn))
            : false;
        if (!selected) problems.push(`${c.id} takes writes in ${c.region} and no backup plan of ${owner ?? "any stack"} selects it`);
    }
    return problems;
}

/**
 * After an up of a stack whose contract says primary, the stores it serves take writes: a primary that
 * serves a secondary (a cache not failed back, a cluster not switched over) fails every write of its clients.
 */
export function primaryServesReadOnly(sim: Simulator, stack: string): string[] {
    const s = sim.stacks.get(stack);
    const o = (s?.outputs ?? {}) as Json;
    if ((o.verification as Json | undefined)?.role !== "primary" || !s || !sim.world.reachable(s.region)) return [];
    const w = sim.world;
    const problems: string[] = [];
    for (const id of [o.auroraClusterIdentifier, o.documentDbClusterIdentifier]) {
        const c = w.clusters.get(String(id));
        if (c && !w.writable(c)) problems.push(`${stack} serves as the primary, but ${c.id} is a secondary of ${c.global} (read-only)`);
    }
    const cache = [...w.caches.values()].find((c) => String(o.cachePrimaryEndpoint ?? "").includes(`${c.id}.`));
    if (cache && !w.cacheWritable(cache)) problems.push(`${stack} serves as the primary, but cache ${cache.id} is a secondary of ${cache.global} (read-only)`);
    return problems;
}

function compareOperations(stack: string, got: Operations, expected: Expected): string[] {
    if (expected === "create-all") {
        const other = [...got.update, ...got.replace, ...got.delete];
        return other.length ? [`${stack}: expected only creates, also planned: ${other.join(", ")}`] : got.create.length ? [] : [`${stack}: expected creates, planned none`];
    }
    if ("scope" in expected) {
        const inScope = (k: string) => STORE_TYPES.has(k.split("::")[0]);
        got = { create: got.create.filter(inScope), update: got.update.filter(inScope), replace: got.replace.filter(inScope), delete: got.delete.filter(inScope) };
    }
    const problems: string[] = [];
    for (const kind of ["create", "update", "replace", "delete"] as const) {
        const want = [...(expected[kind] ?? [])].sort();
        const have = got[kind];
        const missing = want.filter((k) => !have.includes(k));
        const extra = have.filter((k) => !want.includes(k));
        if (missing.length || extra.length) problems.push(`${stack} ${kind}: expected [${want.join(", ")}], planned [${have.join(", ")}]`);
    }
    return problems;
}

// ---------- running ----------

export async function runScenario(scenario: Scenario, sim = new Simulator(), onStep?: (r: StepReport) => void): Promise<ScenarioReport> {
    const steps: StepReport[] = [];
    for (const step of scenario.steps) {
        const report: StepReport = { step, problems: [] };
        const a = step.action;
        if (a.kind === "up") {
            const up = await sim.up(a.stack, a.config());
            report.up = up;
            if (a.expectFailure) {
                if (up.ok) report.problems.push(`expected the up of ${a.stack} to fail (${a.expectFailure}), it succeeded`);
                else if (!up.failures.some((f) => a.expectFailure!.test(f))) report.problems.push(`the up of ${a.stack} failed otherwise than expected: ${up.failures.join("; ")}`);
            } else {
                report.problems.push(...up.failures);
                for (const c of up.diff?.changes ?? []) {
                    if (c.dataLossRisk && !(a.intendedDataLoss ?? []).includes(key(c))) report.problems.push(`${key(c)}: ${c.kind} of a data store the scenario does not intend (${c.reasons[0] ?? ""})`);
                }
                if (a.expect) report.problems.push(...compareOperations(a.stack, up.operations, a.expect));
                if (up.ok) report.problems.push(...unbackedUp(sim), ...primaryServesReadOnly(sim, a.stack));
            }
        } else if (a.kind === "refresh") {
            try {
                report.refreshed = (await sim.refresh(a.stack)).changes;
                if (a.expectFailure) report.problems.push(`expected the refresh of ${a.stack} to fail`);
            } catch (e) {
                const message = e instanceof Error ? e.message : String(e);
                if (!a.expectFailure || !a.expectFailure.test(message)) report.problems.push(message);
            }
        } else if (a.kind === "event") {
            try {
                a.apply(sim.world);
            } catch (e) {
                report.problems.push(`AWS refuses ${a.describe}: ${e instanceof Error ? e.message : String(e)}`);
            }
        } else {
            report.problems.push(...a.check(sim));
        }
        report.problems.push(...splitBrain(sim));
        steps.push(report);
        onStep?.(report);
        if (report.problems.length > 0) break;
    }
    return { scenario, steps, ok: steps.length === scenario.steps.length && steps.every((s) => s.problems.length === 0) };
}

// ---------- the scenarios ----------

/** (a) prod up, then dr standby up: the steady state every other scenario starts from. */
export function standUp(): Step[] {
    return [
        { title: "prod up (primary, replicating to us-west-2)", runbook: "Stand up the DR region (us-west-2)", action: { kind: "up", stack: "prod", config: prodConfig(), expect: "create-all" } },
        { title: "dr up in standby (secondaries of prod's global clusters)", runbook: "Stand up the DR region (us-west-2)", action: { kind: "up", stack: "dr", config: drConfig({ mode: "standby" }), expect: "create-all" } },
        {
            title: "the dr stores joined prod's global clusters as read-only secondaries",
            runbook: "What to expect from the dr stack in each mode (standby)",
            action: {
                kind: "check",
                describe: "global membership",
                check: (sim) => {
                    const w = sim.world;
                    const problems: string[] = [];
                    for (const [global, primary, secondary] of [
                        [IDS.auroraGlobal, IDS.prodAurora, IDS.drAurora],
                        [IDS.docsGlobal, IDS.prodDocs, IDS.drDocs],
                    ]) {
                        const g = w.globals.get(global);
                        if (!g || g.primary !== primary || !g.members.includes(secondary)) problems.push(`${global}: expected primary ${primary} and member ${secondary}, found ${JSON.stringify(g)}`);
                    }
                    const d = w.datastores.get(IDS.cacheGlobal);
                    if (!d || d.primary !== IDS.prodCache || !d.members.includes(IDS.drCache)) problems.push(`${IDS.cacheGlobal}: expected primary ${IDS.prodCache} and member ${IDS.drCache}, found ${JSON.stringify(d)}`);
                    return problems;
                },
            },
        },
    ];
}

/** The dr stack's verification contract names the DR endpoints, role primary (the verifier's input in A.9). */
function drVerifiesAsPrimary(sim: Simulator): string[] {
    const v = sim.stacks.get("dr")?.outputs.verification as Json | undefined;
    if (!v) return ["dr exports no verification contract"];
    const problems: string[] = [];
    if (v.role !== "primary") problems.push(`dr's contract has role ${JSON.stringify(v.role)}, expected "primary"`);
    const writer = String(v.postgres?.writer);
    if (!writer.startsWith(`${IDS.drAurora}.cluster-`) || !writer.includes(".us-west-2.")) problems.push(`dr's contract names Aurora writer ${writer}, expected the DR cluster's writer endpoint`);
    if (!String(v.documentdb?.endpoint).startsWith(`${IDS.drDocs}.cluster-`)) problems.push(`dr's contract names DocumentDB ${v.documentdb?.endpoint}, expected the DR cluster`);
    if (!String(v.redis?.primary).includes(IDS.drCache)) problems.push(`dr's contract names cache ${v.redis?.primary}, expected ${IDS.drCache}`);
    return problems;
}

/** prod's contract says standby and it runs no migrate Job (defect 3). */
function prodSteppedDown(sim: Simulator): string[] {
    const problems: string[] = [];
    const v = sim.stacks.get("prod")?.outputs.verification as Json | undefined;
    if (v?.role !== "standby") problems.push(`prod's contract has role ${JSON.stringify(v?.role)}, expected "standby"`);
    const jobs = sim.ofType("prod", "kubernetes:batch/v1:Job").map((r) => r.planned.name);
    if (jobs.some((n) => n.includes("migrate"))) problems.push(`prod still runs a migrate Job: ${jobs.join(", ")}`);
    return problems;
}

const switchoverAll = (to: "dr" | "prod"): Step[] => [
    {
        title: `switchover-global-cluster (Aurora) to ${to}`,
        runbook: to === "dr" ? "B.3" : "D.2",
        action: { kind: "event", describe: "aws rds switchover-global-cluster", apply: (w) => w.switchover("aurora", IDS.auroraGlobal, to === "dr" ? IDS.drAurora : IDS.prodAurora) },
    },
    {
        title: `switchover-global-cluster (DocumentDB) to ${to}`,
        runbook: to === "dr" ? "B.4" : "D.2",
        action: { kind: "event", describe: "aws docdb switchover-global-cluster", apply: (w) => w.switchover("docdb", IDS.docsGlobal, to === "dr" ? IDS.drDocs : IDS.prodDocs) },
    },
    {
        title: `failover-global-replication-group (cache) to ${to}`,
        runbook: to === "dr" ? "B.5" : "D.2",
        action: { kind: "event", describe: "aws elasticache failover-global-replication-group", apply: (w) => w.cacheFailover(IDS.cacheGlobal, to === "dr" ? IDS.drCache : IDS.prodCache) },
    },
];

/**
 * prod after stepping down: PgBouncer at 0, the Services and the endpoints
 * ConfigMap re-pointed at the reader endpoints (the standby contract), the
 * migrate Job and the maintenance CronJobs gone, the verify Job updated to
 * verify a secondary; no data store touched.
 */
const PROD_STEP_DOWN: Expected = {
    update: [
        "kubernetes:apps/v1:Deployment::k8s-pgbouncer",
        "kubernetes:batch/v1:Job::k8s-verify",
        "kubernetes:core/v1:Service::k8s-svc-documents",
        "kubernetes:core/v1:Service::k8s-svc-mlflow-db",
        "kubernetes:policy/v1:PodDisruptionBudget::k8s-pgbouncer-pdb",
    ],
    replace: ["kubernetes:core/v1:ConfigMap::k8s-endpoints", "kubernetes:core/v1:ConfigMap::k8s-pgbouncer-config"],
    delete: ["kubernetes:batch/v1:CronJob::k8s-archive", "kubernetes:batch/v1:CronJob::k8s-reindex", "kubernetes:batch/v1:CronJob::k8s-vacuum", "kubernetes:batch/v1:Job::k8s-migrate"],
};

/** prod fenced after a detach: the client rules of its three stores withdrawn, the verification Job gone (nothing could reach the stores). */
const PROD_FENCE: Expected = {
    delete: [
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::aurora-sg-from-sg-0f0d000000000c001",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::aurora-sg-from-sg-0f0d000000000c002",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::cache-sg-from-sg-0f0d000000000c001",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::cache-sg-from-sg-0f0d000000000c002",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::documentdb-sg-from-sg-0f0d000000000c001",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::documentdb-sg-from-sg-0f0d000000000c002",
        "kubernetes:batch/v1:Job::k8s-verify",
    ],
};

/** prod taking over again: the step-down undone. */
const PROD_TAKE_OVER: Expected = {
    update: PROD_STEP_DOWN.update,
    replace: PROD_STEP_DOWN.replace,
    create: PROD_STEP_DOWN.delete,
};

/** prod taking over from a fenced step-down: the take-over, and the fence's rules and Job back. */
const PROD_UNFENCE_TAKE_OVER: Expected = {
    update: (PROD_TAKE_OVER.update ?? []).filter((u) => !(PROD_FENCE.delete ?? []).includes(u)),
    replace: PROD_TAKE_OVER.replace,
    create: [...(PROD_TAKE_OVER.create ?? []), ...(PROD_FENCE.delete ?? [])].filter((u, i, all) => all.indexOf(u) === i).sort(),
};

/** The stack's restore testing (prod's backup.restoreTesting), in the modes with backup plans. */
const RESTORE_TESTING: string[] = [
    "aws:backup/restoreTestingPlan:RestoreTestingPlan::backup-restore-testing",
    "aws:backup/restoreTestingSelection:RestoreTestingSelection::backup-restore-testing-aurora",
    "aws:backup/restoreTestingSelection:RestoreTestingSelection::backup-restore-testing-documentdb",
];
const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard::dashboard";

/**
 * What issue 17 adds to one set of stores (components aurora<c>, documentdb<c>, cache<c>): per instance the
 * free local storage alarms (and DocumentDB's freeable memory), the volume and slow-statement alarms with
 * the log metric filter, the cache's memory-pressure composite; on a writable set also the writer's
 * deadlock and wraparound alarms, the lock-contention composite and reader auto scaling.
 */
function storeOperations(c: string, instances: number, writable: boolean): string[] {
    const n = Array.from({ length: instances }, (_, i) => i + 1);
    const alarm = (x: string) => `aws:cloudwatch/metricAlarm:MetricAlarm::${x}`;
    return [
        ...n.flatMap((i) => [alarm(`aurora${c}-local-storage-${i}`), alarm(`documentdb${c}-local-storage-${i}`), alarm(`documentdb${c}-memory-${i}`)]),
        alarm(`aurora${c}-slow-statements`),
        `aws:cloudwatch/logMetricFilter:LogMetricFilter::aurora${c}-slow-statements`,
        alarm(`aurora${c}-volume`),
        alarm(`documentdb${c}-volume`),
        `aws:cloudwatch/compositeAlarm:CompositeAlarm::cache${c}-memory-pressure`,
        ...(writable
            ? [
                  alarm(`aurora${c}-deadlocks`),
                  alarm(`aurora${c}-transaction-ids-critical`),
                  alarm(`aurora${c}-transaction-ids-warning`),
                  `aws:cloudwatch/compositeAlarm:CompositeAlarm::aurora${c}-lock-contention`,
                  `aws:appautoscaling/policy:Policy::aurora${c}-readers`,
                  `aws:appautoscaling/target:Target::aurora${c}-readers`,
              ]
            : []),
    ];
}

/**
 * What dr takes over from prod's operations when promoted, and gives back in standby (issue 17): reader
 * auto scaling, restore testing, the writer's alarms and those of instances 2 and 3.
 */
const DR_PRIMARY_OPERATIONS: string[] = [
    "aws:appautoscaling/policy:Policy::aurora-readers",
    "aws:appautoscaling/target:Target::aurora-readers",
    "aws:backup/restoreTestingPlan:RestoreTestingPlan::backup-restore-testing",
    "aws:backup/restoreTestingSelection:RestoreTestingSelection::backup-restore-testing-aurora",
    "aws:backup/restoreTestingSelection:RestoreTestingSelection::backup-restore-testing-documentdb",
    "aws:cloudwatch/compositeAlarm:CompositeAlarm::aurora-lock-contention",
    "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-deadlocks",
    "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-local-storage-2",
    "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-local-storage-3",
    "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-transaction-ids-critical",
    "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-transaction-ids-warning",
    "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-local-storage-2",
    "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-local-storage-3",
    "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-memory-2",
    "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-memory-3",
];

/**
 * dr promoted: the same clusters and cache kept (updated: final snapshots on,
 * the cache's own parameter group), scaled to prod's instance count (instances
 * 2 and 3 with their alarms), backup plans and selections for them in the vault
 * the dr stack keeps in every mode, the
 * maintenance CronJobs and the migrate Job, the global lag alarms gone, the
 * Kubernetes names re-pointed at the writer endpoints.
 */
const DR_PROMOTE: Expected = {
    create: [
        ...DR_PRIMARY_OPERATIONS,
        "aws:backup/plan:Plan::backup-continuous",
        "aws:backup/plan:Plan::backup-scheduled",
        "aws:backup/selection:Selection::backup-continuous",
        "aws:backup/selection:Selection::backup-scheduled",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-connections-limit-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-cpu-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-connections-limit-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-cpu-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-memory-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-memory-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-replica-lag",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-cpu-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-cpu-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-replica-lag",
        "aws:docdb/clusterInstance:ClusterInstance::documentdb-instance-2",
        "aws:docdb/clusterInstance:ClusterInstance::documentdb-instance-3",
        "aws:elasticache/parameterGroup:ParameterGroup::cache-params",
        "aws:rds/clusterInstance:ClusterInstance::aurora-instance-2",
        "aws:rds/clusterInstance:ClusterInstance::aurora-instance-3",
        "kubernetes:batch/v1:CronJob::k8s-archive",
        "kubernetes:batch/v1:CronJob::k8s-reindex",
        "kubernetes:batch/v1:CronJob::k8s-vacuum",
        "kubernetes:batch/v1:Job::k8s-migrate",
        "random:index/randomId:RandomId::aurora-final-snapshot-suffix",
        "random:index/randomId:RandomId::cache-final-snapshot-suffix",
        "random:index/randomId:RandomId::documentdb-final-snapshot-suffix",
    ].sort(),
    update: [
        // The dashboard's lag widgets come and go with the global clusters.
        DASHBOARD,
        "aws:docdb/cluster:Cluster::documentdb-cluster",
        "aws:elasticache/replicationGroup:ReplicationGroup::cache-group",
        "aws:rds/cluster:Cluster::aurora-cluster",
        "kubernetes:apps/v1:Deployment::k8s-pgbouncer",
        "kubernetes:batch/v1:Job::k8s-verify",
        "kubernetes:core/v1:Service::k8s-svc-documents",
        "kubernetes:core/v1:Service::k8s-svc-mlflow-db",
    ],
    replace: ["kubernetes:core/v1:ConfigMap::k8s-endpoints", "kubernetes:core/v1:ConfigMap::k8s-pgbouncer-config"],
    delete: [
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-global-lag",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-global-replication-lag-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-global-replication-lag-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-global-replication-lag-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-global-lag",
    ],
};

/** (b) planned switchover to us-west-2 and back. */
function switchover(): Scenario {
    return {
        id: "b",
        title: "planned switchover to us-west-2 and back",
        steps: [
            ...standUp(),
            {
                title: "prod steps down: replication.primaryActive false (role standby, PgBouncer 0, no migrate Job)",
                runbook: "B.1-B.2",
                action: { kind: "up", stack: "prod", config: prodConfig({ primaryActive: false }), expect: PROD_STEP_DOWN },
            },
            { title: "prod's contract says standby", runbook: "B.2", action: { kind: "check", describe: "prod stepped down", check: prodSteppedDown } },
            ...switchoverAll("dr"),
            { title: "dr up in promote (no force: prod said it stepped down)", runbook: "B.6-B.7", action: { kind: "up", stack: "dr", config: drConfig({ mode: "promote" }), expect: DR_PROMOTE } },
            { title: "dr verifies against the DR endpoints, role primary", runbook: "A.9 (as B.7)", action: { kind: "check", describe: "dr contract", check: drVerifiesAsPrimary } },
            { title: "refresh prod: Read records the new primaries and prod's replication source", runbook: "B.8", action: { kind: "refresh", stack: "prod" } },
            { title: "prod up after the refresh: no replacement of the global datastore, no promotion", runbook: "B.8", action: { kind: "up", stack: "prod", config: prodConfig({ primaryActive: false }), expect: {} } },
            ...switchoverAll("prod"),
            { title: "refresh prod", runbook: "D.2", action: { kind: "refresh", stack: "prod" } },
            {
                title: "prod takes over again: primaryActive true (role primary, PgBouncer back, migrate Job)",
                runbook: "D.2",
                action: {
                    kind: "up",
                    stack: "prod",
                    config: prodConfig({ primaryActive: true }),
                    expect: PROD_TAKE_OVER,
                },
            },
            // dr's return to standby (D.4) is scenario (e), with the restore design.
        ],
    };
}

/** (c) region loss: failover with data loss, promote without us-east-1, fail-back with no split brain. */
function regionLoss(): Scenario {
    return {
        id: "c",
        title: "loss of us-east-1: failover with data loss, promote, fail-back",
        steps: [
            ...standUp(),
            { title: "us-east-1 is lost (its API does not answer)", runbook: "A", action: { kind: "event", describe: "region loss", apply: (w) => w.down.add(PRIMARY_REGION) } },
            { title: "prod cannot be refreshed", runbook: "A.6 (prod cannot say it stepped down)", action: { kind: "refresh", stack: "prod", expectFailure: /does not answer/ } },
            { title: "failover-global-cluster --allow-data-loss (Aurora)", runbook: "A.2", action: { kind: "event", describe: "aws rds failover-global-cluster --allow-data-loss", apply: (w) => w.failover("aurora", IDS.auroraGlobal, IDS.drAurora) } },
            { title: "failover-global-cluster --allow-data-loss (DocumentDB)", runbook: "A.3", action: { kind: "event", describe: "aws docdb failover-global-cluster --allow-data-loss", apply: (w) => w.failover("docdb", IDS.docsGlobal, IDS.drDocs) } },
            { title: "failover-global-replication-group (cache)", runbook: "A.4", action: { kind: "event", describe: "aws elasticache failover-global-replication-group", apply: (w) => w.cacheFailover(IDS.cacheGlobal, IDS.drCache) } },
            { title: "dr promote without force is refused: prod's handoff still says primaryActive", runbook: "A.5-A.6", action: { kind: "up", stack: "dr", config: drConfig({ mode: "promote" }), expectFailure: /still the primary/ } },
            { title: "refresh dr (us-west-2 answers)", runbook: "A.7", action: { kind: "refresh", stack: "dr" } },
            { title: "dr up in promote with force, us-east-1 unreachable", runbook: "A.5-A.8", action: { kind: "up", stack: "dr", config: drConfig({ mode: "promote", force: true }), expect: DR_PROMOTE } },
            { title: "dr verifies against the DR endpoints, role primary", runbook: "A.9", action: { kind: "check", describe: "dr contract", check: drVerifiesAsPrimary } },
            { title: "prod cannot be deployed while us-east-1 is lost", runbook: "A.6", action: { kind: "up", stack: "prod", config: prodConfig({ primaryActive: false }), expectFailure: /does not answer/ } },
            {
                title: "us-east-1 returns: AWS brings prod's old primaries back as secondaries",
                runbook: "D",
                action: { kind: "event", describe: "region return", apply: (w) => w.down.delete(PRIMARY_REGION) },
            },
            { title: "refresh prod", runbook: "D.1", action: { kind: "refresh", stack: "prod" } },
            { title: "prod up stepped down (fenced): no replacement after the refresh", runbook: "D.1", action: { kind: "up", stack: "prod", config: prodConfig({ primaryActive: false }), expect: PROD_STEP_DOWN } },
            { title: "prod's contract says standby", runbook: "D.1", action: { kind: "check", describe: "prod stepped down", check: prodSteppedDown } },
            ...switchoverAll("prod"),
            { title: "refresh prod", runbook: "D.2", action: { kind: "refresh", stack: "prod" } },
            {
                title: "prod takes over again: primaryActive true",
                runbook: "D.2",
                action: {
                    kind: "up",
                    stack: "prod",
                    config: prodConfig({ primaryActive: true }),
                    expect: PROD_TAKE_OVER,
                },
            },
            // dr's return to standby (D.4) is scenario (e), with the restore design.
        ],
    };
}

/**
 * (f) a global engine upgrade (minor): prod declares the new version on the
 * global cluster; the provider upgrades every member (rds/global_cluster.go
 * globalClusterUpgradeEngineVersion); the members ignore engineVersion, so
 * neither stack's cluster changes; a refresh records the new version.
 */
function engineUpgrade(): Scenario {
    const target = "16.8";
    return {
        id: "f",
        title: `global engine upgrade of Aurora (16.6 → ${target})`,
        steps: [
            ...standUp(),
            {
                title: `prod up with aurora.engineVersion ${target}: the global cluster is upgraded, no cluster replaced`,
                runbook: "Engine upgrades of a global database",
                action: {
                    kind: "up",
                    stack: "prod",
                    config: prodConfig({ auroraEngineVersion: target }),
                    expect: {
                        update: ["aws:rds/globalCluster:GlobalCluster::replication-aurora"],
                    },
                },
            },
            {
                title: "every member runs the new version",
                runbook: "Engine upgrades of a global database",
                action: {
                    kind: "check",
                    describe: "member versions",
                    check: (sim) =>
                        [IDS.prodAurora, IDS.drAurora]
                            .map((id) => sim.world.clusters.get(id))
                            .filter((c) => c?.engineVersion !== target)
                            .map((c) => `${c?.id}: engine ${c?.engineVersion}, expected ${target}`),
                },
            },
            { title: "refresh prod", runbook: "Engine upgrades of a global database", action: { kind: "refresh", stack: "prod" } },
            { title: "refresh dr", runbook: "Engine upgrades of a global database", action: { kind: "refresh", stack: "dr" } },
            { title: "prod up again: nothing to do", runbook: "Engine upgrades of a global database", action: { kind: "up", stack: "prod", config: prodConfig({ auroraEngineVersion: target }), expect: {} } },
            { title: "dr up in standby: nothing to do", runbook: "Engine upgrades of a global database", action: { kind: "up", stack: "dr", config: drConfig({ mode: "standby" }), expect: {} } },
        ],
    };
}

// ---------- (d) restore and (e) return to standby ----------

export const SNAPSHOTS = {
    aurora: "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:awsbackup:copyjob-0a1b2c3d",
    documentdb: "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:awsbackup:copyjob-4e5f6a7b",
} as const;
const RESTORE_1 = { generation: 1, auroraSnapshot: SNAPSHOTS.aurora, documentdbSnapshot: SNAPSHOTS.documentdb };

/** The dr stack's contract names the restored stores of generation g, role primary, and they hold clean data. */
function drVerifiesRestored(g: number) {
    return (sim: Simulator): string[] => {
        const v = sim.stacks.get("dr")?.outputs.verification as Json | undefined;
        if (!v) return ["dr exports no verification contract"];
        const problems: string[] = [];
        if (v.role !== "primary") problems.push(`dr's contract has role ${JSON.stringify(v.role)}, expected "primary"`);
        for (const [what, found, id] of [
            ["Aurora writer", String(v.postgres?.writer), `${IDS.drAurora}-r${g}.cluster-`],
            ["DocumentDB", String(v.documentdb?.endpoint), `${IDS.drDocs}-r${g}.cluster-`],
            ["cache", String(v.redis?.primary), `${IDS.drCache}-r${g}.`],
        ]) {
            if (!found.includes(id)) problems.push(`dr's contract names ${what} ${found}, expected the restored ${id}…`);
        }
        for (const id of [`${IDS.drAurora}-r${g}`, `${IDS.drDocs}-r${g}`]) {
            const c = sim.world.clusters.get(id);
            if (!c) problems.push(`${id} does not exist`);
            else if (c.corrupt) problems.push(`${id} holds the replicated damage`);
        }
        return problems;
    };
}

/** The standby secondaries are untouched: still members of prod's global clusters (holding the damage, as evidence). */
function secondariesKept(sim: Simulator): string[] {
    const problems: string[] = [];
    for (const [id, global] of [
        [IDS.drAurora, IDS.auroraGlobal],
        [IDS.drDocs, IDS.docsGlobal],
    ]) {
        const c = sim.world.clusters.get(id);
        if (c?.global !== global) problems.push(`${id}: expected a member of ${global}, found ${JSON.stringify(c)}`);
    }
    if (sim.world.caches.get(IDS.drCache)?.global !== IDS.cacheGlobal) problems.push(`${IDS.drCache}: expected a member of ${IDS.cacheGlobal}`);
    return problems;
}

/** (d) replicated corruption: restore mode builds new stores from chosen snapshots; the old secondaries kept, then removed in two steps. */
function restoreSteps(): Step[] {
    return [
        ...standUp(),
        {
            title: "bad writes on prod's primaries reach every member of the global clusters",
            runbook: "C (replicated corruption)",
            action: {
                kind: "event",
                describe: "replicated corruption (Aurora and DocumentDB)",
                apply: (w) => {
                    w.corruptGlobal("aurora", IDS.auroraGlobal);
                    w.corruptGlobal("docdb", IDS.docsGlobal);
                },
            },
        },
        {
            title: "the DR secondaries hold the damage too: promote would serve it",
            runbook: "Choose the mode",
            action: { kind: "check", describe: "damage replicated", check: (sim) => [IDS.drAurora, IDS.drDocs].filter((id) => !sim.world.clusters.get(id)?.corrupt).map((id) => `${id} should hold the replicated damage`) },
        },
        { title: "prod steps down: replication.primaryActive false (no client writes the damaged Aurora through PgBouncer)", runbook: "C.0", action: { kind: "up", stack: "prod", config: prodConfig({ primaryActive: false }), expect: PROD_STEP_DOWN } },
        {
            title: "the operator cuts the clients off prod's DocumentDB and cache (the program does not fence them)",
            runbook: "C.0",
            action: {
                kind: "event",
                describe: "manual fence of mlops-prod-docs and mlops-prod-cache",
                apply: (w) => {
                    w.fence(IDS.prodDocs);
                    w.fence(IDS.prodCache);
                },
            },
        },
        {
            title: "dr up in restore, generation 1, from the chosen snapshots (no force: prod stepped down): new stores created, the secondaries untouched",
            runbook: "C.3-C.8",
            action: { kind: "up", stack: "dr", config: drConfig({ mode: "restore", restore: RESTORE_1 }), expect: DR_RESTORE },
        },
        { title: "dr verifies against the restored endpoints, role primary, clean data", runbook: "C.9", action: { kind: "check", describe: "dr contract (restored)", check: drVerifiesRestored(1) } },
        { title: "the old secondaries are kept as they were (dr.retired keep)", runbook: "C.8", action: { kind: "check", describe: "secondaries kept", check: secondariesKept } },
        {
            title: "dr.retired unprotect: only deletion protection and protect lifted on the old secondaries",
            runbook: "C.10 (first up)",
            action: { kind: "up", stack: "dr", config: drConfig({ mode: "restore", restore: RESTORE_1, retired: "unprotect" }), expect: DR_UNPROTECT },
        },
        {
            title: "dr.retired remove: the old secondaries deleted (the provider removes them from their global clusters first), nothing blocked",
            runbook: "C.10 (second up)",
            action: { kind: "up", stack: "dr", config: drConfig({ mode: "restore", restore: RESTORE_1, retired: "remove" }), expect: DR_REMOVE_RETIRED, intendedDataLoss: DR_RETIRED_STORES },
        },
        {
            title: "the old secondaries are gone; prod's global clusters keep their primaries",
            runbook: "C.10",
            action: {
                kind: "check",
                describe: "secondaries removed",
                check: (sim) => [
                    ...[IDS.drAurora, IDS.drDocs].filter((id) => sim.world.clusters.has(id)).map((id) => `${id} still exists`),
                    ...(sim.world.caches.has(IDS.drCache) ? [`${IDS.drCache} still exists`] : []),
                    ...[IDS.auroraGlobal, IDS.docsGlobal].filter((g) => sim.world.globals.get(g)?.primary === undefined).map((g) => `${g} lost its primary`),
                ],
            },
        },
    ];
}

function restoreScenario(): Scenario {
    return { id: "d", title: "replicated corruption: restore into new stores, the old secondaries kept, then removed in two steps", steps: restoreSteps() };
}

const drStandbyAgain = (runbook: string, mode: DrMode, expect: Expected, title = "dr back to standby (same generation, dr.detached [])"): Step => ({
    title,
    runbook,
    action: { kind: "up", stack: "dr", config: drConfig({ mode: "standby", ...mode }), expect, intendedDataLoss: DR_STANDBY_SCALE_DOWN },
});

/** (e) after a detach: the same generation is refused, the next one creates new secondaries, the detached clusters untouched, then retired. */
function detachSteps(): Step[] {
    return [
        ...standUp(),
        { title: "us-east-1 is lost", runbook: "A", action: { kind: "event", describe: "region loss", apply: (w) => w.down.add(PRIMARY_REGION) } },
        { title: "remove-from-global-cluster (Aurora): the failover is refused, the fallback", runbook: "A.2 (fallback)", action: { kind: "event", describe: "aws rds remove-from-global-cluster", apply: (w) => w.removeFromGlobal("aurora", IDS.auroraGlobal, IDS.drAurora) } },
        { title: "remove-from-global-cluster (DocumentDB)", runbook: "A.3 (fallback)", action: { kind: "event", describe: "aws docdb remove-from-global-cluster", apply: (w) => w.removeFromGlobal("docdb", IDS.docsGlobal, IDS.drDocs) } },
        { title: "failover-global-replication-group (cache)", runbook: "A.4", action: { kind: "event", describe: "aws elasticache failover-global-replication-group", apply: (w) => w.cacheFailover(IDS.cacheGlobal, IDS.drCache) } },
        { title: "dr promote with force, dr.detached [1]", runbook: "A.2-A.8", action: { kind: "up", stack: "dr", config: drConfig({ mode: "promote", force: true, detached: [1] }), expect: DR_PROMOTE } },
        { title: "dr verifies against the DR endpoints, role primary", runbook: "A.9", action: { kind: "check", describe: "dr contract", check: drVerifiesAsPrimary } },
        {
            title: "before us-east-1 returns, the operator keeps clients off prod's old primaries (nothing on AWS's side fences them)",
            runbook: "D.3",
            action: {
                kind: "event",
                describe: "manual fence of mlops-prod-mlflow and mlops-prod-docs",
                apply: (w) => {
                    w.fence(IDS.prodAurora);
                    w.fence(IDS.prodDocs);
                },
            },
        },
        { title: "us-east-1 returns: prod's clusters are writable primaries of their global clusters again", runbook: "D.3", action: { kind: "event", describe: "region return", apply: (w) => w.down.delete(PRIMARY_REGION) } },
        { title: "refresh prod", runbook: "D.3", action: { kind: "refresh", stack: "prod" } },
        { title: "prod up stepped down (the program's fence: PgBouncer 0)", runbook: "D.3", action: { kind: "up", stack: "prod", config: prodConfig({ primaryActive: false }), expect: PROD_STEP_DOWN } },
        {
            title: "prod up fenced (replication.fenced): every client rule of its stores withdrawn, no verification Job",
            runbook: "D.3",
            action: { kind: "up", stack: "prod", config: prodConfig({ primaryActive: false, fenced: true }), expect: PROD_FENCE },
        },
        {
            title: "the operator lifts the manual fence: the program's fence keeps clients off prod's still-writable Aurora and DocumentDB",
            runbook: "D.3",
            action: { kind: "event", describe: "manual fence lifted", apply: (w) => [IDS.prodAurora, IDS.prodDocs].forEach((id) => w.fenced.delete(id)) },
        },
        {
            title: "failover-global-replication-group (cache) back to prod: the cache was failed over, not detached",
            runbook: "D.2",
            action: { kind: "event", describe: "aws elasticache failover-global-replication-group", apply: (w) => w.cacheFailover(IDS.cacheGlobal, IDS.prodCache) },
        },
        {
            title: "dr standby in the detached generation is refused, naming the next generation",
            runbook: "D.4",
            action: { kind: "up", stack: "dr", config: drConfig({ mode: "standby", detached: [1] }), expectFailure: /is 1, a generation detached from its global clusters .*set dr\.standby\.generation to 2/ },
        },
        {
            title: "dr standby, generation 2: new secondaries mlops-dr-*-s2, the detached generation 1 untouched",
            runbook: "D.4",
            action: { kind: "up", stack: "dr", config: drConfig({ mode: "standby", detached: [1], standbyGeneration: 2 }), expect: DR_STANDBY_GENERATION_2, intendedDataLoss: DR_STANDBY_SCALE_DOWN },
        },
        {
            title: "the s2 secondaries joined prod's global clusters, the cache stayed their member; the detached clusters are still standalone",
            runbook: "D.4",
            action: {
                kind: "check",
                describe: "generation 2",
                check: (sim) => {
                    const w = sim.world;
                    const problems: string[] = [];
                    for (const [id, global] of [
                        [`${IDS.drAurora}-s2`, IDS.auroraGlobal],
                        [`${IDS.drDocs}-s2`, IDS.docsGlobal],
                    ]) {
                        if (w.clusters.get(id)?.global !== global) problems.push(`${id}: expected a member of ${global}`);
                    }
                    // The cache was failed over and back, never detached: generation 1's stays the member (one per region).
                    if (w.caches.get(IDS.drCache)?.global !== IDS.cacheGlobal) problems.push(`${IDS.drCache}: expected still a member of ${IDS.cacheGlobal}`);
                    if (w.caches.has(`${IDS.drCache}-s2`)) problems.push(`${IDS.drCache}-s2 exists: a second member of ${IDS.cacheGlobal} in us-west-2`);
                    for (const id of [IDS.drAurora, IDS.drDocs]) if (w.clusters.get(id)?.global !== undefined) problems.push(`${id}: expected standalone (detached)`);
                    return problems;
                },
            },
        },
        { title: "prod takes over again: primaryActive true, the fence lifted with it", runbook: "D.3", action: { kind: "up", stack: "prod", config: prodConfig({ primaryActive: true, fenced: false }), expect: PROD_UNFENCE_TAKE_OVER } },
        {
            title: "retire generation 1, first up: dr.retired unprotect",
            runbook: "D.4 (then C.10)",
            action: { kind: "up", stack: "dr", config: drConfig({ mode: "standby", detached: [1], standbyGeneration: 2, retired: "unprotect" }), expect: DR_UNPROTECT },
        },
        {
            title: "retire generation 1, second up: dr.retired remove",
            runbook: "D.4 (then C.10)",
            action: {
                kind: "up",
                stack: "dr",
                config: drConfig({ mode: "standby", detached: [1], standbyGeneration: 2, retired: "remove" }),
                expect: DR_REMOVE_DETACHED,
                intendedDataLoss: DR_DETACHED_STORES,
            },
        },
    ];
}

function returnToStandby(): Scenario[] {
    return [
        { id: "e-b", title: "return to standby after the switchover (b)", steps: [...switchover().steps, drStandbyAgain("D.4 (after a switchover back)", { detached: [] }, DR_BACK_TO_STANDBY)] },
        { id: "e-c", title: "return to standby after the region loss (c)", steps: [...regionLoss().steps, drStandbyAgain("D.4 (after a failover and a switchover back)", { detached: [] }, DR_BACK_TO_STANDBY)] },
        { id: "e-detach", title: "return to standby after a detach (remove-from-global-cluster): the next generation", steps: detachSteps() },
        {
            id: "e-d",
            title: "return to standby after the restore (d), the restore listed in dr.restored",
            steps: [
                ...restoreSteps(),
                {
                    title: "prod's stores rebuilt from the restored data (restore.md E; the drill takes the result, not the steps)",
                    runbook: "D.3 (after a restore)",
                    action: {
                        kind: "event",
                        describe: "prod's global clusters repaired",
                        apply: (w) => {
                            w.repairGlobal("aurora", IDS.auroraGlobal);
                            w.repairGlobal("docdb", IDS.docsGlobal);
                        },
                    },
                },
                drStandbyAgain("D.4 (after a restore)", { restore: RESTORE_1, restored: [RESTORE_1] }, DR_STANDBY_AFTER_RESTORE, "dr back to standby: generation 1 secondaries created again, restore 1 kept out of service (dr.restored)"),
                {
                    title: "the operator lets clients back onto prod's DocumentDB and cache",
                    runbook: "D.4 (after a restore)",
                    action: { kind: "event", describe: "manual fence lifted", apply: (w) => [IDS.prodDocs, IDS.prodCache].forEach((id) => w.fenced.delete(id)) },
                },
                { title: "prod takes over again: primaryActive true", runbook: "D.2", action: { kind: "up", stack: "prod", config: prodConfig({ primaryActive: true }), expect: PROD_TAKE_OVER } },
                {
                    title: "the stores clients reach hold no damage; restore 1 is out of service",
                    runbook: "D.4 (after a restore)",
                    action: {
                        kind: "check",
                        describe: "clean stores in service",
                        check: (sim) => {
                            const w = writablePrimaries(sim);
                            const problems = [...w.aurora, ...w.docdb].filter((id) => sim.world.clusters.get(id)?.corrupt).map((id) => `${id} takes writes and holds the damage`);
                            if (JSON.stringify(w) !== JSON.stringify({ aurora: [IDS.prodAurora], docdb: [IDS.prodDocs], cache: [IDS.prodCache] })) problems.push(`expected prod's stores alone to take writes, found ${JSON.stringify(w)}`);
                            if (inService(sim, "aurora", `${IDS.drAurora}-r1`)) problems.push(`${IDS.drAurora}-r1 is still in service`);
                            return problems;
                        },
                    },
                },
            ],
        },
    ];
}

/** restore generation 1: every store, instance (prod's count), secret, alarm and log group of the new sets created under -restore-1 names, backup plans and selections for them, the primary's jobs; the Kubernetes names re-pointed (their ConfigMaps replaced); nothing of the standby secondaries touched. */
const DR_RESTORE: Expected = {
    create: [
        ...storeOperations("-restore-1", 3, true), ...RESTORE_TESTING,
        "aws:backup/plan:Plan::backup-continuous",
        "aws:backup/plan:Plan::backup-scheduled",
        "aws:backup/selection:Selection::backup-continuous",
        "aws:backup/selection:Selection::backup-scheduled",
        "aws:cloudwatch/logGroup:LogGroup::cache-restore-1-slow-log",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-restore-1-connections",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-restore-1-connections-limit-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-restore-1-cpu-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-restore-1-connections-limit-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-restore-1-cpu-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-restore-1-connections-limit-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-restore-1-cpu-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-restore-1-memory-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-restore-1-memory-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-restore-1-memory-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-restore-1-replica-lag",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-restore-1-cpu-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-restore-1-cpu-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-restore-1-cpu-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-restore-1-engine-cpu-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-restore-1-engine-cpu-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-restore-1-engine-cpu-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-restore-1-evictions-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-restore-1-evictions-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-restore-1-evictions-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-restore-1-memory-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-restore-1-memory-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-restore-1-memory-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-restore-1-replication-lag-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-restore-1-replication-lag-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-restore-1-replication-lag-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-restore-1-connections",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-restore-1-cpu-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-restore-1-cpu-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-restore-1-cpu-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-restore-1-replica-lag",
        "aws:docdb/cluster:Cluster::documentdb-restore-1-cluster",
        "aws:docdb/clusterInstance:ClusterInstance::documentdb-restore-1-instance-1",
        "aws:docdb/clusterInstance:ClusterInstance::documentdb-restore-1-instance-2",
        "aws:docdb/clusterInstance:ClusterInstance::documentdb-restore-1-instance-3",
        "aws:docdb/clusterParameterGroup:ClusterParameterGroup::documentdb-restore-1-cluster-params",
        "aws:docdb/subnetGroup:SubnetGroup::documentdb-restore-1-subnets",
        "aws:ec2/securityGroup:SecurityGroup::aurora-restore-1-sg",
        "aws:ec2/securityGroup:SecurityGroup::cache-restore-1-sg",
        "aws:ec2/securityGroup:SecurityGroup::documentdb-restore-1-sg",
        "aws:elasticache/parameterGroup:ParameterGroup::cache-restore-1-params",
        "aws:elasticache/replicationGroup:ReplicationGroup::cache-restore-1-group",
        "aws:elasticache/subnetGroup:SubnetGroup::cache-restore-1-subnets",
        "aws:iam/role:Role::aurora-restore-1-monitoring-role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment::aurora-restore-1-monitoring-policy",
        "aws:rds/cluster:Cluster::aurora-restore-1-cluster",
        "aws:rds/clusterInstance:ClusterInstance::aurora-restore-1-instance-1",
        "aws:rds/clusterInstance:ClusterInstance::aurora-restore-1-instance-2",
        "aws:rds/clusterInstance:ClusterInstance::aurora-restore-1-instance-3",
        "aws:rds/clusterParameterGroup:ClusterParameterGroup::aurora-restore-1-cluster-params",
        "aws:rds/parameterGroup:ParameterGroup::aurora-restore-1-instance-params",
        "aws:rds/subnetGroup:SubnetGroup::aurora-restore-1-subnets",
        "aws:secretsmanager/secret:Secret::aurora-restore-1-app-secret",
        "aws:secretsmanager/secret:Secret::aurora-restore-1-master-secret",
        "aws:secretsmanager/secret:Secret::cache-restore-1-auth-secret",
        "aws:secretsmanager/secret:Secret::documentdb-restore-1-master-secret",
        "aws:secretsmanager/secretVersion:SecretVersion::aurora-restore-1-app-secret",
        "aws:secretsmanager/secretVersion:SecretVersion::aurora-restore-1-master-secret",
        "aws:secretsmanager/secretVersion:SecretVersion::cache-restore-1-auth-secret",
        "aws:secretsmanager/secretVersion:SecretVersion::documentdb-restore-1-master-secret",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::aurora-restore-1-sg-from-sg-0d70000000000c001",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::cache-restore-1-sg-from-sg-0d70000000000c001",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::documentdb-restore-1-sg-from-sg-0d70000000000c001",
        "kubernetes:batch/v1:CronJob::k8s-archive",
        "kubernetes:batch/v1:CronJob::k8s-reindex",
        "kubernetes:batch/v1:CronJob::k8s-vacuum",
        "kubernetes:batch/v1:Job::k8s-migrate",
        "mlops:data:AuroraPostgres::aurora-restore-1",
        "mlops:data:DocumentDb::documentdb-restore-1",
        "mlops:data:RedisCache::cache-restore-1",
        "mlops:network:DatabaseSecurityGroup::aurora-restore-1-sg",
        "mlops:network:DatabaseSecurityGroup::cache-restore-1-sg",
        "mlops:network:DatabaseSecurityGroup::documentdb-restore-1-sg",
        "mlops:security:ConnectionSecret::aurora-restore-1-app-secret",
        "mlops:security:ConnectionSecret::aurora-restore-1-master-secret",
        "mlops:security:ConnectionSecret::cache-restore-1-auth-secret",
        "mlops:security:ConnectionSecret::documentdb-restore-1-master-secret",
        "random:index/randomId:RandomId::aurora-restore-1-final-snapshot-suffix",
        "random:index/randomId:RandomId::cache-restore-1-final-snapshot-suffix",
        "random:index/randomId:RandomId::documentdb-restore-1-final-snapshot-suffix",
    ].sort(),
    update: [
        DASHBOARD,
        "kubernetes:apps/v1:Deployment::k8s-pgbouncer",
        "kubernetes:batch/v1:Job::k8s-verify",
        "kubernetes:core/v1:Service::k8s-svc-cache",
        "kubernetes:core/v1:Service::k8s-svc-cache-ro",
        "kubernetes:core/v1:Service::k8s-svc-documents",
        "kubernetes:core/v1:Service::k8s-svc-documents-ro",
        "kubernetes:core/v1:Service::k8s-svc-mlflow-db",
        "kubernetes:core/v1:Service::k8s-svc-mlflow-db-ro",
    ].sort(),
    replace: [
        "kubernetes:core/v1:ConfigMap::k8s-endpoints",
        "kubernetes:core/v1:ConfigMap::k8s-pgbouncer-config",
    ],
};
/** dr.retired unprotect: the retired clusters updated in place (deletionProtection true to false, protect off), nothing else. */
const DR_UNPROTECT: Expected = {
    update: [
        "aws:docdb/cluster:Cluster::documentdb-cluster",
        "aws:rds/cluster:Cluster::aurora-cluster",
    ],
};
/** dr.retired remove after unprotect: everything of the standby generation 1 deleted; the vault and the restored sets untouched. */
const DR_REMOVE_RETIRED: Expected = {
    delete: [
        ...storeOperations("", 1, false),
        "aws:cloudwatch/logGroup:LogGroup::cache-slow-log",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-connections",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-connections-limit-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-cpu-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-global-lag",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-memory-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-cpu-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-cpu-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-cpu-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-engine-cpu-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-engine-cpu-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-engine-cpu-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-evictions-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-evictions-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-evictions-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-global-replication-lag-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-global-replication-lag-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-global-replication-lag-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-memory-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-memory-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-memory-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-replication-lag-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-replication-lag-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-replication-lag-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-connections",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-cpu-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-global-lag",
        "aws:docdb/cluster:Cluster::documentdb-cluster",
        "aws:docdb/clusterInstance:ClusterInstance::documentdb-instance-1",
        "aws:docdb/clusterParameterGroup:ClusterParameterGroup::documentdb-cluster-params",
        "aws:docdb/subnetGroup:SubnetGroup::documentdb-subnets",
        "aws:ec2/securityGroup:SecurityGroup::aurora-sg",
        "aws:ec2/securityGroup:SecurityGroup::cache-sg",
        "aws:ec2/securityGroup:SecurityGroup::documentdb-sg",
        "aws:elasticache/replicationGroup:ReplicationGroup::cache-group",
        "aws:elasticache/subnetGroup:SubnetGroup::cache-subnets",
        "aws:iam/role:Role::aurora-monitoring-role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment::aurora-monitoring-policy",
        "aws:rds/cluster:Cluster::aurora-cluster",
        "aws:rds/clusterInstance:ClusterInstance::aurora-instance-1",
        "aws:rds/clusterParameterGroup:ClusterParameterGroup::aurora-cluster-params",
        "aws:rds/parameterGroup:ParameterGroup::aurora-instance-params",
        "aws:rds/subnetGroup:SubnetGroup::aurora-subnets",
        "aws:secretsmanager/secret:Secret::aurora-app-secret",
        "aws:secretsmanager/secret:Secret::aurora-master-secret",
        "aws:secretsmanager/secret:Secret::cache-auth-secret",
        "aws:secretsmanager/secret:Secret::documentdb-master-secret",
        "aws:secretsmanager/secretVersion:SecretVersion::aurora-app-secret",
        "aws:secretsmanager/secretVersion:SecretVersion::aurora-master-secret",
        "aws:secretsmanager/secretVersion:SecretVersion::cache-auth-secret",
        "aws:secretsmanager/secretVersion:SecretVersion::documentdb-master-secret",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::aurora-sg-from-sg-0d70000000000c001",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::cache-sg-from-sg-0d70000000000c001",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::documentdb-sg-from-sg-0d70000000000c001",
        "mlops:data:AuroraPostgres::aurora",
        "mlops:data:DocumentDb::documentdb",
        "mlops:data:RedisCache::cache",
        "mlops:network:DatabaseSecurityGroup::aurora-sg",
        "mlops:network:DatabaseSecurityGroup::cache-sg",
        "mlops:network:DatabaseSecurityGroup::documentdb-sg",
        "mlops:security:ConnectionSecret::aurora-app-secret",
        "mlops:security:ConnectionSecret::aurora-master-secret",
        "mlops:security:ConnectionSecret::cache-auth-secret",
        "mlops:security:ConnectionSecret::documentdb-master-secret",
    ].sort(),
};
/** The standby stores of generation 1 and what Pulumi counts as their data (instances, log group, secrets): removed on purpose. */
const DR_RETIRED_STORES: string[] = [
    "aws:rds/cluster:Cluster::aurora-cluster",
    "aws:rds/clusterInstance:ClusterInstance::aurora-instance-1",
    "aws:docdb/cluster:Cluster::documentdb-cluster",
    "aws:docdb/clusterInstance:ClusterInstance::documentdb-instance-1",
    "aws:elasticache/replicationGroup:ReplicationGroup::cache-group",
    "aws:cloudwatch/logGroup:LogGroup::cache-slow-log",
    "aws:secretsmanager/secret:Secret::aurora-app-secret",
    "aws:secretsmanager/secret:Secret::aurora-master-secret",
    "aws:secretsmanager/secret:Secret::cache-auth-secret",
    "aws:secretsmanager/secret:Secret::documentdb-master-secret",
];
/** Back in standby, the clusters keep one instance each: instances 2 and 3 go (the cluster's storage holds the data). */
const DR_STANDBY_SCALE_DOWN: string[] = [
    "aws:rds/clusterInstance:ClusterInstance::aurora-instance-2",
    "aws:rds/clusterInstance:ClusterInstance::aurora-instance-3",
    "aws:docdb/clusterInstance:ClusterInstance::documentdb-instance-2",
    "aws:docdb/clusterInstance:ClusterInstance::documentdb-instance-3",
];
/** standby generation 2 after a detach: new Aurora and DocumentDB secondaries under -standby-2 names created, the cache (failed over and back, never detached: still a member of prod's datastore, which takes one member per region) kept and back to a secondary, the backup plans and the primary's jobs gone, the Kubernetes names back on the s2 readers; generation 1 (detached) untouched. */
const DR_STANDBY_GENERATION_2: Expected = {
    create: [
        // The cache stays generation 1's (a member of prod's datastore, one per region): none of its operations here.
        ...storeOperations("-standby-2", 1, false).filter((k) => !k.includes("::cache")),
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-standby-2-connections",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-global-replication-lag-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-global-replication-lag-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-global-replication-lag-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-standby-2-connections-limit-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-standby-2-cpu-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-standby-2-global-lag",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-standby-2-memory-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-standby-2-connections",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-standby-2-cpu-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-standby-2-global-lag",
        "aws:docdb/cluster:Cluster::documentdb-standby-2-cluster",
        "aws:docdb/clusterInstance:ClusterInstance::documentdb-standby-2-instance-1",
        "aws:docdb/clusterParameterGroup:ClusterParameterGroup::documentdb-standby-2-cluster-params",
        "aws:docdb/subnetGroup:SubnetGroup::documentdb-standby-2-subnets",
        "aws:ec2/securityGroup:SecurityGroup::aurora-standby-2-sg",
        "aws:ec2/securityGroup:SecurityGroup::documentdb-standby-2-sg",
        "aws:iam/role:Role::aurora-standby-2-monitoring-role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment::aurora-standby-2-monitoring-policy",
        "aws:rds/cluster:Cluster::aurora-standby-2-cluster",
        "aws:rds/clusterInstance:ClusterInstance::aurora-standby-2-instance-1",
        "aws:rds/clusterParameterGroup:ClusterParameterGroup::aurora-standby-2-cluster-params",
        "aws:rds/parameterGroup:ParameterGroup::aurora-standby-2-instance-params",
        "aws:rds/subnetGroup:SubnetGroup::aurora-standby-2-subnets",
        "aws:secretsmanager/secret:Secret::aurora-standby-2-app-secret",
        "aws:secretsmanager/secret:Secret::aurora-standby-2-master-secret",
        "aws:secretsmanager/secret:Secret::documentdb-standby-2-master-secret",
        "aws:secretsmanager/secretVersion:SecretVersion::aurora-standby-2-app-secret",
        "aws:secretsmanager/secretVersion:SecretVersion::aurora-standby-2-master-secret",
        "aws:secretsmanager/secretVersion:SecretVersion::documentdb-standby-2-master-secret",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::aurora-standby-2-sg-from-sg-0d70000000000c001",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::documentdb-standby-2-sg-from-sg-0d70000000000c001",
        "mlops:data:AuroraPostgres::aurora-standby-2",
        "mlops:data:DocumentDb::documentdb-standby-2",
        "mlops:network:DatabaseSecurityGroup::aurora-standby-2-sg",
        "mlops:network:DatabaseSecurityGroup::documentdb-standby-2-sg",
        "mlops:security:ConnectionSecret::aurora-standby-2-app-secret",
        "mlops:security:ConnectionSecret::aurora-standby-2-master-secret",
        "mlops:security:ConnectionSecret::documentdb-standby-2-master-secret",
    ].sort(),
    update: [
        "aws:elasticache/replicationGroup:ReplicationGroup::cache-group",
        DASHBOARD,
        "kubernetes:apps/v1:Deployment::k8s-pgbouncer",
        "kubernetes:batch/v1:Job::k8s-verify",
        "kubernetes:core/v1:Service::k8s-svc-documents",
        "kubernetes:core/v1:Service::k8s-svc-documents-ro",
        "kubernetes:core/v1:Service::k8s-svc-mlflow-db",
        "kubernetes:core/v1:Service::k8s-svc-mlflow-db-ro",
    ].sort(),
    replace: [
        "kubernetes:core/v1:ConfigMap::k8s-endpoints",
        "kubernetes:core/v1:ConfigMap::k8s-pgbouncer-config",
    ],
    delete: [
        ...RESTORE_TESTING,
        "aws:backup/plan:Plan::backup-continuous",
        "aws:backup/plan:Plan::backup-scheduled",
        "aws:backup/selection:Selection::backup-continuous",
        "aws:backup/selection:Selection::backup-scheduled",
        "aws:elasticache/parameterGroup:ParameterGroup::cache-params",
        "kubernetes:batch/v1:CronJob::k8s-archive",
        "kubernetes:batch/v1:CronJob::k8s-reindex",
        "kubernetes:batch/v1:CronJob::k8s-vacuum",
        "kubernetes:batch/v1:Job::k8s-migrate",
        "random:index/randomId:RandomId::cache-final-snapshot-suffix",
    ].sort(),
};
/** dr.retired remove of the detached generation 1 (at prod's size, as promoted): its Aurora and DocumentDB deleted; the cache (generation 2's now) and generation 2 untouched. */
const DR_REMOVE_DETACHED: Expected = {
    delete: [
        ...storeOperations("", 3, true).filter((k) => !k.includes("::cache")),
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-connections",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-connections-limit-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-cpu-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-connections-limit-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-cpu-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-connections-limit-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-cpu-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-memory-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-memory-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-memory-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-replica-lag",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-connections",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-cpu-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-cpu-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-cpu-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-replica-lag",
        "aws:docdb/cluster:Cluster::documentdb-cluster",
        "aws:docdb/clusterInstance:ClusterInstance::documentdb-instance-1",
        "aws:docdb/clusterInstance:ClusterInstance::documentdb-instance-2",
        "aws:docdb/clusterInstance:ClusterInstance::documentdb-instance-3",
        "aws:docdb/clusterParameterGroup:ClusterParameterGroup::documentdb-cluster-params",
        "aws:docdb/subnetGroup:SubnetGroup::documentdb-subnets",
        "aws:ec2/securityGroup:SecurityGroup::aurora-sg",
        "aws:ec2/securityGroup:SecurityGroup::documentdb-sg",
        "aws:iam/role:Role::aurora-monitoring-role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment::aurora-monitoring-policy",
        "aws:rds/cluster:Cluster::aurora-cluster",
        "aws:rds/clusterInstance:ClusterInstance::aurora-instance-1",
        "aws:rds/clusterInstance:ClusterInstance::aurora-instance-2",
        "aws:rds/clusterInstance:ClusterInstance::aurora-instance-3",
        "aws:rds/clusterParameterGroup:ClusterParameterGroup::aurora-cluster-params",
        "aws:rds/parameterGroup:ParameterGroup::aurora-instance-params",
        "aws:rds/subnetGroup:SubnetGroup::aurora-subnets",
        "aws:secretsmanager/secret:Secret::aurora-app-secret",
        "aws:secretsmanager/secret:Secret::aurora-master-secret",
        "aws:secretsmanager/secret:Secret::documentdb-master-secret",
        "aws:secretsmanager/secretVersion:SecretVersion::aurora-app-secret",
        "aws:secretsmanager/secretVersion:SecretVersion::aurora-master-secret",
        "aws:secretsmanager/secretVersion:SecretVersion::documentdb-master-secret",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::aurora-sg-from-sg-0d70000000000c001",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::documentdb-sg-from-sg-0d70000000000c001",
        "mlops:data:AuroraPostgres::aurora",
        "mlops:data:DocumentDb::documentdb",
        "mlops:network:DatabaseSecurityGroup::aurora-sg",
        "mlops:network:DatabaseSecurityGroup::documentdb-sg",
        "mlops:security:ConnectionSecret::aurora-app-secret",
        "mlops:security:ConnectionSecret::aurora-master-secret",
        "mlops:security:ConnectionSecret::documentdb-master-secret",
        "random:index/randomId:RandomId::aurora-final-snapshot-suffix",
        "random:index/randomId:RandomId::documentdb-final-snapshot-suffix",
    ].sort(),
};
/** The detached generation 1, promoted at prod's size: its stores, instances, log group and secrets, removed on purpose. */
const DR_DETACHED_STORES: string[] = [...DR_RETIRED_STORES.filter((k) => !k.includes("::cache-")), ...DR_STANDBY_SCALE_DOWN];
/** promote back to standby in the same generation: the promoted-mode additions undone (instances 2-3, backup plans and selections, the primary's jobs), the global lag alarms back, the vault kept; the clusters updated in place, not re-attached. */
const DR_BACK_TO_STANDBY: Expected = {
    create: [
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-global-lag",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-global-replication-lag-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-global-replication-lag-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-global-replication-lag-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-global-lag",
    ],
    update: [
        // The dashboard's lag widgets come and go with the global clusters.
        DASHBOARD,
        "aws:docdb/cluster:Cluster::documentdb-cluster",
        "aws:elasticache/replicationGroup:ReplicationGroup::cache-group",
        "aws:rds/cluster:Cluster::aurora-cluster",
        "kubernetes:apps/v1:Deployment::k8s-pgbouncer",
        "kubernetes:batch/v1:Job::k8s-verify",
        "kubernetes:core/v1:Service::k8s-svc-documents",
        "kubernetes:core/v1:Service::k8s-svc-mlflow-db",
    ],
    replace: [
        "kubernetes:core/v1:ConfigMap::k8s-endpoints",
        "kubernetes:core/v1:ConfigMap::k8s-pgbouncer-config",
    ],
    delete: [
        ...DR_PRIMARY_OPERATIONS,
        "aws:backup/plan:Plan::backup-continuous",
        "aws:backup/plan:Plan::backup-scheduled",
        "aws:backup/selection:Selection::backup-continuous",
        "aws:backup/selection:Selection::backup-scheduled",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-connections-limit-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-cpu-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-connections-limit-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-cpu-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-memory-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-memory-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-replica-lag",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-cpu-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-cpu-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-replica-lag",
        "aws:docdb/clusterInstance:ClusterInstance::documentdb-instance-2",
        "aws:docdb/clusterInstance:ClusterInstance::documentdb-instance-3",
        "aws:elasticache/parameterGroup:ParameterGroup::cache-params",
        "aws:rds/clusterInstance:ClusterInstance::aurora-instance-2",
        "aws:rds/clusterInstance:ClusterInstance::aurora-instance-3",
        "kubernetes:batch/v1:CronJob::k8s-archive",
        "kubernetes:batch/v1:CronJob::k8s-reindex",
        "kubernetes:batch/v1:CronJob::k8s-vacuum",
        "kubernetes:batch/v1:Job::k8s-migrate",
        "random:index/randomId:RandomId::aurora-final-snapshot-suffix",
        "random:index/randomId:RandomId::cache-final-snapshot-suffix",
        "random:index/randomId:RandomId::documentdb-final-snapshot-suffix",
    ].sort(),
};
/** standby after the restore, with restore 1 in dr.restored: generation 1 secondaries created again (removed in (d)), the backup plans and the primary's jobs gone; restore 1 kept, out of service. */
const DR_STANDBY_AFTER_RESTORE: Expected = {
    create: [
        ...storeOperations("", 1, false),
        "aws:cloudwatch/logGroup:LogGroup::cache-slow-log",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-connections",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-connections-limit-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-cpu-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-global-lag",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-memory-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-cpu-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-cpu-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-cpu-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-engine-cpu-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-engine-cpu-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-engine-cpu-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-evictions-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-evictions-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-evictions-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-global-replication-lag-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-global-replication-lag-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-global-replication-lag-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-memory-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-memory-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-memory-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-replication-lag-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-replication-lag-2",
        "aws:cloudwatch/metricAlarm:MetricAlarm::cache-replication-lag-3",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-connections",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-cpu-1",
        "aws:cloudwatch/metricAlarm:MetricAlarm::documentdb-global-lag",
        "aws:docdb/cluster:Cluster::documentdb-cluster",
        "aws:docdb/clusterInstance:ClusterInstance::documentdb-instance-1",
        "aws:docdb/clusterParameterGroup:ClusterParameterGroup::documentdb-cluster-params",
        "aws:docdb/subnetGroup:SubnetGroup::documentdb-subnets",
        "aws:ec2/securityGroup:SecurityGroup::aurora-sg",
        "aws:ec2/securityGroup:SecurityGroup::cache-sg",
        "aws:ec2/securityGroup:SecurityGroup::documentdb-sg",
        "aws:elasticache/replicationGroup:ReplicationGroup::cache-group",
        "aws:elasticache/subnetGroup:SubnetGroup::cache-subnets",
        "aws:iam/role:Role::aurora-monitoring-role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment::aurora-monitoring-policy",
        "aws:rds/cluster:Cluster::aurora-cluster",
        "aws:rds/clusterInstance:ClusterInstance::aurora-instance-1",
        "aws:rds/clusterParameterGroup:ClusterParameterGroup::aurora-cluster-params",
        "aws:rds/parameterGroup:ParameterGroup::aurora-instance-params",
        "aws:rds/subnetGroup:SubnetGroup::aurora-subnets",
        "aws:secretsmanager/secret:Secret::aurora-app-secret",
        "aws:secretsmanager/secret:Secret::aurora-master-secret",
        "aws:secretsmanager/secret:Secret::cache-auth-secret",
        "aws:secretsmanager/secret:Secret::documentdb-master-secret",
        "aws:secretsmanager/secretVersion:SecretVersion::aurora-app-secret",
        "aws:secretsmanager/secretVersion:SecretVersion::aurora-master-secret",
        "aws:secretsmanager/secretVersion:SecretVersion::cache-auth-secret",
        "aws:secretsmanager/secretVersion:SecretVersion::documentdb-master-secret",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::aurora-sg-from-sg-0d70000000000c001",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::cache-sg-from-sg-0d70000000000c001",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::documentdb-sg-from-sg-0d70000000000c001",
        "mlops:data:AuroraPostgres::aurora",
        "mlops:data:DocumentDb::documentdb",
        "mlops:data:RedisCache::cache",
        "mlops:network:DatabaseSecurityGroup::aurora-sg",
        "mlops:network:DatabaseSecurityGroup::cache-sg",
        "mlops:network:DatabaseSecurityGroup::documentdb-sg",
        "mlops:security:ConnectionSecret::aurora-app-secret",
        "mlops:security:ConnectionSecret::aurora-master-secret",
        "mlops:security:ConnectionSecret::cache-auth-secret",
        "mlops:security:ConnectionSecret::documentdb-master-secret",
    ].sort(),
    update: [
        DASHBOARD,
        "kubernetes:apps/v1:Deployment::k8s-pgbouncer",
        "kubernetes:batch/v1:Job::k8s-verify",
        "kubernetes:core/v1:Service::k8s-svc-cache",
        "kubernetes:core/v1:Service::k8s-svc-cache-ro",
        "kubernetes:core/v1:Service::k8s-svc-documents",
        "kubernetes:core/v1:Service::k8s-svc-documents-ro",
        "kubernetes:core/v1:Service::k8s-svc-mlflow-db",
        "kubernetes:core/v1:Service::k8s-svc-mlflow-db-ro",
    ].sort(),
    replace: [
        "kubernetes:core/v1:ConfigMap::k8s-endpoints",
        "kubernetes:core/v1:ConfigMap::k8s-pgbouncer-config",
    ],
    delete: [
        ...RESTORE_TESTING,
        "aws:backup/plan:Plan::backup-continuous",
        "aws:backup/plan:Plan::backup-scheduled",
        "aws:backup/selection:Selection::backup-continuous",
        "aws:backup/selection:Selection::backup-scheduled",
        "kubernetes:batch/v1:CronJob::k8s-archive",
        "kubernetes:batch/v1:CronJob::k8s-reindex",
        "kubernetes:batch/v1:CronJob::k8s-vacuum",
        "kubernetes:batch/v1:Job::k8s-migrate",
    ].sort(),
};

// ---------- (g) fail-back by rebuilding prod as a secondary ----------

const DR_ARN = (id: string) => `arn:aws:rds:us-west-2:123456789012:cluster:${id}`;
/** prod's second generation, rebuilt from the detached DR clusters serving in us-west-2. */
const REBUILD_2: Rebuild = { generation: 2, auroraSource: DR_ARN(IDS.drAurora), documentdbSource: DR_ARN(IDS.drDocs) };
const GEN2 = { aurora: `${IDS.prodAurora}-g2`, docs: `${IDS.prodDocs}-g2`, auroraGlobal: `${IDS.auroraGlobal}-2`, docsGlobal: `${IDS.docsGlobal}-2` } as const;

/** Generation 2's clusters, instances (prod's three) and global clusters: what the rebuild creates and the takeover leaves alone. */
const GEN2_STORES = [
    "aws:docdb/cluster:Cluster::documentdb-gen-2-cluster",
    "aws:docdb/clusterInstance:ClusterInstance::documentdb-gen-2-instance-1",
    "aws:docdb/clusterInstance:ClusterInstance::documentdb-gen-2-instance-2",
    "aws:docdb/clusterInstance:ClusterInstance::documentdb-gen-2-instance-3",
    "aws:docdb/globalCluster:GlobalCluster::replication-gen-2-documentdb",
    "aws:rds/cluster:Cluster::aurora-gen-2-cluster",
    "aws:rds/clusterInstance:ClusterInstance::aurora-gen-2-instance-1",
    "aws:rds/clusterInstance:ClusterInstance::aurora-gen-2-instance-2",
    "aws:rds/clusterInstance:ClusterInstance::aurora-gen-2-instance-3",
    "aws:rds/globalCluster:GlobalCluster::replication-gen-2-aurora",
];
/** Generation 1's clusters, instances and global clusters: out of service after the rebuild, retired at the end. */
const GEN1_STORES = [
    "aws:docdb/cluster:Cluster::documentdb-cluster",
    "aws:docdb/clusterInstance:ClusterInstance::documentdb-instance-1",
    "aws:docdb/clusterInstance:ClusterInstance::documentdb-instance-2",
    "aws:docdb/clusterInstance:ClusterInstance::documentdb-instance-3",
    "aws:docdb/globalCluster:GlobalCluster::replication-documentdb",
    "aws:rds/cluster:Cluster::aurora-cluster",
    "aws:rds/clusterInstance:ClusterInstance::aurora-instance-1",
    "aws:rds/clusterInstance:ClusterInstance::aurora-instance-2",
    "aws:rds/clusterInstance:ClusterInstance::aurora-instance-3",
    "aws:rds/globalCluster:GlobalCluster::replication-aurora",
];

/** What retiring generation 1 deletes on purpose: its stores and their secrets (generation 2's secrets hold the same master credentials, and its own mlflow_app password). */
const GEN1_RETIRED = [
    ...GEN1_STORES,
    "aws:secretsmanager/secret:Secret::aurora-app-secret",
    "aws:secretsmanager/secret:Secret::aurora-master-secret",
    "aws:secretsmanager/secret:Secret::aurora-app-secret",
    "aws:secretsmanager/secret:Secret::documentdb-master-secret",
];

/** Who is primary of each global cluster, and which clusters clients can write. */
function rebuiltTopology(primaries: { aurora: string; docs: string }, secondaries: { aurora: string; docs: string }): (sim: Simulator) => string[] {
    return (sim) => {
        const w = sim.world;
        const problems: string[] = [];
        for (const [global, primary, secondary] of [
            [GEN2.auroraGlobal, primaries.aurora, secondaries.aurora],
            [GEN2.docsGlobal, primaries.docs, secondaries.docs],
        ]) {
            const g = w.globals.get(global);
            if (!g || g.primary !== primary || !g.members.includes(secondary)) problems.push(`${global}: expected primary ${primary} and member ${secondary}, found ${JSON.stringify(g)}`);
        }
        return problems;
    };
}

/** prod's contract names generation 2's endpoints with the role given. */
const prodServesGeneration2 = (role: "primary" | "standby") => (sim: Simulator): string[] => {
    const v = sim.stacks.get("prod")?.outputs.verification as Json | undefined;
    const problems: string[] = [];
    if (v?.role !== role) problems.push(`prod's contract has role ${JSON.stringify(v?.role)}, expected ${role}`);
    if (!String(v?.postgres?.writer).startsWith(`${GEN2.aurora}.cluster-`)) problems.push(`prod's contract names Aurora ${v?.postgres?.writer}, expected ${GEN2.aurora}`);
    if (!String(v?.documentdb?.endpoint).startsWith(`${GEN2.docs}.cluster-`)) problems.push(`prod's contract names DocumentDB ${v?.documentdb?.endpoint}, expected ${GEN2.docs}`);
    if (!String(v?.redis?.primary).includes(`${IDS.prodCache}.`)) problems.push(`prod's contract names cache ${v?.redis?.primary}, expected ${IDS.prodCache} (the cache is not rebuilt)`);
    const h = sim.stacks.get("prod")?.outputs.drHandoff as Json | undefined;
    if (h?.aurora?.globalClusterIdentifier !== GEN2.auroraGlobal || h?.documentdb?.globalClusterIdentifier !== GEN2.docsGlobal) {
        problems.push(`prod's handoff names ${h?.aurora?.globalClusterIdentifier} and ${h?.documentdb?.globalClusterIdentifier}, expected the rebuilt global clusters`);
    }
    return problems;
};

/** prod's generation 2 and its cache are the only stores clients can write. */
function generation2AloneWrites(sim: Simulator): string[] {
    const w = writablePrimaries(sim);
    return JSON.stringify(w) === JSON.stringify({ aurora: [GEN2.aurora], docdb: [GEN2.docs], cache: [IDS.prodCache] })
        ? []
        : [`expected prod's generation 2 and cache alone to take writes, found ${JSON.stringify(w)}`];
}

/** Generation 1 retired in two ups (D.3, as C.10): deletion protection lifted on its clusters and global clusters, then their deletes. */
function retireGeneration1(serving: Parameters<typeof prodConfig>[0], what: string, removeNote: string): Step[] {
    return [
        {
            title: `retire generation 1${what}, first up: replication.retired unprotect`,
            runbook: "D.3 (retire generation 1)",
            action: {
                kind: "up",
                stack: "prod",
                config: prodConfig({ ...serving, retired: "unprotect" }),
                expect: {
                    scope: "stores",
                    update: ["aws:docdb/cluster:Cluster::documentdb-cluster", "aws:docdb/globalCluster:GlobalCluster::replication-documentdb", "aws:rds/cluster:Cluster::aurora-cluster", "aws:rds/globalCluster:GlobalCluster::replication-aurora"],
                },
            },
        },
        {
            title: `retire generation 1, second up: replication.retired remove${removeNote}`,
            runbook: "D.3 (retire generation 1)",
            action: { kind: "up", stack: "prod", config: prodConfig({ ...serving, retired: "remove" }), expect: { scope: "stores", delete: GEN1_STORES }, intendedDataLoss: GEN1_RETIRED },
        },
    ];
}

/**
 * (g) fail-back after a detach: prod rebuilt as a secondary of new global clusters made from the DR
 * clusters serving, a switchover back with no data lost, prod in service on generation 2, the dr
 * stack standing by again with its own clusters (now members of the new global clusters), and
 * generation 1 retired in two ups.
 */
function rebuildSteps(): Step[] {
    const detach = detachSteps();
    const upTo = detach.findIndex((st) => st.title.startsWith("failover-global-replication-group (cache) back to prod"));
    const rebuilding = { primaryActive: false, fenced: true, generation: 2, rebuilds: [REBUILD_2] };
    const serving = { primaryActive: true, fenced: false, generation: 2, rebuilds: [REBUILD_2] };
    return [
        ...detach.slice(0, upTo + 1),
        {
            title: "prod rebuilt as a secondary: new global clusters from the DR clusters serving, generation 2 joining them in us-east-1; generation 1 out of service",
            runbook: "D.3 (rebuild)",
            action: {
                kind: "up",
                stack: "prod",
                config: prodConfig(rebuilding),
                // The Services and PgBouncer re-pointed at generation 2 (PgBouncer stays at 0); the backup selections name
                // generation 2's clusters (resources is ForceNew on a selection).
                expect: {
                    scope: "stores",
                    create: GEN2_STORES,
                    update: ["kubernetes:apps/v1:Deployment::k8s-pgbouncer"],
                    replace: ["aws:backup/selection:Selection::backup-continuous", "aws:backup/selection:Selection::backup-scheduled"],
                },
            },
        },
        {
            title: "the DR clusters are the new global clusters' primaries; generation 2 replicates them",
            runbook: "D.3 (rebuild)",
            action: { kind: "check", describe: "rebuilt topology", check: rebuiltTopology({ aurora: IDS.drAurora, docs: IDS.drDocs }, { aurora: GEN2.aurora, docs: GEN2.docs }) },
        },
        { title: "prod's contract names generation 2, role standby", runbook: "D.3 (rebuild)", action: { kind: "check", describe: "prod contract", check: prodServesGeneration2("standby") } },
        {
            title: "switchover-global-cluster (Aurora) of the rebuilt global cluster to prod's generation 2: no data lost",
            runbook: "D.3 (switch back)",
            action: { kind: "event", describe: "aws rds switchover-global-cluster", apply: (w) => w.switchover("aurora", GEN2.auroraGlobal, GEN2.aurora) },
        },
        {
            title: "switchover-global-cluster (DocumentDB) to prod's generation 2",
            runbook: "D.3 (switch back)",
            action: { kind: "event", describe: "aws docdb switchover-global-cluster", apply: (w) => w.switchover("docdb", GEN2.docsGlobal, GEN2.docs) },
        },
        { title: "refresh prod", runbook: "D.3 (switch back)", action: { kind: "refresh", stack: "prod" } },
        { title: "refresh dr", runbook: "D.3 (switch back)", action: { kind: "refresh", stack: "dr" } },
        {
            title: "prod takes over on generation 2: primaryActive true, the fence lifted; no cluster changed",
            runbook: "D.3 (switch back)",
            action: { kind: "up", stack: "prod", config: prodConfig(serving), expect: { scope: "stores", create: ["kubernetes:batch/v1:Job::k8s-migrate", "kubernetes:batch/v1:Job::k8s-verify"], update: ["kubernetes:apps/v1:Deployment::k8s-pgbouncer"] } },
        },
        { title: "prod's contract names generation 2, role primary, and its handoff the rebuilt global clusters", runbook: "D.3 (switch back)", action: { kind: "check", describe: "prod contract", check: prodServesGeneration2("primary") } },
        {
            title: "dr back to standby with generation 1, no longer detached: its clusters are members of the rebuilt global clusters",
            runbook: "D.4 (after a rebuild)",
            action: {
                kind: "up",
                stack: "dr",
                config: drConfig({ mode: "standby", detached: [] }),
                expect: { scope: "stores", update: ["aws:docdb/cluster:Cluster::documentdb-cluster", "aws:elasticache/replicationGroup:ReplicationGroup::cache-group", "aws:rds/cluster:Cluster::aurora-cluster", "kubernetes:apps/v1:Deployment::k8s-pgbouncer", "kubernetes:batch/v1:Job::k8s-verify"], delete: [
                    "aws:backup/selection:Selection::backup-continuous",
                    "aws:backup/selection:Selection::backup-scheduled",
                    "aws:docdb/clusterInstance:ClusterInstance::documentdb-instance-2",
                    "aws:docdb/clusterInstance:ClusterInstance::documentdb-instance-3",
                    "aws:rds/clusterInstance:ClusterInstance::aurora-instance-2",
                    "aws:rds/clusterInstance:ClusterInstance::aurora-instance-3",
                    "kubernetes:batch/v1:Job::k8s-migrate",
                ] },
                intendedDataLoss: DR_STANDBY_SCALE_DOWN,
            },
        },
        {
            title: "prod's generation 2 is the primary, the DR clusters its secondaries; prod's stores alone take writes",
            runbook: "D.4 (after a rebuild)",
            action: {
                kind: "check",
                describe: "fail-back complete",
                check: (sim) => {
                    return [...rebuiltTopology({ aurora: GEN2.aurora, docs: GEN2.docs }, { aurora: IDS.drAurora, docs: IDS.drDocs })(sim), ...generation2AloneWrites(sim)];
                },
            },
        },
        ...retireGeneration1(serving, "", "; its master passwords kept (generation 2 replicates the same users)"),
        {
            title: "generation 1 and its global clusters are gone; the rebuilt ones keep their members",
            runbook: "D.3 (retire generation 1)",
            action: {
                kind: "check",
                describe: "generation 1 removed",
                check: (sim) => [
                    ...[IDS.prodAurora, IDS.prodDocs].filter((id) => sim.world.clusters.has(id)).map((id) => `${id} still exists`),
                    ...[IDS.auroraGlobal, IDS.docsGlobal].filter((g) => sim.world.globals.has(g)).map((g) => `${g} still exists`),
                    ...rebuiltTopology({ aurora: GEN2.aurora, docs: GEN2.docs }, { aurora: IDS.drAurora, docs: IDS.drDocs })(sim),
                    ...prodServesGeneration2("primary")(sim),
                ],
            },
        },
    ];
}

/**
 * (g-restore) fail-back after a restore: prod rebuilt from the restored clusters, switched back, the restored
 * clusters standing by as they are (dr.standby.restoreGeneration; AWS takes one secondary per region, so no
 * new generation could join beside them) with a new cache secondary, generation 1 retired; no store clients
 * reach holds the damage.
 */
function rebuildAfterRestoreSteps(): Step[] {
    const fromRestore: Rebuild = { generation: 2, auroraSource: DR_ARN(`${IDS.drAurora}-r1`), documentdbSource: DR_ARN(`${IDS.drDocs}-r1`) };
    const rebuilding = { primaryActive: false, generation: 2, rebuilds: [fromRestore] };
    const serving = { primaryActive: true, generation: 2, rebuilds: [fromRestore] };
    const r1 = { aurora: `${IDS.drAurora}-r1`, docs: `${IDS.drDocs}-r1` };
    return [
        ...restoreSteps(),
        {
            title: "prod rebuilt as a secondary of new global clusters made from the restored clusters; generation 1 (damaged) out of service",
            runbook: "D.3 (after a restore)",
            action: {
                kind: "up",
                stack: "prod",
                config: prodConfig(rebuilding),
                expect: {
                    scope: "stores",
                    create: GEN2_STORES,
                    update: ["kubernetes:apps/v1:Deployment::k8s-pgbouncer", "kubernetes:batch/v1:Job::k8s-verify"],
                    replace: ["aws:backup/selection:Selection::backup-continuous", "aws:backup/selection:Selection::backup-scheduled"],
                },
            },
        },
        { title: "the restored clusters are the new global clusters' primaries", runbook: "D.3 (after a restore)", action: { kind: "check", describe: "rebuilt topology", check: rebuiltTopology(r1, { aurora: GEN2.aurora, docs: GEN2.docs }) } },
        { title: "switchover-global-cluster (Aurora) to prod's generation 2", runbook: "D.3 (switch back)", action: { kind: "event", describe: "aws rds switchover-global-cluster", apply: (w) => w.switchover("aurora", GEN2.auroraGlobal, GEN2.aurora) } },
        { title: "switchover-global-cluster (DocumentDB) to prod's generation 2", runbook: "D.3 (switch back)", action: { kind: "event", describe: "aws docdb switchover-global-cluster", apply: (w) => w.switchover("docdb", GEN2.docsGlobal, GEN2.docs) } },
        { title: "refresh prod", runbook: "D.3 (switch back)", action: { kind: "refresh", stack: "prod" } },
        { title: "refresh dr: the restored clusters are members of the new global clusters (ignored, as AWS set them)", runbook: "D.3 (switch back)", action: { kind: "refresh", stack: "dr" } },
        {
            title: "dr back to standby with the restored clusters (dr.standby.restoreGeneration 1): scaled down in place, a new cache secondary, the restore's standalone cache removed",
            runbook: "D.4 (after a rebuild from a restore)",
            action: {
                kind: "up",
                stack: "dr",
                config: drConfig({ mode: "standby", restore: RESTORE_1, restored: [RESTORE_1], retired: "remove", standbyRestoreGeneration: 1 }),
                expect: {
                    scope: "stores",
                    create: ["aws:elasticache/replicationGroup:ReplicationGroup::cache-group"],
                    // The clusters no longer declare their snapshot (the provider suppresses that diff: nothing is sent).
                    update: ["aws:docdb/cluster:Cluster::documentdb-restore-1-cluster", "aws:rds/cluster:Cluster::aurora-restore-1-cluster", "kubernetes:apps/v1:Deployment::k8s-pgbouncer", "kubernetes:batch/v1:Job::k8s-verify"],
                    delete: [
                        "aws:backup/selection:Selection::backup-continuous",
                        "aws:backup/selection:Selection::backup-scheduled",
                        "aws:docdb/clusterInstance:ClusterInstance::documentdb-restore-1-instance-2",
                        "aws:docdb/clusterInstance:ClusterInstance::documentdb-restore-1-instance-3",
                        "aws:elasticache/replicationGroup:ReplicationGroup::cache-restore-1-group",
                        "aws:rds/clusterInstance:ClusterInstance::aurora-restore-1-instance-2",
                        "aws:rds/clusterInstance:ClusterInstance::aurora-restore-1-instance-3",
                        "kubernetes:batch/v1:Job::k8s-migrate",
                    ],
                },
                intendedDataLoss: [
                    "aws:docdb/clusterInstance:ClusterInstance::documentdb-restore-1-instance-2",
                    "aws:docdb/clusterInstance:ClusterInstance::documentdb-restore-1-instance-3",
                    "aws:rds/clusterInstance:ClusterInstance::aurora-restore-1-instance-2",
                    "aws:rds/clusterInstance:ClusterInstance::aurora-restore-1-instance-3",
                    "aws:elasticache/replicationGroup:ReplicationGroup::cache-restore-1-group",
                    "aws:cloudwatch/logGroup:LogGroup::cache-restore-1-slow-log",
                    "aws:secretsmanager/secret:Secret::cache-restore-1-auth-secret",
                ],
            },
        },
        {
            title: "the operator lets clients back onto prod's cache (generation 1's DocumentDB admits none: out of service)",
            runbook: "D.3 (after a restore)",
            action: { kind: "event", describe: "manual fence lifted", apply: (w) => [IDS.prodDocs, IDS.prodCache].forEach((id) => w.fenced.delete(id)) },
        },
        { title: "prod takes over on generation 2: primaryActive true", runbook: "D.3 (switch back)", action: { kind: "up", stack: "prod", config: prodConfig(serving), expect: { scope: "stores", create: ["kubernetes:batch/v1:Job::k8s-migrate"], update: ["kubernetes:apps/v1:Deployment::k8s-pgbouncer", "kubernetes:batch/v1:Job::k8s-verify"] } } },
        {
            title: "prod's generation 2 and cache alone take writes, none of them damaged; the restored clusters are its secondaries",
            runbook: "D.4 (after a rebuild from a restore)",
            action: {
                kind: "check",
                describe: "fail-back complete",
                check: (sim) => {
                    const problems = [...rebuiltTopology({ aurora: GEN2.aurora, docs: GEN2.docs }, r1)(sim), ...prodServesGeneration2("primary")(sim), ...generation2AloneWrites(sim)];
                    problems.push(...[GEN2.aurora, GEN2.docs].filter((id) => sim.world.clusters.get(id)?.corrupt).map((id) => `${id} holds the damage`));
                    const v = sim.stacks.get("dr")?.outputs.verification as Json | undefined;
                    if (v?.role !== "standby" || !String(v?.postgres?.writer).startsWith(`${r1.aurora}.cluster-ro-`)) problems.push(`dr's contract: role ${v?.role}, Aurora ${v?.postgres?.writer}; expected standby on ${r1.aurora}'s reader`);
                    return problems;
                },
            },
        },
        ...retireGeneration1(serving, " (the damaged clusters)", ""),
    ];
}

export const SCENARIOS: Scenario[] = [
    { id: "a", title: "prod up, then dr standby up", steps: standUp() },
    switchover(),
    regionLoss(),
    restoreScenario(),
    ...returnToStandby(),
    engineUpgrade(),
    { id: "g", title: "fail-back after a detach: prod rebuilt as a secondary of new global clusters, switched back, generation 1 retired", steps: rebuildSteps() },
    { id: "g-restore", title: "fail-back after a restore: prod rebuilt from the restored clusters, which then stand by; generation 1 retired", steps: rebuildAfterRestoreSteps() },
];
