/**
 * Kubernetes workloads: the pods that hold the stores' credentials (PgBouncer,
 * the dbops Jobs and CronJobs, and any workload a pull request adds) run with
 * the least they need. One policy per Checkov CKV_K8S check family
 * (bridgecrewio/checkov, checkov/kubernetes/checks/resource/k8s/*.py at
 * 03d5fdad; ids in each description), judged on every pod spec of every
 * workload kind (lib/pods.ts), init containers included.
 *
 * In the security pack, not a pack of its own: they guard the same thing as
 * the pack's other policies (who can reach the data and its credentials), the
 * per-environment config file is shared anyway, and a third pack would be a
 * third process for every `pulumi preview` and `make policy` run.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { NO_THRESHOLDS, configWithDefaults, schema } from "./lib/config";
import { CLUSTER_SCOPED, ContainerOf, PodOf, at, containersOf, effective, kindOf, list, podOf } from "./lib/pods";
import { UNKNOWN } from "./lib/values";

type Report = (message: string) => void;

/** Runs `check` on each pod a resource declares (none for other resources). */
function eachPod(check: (pod: PodOf, report: Report, args: { getConfig<C extends object>(): C }) => void): ResourceValidationPolicy["validateResource"] {
    return (args, report) => {
        const pod = podOf(args);
        if (pod) check(pod, (m) => report(`${pod.kind}: ${m}`), args);
    };
}

function eachContainer(pod: PodOf, check: (c: ContainerOf) => string | undefined, report: Report) {
    for (const c of containersOf(pod)) {
        const problem = check(c);
        if (problem) report(`${c.label}: ${problem}.`);
    }
}

export const k8sNoPrivilegedPods: ResourceValidationPolicy = {
    name: "k8s-no-privileged-pods",
    description:
        "No pod shares the node: no privileged container, no privilege escalation, no host network, PID or IPC namespace, no hostPort, no hostPath volume " +
        "(Checkov CKV_K8S_16, CKV_K8S_20, CKV_K8S_19, CKV_K8S_17, CKV_K8S_18, CKV_K8S_26, CKV_K8S_27).",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Remove privileged, hostNetwork, hostPID, hostIPC, hostPort and hostPath volumes; set securityContext.allowPrivilegeEscalation: false on every container. " +
        "Nothing in the data tier needs the node: reach the stores over the pod network, keep files in emptyDir, ConfigMap or Secret volumes.",
    configSchema: NO_THRESHOLDS,
    validateResource: eachPod((pod, report) => {
        for (const key of ["hostNetwork", "hostPID", "hostIPC"]) if (at(pod.spec, key) === true) report(`${key} is true.`);
        for (const v of list(pod.spec, "volumes")) {
            // A hostPath (the docker or containerd socket, /proc, ...) is the node's file system in the pod (CKV_K8S_27 checks the docker socket only).
            if (at(v, "hostPath") !== undefined) report(`volume "${at(v, "name")}" is a hostPath (${at(v, "hostPath", "path")}).`);
        }
        eachContainer(
            pod,
            (c) => {
                if (at(c.c, "securityContext", "privileged") === true) return "privileged is true";
                // Escalation is allowed unless set false (Linux no_new_privs); Checkov asks for an explicit false too.
                if (at(c.c, "securityContext", "allowPrivilegeEscalation") !== false) return "securityContext.allowPrivilegeEscalation is not false";
                const hostPorts = list(c.c, "ports").map((p) => at(p, "hostPort")).filter((p) => p !== undefined && p !== 0);
                if (hostPorts.length) return `hostPort ${hostPorts.join(", ")} binds the node's port`;
                return undefined;
            },
            report,
        );
    }),
};

const capsSchema = schema<{ allowedCapabilities: string[] }>({
    allowedCapabilities: {
        type: "array",
        items: { type: "string", pattern: "^[A-Z_]+$" },
        uniqueItems: true,
        default: [],
        description: "Capabilities a container may add back after dropping ALL (e.g. NET_BIND_SERVICE); never SYS_ADMIN.",
    },
});

