/**
 * The disaster-recovery drill: the runbook's scenarios (docs/runbooks/dr-standup.md)
 * as lists of steps over the lifecycle simulator, each `up` with the operations
 * it must plan per stack, and the assertions every step must keep:
 * - the step succeeds (no provider or AWS rule broken, no protect violated, no
 *   AWS refusal, no unreachable region), unless the scenario expects it to fail;
 * - no data store is replaced or deleted that the step does not name as intended;
 * - never two writable primaries that clients can reach (per store kind);
 * - after every `up`, the active region's data is backed up: each writable
 *   cluster in a reachable region is selected by a backup plan of its stack.
 *
 * SCENARIOS is the list anyone can extend: (d) restore and (e) return to
 * standby belong with the restore design (issue 14) and are not here yet; add
 * them as further entries, reusing standUp() and the helpers.
 */
import { StackFileConfig, readStackFile } from "../stackFile";
import { Operations, Simulator, TYPES, UpResult, key } from "./simulator";
import { ClusterEngine, World } from "./world";

export type Expected = Partial<Operations> | "create-all";

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

export const prodConfig = (o: { primaryActive?: boolean; auroraEngineVersion?: string } = {}) => () => {
    let cfg = withKey("prod", "mlops-data:replication", (r) => {
        if (o.primaryActive !== undefined) r.primaryActive = o.primaryActive;
    });
    if (o.auroraEngineVersion) cfg = withKey("prod", "mlops-data:aurora", (a) => (a.engineVersion = o.auroraEngineVersion), cfg);
    return cfg;
};

/**
 * The dr stack's file with its mode changed. `detached`: the standby generations removed from their
 * global clusters, which promote must be told ([] after a switchover or a failover-global-cluster, the
 * drill's events, which keep the membership).
 */
export const drConfig = (o: { mode?: "standby" | "promote" | "restore"; force?: boolean; detached?: number[] } = {}) => () =>
    withKey("dr", "mlops-data:dr", (d) => {
        if (o.mode) d.mode = o.mode;
        if (o.force !== undefined) d.force = o.force;
        if (o.detached !== undefined) d.detached = o.detached;
        else if (o.mode === "promote") d.detached = [];
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
 * Whether clients of the platform reach a cluster: its region answers and, for
 * Aurora, its stack runs PgBouncer pods (the platform's way in to Aurora; a
 * fenced stack runs none). DocumentDB and the cache are reached directly by
 * their clients: nothing in the program fences them, so for them this is
 * "region reachable" only.
 */
export function clientsReach(sim: Simulator, engine: ClusterEngine, clusterId: string, region: string): boolean {
    if (!sim.world.reachable(region)) return false;
    if (engine !== "aurora") return true;
    const owner = ownerOf(sim, clusterId, TYPES.rdsCluster);
    if (!owner) return true;
    const pgbouncers = sim.ofType(owner, TYPES.deployment).filter((d) => d.planned.name.endsWith("-pgbouncer"));
    return pgbouncers.length === 0 || pgbouncers.some((d) => Number((d.planned.inputs.spec as Json | undefined)?.replicas ?? 1) > 0);
}

/** Writable primaries clients can reach, per store kind: more than one is a split brain. */
export function writablePrimaries(sim: Simulator): { aurora: string[]; docdb: string[]; cache: string[] } {
    const w = sim.world;
    const clusters = (engine: ClusterEngine) =>
        [...w.clusters.values()].filter((c) => c.engine === engine && w.writable(c) && clientsReach(sim, engine, c.id, c.region)).map((c) => c.id).sort();
    const cache = [...w.caches.values()].filter((c) => w.cacheWritable(c) && w.reachable(c.region)).map((c) => c.id).sort();
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
        if (!sim.world.writable(c) || !sim.world.reachable(c.region)) continue;
        const owner = ownerOf(sim, c.id, c.engine === "aurora" ? TYPES.rdsCluster : TYPES.docdbCluster);
        const selected = owner
            ? sim.ofType(owner, TYPES.backupSelection).some((s) => ((s.planned.inputs.resources as unknown[] | undefined) ?? []).includes(c.arn))
            : false;
        if (!selected) problems.push(`${c.id} takes writes in ${c.region} and no backup plan of ${owner ?? "any stack"} selects it`);
    }
    return problems;
}

function compareOperations(stack: string, got: Operations, expected: Expected): string[] {
    if (expected === "create-all") {
        const other = [...got.update, ...got.replace, ...got.delete];
        return other.length ? [`${stack}: expected only creates, also planned: ${other.join(", ")}`] : got.create.length ? [] : [`${stack}: expected creates, planned none`];
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
                if (up.ok) report.problems.push(...unbackedUp(sim));
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

/** prod taking over again: the step-down undone. */
const PROD_TAKE_OVER: Expected = {
    update: PROD_STEP_DOWN.update,
    replace: PROD_STEP_DOWN.replace,
    create: PROD_STEP_DOWN.delete,
};

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
        "aws:backup/plan:Plan::backup-continuous",
        "aws:backup/plan:Plan::backup-scheduled",
        "aws:backup/selection:Selection::backup-continuous",
        "aws:backup/selection:Selection::backup-scheduled",
        "aws:cloudwatch/metricAlarm:MetricAlarm::aurora-cpu-2",
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
    ],
    update: [
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
            { title: "refresh prod: Read records the new primaries and prod's replication source", runbook: "B (after the switchover)", action: { kind: "refresh", stack: "prod" } },
            { title: "prod up after the refresh: no replacement of the global datastore, no promotion", runbook: "B (after the switchover)", action: { kind: "up", stack: "prod", config: prodConfig({ primaryActive: false }), expect: {} } },
            ...switchoverAll("prod"),
            { title: "refresh prod", runbook: "D.3", action: { kind: "refresh", stack: "prod" } },
            {
                title: "prod takes over again: primaryActive true (role primary, PgBouncer back, migrate Job)",
                runbook: "D.3",
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
            { title: "refresh prod", runbook: "D.3", action: { kind: "refresh", stack: "prod" } },
            {
                title: "prod takes over again: primaryActive true",
                runbook: "D.3",
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

export const SCENARIOS: Scenario[] = [
    { id: "a", title: "prod up, then dr standby up", steps: standUp() },
    switchover(),
    regionLoss(),
    engineUpgrade(),
];
