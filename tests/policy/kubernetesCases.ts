/**
 * Cases for the Kubernetes workload policies (policy/rules/kubernetesWorkloads.ts):
 * each breaks one thing of the good stack's Deployment, Job or CronJob, and for
 * every policy one case adds a workload of a kind no component of this repo
 * declares (a bare Pod, a StatefulSet, a DaemonSet, a ReplicaSet), so the rules
 * are shown to apply by type, not by component.
 */
import { Case, Fixture, restrictedContainer, restrictedPod } from "./engineShape";

type Obj = Record<string, any>;

/** The Deployment's PgBouncer container, the Job's dbops container, the CronJob's pod spec. */
const pooler = (p: Obj) => p.spec.template.spec.containers[0];
const poolerPod = (p: Obj) => p.spec.template.spec;
const jobContainer = (p: Obj) => p.spec.template.spec.containers[0];
const cronPod = (p: Obj) => p.spec.jobTemplate.spec.template.spec;

/** A workload of a kind this repository never declares, in the data tier's namespace. */
function foreign(f: Fixture, type: string, spec: Obj, namespace: string | null = "mlops-data") {
    const pod = spec;
    const kind = type.split(":")[2];
    const props =
        kind === "Pod"
            ? { metadata: { name: "stray", ...(namespace === null ? {} : { namespace }) }, spec: pod }
            : { metadata: { name: "stray", ...(namespace === null ? {} : { namespace }) }, spec: { selector: { matchLabels: { app: "stray" } }, template: { metadata: { labels: { app: "stray" } }, spec: pod } } };
    f.add(type, "stray", props);
}

const probes = { readinessProbe: { tcpSocket: { port: 8080 } }, livenessProbe: { tcpSocket: { port: 8080 } } };
const good = (extra: Obj = {}) => restrictedContainer("app", "registry.example/app:1.0", { ...probes, ...extra });