export const k8sCapabilitiesDropped: ResourceValidationPolicy = {
    name: "k8s-capabilities-dropped",
    description:
        "Every container drops ALL Linux capabilities and adds back only configured ones, never SYS_ADMIN (Checkov CKV_K8S_28, CKV_K8S_37, CKV_K8S_25, CKV_K8S_39).",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Set securityContext.capabilities.drop: ["ALL"] on each container; if one truly needs a capability, add it to capabilities.add and to allowedCapabilities in policy/config/<env>.json.',
    configSchema: capsSchema,
    validateResource: eachPod((pod, report, args) => {
        const { allowedCapabilities } = configWithDefaults(capsSchema, args);
        const bare = (cap: unknown) => String(cap).toUpperCase().replace(/^CAP_/, "");
        eachContainer(
            pod,
            (c) => {
                const drop = list(c.c, "securityContext", "capabilities", "drop").map(bare);
                if (!drop.includes("ALL")) return `capabilities.drop does not include ALL (it is [${drop.join(", ")}])`;
                const added = list(c.c, "securityContext", "capabilities", "add").map(bare);
                const extra = added.filter((cap) => cap === "SYS_ADMIN" || !allowedCapabilities.map(bare).includes(cap));
                if (extra.length) return `capabilities.add has ${extra.join(", ")}; allowed: ${allowedCapabilities.length ? allowedCapabilities.join(", ") : "none"}`;
                return undefined;
            },
            report,
        );
    }),
};

const uidSchema = schema<{ minimumUid: number }>({
    minimumUid: {
        type: "integer",
        minimum: 1,
        default: 10000,
        description: "Lowest user id a container may run as: above the ids of the node's own users (Checkov CKV_K8S_40 uses 10000).",
    },
});

export const k8sNonRootHighUid: ResourceValidationPolicy = {
    name: "k8s-non-root-high-uid",
    description: "Every container runs as non-root (runAsNonRoot: true) with a user id of at least 10000 (Checkov CKV_K8S_23, CKV_K8S_40, CKV_K8S_29, CKV_K8S_30).",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set securityContext.runAsNonRoot: true and runAsUser (and runAsGroup) of 10000 or more on the pod or on each container; build the image with a matching numeric USER.",
    configSchema: uidSchema,
    validateResource: eachPod((pod, report, args) => {
        const { minimumUid } = configWithDefaults(uidSchema, args);
        eachContainer(
            pod,
            ({ c }) => {
                if (effective(pod, c, "runAsNonRoot") !== true) return "runAsNonRoot is not true (on the container or the pod)";
                const uid = effective(pod, c, "runAsUser");
                if (uid === UNKNOWN) return undefined;
                // Without runAsUser the image's USER applies, which the policy cannot see.
                if (typeof uid !== "number") return `runAsUser is not set, so the image's user applies; set one of at least ${minimumUid}`;
                if (uid < minimumUid) return `runAsUser is ${uid}; at least ${minimumUid} is required`;
                return undefined;
            },
            report,
        );
    }),
};

export const k8sReadOnlyRootFilesystem: ResourceValidationPolicy = {
    name: "k8s-read-only-root-filesystem",
    description: "Every container's root file system is read-only (Checkov CKV_K8S_22): what it writes goes to a declared volume.",
    enforcementLevel: "mandatory",
    remediationSteps: "Set securityContext.readOnlyRootFilesystem: true on each container and mount an emptyDir where it must write (e.g. /tmp).",
    configSchema: NO_THRESHOLDS,
    validateResource: eachPod((pod, report) =>
        eachContainer(pod, ({ c }) => (at(c, "securityContext", "readOnlyRootFilesystem") === true ? undefined : "securityContext.readOnlyRootFilesystem is not true"), report),
    ),
};

export const k8sSeccompProfile: ResourceValidationPolicy = {
    name: "k8s-seccomp-profile",
    description: "Every container runs under the RuntimeDefault (or a Localhost) seccomp profile, never Unconfined (Checkov CKV_K8S_31).",
    enforcementLevel: "mandatory",
    remediationSteps: 'Set securityContext.seccompProfile: { type: "RuntimeDefault" } on the pod (containers inherit it).',
    configSchema: NO_THRESHOLDS,
    validateResource: eachPod((pod, report) =>
        eachContainer(
            pod,
            ({ c }) => {
                const type = at(c, "securityContext", "seccompProfile", "type") ?? at(pod.spec, "securityContext", "seccompProfile", "type");
                return type === "RuntimeDefault" || type === "Localhost" || type === UNKNOWN ? undefined : `seccompProfile is ${type ?? "unset (Unconfined)"}`;
            },
            report,
        ),
    ),
};

