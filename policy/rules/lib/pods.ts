/**
 * The pod specs a Kubernetes resource declares, wherever they sit: a Pod's own
 * spec, the pod template of a Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController or Job, and the job template's pod template of a
 * CronJob. The workload rules judge pods and containers in one shape, whatever
 * declared them, so a workload a pull request adds outside the components is
 * judged like the platform's own (issue 16, item 8).
 *
 * Type tokens as @pulumi/kubernetes registers them ("kubernetes:<group>/<version>:<Kind>",
 * the core group written "core"); the rules match on the Kind and the group, not
 * the version, so a v1beta1 CronJob is judged too.
 */
import { UNKNOWN, peek } from "./values";

type Obj = Record<string, any>;

export interface PodOf {
    /** "Deployment", "Job", ... */
    kind: string;
    /** Long-running pods serve (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, a bare Pod); Job pods run to completion. */
    serving: boolean;
    spec: Obj;
}

export interface ContainerOf {
    /** "container \"pgbouncer\"" or "init container \"ca\"". */
    label: string;
    init: boolean;
    c: Obj;
}

/** Where the pod spec sits in each kind of workload. */
const POD_PATHS: Record<string, { path: string[]; serving: boolean }> = {
    "core:Pod": { path: ["spec"], serving: true },
    "apps:Deployment": { path: ["spec", "template", "spec"], serving: true },
    "apps:StatefulSet": { path: ["spec", "template", "spec"], serving: true },
    "apps:DaemonSet": { path: ["spec", "template", "spec"], serving: true },
    "apps:ReplicaSet": { path: ["spec", "template", "spec"], serving: true },
    "core:ReplicationController": { path: ["spec", "template", "spec"], serving: true },
    "batch:Job": { path: ["spec", "template", "spec"], serving: false },
    "batch:CronJob": { path: ["spec", "jobTemplate", "spec", "template", "spec"], serving: false },
};

/** "apps:Deployment" for "kubernetes:apps/v1:Deployment"; undefined for anything not Kubernetes. */
export function kindOf(type: string): string | undefined {
    const m = /^kubernetes:([^/]+)\/[^:]+:(\w+)$/.exec(type);
    return m ? `${m[1]}:${m[2]}` : undefined;
}

/** A property read that may touch a value unknown during preview: undefined when absent, UNKNOWN when unknown. */
export function at(o: unknown, ...path: (string | number)[]): any {
    let v: any = o;
    for (const k of path) {
        if (v === undefined || v === null || v === UNKNOWN) return v === UNKNOWN ? UNKNOWN : undefined;
        const cur = v;
        v = peek(() => cur[k]);
    }
    return v;
}

/** Known elements of a list property (unknown elements are skipped: nothing to judge in them yet). */
export function list(o: unknown, ...path: (string | number)[]): any[] {
    const v = at(o, ...path);
    if (!Array.isArray(v)) return [];
    const out: any[] = [];
    for (let i = 0; i < v.length; i++) {
        const e = peek(() => v[i]);
        if (e !== UNKNOWN && e !== undefined && e !== null) out.push(e);
    }
    return out;
}

/** The pod spec of a workload resource; undefined for other types (or a pod spec not known yet). */
export function podOf(r: { type: string; props: Obj }): PodOf | undefined {
    const kind = kindOf(r.type);
    const where = kind && POD_PATHS[kind];
    if (!where) return undefined;
    const spec = at(r.props, ...where.path);
    if (spec === undefined || spec === UNKNOWN || typeof spec !== "object") return undefined;
    return { kind: kind.split(":")[1], serving: where.serving, spec };
}

export function containersOf(pod: PodOf): ContainerOf[] {
    const name = (c: Obj) => {
        const n = at(c, "name");
        return typeof n === "string" ? n : "?";
    };
    return [
        ...list(pod.spec, "initContainers").map((c) => ({ label: `init container "${name(c)}"`, init: true, c })),
        ...list(pod.spec, "containers").map((c) => ({ label: `container "${name(c)}"`, init: false, c })),
        ...list(pod.spec, "ephemeralContainers").map((c) => ({ label: `ephemeral container "${name(c)}"`, init: true, c })),
    ];
}

/** A container's effective security setting: its own securityContext, else the pod's (as the kubelet applies them). */
export function effective(pod: PodOf, c: Obj, key: string): any {
    const own = at(c, "securityContext", key);
    return own !== undefined ? own : at(pod.spec, "securityContext", key);
}

/** The types of cluster-scoped objects, which have no namespace. */
export const CLUSTER_SCOPED = new Set([
    "core:Namespace",
    "core:Node",
    "core:PersistentVolume",
    "rbac.authorization.k8s.io:ClusterRole",
    "rbac.authorization.k8s.io:ClusterRoleBinding",
    "storage.k8s.io:StorageClass",
    "storage.k8s.io:CSIDriver",
    "apiextensions.k8s.io:CustomResourceDefinition",
    "admissionregistration.k8s.io:MutatingWebhookConfiguration",
    "admissionregistration.k8s.io:ValidatingWebhookConfiguration",
    "scheduling.k8s.io:PriorityClass",
    "networking.k8s.io:IngressClass",
    "policy:PodSecurityPolicy",
]);
