/**
 * Kubernetes resource types (@pulumi/kubernetes). Two kinds of fact:
 *
 * - What replaces a resource: pulumi-kubernetes's own table,
 *   provider/pkg/provider/diff.go (`forceNewProperties`, read at commit
 *   cafe8c4ac4de156415093291bffc63b6e1c97d1e): `.metadata.name` and
 *   `.metadata.namespace` for every kind; Deployment `.spec.selector`; Job
 *   `.spec.completions`, `.spec.parallelism`, `.spec.selector`,
 *   `.spec.template`; Service `.spec.clusterIP`; Secret `.type`, and also
 *   `.stringData` and `.data` unless the provider's `enableSecretMutable` is on
 *   (this program's provider leaves it off); ConfigMap `.data` and
 *   `.binaryData` unless `enableConfigMapMutable` is on (off here).
 *   PodDisruptionBudget `.spec` is in the table for policy/v1beta1 only, so a
 *   policy/v1 one (this program's) replaces on its metadata alone; CronJob,
 *   Namespace and NetworkPolicy likewise.
 * - What the API server refuses at create time, from inputs alone:
 *   kubernetes/kubernetes's validation (apimachinery
 *   pkg/util/validation/validation.go for names, labels and ports;
 *   pkg/apis/core/validation, pkg/apis/batch/validation,
 *   pkg/apis/apps/validation, pkg/apis/policy/validation). A useful subset,
 *   each rule citing its file.
 */
import { generated, generatedBehind, outside, RANDOM_PASSWORD } from "./generated";
import { Inputs, known, ReplacingProperty, ResourceTypeSpec, Rule, RuleContext } from "./spec";

const K8S = "https://github.com/kubernetes/kubernetes/blob/master";
const APIMACHINERY = "https://github.com/kubernetes/apimachinery/blob/master/pkg/util/validation/validation.go";
const FORCE_NEW = "https://github.com/pulumi/pulumi-kubernetes/blob/cafe8c4ac4de156415093291bffc63b6e1c97d1e/provider/pkg/provider/diff.go";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);
const at = (o: unknown, path: string): unknown => path.split(".").reduce<unknown>((v, k) => obj(v)[k], o);

// apimachinery validation.go: IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label, IsQualifiedName, IsValidLabelValue, IsValidPortName.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
function isDns1123Label(v: string): boolean {
    return v.length <= 63 && DNS1123_LABEL.test(v);
}
function isDns1123Subdomain(v: string): boolean {
    return v.length <= 253 && v.split(".").every((p) => DNS1123_LABEL.test(p));
}
function isDns1035Label(v: string): boolean {
    return v.length <= 63 && DNS1035_LABEL.test(v);
}
function labelKeyProblem(k: string): string | undefined {
    const parts = k.split("/");
    if (parts.length > 2) return `label key ${JSON.stringify(k)} has more than one "/"`;
    const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
    if (prefix !== undefined && !isDns1123Subdomain(prefix)) return `label key ${JSON.stringify(k)}: prefix must be a DNS subdomain (lowercase, at most 253)`;
    if (name.length > 63 || !QUALIFIED_NAME.test(name)) return `label key ${JSON.stringify(k)}: name must be 1-63 letters, digits, "-", "_" or ".", beginning and ending alphanumeric`;
    return undefined;
}
function labelValueProblem(k: string, v: unknown): string | undefined {
    if (typeof v !== "string") return known(v) ? `label ${k}: value must be a string` : undefined;
    if (v === "") return undefined;
    return v.length <= 63 && QUALIFIED_NAME.test(v) ? undefined : `label ${k}: value ${JSON.stringify(v)} must be at most 63 letters, digits, "-", "_" or ".", beginning and ending alphanumeric`;
}
function labelsProblem(labels: unknown, where: string): string | undefined {
    for (const [k, v] of Object.entries(obj(labels))) {
        const p = labelKeyProblem(k) ?? labelValueProblem(k, v);
        if (p) return `${where}: ${p}`;
    }
    return undefined;
}
/** IsValidPortName: 1-15 lowercase letters, digits and "-", at least one letter, no "-" at either end or twice in a row. */
function portNameProblem(name: unknown): string | undefined {
    if (typeof name !== "string") return undefined;
    if (name.length < 1 || name.length > 15 || !/^[a-z0-9-]+$/.test(name) || !/[a-z]/.test(name) || name.startsWith("-") || name.endsWith("-") || name.includes("--")) {
        return `port name ${JSON.stringify(name)} must be 1-15 lowercase letters, digits and "-", with at least one letter and no leading, trailing or double "-"`;
    }
    return undefined;
}
const portNumberOk = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 65535;
const PROTOCOLS = ["TCP", "UDP", "SCTP"];