export const k8sResourcesBounded: ResourceValidationPolicy = {
    name: "k8s-resources-bounded",
    description: "Every container declares CPU and memory requests and limits (Checkov CKV_K8S_10, CKV_K8S_11, CKV_K8S_12, CKV_K8S_13).",
    enforcementLevel: "mandatory",
    remediationSteps: "Set resources.requests and resources.limits, each with cpu and memory, on every container, init containers included.",
    configSchema: NO_THRESHOLDS,
    validateResource: eachPod((pod, report) =>
        eachContainer(
            pod,
            ({ c }) => {
                const missing = ["requests", "limits"].flatMap((k) => ["cpu", "memory"].filter((r) => at(c, "resources", k, r) === undefined).map((r) => `${k}.${r}`));
                return missing.length ? `resources lack ${missing.join(", ")}` : undefined;
            },
            report,
        ),
    ),
};

export const k8sProbes: ResourceValidationPolicy = {
    name: "k8s-probes",
    description:
        "Every container of a long-running workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod) has a liveness and a readiness probe (Checkov CKV_K8S_8, CKV_K8S_9); Jobs, CronJobs and init containers, which run to completion, need none.",
    enforcementLevel: "mandatory",
    remediationSteps: "Add livenessProbe and readinessProbe (e.g. a tcpSocket probe on the serving port) to each container.",
    configSchema: NO_THRESHOLDS,
    validateResource: eachPod((pod, report) => {
        if (!pod.serving) return;
        eachContainer(
            pod,
            ({ c, init }) => {
                if (init) return undefined;
                const missing = ["livenessProbe", "readinessProbe"].filter((p) => at(c, p) === undefined);
                return missing.length ? `no ${missing.join(" and no ")}` : undefined;
            },
            report,
        );
    }),
};

const imageSchema = schema<{ requireDigest: boolean }>({
    requireDigest: {
        type: "boolean",
        default: true,
        description: "Images must be pinned by digest (@sha256:...); false accepts a fixed tag (never latest or none).",
    },
});

/** name[:tag][@sha256:digest] → its tag and digest. */
function imageParts(image: string): { tag?: string; digest?: string } {
    const [nameTag, digest] = image.split("@");
    const lastSlash = nameTag.lastIndexOf("/");
    const colon = nameTag.indexOf(":", lastSlash + 1);
    return { tag: colon >= 0 ? nameTag.slice(colon + 1) : undefined, digest };
}

export const k8sImagesPinned: ResourceValidationPolicy = {
    name: "k8s-images-pinned",
    description: "Every container image is pinned by digest, and never by the latest tag or none (Checkov CKV_K8S_43, CKV_K8S_14).",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Give the image as "registry/name:tag@sha256:<digest>" (the digest your build pushed: `crane digest <image>`); in this repository, kubernetes.*.image in the stack file.',
    configSchema: imageSchema,
    validateResource: eachPod((pod, report, args) => {
        const { requireDigest } = configWithDefaults(imageSchema, args);
        eachContainer(
            pod,
            ({ c }) => {
                const image = at(c, "image");
                if (image === UNKNOWN) return undefined;
                if (typeof image !== "string" || image === "") return "no image";
                const { tag, digest } = imageParts(image);
                if (tag === "latest") return `image "${image}" uses the latest tag`;
                if (digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(digest)) return `image "${image}" has a malformed digest`;
                if (requireDigest && digest === undefined) return `image "${image}" is not pinned by digest`;
                if (tag === undefined && digest === undefined) return `image "${image}" has no tag, so latest is pulled`;
                return undefined;
            },
            report,
        );
    }),
};

