/**
 * The lifecycle simulator: each stack's Pulumi state carried from step to step
 * (per URN: type, inputs as last applied, outputs, options), the AWS world
 * beside it (engine/lifecycle/world.ts), and the two things an operator runs:
 *
 * - `up(stack, config)`: the program is evaluated under the mocks (a stack
 *   reference is answered from the referenced stack's current state outputs,
 *   never by running it again, and works whatever region is lost: the state
 *   backend is not in a region); the new registrations are diffed against the
 *   state with Pulumi's semantics (engine/diff.ts); the provider's and AWS's
 *   rules run on the inputs the provider would be given, i.e. with the
 *   ignoreChanges paths already copied from the state (Pulumi does this before
 *   calling the provider's Check: pulumi/pulumi pkg/resource/deploy/step_generator.go,
 *   processIgnoreChanges then prov.Check); a blocked change, a rule broken or an
 *   AWS refusal fails the step and leaves state and world as they were (a real
 *   `up` may stop half-way; the drill treats any failure as the end of the
 *   scenario). Otherwise the state becomes the new inputs with their outputs,
 *   and the world follows: a created cluster joins its global cluster, an update
 *   that drops globalClusterIdentifier detaches, and so on.
 * - `refresh(stack)`: per type, what the provider's Read sets from the world
 *   (READS below, each citing the Read). The bridge gives the read values back
 *   as the state's inputs for the properties the old inputs hold
 *   (pulumi-terraform-bridge, Read: ExtractInputsFromOutputs); a property that is
 *   Optional and not Computed is diffed by the provider against the state even
 *   when the program leaves it out (the Terraform plan sets it to empty), so it
 *   is recorded as an input whether or not the program declared it.
 */
import { RecordedResource, StackEvaluation, evaluateStack } from "../mockEngine";
import { PLAN_FORMAT, Plan, PlannedResource, buildPlan } from "../plan";
import { StackFileConfig } from "../stackFile";
import { ResourceChange, StackDiff, applyIgnoreChanges, diffPlans } from "../diff";
import { checkResources, formatViolation } from "../provider/check";
import { isProtectedEnvironment } from "../protection";
import { AwsRefusal, ClusterEngine, World } from "./world";

export const TYPES = {
    rdsCluster: "aws:rds/cluster:Cluster",
    docdbCluster: "aws:docdb/cluster:Cluster",
    rdsInstance: "aws:rds/clusterInstance:ClusterInstance",
    rdsGlobal: "aws:rds/globalCluster:GlobalCluster",
    docdbGlobal: "aws:docdb/globalCluster:GlobalCluster",
    cacheGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    cacheGlobal: "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
    backupSelection: "aws:backup/selection:Selection",
    deployment: "kubernetes:apps/v1:Deployment",
} as const;

const TF = "hashicorp/terraform-provider-aws internal/service";

/** One property a provider's Read sets from AWS. */
interface ReadProperty {
    property: string;
    /** Optional+Computed: recorded as an input only where the old inputs hold it. */
    computed: boolean;
    value: (w: World, r: StateResource) => unknown;
    source: string;
}

const clusterOf = (w: World, r: StateResource) => w.clusters.get(String(r.planned.inputs.clusterIdentifier));

/** What ElastiCache reports of a group's engine and encryption; a secondary takes them from its datastore. */
const CACHE_ATTRIBUTES = ["engine", "engineVersion", "nodeType", "parameterGroupName", "atRestEncryptionEnabled", "transitEncryptionEnabled", "transitEncryptionMode"];

