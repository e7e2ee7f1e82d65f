/**
 * The data tier's topology across stacks, as a Mermaid flowchart for the
 * report: regions, each stack's clusters with their instances, caches with
 * their nodes, backup vaults and the copies between them, and the global
 * clusters and datastore that replicate to the DR region.
 *
 * Everything is read from plans (inputs and the dependencies between
 * resources), so it shows what the program declares, not what AWS reports.
 */
import { Plan, PlannedResource } from "../engine/plan";

interface Node {
    id: string;
    label: string;
    shape: "store" | "box" | "vault" | "global";
}
interface Edge {
    from: string;
    to: string;
    label: string;
    style: "member" | "replicates" | "backup";
}

const T = {
    aurora: "aws:rds/cluster:Cluster",
    auroraInstance: "aws:rds/clusterInstance:ClusterInstance",
    docdb: "aws:docdb/cluster:Cluster",
    docdbInstance: "aws:docdb/clusterInstance:ClusterInstance",
    cache: "aws:elasticache/replicationGroup:ReplicationGroup",
    vault: "aws:backup/vault:Vault",
    plan: "aws:backup/plan:Plan",
    selection: "aws:backup/selection:Selection",
    auroraGlobal: "aws:rds/globalCluster:GlobalCluster",
    docdbGlobal: "aws:docdb/globalCluster:GlobalCluster",
    cacheGlobal: "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
};

/** The region a resource lands in: its own `region` input, else its explicit provider's, else the stack's. */
function regionOf(r: PlannedResource, plan: Plan, byUrn: Map<string, PlannedResource>): string {
    if (typeof r.inputs.region === "string") return r.inputs.region;
    const provider = r.provider ? byUrn.get(r.provider.split("::").slice(0, -1).join("::")) : undefined;
    return typeof provider?.inputs.region === "string" ? provider.inputs.region : plan.region;
}

const str = (v: unknown) => (typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v));
const lastSegment = (arn: unknown) => str(arn).split(":").pop() ?? "";

function label(r: PlannedResource): { label: string; shape: Node["shape"] } | undefined {
    const i = r.inputs;
    switch (r.type) {
        case T.aurora:
            return { shape: "store", label: `Aurora ${str(i.engine).replace("aurora-", "")} ${str(i.engineVersion)}<br/>${str(i.clusterIdentifier)}${i.globalClusterIdentifier ? "<br/>(global secondary)" : ""}` };
        case T.docdb:
            return { shape: "store", label: `DocumentDB ${str(i.engineVersion)}<br/>${str(i.clusterIdentifier)}${i.globalClusterIdentifier ? "<br/>(global secondary)" : ""}` };
        case T.auroraInstance:
        case T.docdbInstance:
            return { shape: "box", label: `${str(i.identifier)}<br/>${str(i.instanceClass)} · ${str(i.availabilityZone)}` };
        case T.cache: {
            const nodes = Number(i.numCacheClusters ?? 1);
            const engine = i.globalReplicationGroupId ? "cache (global secondary)" : `${str(i.engine)} ${str(i.engineVersion)}`;
            return { shape: "store", label: `${engine}<br/>${str(i.replicationGroupId)}<br/>${nodes} node${nodes === 1 ? "" : "s"}: 1 primary + ${nodes - 1} replica${nodes === 2 ? "" : "s"}${i.nodeType ? ` · ${str(i.nodeType)}` : ""}` };
        }
        case T.vault:
            return { shape: "vault", label: `backup vault<br/>${str(i.name)}` };
        case T.auroraGlobal:
            return { shape: "global", label: `Aurora global cluster<br/>${str(i.globalClusterIdentifier)}` };
        case T.docdbGlobal:
            return { shape: "global", label: `DocumentDB global cluster<br/>${str(i.globalClusterIdentifier)}` };
        case T.cacheGlobal:
            return { shape: "global", label: `cache global datastore<br/>${str(i.globalReplicationGroupIdSuffix)}` };
        default:
            return undefined;
    }
}