const tokenSchema = schema<{ tokenServiceAccounts: string[] }>({
    tokenServiceAccounts: {
        type: "array",
        items: { type: "string", pattern: "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$" },
        uniqueItems: true,
        default: [],
        description: "Service accounts (never default) whose pods may mount an API token, for workloads that call the Kubernetes API.",
    },
});

export const k8sServiceAccountToken: ResourceValidationPolicy = {
    name: "k8s-service-account-token",
    description:
        "Pods mount no service-account token (automountServiceAccountToken: false) unless they run as a configured, non-default service account that needs the API (Checkov CKV_K8S_38, CKV_K8S_41).",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set automountServiceAccountToken: false on the pod spec. A workload that calls the Kubernetes API gets its own ServiceAccount (serviceAccountName) listed in tokenServiceAccounts in policy/config/<env>.json.",
    configSchema: tokenSchema,
    validateResource: eachPod((pod, report, args) => {
        const { tokenServiceAccounts } = configWithDefaults(tokenSchema, args);
        if (at(pod.spec, "automountServiceAccountToken") === false) return;
        const sa = at(pod.spec, "serviceAccountName") ?? "default";
        // The default account is never allowed a token: every pod of the namespace runs as it.
        if (sa !== UNKNOWN && (sa === "default" || !tokenServiceAccounts.includes(sa))) {
            report(`automountServiceAccountToken is not false, so service account "${sa}"'s API token is mounted; allowed for: ${tokenServiceAccounts.length ? tokenServiceAccounts.join(", ") : "none"}.`);
        }
    }),
};

export const k8sSecretsAsFiles: ResourceValidationPolicy = {
    name: "k8s-secrets-as-files",
    description:
        "No container takes a Secret through its environment (env valueFrom.secretKeyRef or envFrom secretRef): secrets are mounted as files (Checkov CKV_K8S_35, CIS Kubernetes 5.4.1).",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Mount the Secret as a volume (secret.secretName, readOnly) and let the program read the files; dbops reads its DBOPS_* variables from DBOPS_SECRETS_DIR.",
    configSchema: NO_THRESHOLDS,
    validateResource: eachPod((pod, report) =>
        eachContainer(
            pod,
            ({ c }) => {
                const byKey = list(c, "env").filter((e) => at(e, "valueFrom", "secretKeyRef") !== undefined).map((e) => at(e, "name"));
                if (byKey.length) return `env ${byKey.join(", ")} from a Secret (secretKeyRef)`;
                if (list(c, "envFrom").some((e) => at(e, "secretRef") !== undefined)) return "envFrom takes a whole Secret (secretRef)";
                return undefined;
            },
            report,
        ),
    ),
};

export const k8sNotDefaultNamespace: ResourceValidationPolicy = {
    name: "k8s-not-default-namespace",
    description: "Every namespaced Kubernetes object names its namespace, and it is not default (Checkov CKV_K8S_21).",
    enforcementLevel: "mandatory",
    remediationSteps: "Set metadata.namespace to the data tier's namespace (kubernetes.namespace in the stack file, mlops-data by default).",
    configSchema: NO_THRESHOLDS,
    validateResource: (args, report) => {
        const kind = kindOf(args.type);
        if (!kind || CLUSTER_SCOPED.has(kind) || at(args.props, "metadata") === undefined) return;
        const ns = at(args.props, "metadata", "namespace");
        // Unknown: the name of a Namespace object being created (this program's way); not "default".
        if (ns === UNKNOWN) return;
        if (ns === undefined || ns === "") report(`${kind.split(":")[1]}: metadata.namespace is not set, so it lands in the provider's or the kubeconfig's namespace (default).`);
        else if (ns === "default") report(`${kind.split(":")[1]}: metadata.namespace is default.`);
    },
};

export const KUBERNETES_POLICIES = [
    k8sNoPrivilegedPods,
    k8sCapabilitiesDropped,
    k8sNonRootHighUid,
    k8sReadOnlyRootFilesystem,
    k8sSeccompProfile,
    k8sResourcesBounded,
    k8sProbes,
    k8sImagesPinned,
    k8sServiceAccountToken,
    k8sSecretsAsFiles,
    k8sNotDefaultNamespace,
];