/** The metadata rules every kind shares: name, namespace, labels. */
function metadataRules(id: string, name: "subdomain" | "label" | "dns1035", namespaced = true, maxName?: number): Rule[] {
    const nameCheck = { subdomain: isDns1123Subdomain, label: isDns1123Label, dns1035: isDns1035Label }[name];
    const nameRule = {
        subdomain: "a DNS-1123 subdomain: lowercase letters, digits, \"-\" and \".\", at most 253",
        label: "a DNS-1123 label: lowercase letters, digits and \"-\", at most 63, beginning and ending alphanumeric",
        dns1035: "a DNS-1035 label: lowercase letters, digits and \"-\", at most 63, beginning with a letter",
    }[name];
    const rules: Rule[] = [
        {
            id: `${id}-name`,
            property: "metadata.name",
            origin: "provider",
            // ValidateObjectMeta with the kind's name function (core/validation: ValidateNamespaceName and
            // ValidateServiceName are DNS labels; most kinds take a DNS subdomain).
            source: `${K8S}/pkg/apis/core/validation/validation.go (ValidateObjectMeta); ${APIMACHINERY}`,
            check: (inputs) => {
                const n = at(inputs, "metadata.name");
                if (!known(n)) return undefined;
                if (typeof n !== "string" || !nameCheck(n)) return `metadata.name ${JSON.stringify(n)} must be ${nameRule}`;
                if (maxName !== undefined && n.length > maxName) return `metadata.name ${JSON.stringify(n)} has ${n.length} characters; at most ${maxName} for this kind`;
                return undefined;
            },
            cases: {
                pass: [{ metadata: { name: "dbops-contract-2", namespace: "mlops-data" } }],
                fail: [{ metadata: { name: "DBOps_Contract", namespace: "mlops-data" } }, { metadata: { name: `-${"a".repeat(10)}`, namespace: "mlops-data" } }],
            },
        },
        {
            id: `${id}-labels`,
            property: "metadata.labels",
            origin: "provider",
            source: `${APIMACHINERY} (IsQualifiedName, IsValidLabelValue)`,
            check: (inputs) => labelsProblem(at(inputs, "metadata.labels"), "metadata.labels"),
            cases: {
                pass: [{ metadata: { name: "x1", namespace: "mlops-data", labels: { "app.kubernetes.io/name": "pgbouncer", tier: "" } } }],
                fail: [{ metadata: { name: "x1", namespace: "mlops-data", labels: { environment: "prod staging" } } }, { metadata: { name: "x1", namespace: "mlops-data", labels: { "Mlops.io/x": "a" } } }],
            },
        },
    ];
    if (namespaced) {
        rules.push({
            id: `${id}-namespace`,
            property: "metadata.namespace",
            origin: "provider",
            source: `${K8S}/pkg/apis/core/validation/validation.go (ValidateNamespaceName: a DNS-1123 label)`,
            check: (inputs) => {
                const n = at(inputs, "metadata.namespace");
                if (!known(n) || n === undefined) return undefined;
                return typeof n === "string" && isDns1123Label(n) ? undefined : `metadata.namespace ${JSON.stringify(n)} must be a DNS-1123 label`;
            },
            cases: { pass: [{ metadata: { name: "x1", namespace: "ml-ops-2" } }], fail: [{ metadata: { name: "x1", namespace: "mlops.data" } }] },
        });
    }
    return rules;
}

/** The pod spec of a kind, by where its template lives. */
type PodSpecAt = (inputs: Inputs) => Obj | undefined;

/** Rules on a pod template: container names, ports, images; for Jobs also the restart policy. */
function podRules(id: string, podSpec: PodSpecAt, wrap: (spec: Obj) => Inputs, base: Obj, job: boolean): Rule[] {
    const containersOf = (s: Obj) => [...arr(s.initContainers), ...arr(s.containers)];
    const withContainers = (containers: Obj[]) => wrap({ ...base, containers });
    const good = arr(base.containers)[0];
    const rules: Rule[] = [
        {
            id: `${id}-containers`,
            property: "spec",
            origin: "provider",
            // core/validation validateContainers: names are DNS-1123 labels, unique across containers and
            // initContainers; image is required; ports: containerPort 1-65535, names IsValidPortName and
            // unique, protocol TCP, UDP or SCTP.
            source: `${K8S}/pkg/apis/core/validation/validation.go (validateContainers, validateContainerPorts)`,
            check: (inputs) => {
                const s = podSpec(inputs);
                if (!s) return undefined;
                const cs = containersOf(s);
                if (arr(s.containers).length === 0) return "the pod template has no containers";
                const seen = new Set<string>();
                for (const c of cs) {
                    const n = c.name;
                    if (typeof n !== "string" || !isDns1123Label(n)) return `container name ${JSON.stringify(n)} must be a DNS-1123 label`;
                    if (seen.has(n)) return `container name ${JSON.stringify(n)} is used twice in the pod`;
                    seen.add(n);
                    if (c.image === undefined || c.image === "") return `container ${n}: image is required`;
                    const portNames = new Set<string>();
                    for (const p of arr(c.ports)) {
                        if (known(p.containerPort) && !portNumberOk(p.containerPort)) return `container ${n}: containerPort ${JSON.stringify(p.containerPort)}; allowed 1-65535`;
                        const pn = portNameProblem(p.name);
                        if (pn) return `container ${n}: ${pn}`;
                        if (typeof p.name === "string") {
                            if (portNames.has(p.name)) return `container ${n}: port name ${p.name} is used twice`;
                            portNames.add(p.name);
                        }
                        if (p.protocol !== undefined && !PROTOCOLS.includes(String(p.protocol))) return `container ${n}: protocol ${JSON.stringify(p.protocol)}; allowed ${PROTOCOLS.join(", ")}`;
                    }
                }
                return undefined;
            },
            cases: {
                pass: [withContainers([{ ...good, name: "dbops-2" }])],
                fail: [
                    withContainers([{ ...good, name: "DBOps" }]),
                    withContainers([good, good]),
                    withContainers([{ ...good, ports: [{ containerPort: 70000 }] }]),
                    withContainers([{ ...good, ports: [{ containerPort: 6432, name: "postgres-bouncer-port" }] }]),
                    withContainers([{ ...good, image: undefined }]),
                ],
            },
        },
    ];
    if (job) {
        rules.push({
            id: `${id}-restart-policy`,
            property: "spec",
            origin: "provider",
            // batch/validation validateJobSpec: the pod template's restartPolicy must be OnFailure or Never.
            source: `${K8S}/pkg/apis/batch/validation/validation.go (validateJobSpec: restartPolicy)`,
            check: (inputs) => {
                const s = podSpec(inputs);
                if (!s) return undefined;
                return s.restartPolicy === "OnFailure" || s.restartPolicy === "Never" ? undefined : `the pod template's restartPolicy is ${JSON.stringify(s.restartPolicy ?? "Always (the default)")}; a Job's must be OnFailure or Never`;
            },
            cases: { pass: [wrap({ ...base, restartPolicy: "OnFailure" })], fail: [wrap({ ...base, restartPolicy: "Always" }), wrap({ ...base, restartPolicy: undefined })] },
        });
    }
    return rules;
}