export const KUBERNETES_CASES: Case[] = [
    // k8s-no-privileged-pods
    { title: "privileged pooler container", change: (f) => f.edit("pooler", (p) => (pooler(p).securityContext.privileged = true)), violated: ["k8s-no-privileged-pods"], message: /Deployment: container "pgbouncer": privileged is true/ },
    { title: "privilege escalation left to the default", change: (f) => f.edit("migrate", (p) => delete jobContainer(p).securityContext.allowPrivilegeEscalation), violated: ["k8s-no-privileged-pods"], message: /Job: container "dbops": securityContext\.allowPrivilegeEscalation is not false/ },
    { title: "CronJob on the host network", change: (f) => f.edit("vacuum", (p) => (cronPod(p).hostNetwork = true)), violated: ["k8s-no-privileged-pods"], message: /CronJob: hostNetwork is true/ },
    {
        title: "a stray DaemonSet mounting the container runtime's socket",
        change: (f) => foreign(f, "kubernetes:apps/v1:DaemonSet", restrictedPod([good()], { volumes: [{ name: "sock", hostPath: { path: "/run/containerd/containerd.sock" } }] })),
        violated: ["k8s-no-privileged-pods"],
        message: /DaemonSet: volume "sock" is a hostPath \(\/run\/containerd\/containerd\.sock\)/,
    },
    { title: "a hostPort on the pooler", change: (f) => f.edit("pooler", (p) => (pooler(p).ports = [{ containerPort: 6432, hostPort: 6432 }])), violated: ["k8s-no-privileged-pods"], message: /hostPort 6432 binds the node's port/ },
    // k8s-capabilities-dropped
    { title: "capabilities not dropped in the init container", change: (f) => f.edit("pooler", (p) => (poolerPod(p).initContainers[0].securityContext.capabilities = { drop: ["NET_RAW"] })), violated: ["k8s-capabilities-dropped"], message: /init container "ca": capabilities\.drop does not include ALL \(it is \[NET_RAW\]\)/ },
    { title: "SYS_ADMIN added back", change: (f) => f.edit("migrate", (p) => (jobContainer(p).securityContext.capabilities.add = ["CAP_SYS_ADMIN"])), violated: ["k8s-capabilities-dropped"], message: /capabilities\.add has SYS_ADMIN; allowed: none/ },
    {
        title: "a stray Pod adding NET_ADMIN",
        change: (f) => foreign(f, "kubernetes:core/v1:Pod", restrictedPod([good({ securityContext: { ...good().securityContext, capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] } } })])),
        violated: ["k8s-capabilities-dropped"],
        message: /Pod: container "app": capabilities\.add has NET_ADMIN/,
    },
    // k8s-non-root-high-uid
    { title: "dbops at the .NET image's uid 1654", change: (f) => f.edit("migrate", (p) => (p.spec.template.spec.securityContext.runAsUser = 1654)), violated: ["k8s-non-root-high-uid"], message: /Job: container "dbops": runAsUser is 1654; at least 10000 is required/ },
    { title: "a container may run as root", change: (f) => f.edit("vacuum", (p) => { cronPod(p).securityContext.runAsNonRoot = false; delete cronPod(p).containers[0].securityContext.runAsNonRoot; }), violated: ["k8s-non-root-high-uid"], message: /CronJob: container "dbops": runAsNonRoot is not true/ },
    {
        title: "a stray StatefulSet with the image's user",
        change: (f) => foreign(f, "kubernetes:apps/v1:StatefulSet", { ...restrictedPod([good()]), securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } }),
        violated: ["k8s-non-root-high-uid"],
        message: /StatefulSet: container "app": runAsUser is not set, so the image's user applies/,
    },
    // k8s-read-only-root-filesystem
    { title: "writable root file system", change: (f) => f.edit("pooler", (p) => (pooler(p).securityContext.readOnlyRootFilesystem = false)), violated: ["k8s-read-only-root-filesystem"], message: /container "pgbouncer": securityContext\.readOnlyRootFilesystem is not true/ },
    {
        title: "a stray ReplicaSet with a writable root",
        change: (f) => foreign(f, "kubernetes:apps/v1:ReplicaSet", restrictedPod([good({ securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ["ALL"] } } })])),
        violated: ["k8s-read-only-root-filesystem"],
        message: /ReplicaSet: container "app": securityContext\.readOnlyRootFilesystem is not true/,
    },
    // k8s-seccomp-profile
    { title: "no seccomp profile on the Job", change: (f) => f.edit("migrate", (p) => delete p.spec.template.spec.securityContext.seccompProfile), violated: ["k8s-seccomp-profile"], message: /Job: container "dbops": seccompProfile is unset \(Unconfined\)/ },
    { title: "a container opts out to Unconfined", change: (f) => f.edit("pooler", (p) => (pooler(p).securityContext.seccompProfile = { type: "Unconfined" })), violated: ["k8s-seccomp-profile"], message: /container "pgbouncer": seccompProfile is Unconfined/ },
    {
        title: "a stray Pod without seccomp",
        change: (f) => foreign(f, "kubernetes:core/v1:Pod", { ...restrictedPod([good()]), securityContext: { runAsNonRoot: true, runAsUser: 10001 } }),
        violated: ["k8s-seccomp-profile"],
        message: /Pod: container "app": seccompProfile is unset/,
    },
    // k8s-resources-bounded
    { title: "no memory limit on the CronJob", change: (f) => f.edit("vacuum", (p) => (cronPod(p).containers = [{ ...cronPod(p).containers[0], resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1" } } }])), violated: ["k8s-resources-bounded"], message: /CronJob: container "dbops": resources lack limits\.memory/ },
    {
        title: "a stray StatefulSet without resources",
        change: (f) => foreign(f, "kubernetes:apps/v1:StatefulSet", restrictedPod([{ ...good(), resources: undefined }])),
        violated: ["k8s-resources-bounded"],
        message: /StatefulSet: container "app": resources lack requests\.cpu, requests\.memory, limits\.cpu, limits\.memory/,
    },
    // k8s-probes
    { title: "the pooler without a readiness probe", change: (f) => f.edit("pooler", (p) => delete pooler(p).readinessProbe), violated: ["k8s-probes"], message: /Deployment: container "pgbouncer": no readinessProbe/ },
    { title: "a stray Pod without probes", change: (f) => foreign(f, "kubernetes:core/v1:Pod", restrictedPod([restrictedContainer("app", "registry.example/app:1.0")])), violated: ["k8s-probes"], message: /Pod: container "app": no livenessProbe and no readinessProbe/ },
    // k8s-images-pinned
    { title: "the pooler pinned by tag only", change: (f) => f.edit("pooler", (p) => (pooler(p).image = "ghcr.io/cloudnative-pg/pgbouncer:1.22.1-16")), violated: ["k8s-images-pinned"], message: /image "ghcr\.io\/cloudnative-pg\/pgbouncer:1\.22\.1-16" is not pinned by digest/ },
    { title: "latest, even with a tag-only config", change: (f) => f.edit("migrate", (p) => (jobContainer(p).image = "ghcr.io/example-org/mlops-dbops:latest")), config: { "global-cluster-required": { required: false }, "k8s-images-pinned": { requireDigest: false } }, violated: ["k8s-images-pinned"], message: /uses the latest tag/ },
    { title: "a stray DaemonSet's image with no tag", change: (f) => foreign(f, "kubernetes:apps/v1:DaemonSet", restrictedPod([good({ image: "registry.example/agent" })])), violated: ["k8s-images-pinned"], message: /DaemonSet: container "app": image "registry\.example\/agent" is not pinned by digest/ },
    // k8s-service-account-token
    { title: "the Job mounts the default account's token", change: (f) => f.edit("migrate", (p) => delete p.spec.template.spec.automountServiceAccountToken), violated: ["k8s-service-account-token"], message: /Job: automountServiceAccountToken is not false, so service account "default"'s API token is mounted; allowed for: none/ },
    {
        title: "a stray Pod with a token for an account the config does not list",
        change: (f) => foreign(f, "kubernetes:core/v1:Pod", restrictedPod([good()], { automountServiceAccountToken: true, serviceAccountName: "operator" })),
        violated: ["k8s-service-account-token"],
        message: /Pod: automountServiceAccountToken is not false, so service account "operator"'s API token is mounted/,
    },
    // k8s-secrets-as-files
    { title: "the Job takes the contract through envFrom", change: (f) => f.edit("migrate", (p) => (jobContainer(p).envFrom = [{ secretRef: { name: "contract" } }])), violated: ["k8s-secrets-as-files"], message: /Job: container "dbops": envFrom takes a whole Secret \(secretRef\)/ },
    {
        title: "a stray StatefulSet with a password in its environment",
        change: (f) => foreign(f, "kubernetes:apps/v1:StatefulSet", restrictedPod([good({ env: [{ name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: "mlflow-db", key: "password" } } }] })])),
        violated: ["k8s-secrets-as-files"],
        message: /StatefulSet: container "app": env PGPASSWORD from a Secret \(secretKeyRef\)/,
    },
    // k8s-not-default-namespace
    { title: "the CronJob in default", change: (f) => f.edit("vacuum", (p) => (p.metadata.namespace = "default")), violated: ["k8s-not-default-namespace"], message: /CronJob: metadata\.namespace is default/ },
    { title: "a stray Pod with no namespace", change: (f) => foreign(f, "kubernetes:core/v1:Pod", restrictedPod([good()]), null), violated: ["k8s-not-default-namespace"], message: /Pod: metadata\.namespace is not set/ },
];

/** Config that lets a rule through on purpose. */
export const KUBERNETES_RELAXED: Case[] = [
    {
        title: "a capability the config allows",
        change: (f) => f.edit("pooler", (p) => (pooler(p).securityContext.capabilities.add = ["NET_BIND_SERVICE"])),
        config: { "global-cluster-required": { required: false }, "k8s-capabilities-dropped": { allowedCapabilities: ["NET_BIND_SERVICE"] } },
        violated: [],
        message: /.*/,
    },
    {
        title: "a token for a listed, non-default service account",
        change: (f) => foreign(f, "kubernetes:core/v1:Pod", restrictedPod([good()], { automountServiceAccountToken: true, serviceAccountName: "operator" })),
        config: { "global-cluster-required": { required: false }, "k8s-service-account-token": { tokenServiceAccounts: ["operator"] } },
        violated: [],
        message: /.*/,
    },
];