export function renderTopology(plans: Plan[]): string {
    const nodes = new Map<string, Node>(); // by "<stack> <urn>"
    const placement = new Map<string, Map<string, string[]>>(); // region -> stack -> node ids
    const globals: string[] = [];
    const edges: Edge[] = [];
    const key = (plan: Plan, urn: string) => `${plan.stack} ${urn}`;
    const idOf = (plan: Plan, urn: string) => nodes.get(key(plan, urn))?.id;

    for (const plan of plans) {
        const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
        for (const r of plan.resources) {
            const l = label(r);
            if (!l) continue;
            const node: Node = { id: `n${nodes.size + 1}`, ...l };
            nodes.set(key(plan, r.urn), node);
            if (l.shape === "global") {
                globals.push(node.id);
                continue;
            }
            const region = regionOf(r, plan, byUrn);
            const stacks = placement.get(region) ?? new Map<string, string[]>();
            stacks.set(plan.stack, [...(stacks.get(plan.stack) ?? []), node.id]);
            placement.set(region, stacks);
        }
    }

    const all = plans.flatMap((plan) => plan.resources.map((r) => ({ plan, r })));
    const dependency = (r: PlannedResource, input: string) => r.propertyDependencies[input] ?? [];
    for (const { plan, r } of all) {
        const self = idOf(plan, r.urn);
        if (r.type === T.auroraInstance || r.type === T.docdbInstance) {
            for (const u of dependency(r, "clusterIdentifier")) {
                const cluster = idOf(plan, u);
                if (cluster && self) edges.push({ from: cluster, to: self, label: "", style: "member" });
            }
        }
        if (r.type === T.auroraGlobal || r.type === T.docdbGlobal) {
            for (const u of dependency(r, "sourceDbClusterIdentifier")) {
                const primary = idOf(plan, u);
                if (primary && self) edges.push({ from: primary, to: self, label: "primary", style: "replicates" });
            }
            const clusterType = r.type === T.auroraGlobal ? T.aurora : T.docdb;
            for (const s of all.filter((x) => x.r.type === clusterType && x.r.inputs.globalClusterIdentifier === r.inputs.globalClusterIdentifier)) {
                const secondary = idOf(s.plan, s.r.urn);
                if (secondary && self) edges.push({ from: self, to: secondary, label: "secondary", style: "replicates" });
            }
        }
        if (r.type === T.cacheGlobal) {
            for (const u of dependency(r, "primaryReplicationGroupId")) {
                const primary = idOf(plan, u);
                if (primary && self) edges.push({ from: primary, to: self, label: "primary", style: "replicates" });
            }
            // AWS prefixes the suffix with a short id of its own to make the datastore's id.
            const suffix = str(r.inputs.globalReplicationGroupIdSuffix);
            for (const s of all.filter((x) => x.r.type === T.cache && suffix && str(x.r.inputs.globalReplicationGroupId).endsWith(suffix))) {
                const secondary = idOf(s.plan, s.r.urn);
                if (secondary && self) edges.push({ from: self, to: secondary, label: "secondary", style: "replicates" });
            }
        }
        if (r.type === T.selection) {
            const backupPlan = dependency(r, "planId").map((u) => plan.resources.find((x) => x.urn === u)).find((x) => x?.type === T.plan);
            const rules = (backupPlan?.inputs.rules as { targetVaultName?: string; schedule?: string; enableContinuousBackup?: boolean; copyActions?: { destinationVaultArn?: string }[] }[]) ?? [];
            const vaultNamed = (name: string) => plan.resources.find((x) => x.type === T.vault && x.inputs.name === name);
            for (const rule of rules) {
                const vault = rule.targetVaultName ? vaultNamed(rule.targetVaultName) : undefined;
                const vaultId = vault && idOf(plan, vault.urn);
                if (!vaultId) continue;
                for (const u of dependency(r, "resources")) {
                    const store = idOf(plan, u);
                    if (store) edges.push({ from: store, to: vaultId, label: rule.enableContinuousBackup ? "continuous backup" : `backup ${str(rule.schedule)}`, style: "backup" });
                }
                for (const copy of rule.copyActions ?? []) {
                    const target = vaultNamed(lastSegment(copy.destinationVaultArn));
                    const targetId = target && idOf(plan, target.urn);
                    if (targetId) edges.push({ from: vaultId, to: targetId, label: "copy", style: "backup" });
                }
            }
        }
    }

    const quote = (s: string) => `"${s.replace(/"/g, "#quot;")}"`;
    const shape = (n: Node) => {
        const q = quote(n.label);
        return n.shape === "store" ? `[(${q})]` : n.shape === "vault" ? `[[${q}]]` : n.shape === "global" ? `{{${q}}}` : `[${q}]`;
    };
    const byId = new Map([...nodes.values()].map((n) => [n.id, n]));
    const lines = ["flowchart LR"];
    let sub = 0;
    for (const region of [...placement.keys()].sort()) {
        lines.push(`  subgraph g${++sub}[${quote(`region ${region}`)}]`);
        for (const [stack, ids] of [...placement.get(region)!.entries()].sort()) {
            lines.push(`    subgraph g${++sub}[${quote(`stack ${stack}`)}]`);
            for (const id of ids) lines.push(`      ${id}${shape(byId.get(id)!)}`);
            lines.push("    end");
        }
        lines.push("  end");
    }
    for (const id of globals) lines.push(`  ${id}${shape(byId.get(id)!)}`);
    const seen = new Set<string>();
    for (const e of edges) {
        const arrow = e.style === "member" ? "---" : e.style === "replicates" ? "==>" : "-.->";
        const line = `  ${e.from} ${arrow}${e.label ? `|${quote(e.label)}|` : ""} ${e.to}`;
        if (!seen.has(line)) lines.push(line);
        seen.add(line);
    }
    return lines.join("\n");
}