/** Whether a label selector's matchLabels and matchExpressions select these labels. */
function selects(selector: Obj, labels: Obj): boolean {
    for (const [k, v] of Object.entries(obj(selector.matchLabels))) if (labels[k] !== v) return false;
    for (const e of arr(selector.matchExpressions)) {
        const k = String(e.key);
        const values = Array.isArray(e.values) ? e.values.map(String) : [];
        const has = k in labels;
        if (e.operator === "In" && !(has && values.includes(String(labels[k])))) return false;
        if (e.operator === "NotIn" && has && values.includes(String(labels[k]))) return false;
        if (e.operator === "Exists" && !has) return false;
        if (e.operator === "DoesNotExist" && has) return false;
    }
    return true;
}

// ---------------------------------------------------------------- credentials in connection Secrets

/**
 * Where a generated credential of this platform ends up unencoded, and what
 * each place cannot take (infra/components/dataPlatformServices.ts,
 * infra/k8s/pgbouncer.ts, infra/k8s/dbopsEnvironment.ts):
 * - the SQLAlchemy URL `postgresql://user:password@host/...`: RFC 3986
 *   section 3.2.1, userinfo = *( unreserved / pct-encoded / sub-delims / ":" ),
 *   so anything else (and "%", which starts an escape) breaks it;
 * - a libpq / Npgsql key=value connection string: an unquoted value ends at
 *   white space (libpq) or ";" (Npgsql), and quotes and "\" change its meaning
 *   (PostgreSQL docs, "Connection Strings" 34.1.1.1; Npgsql connection string
 *   syntax);
 * - PgBouncer's auth_file line `"user" "password"`: a control character
 *   (line break) ends the line; a double quote must be doubled (PgBouncer
 *   docs, "Authentication file format"). The program doubles it, but no rule
 *   can see that from the plan, so a generator producing one is refused too.
 */