/** What refresh reads back, per type. Types not listed keep their state (nothing the drill changes outside Pulumi). */
export const READS: Record<string, ReadProperty[]> = {
    [TYPES.rdsCluster]: [
        {
            property: "globalClusterIdentifier",
            computed: false,
            value: (w, r) => clusterOf(w, r)?.global,
            source: `${TF}/rds/cluster.go resourceClusterRead (global_cluster_identifier from DescribeGlobalClusters filtered by the cluster's ARN; Optional, not Computed)`,
        },
        {
            property: "replicationSourceIdentifier",
            computed: false,
            value: (w, r) => {
                const c = clusterOf(w, r);
                return c && w.replicationSourceOf(c);
            },
            source: `${TF}/rds/cluster.go resourceClusterRead (d.Set("replication_source_identifier", dbc.ReplicationSourceIdentifier): a global secondary reports its primary's ARN; Optional, not Computed)`,
        },
        { property: "engineVersion", computed: true, value: (w, r) => clusterOf(w, r)?.engineVersion, source: `${TF}/rds/cluster.go resourceClusterRead (engine_version, Optional+Computed)` },
    ],
    [TYPES.rdsInstance]: [
        {
            property: "engineVersion",
            computed: true,
            value: (w, r) => w.clusters.get(String(r.planned.inputs.clusterIdentifier))?.engineVersion,
            source: `${TF}/rds/cluster_instance.go resourceClusterInstanceRead (engine_version from the DB instance, which runs its cluster's version; Optional+Computed)`,
        },
    ],
    [TYPES.docdbCluster]: [
        {
            property: "globalClusterIdentifier",
            computed: false,
            value: (w, r) => clusterOf(w, r)?.global,
            source: `${TF}/docdb/cluster.go resourceClusterRead (global_cluster_identifier from the global cluster whose members include the cluster's ARN)`,
        },
        { property: "engineVersion", computed: true, value: (w, r) => clusterOf(w, r)?.engineVersion, source: `${TF}/docdb/cluster.go resourceClusterRead (engine_version, Optional+Computed)` },
    ],
    [TYPES.rdsGlobal]: [
        {
            property: "engineVersion",
            computed: true,
            value: (w, r) => w.globals.get(String(r.planned.inputs.globalClusterIdentifier))?.engineVersion,
            source: `${TF}/rds/global_cluster.go resourceGlobalClusterRead (engine_version, Optional+Computed)`,
        },
    ],
    [TYPES.docdbGlobal]: [
        {
            property: "engineVersion",
            computed: true,
            value: (w, r) => w.globals.get(String(r.planned.inputs.globalClusterIdentifier))?.engineVersion,
            source: `${TF}/docdb/global_cluster.go resourceGlobalClusterRead (engine_version, Optional+Computed)`,
        },
    ],
    [TYPES.cacheGlobal]: [
        {
            property: "primaryReplicationGroupId",
            computed: false,
            value: (w, r) => w.datastores.get(String(r.outputs.globalReplicationGroupId))?.primary,
            source: `${TF}/elasticache/global_replication_group.go resourceGlobalReplicationGroupRead (primary_replication_group_id from the member whose Role is PRIMARY; Required, ForceNew)`,
        },
    ],
    [TYPES.cacheGroup]: [
        {
            property: "globalReplicationGroupId",
            computed: true,
            value: (w, r) => w.caches.get(String(r.planned.inputs.replicationGroupId))?.global,
            source: `${TF}/elasticache/replication_group.go resourceReplicationGroupRead (global_replication_group_id from GlobalReplicationGroupInfo; Optional+Computed)`,
        },
        ...CACHE_ATTRIBUTES.map(
            (property): ReadProperty => ({
                property,
                computed: true,
                value: (w, r) => w.caches.get(String(r.planned.inputs.replicationGroupId))?.attributes[property],
                source: `${TF}/elasticache/replication_group.go resourceReplicationGroupRead (engine, engine_version, node_type, parameter_group_name, at_rest_encryption_enabled, transit_encryption_enabled, transit_encryption_mode: Optional+Computed, read from the group)`,
            }),
        ),
    ],
};

export interface StateResource {
    planned: PlannedResource;
    outputs: Record<string, any>;
}

export interface StackState {
    stack: string;
    region: string;
    environment: string;
    config: StackFileConfig;
    resources: Map<string, StateResource>;
    /** Stack outputs, plain (secrets unwrapped): what a stack reference reads. Never printed. */
    outputs: Record<string, any>;
    secretOutputs: string[];
}

/** "type::name", how the drill names a resource. */
export const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;

export interface Operations {
    create: string[];
    update: string[];
    replace: string[];
    delete: string[];
}

export interface UpResult {
    stack: string;
    ok: boolean;
    /** Why the step failed (provider rules, protect, AWS refusals, an unreachable region). */
    failures: string[];
    diff?: StackDiff;
    operations: Operations;
    /** What AWS did as the update ran, one line each. */
    effects: string[];
}

export interface RefreshResult {
    stack: string;
    /** "type::name property: before → after", one per read value that changed in the state. */
    changes: string[];
}