const URL_USERINFO = /^[A-Za-z0-9\-._~!$&'()*+,;=:]$/;
const KEY_VALUE_BREAKERS = new Set([" ", "\t", "\n", "\r", "'", '"', "\\", ";"]);
const USERLIST_BREAKERS = (c: string) => c === '"' || /[\u0000-\u001f\u007f]/.test(c);

export function connectionStringProblems(characters: Iterable<string>): string[] {
    const chars = [...characters];
    const problems: string[] = [];
    const url = outside(chars, (c) => URL_USERINFO.test(c));
    if (url.length) problems.push(`${url.map((c) => JSON.stringify(c)).join(" ")} break a URL's userinfo unencoded (RFC 3986: unreserved and sub-delims only)`);
    const kv = chars.filter((c) => KEY_VALUE_BREAKERS.has(c));
    if (kv.length) problems.push(`${kv.map((c) => JSON.stringify(c)).join(" ")} break an unquoted key=value connection string`);
    const ul = chars.filter(USERLIST_BREAKERS);
    if (ul.length) problems.push(`${ul.map((c) => JSON.stringify(c)).join(" ")} break a PgBouncer userlist line`);
    return problems;
}

/** Every RandomPassword behind a Secret's data: its whole property dependencies (the contract carries them all). */
function generatorsBehind(ctx: RuleContext): ReturnType<typeof generatedBehind>[] {
    const urns = new Set<string>();
    for (const p of ["stringData", "data"]) for (const u of ctx.resource.propertyDependencies[p] ?? []) urns.add(u);
    return [...urns].map((u) => ctx.byUrn.get(u)).filter((r) => r?.type === RANDOM_PASSWORD).map((r) => generatedBehind(r));
}

const SAFE_GENERATOR = { length: 40, special: true, overrideSpecial: "!-", minLower: 2, minUpper: 2, minNumeric: 2, minSpecial: 2 };

// ---------------------------------------------------------------- specs

const META = { labels: { "app.kubernetes.io/part-of": "mlops-data", environment: "prod", "managed-by": "pulumi" }, namespace: "mlops-data" };
const DBOPS_CONTAINER = {
    name: "dbops",
    image: "ghcr.io/example-org/mlops-dbops:0.1.0",
    args: ["migrate", "--ca-bundle", "/etc/ssl/rds/global-bundle.pem"],
    envFrom: [{ secretRef: { name: "dbops-contract" } }],
    resources: { limits: { cpu: "1", memory: "512Mi" }, requests: { cpu: "100m", memory: "128Mi" } },
};
const JOB_POD = { containers: [DBOPS_CONTAINER], restartPolicy: "Never", securityContext: { runAsNonRoot: true, runAsUser: 1654 } };
const PGBOUNCER_POD = {
    containers: [
        {
            name: "pgbouncer",
            image: "ghcr.io/cloudnative-pg/pgbouncer:1.22.1-16",
            ports: [{ containerPort: 6432, name: "postgres", protocol: "TCP" }],
            resources: { limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: "100m", memory: "64Mi" } },
        },
    ],
    initContainers: [{ name: "rds-ca-bundle", image: "ghcr.io/example-org/mlops-dbops:0.1.0", command: ["cp", "/etc/ssl/rds/global-bundle.pem", "/ca/global-bundle.pem"] }],
};
const PGBOUNCER_LABELS = { "app.kubernetes.io/name": "pgbouncer" };
const DEPLOYMENT_SPEC = {
    replicas: 2,
    selector: { matchLabels: PGBOUNCER_LABELS },
    template: { metadata: { labels: { ...PGBOUNCER_LABELS, "app.kubernetes.io/part-of": "mlops-data" } }, spec: PGBOUNCER_POD },
};
const JOB_SPEC = { activeDeadlineSeconds: 1800, backoffLimit: 1, template: { spec: JOB_POD }, ttlSecondsAfterFinished: 604800 };
const CRONJOB_SPEC = {
    schedule: "30 4 * * *",
    timeZone: "Etc/UTC",
    concurrencyPolicy: "Forbid",
    startingDeadlineSeconds: 3600,
    jobTemplate: { spec: { backoffLimit: 1, template: { spec: { ...JOB_POD, containers: [{ ...DBOPS_CONTAINER, args: ["maintain", "vacuum"] }] } } } },
};
const meta = (name: string, extra: Obj = {}) => ({ metadata: { ...META, name, ...extra } });

/** Standard cron (robfig/cron ParseStandard): five fields, or a @descriptor. */
function cronProblem(v: unknown): string | undefined {
    if (!known(v)) return undefined;
    if (typeof v !== "string" || v.trim() === "") return "spec.schedule is required";
    const s = v.trim();
    if (s.startsWith("@")) return /^@(yearly|annually|monthly|weekly|daily|midnight|hourly|every \S+)$/.test(s) ? undefined : `spec.schedule ${JSON.stringify(v)} is not a known @descriptor`;
    if (/^(CRON_)?TZ=/.test(s)) return `spec.schedule ${JSON.stringify(v)} sets a time zone in the schedule; use spec.timeZone (the API server refuses TZ= in schedules)`;
    const fields = s.split(/\s+/);
    if (fields.length !== 5) return `spec.schedule ${JSON.stringify(v)} has ${fields.length} fields; standard cron has 5 (minute hour day-of-month month day-of-week)`;
    const field = /^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?)*$/;
    const bad = fields.find((f) => !field.test(f));
    return bad ? `spec.schedule ${JSON.stringify(v)}: field ${JSON.stringify(bad)} is not a cron field` : undefined;
}

const deploymentSpecWith = (spec: Obj): Inputs => ({ spec: { ...DEPLOYMENT_SPEC, template: { ...DEPLOYMENT_SPEC.template, spec } } });
const jobSpecWith = (spec: Obj): Inputs => ({ spec: { ...JOB_SPEC, template: { spec } } });
const cronSpecWith = (spec: Obj): Inputs => ({ spec: { ...CRONJOB_SPEC, jobTemplate: { spec: { ...CRONJOB_SPEC.jobTemplate.spec, template: { spec } } } } });
const cronWith = (changes: Obj): Inputs => ({ spec: { ...CRONJOB_SPEC, ...changes } });
const serviceWith = (spec: Obj): Inputs => ({ spec });

const metadataForceNew: ReplacingProperty[] = [{ property: "metadata.name" }, { property: "metadata.namespace" }];
const forceNew = (...paths: string[]): ReplacingProperty[] => [...metadataForceNew, ...paths.map((property) => ({ property }))];