export class UnreachableRegion extends Error {}

function operationsOf(diff: StackDiff): Operations {
    const ops: Operations = { create: [], update: [], replace: [], delete: [] };
    const slot = { add: "create", update: "update", replace: "replace", delete: "delete" } as const;
    for (const c of diff.changes) ops[slot[c.kind]].push(key(c));
    for (const k of Object.keys(ops) as (keyof Operations)[]) ops[k].sort();
    return ops;
}

const lastSegment = (arn: unknown) => String(arn).split(":").pop()!;
const isSet = (v: unknown) => v !== undefined && v !== null && v !== "";

export class Simulator {
    readonly world = new World();
    readonly stacks = new Map<string, StackState>();

    statePlan(s: StackState): Plan {
        return {
            format: PLAN_FORMAT,
            stack: s.stack,
            project: "mlops-data",
            environment: s.environment,
            region: s.region,
            protectedEnvironment: isProtectedEnvironment(s.environment),
            resources: [...s.resources.values()].map((r) => r.planned),
            outputs: {},
            violations: null,
        };
    }

    private references(except: string): Map<string, StackEvaluation> {
        const m = new Map<string, StackEvaluation>();
        for (const [name, s] of this.stacks) {
            if (name === except) continue;
            m.set(name, { stack: name, project: "mlops-data", preview: false, resources: [], outputs: structuredClone(s.outputs), secretOutputs: [...s.secretOutputs], invokes: [] });
        }
        return m;
    }

    async up(stack: string, config: StackFileConfig): Promise<UpResult> {
        const region = config.config["aws:region"] ?? "us-east-1";
        const empty: Operations = { create: [], update: [], replace: [], delete: [] };
        if (!this.world.reachable(region)) {
            return { stack, ok: false, failures: [`pulumi up --stack ${stack}: the ${region} API does not answer (the region is lost)`], operations: empty, effects: [] };
        }
        const current = this.stacks.get(stack);
        let ev: StackEvaluation;
        try {
            ev = await evaluateStack(stack, { preview: false, stackConfig: config, evaluated: this.references(stack), captureStackTraces: false, stateOutputs: (type, name) => this.keptOutputs(current, type, name) });
        } catch (e) {
            return { stack, ok: false, failures: [`the program failed: ${e instanceof Error ? e.message : String(e)}`], operations: empty, effects: [] };
        }
        const head = buildPlan(ev, config, null);
        const base = current ? this.statePlan(current) : undefined;
        // A bridged provider diffs the program's inputs against the prior state, not the prior inputs: a
        // Computed property the old inputs lack but the state holds (as Read set it) is compared with the
        // state's value (pulumi-terraform-bridge Diff: the Terraform plan of the config against the state).
        const providerBase = base && {
            ...base,
            resources: base.resources.map((b) => {
                const h = head.resources.find((r) => r.urn === b.urn);
                const outputs = current!.resources.get(b.urn)!.outputs;
                const computed = (READS[b.type] ?? []).filter((p) => p.computed && h);
                const fill = computed.filter((p) => h!.inputs[p.property] !== undefined && b.inputs[p.property] === undefined && outputs[p.property] !== undefined);
                // A Computed property the program no longer declares keeps the state's value: no change.
                const dropped = computed.filter((p) => h!.inputs[p.property] === undefined && b.inputs[p.property] !== undefined);
                if (fill.length === 0 && dropped.length === 0) return b;
                const inputs = { ...b.inputs, ...Object.fromEntries(fill.map((p) => [p.property, outputs[p.property]])) };
                for (const p of dropped) delete inputs[p.property];
                return { ...b, inputs };
            }),
        };
        const diff = diffPlans(providerBase, head);
        const operations = operationsOf(diff);
        const failures: string[] = [];
        // The provider sees the inputs with the ignored paths already taken from the state.
        const merged = head.resources.map((h) => {
            const b = current?.resources.get(h.urn);
            return b ? { ...h, inputs: applyIgnoreChanges(h.inputs, b.planned.inputs, h.ignoreChanges) } : h;
        });
        // The provider's own rules (schema, ConflictsWith) run at every Check. AWS judges only what an API call
        // carries: an existing resource that is updated in place sends only the changed arguments (the provider's
        // Update calls ModifyDBCluster etc. for d.HasChange), so an AWS rule on an unchanged property of a
        // resource that is not replaced is not judged again (e.g. a global member's master credentials,
        // which AWS refuses only when a secondary is created).
        const changeOf = new Map(diff.changes.map((c) => [c.urn, c]));
        for (const v of checkResources(merged, head.region).violations) {
            const c = changeOf.get(v.urn);
            const existing = current?.resources.has(v.urn) && c?.kind !== "replace";
            if (existing && v.origin === "aws" && !(c?.properties ?? []).some((p) => p.path.split(/[.[]/)[0] === v.property)) continue;
            failures.push(formatViolation(v));
        }
        for (const c of diff.changes) if (c.blocked) failures.push(`${key(c)}: ${c.reasons[c.reasons.length - 1] ?? "blocked by protect"}`);
        const outputsOf = new Map<string, RecordedResource>(ev.resources.map((r) => [r.urn, r]));
        const next = new Map<string, StateResource>();
        for (const r of merged) {
            const old = current?.resources.get(r.urn);
            const changed = diff.changes.find((c) => c.urn === r.urn);
            // An unchanged resource keeps its outputs (what refresh last read); a changed one takes the provider's answer.
            const outputs = old && !changed ? old.outputs : { ...(outputsOf.get(r.urn)?.outputs ?? {}) };
            if (old && changed?.kind === "update") for (const p of Object.values(READS[r.type] ?? [])) if (old.outputs[p.property] !== undefined && r.inputs[p.property] === undefined) outputs[p.property] = old.outputs[p.property];
            next.set(r.urn, { planned: r, outputs });
        }
        const effects: string[] = [];
        if (failures.length === 0) {
            const world = structuredClone(this.world.snapshot());
            try {
                // As the dependencies order the provider's calls: a global resource after the member it is made
                // from, and a member that joins a global resource created in the same up after that resource
                // (prod rebuilt for fail-back: the new global clusters from the DR clusters, then prod's secondaries).
                const globalTypes = new Set<string>([TYPES.rdsGlobal, TYPES.docdbGlobal, TYPES.cacheGlobal]);
                const createdGlobals = new Set(
                    diff.changes
                        .filter((c) => c.kind !== "delete" && globalTypes.has(c.type))
                        .map((c) => String(next.get(c.urn)?.planned.inputs.globalClusterIdentifier ?? next.get(c.urn)?.outputs.globalReplicationGroupId)),
                );
                const joinsCreated = (c: ResourceChange) => {
                    const i = next.get(c.urn)?.planned.inputs ?? {};
                    return c.kind !== "delete" && [i.globalClusterIdentifier, i.globalReplicationGroupId].some((g) => isSet(g) && createdGlobals.has(String(g)));
                };
                const tier = (c: ResourceChange) => (globalTypes.has(c.type) ? 1 : joinsCreated(c) ? 2 : 0);
                const ordered = [0, 1, 2].flatMap((t) => diff.changes.filter((c) => tier(c) === t));
                for (const c of ordered) this.applyToWorld(c, current, next, region, effects);
            } catch (e) {
                if (!(e instanceof AwsRefusal)) throw e;
                failures.push(`AWS refuses: ${e.message}`);
                this.restoreWorld(world);
            }
        }
        if (failures.length > 0) return { stack, ok: false, failures, diff, operations, effects };
        // The provider's Create and Update end with its Read: the state's outputs hold what AWS reports.
        for (const c of diff.changes) {
            const r = next.get(c.urn);
            if (!r) continue;
            for (const p of READS[r.planned.type] ?? []) {
                const value = p.value(this.world, r);
                if (value !== undefined) r.outputs[p.property] = value;
            }
        }
        this.stacks.set(stack, {
            stack,
            region,
            environment: config.config["mlops-data:environment"] ?? "",
            config,
            resources: next,
            outputs: ev.outputs,
            secretOutputs: ev.secretOutputs,
        });
        return { stack, ok: true, failures, diff, operations, effects };
    }

    /**
     * The outputs an existing resource keeps whatever the program now says: those of its ignored
     * inputs (Pulumi sends the state's value, so the provider answers with it), so that what is
     * built from them (an instance's engineVersion from its cluster's) sees the state's value too.
     * The paths are the state's (the last up's) options: the program's new options are not known
     * before its registrations, and the drill never changes a resource's ignoreChanges.
     */
    private keptOutputs(current: StackState | undefined, type: string, name: string): Record<string, unknown> | undefined {
        const r = [...(current?.resources.values() ?? [])].find((x) => x.planned.type === type && x.planned.name === name);
        if (!r || r.planned.ignoreChanges.length === 0) return undefined;
        const top = r.planned.ignoreChanges.map((p) => p.split(/[.[]/)[0]);
        return Object.fromEntries(top.filter((k) => k in r.outputs).map((k) => [k, r.outputs[k]]));
    }

    private restoreWorld(snapshot: any): void {
        const w = this.world;
        for (const [m, k] of [
            [w.clusters, "clusters"],
            [w.globals, "globals"],
            [w.caches, "caches"],
            [w.datastores, "datastores"],
        ] as const) {
            (m as Map<string, unknown>).clear();
            for (const [id, v] of Object.entries(snapshot[k])) (m as Map<string, unknown>).set(id, v);
        }
    }

    /** What AWS does when the provider carries out one change. */
    private applyToWorld(c: ResourceChange, current: StackState | undefined, next: Map<string, StateResource>, region: string, effects: string[]): void {
        const w = this.world;
        const before = current?.resources.get(c.urn);
        const after = next.get(c.urn);
        const engine: ClusterEngine | undefined = c.type === TYPES.rdsCluster || c.type === TYPES.rdsGlobal ? "aurora" : c.type === TYPES.docdbCluster || c.type === TYPES.docdbGlobal ? "docdb" : undefined;
        const removeOld = () => {
            if (!before) return;
            const i = before.planned.inputs;
            if (c.type === TYPES.rdsCluster || c.type === TYPES.docdbCluster) {
                const id = String(i.clusterIdentifier);
                const cl = w.clusters.get(id);
                if (cl?.global) {
                    const g = w.globals.get(cl.global)!;
                    g.members = g.members.filter((m) => m !== id);
                    if (g.primary === id) g.primary = undefined;
                }
                w.clusters.delete(id);
                effects.push(`${id} deleted`);
            } else if (c.type === TYPES.rdsGlobal || c.type === TYPES.docdbGlobal) {
                const g = w.globals.get(String(i.globalClusterIdentifier));
                for (const m of g?.members ?? []) delete w.clusters.get(m)?.global;
                w.globals.delete(String(i.globalClusterIdentifier));
                effects.push(`global cluster ${i.globalClusterIdentifier} deleted`);
            } else if (c.type === TYPES.cacheGroup) {
                // elasticache/replication_group.go delete: a member of a global datastore is disassociated first
                // (DisassociateGlobalReplicationGroup), which takes only a secondary: the primary of a datastore with
                // other members cannot leave it (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DisassociateGlobalReplicationGroup.html:
                // "Remove a secondary cluster from the Global datastore").
                const id = String(i.replicationGroupId);
                const d = w.caches.get(id)?.global ? w.datastores.get(w.caches.get(id)!.global!) : undefined;
                if (d && d.primary === id && d.members.length > 1) throw new AwsRefusal(`${id} is the primary of global datastore ${d.id}: only a secondary can be disassociated and deleted`);
                if (d) d.members = d.members.filter((m) => m !== id);
                w.caches.delete(id);
                effects.push(`cache ${id} deleted`);
            } else if (c.type === TYPES.cacheGlobal) {
                const id = String(before.outputs.globalReplicationGroupId);
                for (const m of w.datastores.get(id)?.members ?? []) delete w.caches.get(m)?.global;
                w.datastores.delete(id);
                effects.push(`global datastore ${id} deleted`);
            }
        };
        const create = () => {
            if (!after) return;
            const i = after.planned.inputs;
            const o = after.outputs;
            if (engine && (c.type === TYPES.rdsCluster || c.type === TYPES.docdbCluster)) {
                const id = String(i.clusterIdentifier);
                const cl = { id, engine, region, arn: String(o.arn), engineVersion: i.engineVersion as string | undefined, global: undefined as string | undefined };
                if (isSet(i.globalClusterIdentifier)) {
                    const g = w.globals.get(String(i.globalClusterIdentifier));
                    if (!g) throw new AwsRefusal(`GlobalClusterNotFoundFault: ${i.globalClusterIdentifier} (creating ${id})`);
                    // One cluster per region: "an Aurora global database has a primary DB cluster in one Region, and up to
                    // five secondary DB clusters in different Regions" (Aurora User Guide, aurora-global-database.html);
                    // DocumentDB's global clusters are modelled alike (its guide speaks of secondary regions).
                    const sameRegion = g.members.find((m) => w.clusters.get(m)?.region === region);
                    if (sameRegion) throw new AwsRefusal(`creating ${id} in ${g.id}: ${sameRegion} is already its member in ${region} (one cluster per region)`);
                    g.members.push(id);
                    cl.global = g.id;
                    // A secondary runs the global cluster's engine version, and holds whatever its primary holds.
                    cl.engineVersion = g.engineVersion ?? cl.engineVersion;
                    if (g.primary && w.clusters.get(g.primary)?.corrupt) (cl as { corrupt?: boolean }).corrupt = true;
                    effects.push(`${id} created as a secondary of ${g.id}`);
                } else effects.push(`${id} created`);
                w.clusters.set(id, cl);
            } else if (engine && (c.type === TYPES.rdsGlobal || c.type === TYPES.docdbGlobal)) {
                const id = String(i.globalClusterIdentifier);
                const sourceId = isSet(i.sourceDbClusterIdentifier) ? lastSegment(i.sourceDbClusterIdentifier) : undefined;
                const source = sourceId ? w.clusters.get(sourceId) : undefined;
                if (sourceId && !source) throw new AwsRefusal(`DBClusterNotFoundFault: ${sourceId} (source of ${id})`);
                if (source?.global) throw new AwsRefusal(`InvalidDBClusterStateFault: ${sourceId} is already a member of ${source.global}`);
                if (source && !w.reachable(source.region)) throw new AwsRefusal(`creating ${id} from ${sourceId}: the ${source.region} API does not answer (the region is lost)`);
                w.globals.set(id, { id, engine, members: source ? [source.id] : [], primary: source?.id, engineVersion: (i.engineVersion as string | undefined) ?? source?.engineVersion });
                if (source) source.global = id;
                effects.push(`global cluster ${id} created from ${sourceId ?? "nothing"}`);
            } else if (c.type === TYPES.cacheGroup) {
                const id = String(i.replicationGroupId);
                const global = isSet(i.globalReplicationGroupId) ? String(i.globalReplicationGroupId) : undefined;
                if (global) {
                    const d = w.datastores.get(global);
                    if (!d) throw new AwsRefusal(`GlobalReplicationGroupNotFoundFault: ${global} (creating ${id})`);
                    // A global datastore's secondaries are in other regions than its primary and each other (ElastiCache
                    // guide, "Replication across AWS Regions using global datastores": a secondary cluster in another region).
                    const sameRegion = d.members.find((m) => w.caches.get(m)?.region === region);
                    if (sameRegion) throw new AwsRefusal(`creating cache ${id} in ${global}: ${sameRegion} is already its member in ${region} (one replication group per region)`);
                    d.members.push(id);
                    effects.push(`cache ${id} created as a secondary of ${global}`);
                }
                const attributes = global
                    ? { ...(w.caches.get(w.datastores.get(global)!.primary ?? "")?.attributes ?? {}) }
                    : Object.fromEntries(CACHE_ATTRIBUTES.filter((k) => i[k] !== undefined).map((k) => [k, i[k]]));
                w.caches.set(id, { id, region, global, attributes });
            } else if (c.type === TYPES.cacheGlobal) {
                const id = String(o.globalReplicationGroupId);
                const primary = String(i.primaryReplicationGroupId);
                const cache = w.caches.get(primary);
                if (!cache) throw new AwsRefusal(`ReplicationGroupNotFoundFault: ${primary} (primary of ${id})`);
                w.datastores.set(id, { id, members: [primary], primary });
                cache.global = id;
                effects.push(`global datastore ${id} created from ${primary}`);
            }
        };
        if (c.kind === "delete") return removeOld();
        if (c.kind === "replace") {
            removeOld();
            return create();
        }
        if (c.kind === "add") return create();
        // An update: what the provider's Update calls for the properties that changed.
        if (!before || !after) return;
        const b = before.planned.inputs;
        const a = after.planned.inputs;
        if (engine && (c.type === TYPES.rdsCluster || c.type === TYPES.docdbCluster)) {
            const cl = w.clusters.get(String(a.clusterIdentifier));
            if (!cl) return;
            const svc = engine === "aurora" ? "rds" : "docdb";
            if (isSet(b.globalClusterIdentifier) && !isSet(a.globalClusterIdentifier) && cl.global) {
                // rds/cluster.go (and docdb/cluster.go) Update: global_cluster_identifier changed to empty: RemoveFromGlobalCluster.
                const g = w.globals.get(cl.global)!;
                g.members = g.members.filter((m) => m !== cl.id);
                if (g.primary === cl.id) g.primary = undefined;
                effects.push(`${cl.id} removed from ${cl.global} by the provider (${svc}/cluster.go Update: RemoveFromGlobalCluster): now standalone and writable`);
                cl.global = undefined;
            } else if (!isSet(b.globalClusterIdentifier) && isSet(a.globalClusterIdentifier)) {
                throw new AwsRefusal(
                    `${cl.id}: existing RDS Clusters cannot be added to an existing RDS Global Cluster (${svc}/cluster.go Update: global_cluster_identifier can only be removed; AWS has no API to add an existing cluster)`,
                );
            }
            if (engine === "aurora" && isSet(b.replicationSourceIdentifier) && !isSet(a.replicationSourceIdentifier)) {
                // rds/cluster.go Update: replication_source_identifier changed to empty calls PromoteReadReplicaDBCluster,
                // which AWS refuses for a member of a global cluster (it is promoted only through the global cluster).
                if (cl.global) throw new AwsRefusal(`${cl.id}: PromoteReadReplicaDBCluster on a member of global cluster ${cl.global} (rds/cluster.go Update: replication_source_identifier set to empty)`);
            }
        } else if (engine && (c.type === TYPES.rdsGlobal || c.type === TYPES.docdbGlobal)) {
            if (isSet(a.engineVersion) && a.engineVersion !== b.engineVersion) {
                // rds/global_cluster.go Update: engine_version changed: globalClusterUpgradeEngineVersion (ModifyGlobalCluster for a
                // major version; for a minor one ModifyDBCluster on each member in its own region, secondaries first).
                const g = w.globals.get(String(a.globalClusterIdentifier));
                if (!g) throw new AwsRefusal(`GlobalClusterNotFoundFault: ${a.globalClusterIdentifier}`);
                for (const m of g.members) {
                    const cl = w.clusters.get(m)!;
                    if (!w.reachable(cl.region)) throw new AwsRefusal(`upgrading ${g.id}: member ${m} in ${cl.region} does not answer`);
                }
                g.engineVersion = String(a.engineVersion);
                for (const m of g.members) w.clusters.get(m)!.engineVersion = g.engineVersion;
                effects.push(`${g.id} and its ${g.members.length} members upgraded to ${g.engineVersion}`);
            }
        }
    }

    async refresh(stack: string): Promise<RefreshResult> {
        const s = this.stacks.get(stack);
        if (!s) throw new Error(`no state for stack ${stack}`);
        if (!this.world.reachable(s.region)) throw new UnreachableRegion(`pulumi refresh --stack ${stack}: the ${s.region} API does not answer (the region is lost)`);
        const changes: string[] = [];
        for (const r of s.resources.values()) {
            for (const p of READS[r.planned.type] ?? []) {
                const value = p.value(this.world, r);
                const inputs = { ...r.planned.inputs };
                const before = inputs[p.property];
                if (!p.computed || p.property in inputs) {
                    if (value === undefined) delete inputs[p.property];
                    else inputs[p.property] = value;
                }
                if (JSON.stringify(before) !== JSON.stringify(inputs[p.property])) changes.push(`${key(r.planned)} ${p.property}: ${JSON.stringify(before) ?? "(unset)"} → ${JSON.stringify(inputs[p.property]) ?? "(unset)"}`);
                r.planned = { ...r.planned, inputs };
                if (value === undefined) delete r.outputs[p.property];
                else r.outputs[p.property] = value;
            }
        }
        return { stack, changes };
    }

    /** The resources of a stack's state of one type. */
    ofType(stack: string, type: string): StateResource[] {
        return [...(this.stacks.get(stack)?.resources.values() ?? [])].filter((r) => r.planned.type === type);
    }
}