export const SPECS: ResourceTypeSpec[] = [
    {
        type: "kubernetes:core/v1:Namespace",
        source: FORCE_NEW,
        example: { apiVersion: "v1", kind: "Namespace", metadata: { name: "mlops-data", labels: META.labels } },
        rules: metadataRules("k8s-namespace", "label", false).map((r) =>
            // A Namespace has no namespace of its own: its cases carry none.
            ({ ...r, cases: { pass: r.cases.pass.map(stripNamespace), fail: r.cases.fail.map(stripNamespace) } }),
        ),
        forceNew: [{ property: "metadata.name" }],
    },
    {
        type: "kubernetes:core/v1:ConfigMap",
        source: FORCE_NEW,
        example: { apiVersion: "v1", kind: "ConfigMap", ...meta("data-tier-endpoints"), data: { postgresPort: "5432", "pgbouncer.ini": "[databases]\n" } },
        rules: [
            ...metadataRules("k8s-configmap", "subdomain"),
            {
                id: "k8s-configmap-keys",
                property: "data",
                origin: "provider",
                // core/validation ValidateConfigMap: keys IsConfigMapKey ([-._a-zA-Z0-9]+, at most 253), unique
                // across data and binaryData; the whole object at most 1 MiB (MaxSecretSize).
                source: `${K8S}/pkg/apis/core/validation/validation.go (ValidateConfigMap); ${APIMACHINERY} (IsConfigMapKey)`,
                check: (inputs) => {
                    let size = 0;
                    const keys = [...Object.keys(obj(inputs.data)), ...Object.keys(obj(inputs.binaryData))];
                    for (const k of keys) if (k.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(k) || k === "." || k === "..") return `key ${JSON.stringify(k)} must be letters, digits, "-", "_" or "." (not "." or ".."), at most 253`;
                    if (new Set(keys).size !== keys.length) return "a key is in both data and binaryData";
                    for (const v of Object.values(obj(inputs.data))) size += typeof v === "string" ? Buffer.byteLength(v) : 0;
                    return size > 1024 * 1024 ? `data of ${size} bytes; a ConfigMap holds at most 1 MiB` : undefined;
                },
                cases: { pass: [{ data: { "ca.pem": "x", CA_BUNDLE: "y" } }], fail: [{ data: { "ca bundle": "x" } }, { data: { big: "x".repeat(1024 * 1024 + 1) } }] },
            },
        ],
        forceNew: forceNew("data", "binaryData"),
    },
    {
        type: "kubernetes:core/v1:Secret",
        source: FORCE_NEW,
        example: { apiVersion: "v1", kind: "Secret", ...meta("mlflow-db"), type: "Opaque", stringData: generated(SAFE_GENERATOR) },
        rules: [
            ...metadataRules("k8s-secret", "subdomain"),
            {
                id: "k8s-secret-keys",
                property: "stringData",
                origin: "provider",
                // core/validation ValidateSecret: every key of data (and stringData, merged into it) IsConfigMapKey.
                // A masked stringData ("[secret]") cannot be judged.
                source: `${K8S}/pkg/apis/core/validation/validation.go (ValidateSecret); ${APIMACHINERY} (IsConfigMapKey)`,
                check: (inputs) => {
                    for (const p of ["stringData", "data"]) {
                        for (const k of Object.keys(obj(inputs[p]))) if (k.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(k)) return `${p} key ${JSON.stringify(k)} must be letters, digits, "-", "_" or ".", at most 253`;
                    }
                    return undefined;
                },
                cases: { pass: [{ stringData: { "userlist.txt": "x", sqlalchemyUrl: "y" } }], fail: [{ stringData: { "user list": "x" } }, { data: { "a/b": "eA==" } }] },
            },
            {
                id: "k8s-secret-type",
                property: "type",
                origin: "provider",
                // core/validation ValidateSecret: known types carry required keys; kubernetes.io/ types other than
                // the built-in ones are refused; this platform's Secrets are Opaque.
                source: `${K8S}/pkg/apis/core/validation/validation.go (ValidateSecret: secret types)`,
                check: (inputs) => {
                    const t = inputs.type;
                    if (t === undefined || !known(t)) return undefined;
                    const builtIn = ["Opaque", "kubernetes.io/service-account-token", "kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson", "kubernetes.io/basic-auth", "kubernetes.io/ssh-auth", "kubernetes.io/tls", "bootstrap.kubernetes.io/token"];
                    return typeof t === "string" && (builtIn.includes(t) || !/^kubernetes\.io\//.test(t)) && t.length > 0 ? undefined : `type ${JSON.stringify(t)} is not a Secret type the API server knows`;
                },
                cases: { pass: [{ type: "kubernetes.io/basic-auth" }], fail: [{ type: "kubernetes.io/password" }, { type: "" }] },
            },
            {
                id: "k8s-secret-generated-credential-characters",
                property: "stringData",
                origin: "provider",
                // Judges the generators (random.RandomPassword) the Secret's values come from: the connection
                // Secrets carry the same passwords inside a SQLAlchemy URL, a key=value string and PgBouncer's
                // userlist, and the whole contract feeds every Secret (its property dependencies name every
                // generator), so each generator must suit all three. See connectionStringProblems.
                source: "https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1; https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-KEYWORD-VALUE; https://www.pgbouncer.org/config.html#authentication-file-format",
                check: (_inputs, ctx) => {
                    for (const g of generatorsBehind(ctx)) {
                        if (!g) continue;
                        const problems = connectionStringProblems(g.characters);
                        if (problems.length) return `the generated value of ${g.urn.split("::").pop()} may hold characters that ${problems.join("; ")}`;
                    }
                    return undefined;
                },
                cases: {
                    pass: [{ stringData: generated({ ...SAFE_GENERATOR, overrideSpecial: "!&$-" }) }, { stringData: generated({ length: 32, special: false, minSpecial: 0 }) }],
                    fail: [
                        { stringData: generated({ ...SAFE_GENERATOR, overrideSpecial: "!&#$^<>-" }) },
                        { stringData: generated({ ...SAFE_GENERATOR, overrideSpecial: "%" }) },
                        { stringData: generated({ length: 40 }) },
                        { stringData: generated({ ...SAFE_GENERATOR, overrideSpecial: "!;" }) },
                        { stringData: generated({ ...SAFE_GENERATOR, overrideSpecial: "!'" }) },
                    ],
                },
            },
        ],
        // Secret data replaces unless the provider's enableSecretMutable is on (it is off here).
        forceNew: forceNew("type", "stringData", "data"),
    },
    {
        type: "kubernetes:core/v1:Service",
        source: FORCE_NEW,
        example: {
            apiVersion: "v1",
            kind: "Service",
            ...meta("pgbouncer"),
            spec: { ports: [{ name: "postgres", port: 6432, protocol: "TCP", targetPort: 6432 }], selector: PGBOUNCER_LABELS, type: "ClusterIP" },
        },
        rules: [
            ...metadataRules("k8s-service", "dns1035"),
            {
                id: "k8s-service-ports",
                property: "spec.ports",
                origin: "provider",
                // core/validation ValidateService: port 1-65535; with more than one port each is named, names
                // unique and IsValidPortName; targetPort a number 1-65535 or a port name; protocol TCP, UDP or SCTP.
                source: `${K8S}/pkg/apis/core/validation/validation.go (ValidateService, validateServicePort)`,
                check: (inputs) => {
                    const ports = arr(at(inputs, "spec.ports"));
                    const names = new Set<string>();
                    for (const p of ports) {
                        if (!portNumberOk(p.port)) return `port ${JSON.stringify(p.port)}; allowed 1-65535`;
                        if (ports.length > 1 && (p.name === undefined || p.name === "")) return `port ${p.port} has no name: with several ports each must be named`;
                        const pn = portNameProblem(p.name);
                        if (pn) return pn;
                        if (typeof p.name === "string") {
                            if (names.has(p.name)) return `port name ${p.name} is used twice`;
                            names.add(p.name);
                        }
                        if (p.targetPort !== undefined && !(typeof p.targetPort === "number" ? portNumberOk(p.targetPort) : portNameProblem(p.targetPort) === undefined)) return `targetPort ${JSON.stringify(p.targetPort)} must be 1-65535 or a port name`;
                        if (p.protocol !== undefined && !PROTOCOLS.includes(String(p.protocol))) return `protocol ${JSON.stringify(p.protocol)}; allowed ${PROTOCOLS.join(", ")}`;
                    }
                    return undefined;
                },
                cases: {
                    pass: [serviceWith({ ports: [{ name: "tcp", port: 6379 }, { name: "tls", port: 6380 }], type: "ClusterIP" })],
                    fail: [
                        serviceWith({ ports: [{ port: 0 }], type: "ClusterIP" }),
                        serviceWith({ ports: [{ port: 6379 }, { port: 6380 }], type: "ClusterIP" }),
                        serviceWith({ ports: [{ name: "Redis", port: 6379 }], type: "ClusterIP" }),
                        serviceWith({ ports: [{ name: "pg", port: 5432, targetPort: 70000 }], type: "ClusterIP" }),
                    ],
                },
            },
            {
                id: "k8s-service-external-name",
                property: "spec.externalName",
                origin: "provider",
                // core/validation ValidateService: type is ClusterIP, NodePort, LoadBalancer or ExternalName; an
                // ExternalName Service needs spec.externalName, a lowercase DNS-1123 subdomain (no trailing dot checks here).
                source: `${K8S}/pkg/apis/core/validation/validation.go (ValidateService: ExternalName)`,
                check: (inputs) => {
                    const type = at(inputs, "spec.type") ?? "ClusterIP";
                    if (!["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].includes(String(type))) return `spec.type ${JSON.stringify(type)}; allowed ClusterIP, NodePort, LoadBalancer, ExternalName`;
                    if (type !== "ExternalName") return undefined;
                    const n = at(inputs, "spec.externalName");
                    if (!known(n)) return n === undefined ? "an ExternalName Service needs spec.externalName" : undefined;
                    return typeof n === "string" && isDns1123Subdomain(n.replace(/\.$/, "")) ? undefined : `spec.externalName ${JSON.stringify(n)} must be a lowercase DNS name`;
                },
                cases: {
                    pass: [serviceWith({ type: "ExternalName", externalName: "master.mlops-dev-cache.ab1cde.cache.amazonaws.com", ports: [{ name: "tcp", port: 6379 }] })],
                    fail: [
                        serviceWith({ type: "ExternalName", ports: [{ name: "tcp", port: 6379 }] }),
                        serviceWith({ type: "ExternalName", externalName: "Master.Cache.AmazonAWS.com", ports: [{ name: "tcp", port: 6379 }] }),
                        serviceWith({ type: "Headless", ports: [{ name: "tcp", port: 6379 }] }),
                    ],
                },
            },
        ],
        forceNew: forceNew("spec.clusterIP"),
    },
    {
        type: "kubernetes:apps/v1:Deployment",
        source: FORCE_NEW,
        example: { apiVersion: "apps/v1", kind: "Deployment", ...meta("pgbouncer"), spec: DEPLOYMENT_SPEC },
        rules: [
            ...metadataRules("k8s-deployment", "subdomain"),
            ...podRules("k8s-deployment", (i) => obj(at(i, "spec.template.spec")), deploymentSpecWith, PGBOUNCER_POD, false),
            {
                id: "k8s-deployment-selector",
                property: "spec.selector",
                origin: "provider",
                // apps/validation ValidateDeploymentSpec: a non-empty selector that matches the template's labels.
                source: `${K8S}/pkg/apis/apps/validation/validation.go (ValidateDeploymentSpec)`,
                check: (inputs) => {
                    const sel = obj(at(inputs, "spec.selector"));
                    if (Object.keys(obj(sel.matchLabels)).length === 0 && arr(sel.matchExpressions).length === 0) return "spec.selector is empty: a Deployment must select its pods";
                    const labels = obj(at(inputs, "spec.template.metadata.labels"));
                    const p = labelsProblem(sel.matchLabels, "spec.selector.matchLabels") ?? labelsProblem(labels, "spec.template.metadata.labels");
                    if (p) return p;
                    return selects(sel, labels) ? undefined : `spec.selector ${JSON.stringify(sel)} does not match the template's labels ${JSON.stringify(labels)}`;
                },
                cases: {
                    pass: [{ spec: { ...DEPLOYMENT_SPEC, selector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["pgbouncer"] }] } } }],
                    fail: [{ spec: { ...DEPLOYMENT_SPEC, selector: { matchLabels: { "app.kubernetes.io/name": "pg-bouncer" } } } }, { spec: { ...DEPLOYMENT_SPEC, selector: {} } }],
                },
            },
        ],
        forceNew: forceNew("spec.selector"),
    },
    {
        type: "kubernetes:batch/v1:Job",
        source: FORCE_NEW,
        example: { apiVersion: "batch/v1", kind: "Job", ...meta("dbops-migrate-d2c0be5e58"), spec: JOB_SPEC },
        rules: [
            // A Job's name becomes the value of its pods' job-name label: at most 63 characters.
            ...metadataRules("k8s-job", "subdomain", true, 63),
            ...podRules("k8s-job", (i) => obj(at(i, "spec.template.spec")), jobSpecWith, JOB_POD, true),
        ],
        forceNew: forceNew("spec.completions", "spec.parallelism", "spec.selector", "spec.template"),
    },
    {
        type: "kubernetes:batch/v1:CronJob",
        source: FORCE_NEW,
        example: { apiVersion: "batch/v1", kind: "CronJob", ...meta("dbops-vacuum"), spec: CRONJOB_SPEC },
        rules: [
            // batch/validation ValidateCronJobCreate: the name at most 52 characters (DNS1035LabelMaxLength - 11,
            // room for the Jobs' suffix); pkg/apis/batch/validation/validation_test.go has the case "metadata.name: must
            // be no more than 52 characters". (The validation.go version read here predates the check.)
            ...metadataRules("k8s-cronjob", "subdomain", true, 52),
            ...podRules("k8s-cronjob", (i) => obj(at(i, "spec.jobTemplate.spec.template.spec")), cronSpecWith, CRONJOB_SPEC.jobTemplate.spec.template.spec, true),
            {
                id: "k8s-cronjob-schedule",
                property: "spec.schedule",
                origin: "provider",
                // batch/validation ValidateCronJobSpec: schedule required and cron.ParseStandard must accept it.
                source: `${K8S}/pkg/apis/batch/validation/validation.go (ValidateCronJobSpec, validateScheduleFormat)`,
                check: (inputs) => cronProblem(at(inputs, "spec.schedule")),
                cases: { pass: [cronWith({ schedule: "0 3 1 * *" }), cronWith({ schedule: "@daily" }), cronWith({ schedule: "45 4 * * 6" })], fail: [cronWith({ schedule: "" }), cronWith({ schedule: "0 3 1 * * *" }), cronWith({ schedule: "cron(0 3 * * ? *)" })] },
            },
            {
                id: "k8s-cronjob-policy",
                property: "spec.concurrencyPolicy",
                origin: "provider",
                // ValidateCronJobSpec: concurrencyPolicy Allow, Forbid or Replace; startingDeadlineSeconds non-negative;
                // timeZone a tz database name (not checkable here beyond its shape).
                source: `${K8S}/pkg/apis/batch/validation/validation.go (validateConcurrencyPolicy, ValidateCronJobSpec)`,
                check: (inputs) => {
                    const cp = at(inputs, "spec.concurrencyPolicy");
                    if (cp !== undefined && !["Allow", "Forbid", "Replace"].includes(String(cp))) return `spec.concurrencyPolicy ${JSON.stringify(cp)}; allowed Allow, Forbid, Replace`;
                    const sd = at(inputs, "spec.startingDeadlineSeconds");
                    if (typeof sd === "number" && sd < 0) return `spec.startingDeadlineSeconds ${sd} must not be negative`;
                    const tz = at(inputs, "spec.timeZone");
                    if (tz !== undefined && !(typeof tz === "string" && /^(UTC|[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+)$/.test(tz))) return `spec.timeZone ${JSON.stringify(tz)} is not a tz database name (e.g. Etc/UTC)`;
                    return undefined;
                },
                cases: { pass: [cronWith({ concurrencyPolicy: "Replace", timeZone: "Europe/Berlin" })], fail: [cronWith({ concurrencyPolicy: "Never" }), cronWith({ timeZone: "+01:00" }), cronWith({ startingDeadlineSeconds: -1 })] },
            },
        ],
        forceNew: metadataForceNew,
    },
    {
        type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        source: FORCE_NEW,
        example: {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            ...meta("data-tier-egress"),
            spec: {
                egress: [
                    { ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] },
                    { ports: [{ port: 5432, protocol: "TCP" }], to: [{ ipBlock: { cidr: "10.0.0.0/24" } }] },
                ],
                podSelector: {},
                policyTypes: ["Egress"],
            },
        },
        rules: [
            ...metadataRules("k8s-network-policy", "subdomain"),
            {
                id: "k8s-network-policy-peers",
                property: "spec",
                origin: "provider",
                // networking/validation ValidateNetworkPolicySpec: policyTypes Ingress or Egress; ports a number
                // 1-65535 or a port name, protocol TCP, UDP or SCTP; ipBlock.cidr a valid CIDR.
                source: `${K8S}/pkg/apis/networking/validation/validation.go (ValidateNetworkPolicySpec, ValidateIPBlock)`,
                check: (inputs) => {
                    const spec = obj(inputs.spec);
                    for (const t of Array.isArray(spec.policyTypes) ? spec.policyTypes : []) if (t !== "Ingress" && t !== "Egress") return `policyTypes ${JSON.stringify(t)}; allowed Ingress, Egress`;
                    for (const [dir, peerKey] of [["egress", "to"], ["ingress", "from"]] as const) {
                        for (const r of arr(spec[dir])) {
                            for (const p of arr(r.ports)) {
                                if (p.port !== undefined && !(typeof p.port === "number" ? portNumberOk(p.port) : portNameProblem(p.port) === undefined)) return `${dir} port ${JSON.stringify(p.port)} must be 1-65535 or a port name`;
                                if (p.protocol !== undefined && !PROTOCOLS.includes(String(p.protocol))) return `${dir} protocol ${JSON.stringify(p.protocol)}; allowed ${PROTOCOLS.join(", ")}`;
                            }
                            for (const peer of arr(r[peerKey])) {
                                const cidr = obj(peer.ipBlock).cidr;
                                if (cidr !== undefined && known(cidr) && !/^[0-9a-fA-F.:]+\/\d{1,3}$/.test(String(cidr))) return `${dir} ipBlock.cidr ${JSON.stringify(cidr)} is not a CIDR`;
                            }
                        }
                    }
                    return undefined;
                },
                cases: {
                    pass: [{ spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [{ ports: [{ port: "postgres" }] }] } }],
                    fail: [
                        { spec: { podSelector: {}, policyTypes: ["Outbound"] } },
                        { spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: 0, protocol: "TCP" }] }] } },
                        { spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0" } }] }] } },
                    ],
                },
            },
        ],
        forceNew: metadataForceNew,
    },
    {
        type: "kubernetes:policy/v1:PodDisruptionBudget",
        source: FORCE_NEW,
        example: { apiVersion: "policy/v1", kind: "PodDisruptionBudget", ...meta("pgbouncer"), spec: { minAvailable: 1, selector: { matchLabels: PGBOUNCER_LABELS } } },
        rules: [
            ...metadataRules("k8s-pdb", "subdomain"),
            {
                id: "k8s-pdb-budget",
                property: "spec",
                origin: "provider",
                // policy/validation ValidatePodDisruptionBudgetSpec: minAvailable and maxUnavailable are mutually
                // exclusive; each a non-negative integer or a percentage up to 100%.
                source: `${K8S}/pkg/apis/policy/validation/validation.go (ValidatePodDisruptionBudgetSpec)`,
                check: (inputs) => {
                    const spec = obj(inputs.spec);
                    if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) return "minAvailable and maxUnavailable are both set; a PodDisruptionBudget takes one";
                    for (const k of ["minAvailable", "maxUnavailable"]) {
                        const v = spec[k];
                        if (v === undefined) continue;
                        const ok = typeof v === "number" ? Number.isInteger(v) && v >= 0 : typeof v === "string" && /^\d+%$/.test(v) && Number(v.slice(0, -1)) <= 100;
                        if (!ok) return `${k} ${JSON.stringify(v)} must be a non-negative integer or a percentage up to 100%`;
                    }
                    return undefined;
                },
                cases: {
                    pass: [{ spec: { maxUnavailable: "50%", selector: { matchLabels: PGBOUNCER_LABELS } } }],
                    fail: [{ spec: { minAvailable: 1, maxUnavailable: 1, selector: { matchLabels: PGBOUNCER_LABELS } } }, { spec: { minAvailable: "150%", selector: { matchLabels: PGBOUNCER_LABELS } } }],
                },
            },
        ],
        // policy/v1 is not in pulumi-kubernetes's table (only v1beta1's `.spec`): only the metadata replaces.
        forceNew: metadataForceNew,
    },
];

function stripNamespace(c: Inputs): Inputs {
    if (!c.metadata) return c;
    const { namespace: _ns, ...rest } = obj(c.metadata);
    return { ...c, metadata: rest };
}
