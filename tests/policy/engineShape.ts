/**
 * Resources in the shape the offline engine records them (and the engine sends
 * them to packs): type, name, URN, inputs with secrets wrapped as on the wire,
 * outputs, provider reference and property dependencies. `goodStack()` is a
 * stack with every store the rules know about, built to pass every rule; the
 * rule tests break it one property at a time.
 */
import { RecordedResource } from "../../engine/mockEngine";

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** A rule test: a change to the good stack and the policies it must violate, exactly. */
export interface Case {
    title: string;
    change: (f: Fixture) => void;
    config?: Record<string, unknown>;
    /** Policies with mandatory violations, exactly. */
    violated: string[];
    message: RegExp;
}

/** What the engine sends for a value unknown during preview. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const REGION = "us-east-1";
export const DR_REGION = "us-west-2";
const ACCOUNT = "123456789012";

export const secret = (value: unknown) => ({ [SECRET_SIG_KEY]: SECRET_SIG, value });
export const urnOf = (type: string, name: string) => `urn:pulumi:test::mlops-data::${type}::${name}`;

export interface Spec {
    protect?: boolean;
    /** Name of a provider resource of this fixture. */
    provider?: string;
    /** Input name -> names of the fixture resources its value came from. */
    deps?: Record<string, string[]>;
    /** Outputs beyond the inputs (ARNs, ids). */
    outputs?: Record<string, unknown>;
}

export class Fixture {
    readonly resources: RecordedResource[] = [];

    add(type: string, name: string, rawInputs: Record<string, any>, spec: Spec = {}): RecordedResource {
        const plain = JSON.parse(JSON.stringify(rawInputs), (_k, v) => (v && typeof v === "object" && v[SECRET_SIG_KEY] === SECRET_SIG ? v.value : v));
        const r: RecordedResource = {
            urn: urnOf(type, name),
            type,
            name,
            custom: true,
            protect: spec.protect ?? false,
            ignoreChanges: [],
            deleteBeforeReplace: false,
            replaceOnChanges: [],
            retainOnDelete: false,
            inputs: plain,
            rawInputs,
            secretPaths: [],
            id: `${name}-id`,
            outputs: { ...plain, id: `${name}-id`, ...(spec.outputs ?? {}) },
            provider: spec.provider ? `${urnOf("pulumi:providers:aws", spec.provider)}::${spec.provider}-id` : undefined,
            dependencies: [],
            propertyDependencies: Object.fromEntries(Object.entries(spec.deps ?? {}).map(([k, names]) => [k, names.map((n) => this.get(n).urn)])),
        };
        this.resources.push(r);
        return r;
    }

    get(name: string): RecordedResource {
        const r = this.resources.find((x) => x.name === name);
        if (!r) throw new Error(`fixture has no resource ${name}`);
        return r;
    }

    remove(name: string) {
        this.resources.splice(this.resources.indexOf(this.get(name)), 1);
    }

    /** Changes nested inputs and outputs alike: `change` runs on each of inputs, raw inputs and outputs. */
    edit(name: string, change: (props: Record<string, any>) => void) {
        const r = this.get(name);
        for (const target of [r.inputs, r.rawInputs, r.outputs]) change(target);
    }

    /** Changes inputs and outputs alike, as a program change would. `undefined` deletes. */
    set(name: string, changes: Record<string, unknown>) {
        const r = this.get(name);
        for (const [k, v] of Object.entries(changes)) {
            for (const target of [r.inputs, r.rawInputs, r.outputs]) {
                if (v === undefined) delete target[k];
                else target[k] = v;
            }
            if (v === undefined && r.propertyDependencies) delete r.propertyDependencies[k];
        }
    }
}

export const BREAK_GLASS = `arn:aws:iam::${ACCOUNT}:role/backup-break-glass`;
/** The account administers the key through IAM; CloudWatch Logs may use it for the stores' log groups only. */
export const KEY_POLICY = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
        { Sid: "Account", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
        {
            Sid: "Logs",
            Effect: "Allow",
            Principal: { Service: "logs.us-east-1.amazonaws.com" },
            Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/mlops/*` } },
        },
    ],
});
export const VAULT_POLICY = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
        {
            Sid: "OnlyBreakGlass",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:DeleteBackupVaultLockConfiguration"],
            Resource: "*",
            Condition: { ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } },
        },
    ],
});

export const TAGS = { owner: "ml-platform", "cost-center": "cc-1234", "data-classification": "confidential", environment: "prod", "managed-by": "pulumi" };
const arn = (service: string, region: string, rest: string) => `arn:aws:${service}:${region}:${ACCOUNT}:${rest}`;
const keyArn = (region: string, name: string) => arn("kms", region, `key/0000example-${name}`);

/** A stack that passes every rule under the strict defaults. */
export function goodStack(): Fixture {
    const f = new Fixture();
    f.add("pulumi:providers:aws", "dr", { region: DR_REGION });
    f.add("random:index/randomPassword:RandomPassword", "password", { length: 40 });
    for (const [name, region, provider] of [["key", REGION, undefined], ["dr-key", DR_REGION, "dr"]] as const) {
        f.add(
            "aws:kms/key:Key",
            name,
            { description: name, enableKeyRotation: true, rotationPeriodInDays: 365, customerMasterKeySpec: "SYMMETRIC_DEFAULT", policy: KEY_POLICY, tags: TAGS },
            { provider, outputs: { arn: keyArn(region, name) } },
        );
    }
    const cmk = (name = "key") => ({ kmsKeyId: keyArn(name === "key" ? REGION : DR_REGION, name) });

    // Aurora PostgreSQL, global, with a secondary in the DR region.
    for (const [suffix, provider, key] of [["", undefined, "key"], ["-dr", "dr", "dr-key"]] as const) {
        f.add(
            "aws:rds/clusterParameterGroup:ClusterParameterGroup",
            `pg-params${suffix}`,
            { name: `pg-params${suffix}`, family: "aurora-postgresql16", parameters: [{ name: "rds.force_ssl", value: "1" }, { name: "log_min_duration_statement", value: "1000" }, { name: "log_statement", value: "ddl" }], tags: TAGS },
            { provider },
        );
        if (!suffix) {
            f.add("aws:rds/globalCluster:GlobalCluster", "pg-global", { globalClusterIdentifier: "pg-global", engine: "aurora-postgresql", engineVersion: "16.6", storageEncrypted: true, deletionProtection: true, tags: TAGS });
        }
        f.add(
            "aws:rds/cluster:Cluster",
            `pg${suffix}`,
            {
                clusterIdentifier: `pg${suffix}`,
                engine: "aurora-postgresql",
                engineVersion: "16.6",
                storageEncrypted: true,
                ...cmk(key),
                dbClusterParameterGroupName: `pg-params${suffix}`,
                globalClusterIdentifier: "pg-global",
                ...(suffix ? {} : { vpcSecurityGroupIds: ["pg-sg-id"] }),
                ...(suffix ? {} : { masterUsername: "mlflow_admin", masterPassword: secret("generated-password") }),
                iamDatabaseAuthenticationEnabled: true,
                enabledCloudwatchLogsExports: ["postgresql"],
                copyTagsToSnapshot: true,
                backupRetentionPeriod: 35,
                preferredBackupWindow: "02:00-02:30",
                preferredMaintenanceWindow: "sun:05:00-sun:05:30",
                deletionProtection: true,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: `pg${suffix}-final-1a2b`,
                tags: TAGS,
            },
            {
                protect: true,
                provider,
                deps: { kmsKeyId: [key], dbClusterParameterGroupName: [`pg-params${suffix}`], globalClusterIdentifier: ["pg-global"], ...(suffix ? {} : { masterPassword: ["password"] }) },
                // pg-sg is declared below; the cluster names it by its id.
                outputs: { arn: arn("rds", suffix ? DR_REGION : REGION, `cluster:pg${suffix}`) },
            },
        );
        for (const n of [1, 2]) {
            f.add(
                "aws:rds/clusterInstance:ClusterInstance",
                `pg${suffix}-${n}`,
                {
                    identifier: `pg${suffix}-${n}`,
                    clusterIdentifier: `pg${suffix}`,
                    engine: "aurora-postgresql",
                    instanceClass: "db.r7g.large",
                    availabilityZone: `${suffix ? DR_REGION : REGION}${"ab"[n - 1]}`,
                    publiclyAccessible: false,
                    autoMinorVersionUpgrade: true,
                    performanceInsightsEnabled: true,
                    performanceInsightsKmsKeyId: keyArn(suffix ? DR_REGION : REGION, key),
                    monitoringInterval: 60,
                    monitoringRoleArn: `arn:aws:iam::${ACCOUNT}:role/rds-monitoring`,
                    preferredMaintenanceWindow: "sun:05:00-sun:05:30",
                    tags: TAGS,
                },
                { provider, deps: { clusterIdentifier: [`pg${suffix}`], performanceInsightsKmsKeyId: [key] } },
            );
        }
    }

    // DocumentDB.
    f.add("aws:docdb/clusterParameterGroup:ClusterParameterGroup", "docs-params", {
        name: "docs-params",
        family: "docdb5.0",
        parameters: [{ name: "tls", value: "enabled" }, { name: "audit_logs", value: "all" }, { name: "profiler", value: "enabled" }],
        tags: TAGS,
    });
    f.add(
        "aws:docdb/cluster:Cluster",
        "docs",
        {
            clusterIdentifier: "docs",
            engine: "docdb",
            engineVersion: "5.0.0",
            storageEncrypted: true,
            ...cmk(),
            dbClusterParameterGroupName: "docs-params",
            masterUsername: "docs_admin",
            masterPassword: secret("generated-password"),
            enabledCloudwatchLogsExports: ["audit", "profiler"],
            backupRetentionPeriod: 35,
            preferredBackupWindow: "02:30-03:00",
            preferredMaintenanceWindow: "sun:05:30-sun:06:00",
            deletionProtection: true,
            finalSnapshotIdentifier: "docs-final-1a2b",
            tags: TAGS,
        },
        { protect: true, deps: { kmsKeyId: ["key"], dbClusterParameterGroupName: ["docs-params"], masterPassword: ["password"] }, outputs: { arn: arn("rds", REGION, "cluster:docs") } },
    );
    for (const n of [1, 2]) {
        f.add(
            "aws:docdb/clusterInstance:ClusterInstance",
            `docs-${n}`,
            { identifier: `docs-${n}`, clusterIdentifier: "docs", instanceClass: "db.r6g.large", availabilityZone: `${REGION}${"ab"[n - 1]}`, autoMinorVersionUpgrade: true, enablePerformanceInsights: true, performanceInsightsKmsKeyId: keyArn(REGION, "key"), tags: TAGS },
            { deps: { clusterIdentifier: ["docs"] } },
        );
    }

    // Redis.
    f.add("aws:cloudwatch/logGroup:LogGroup", "redis-slow-log", { name: "/mlops/redis/slow-log", retentionInDays: 365, ...cmk(), tags: TAGS }, { deps: { kmsKeyId: ["key"] } });
    f.add(
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "cache",
        {
            replicationGroupId: "cache",
            description: "cache",
            engine: "redis",
            nodeType: "cache.r7g.large",
            numCacheClusters: 2,
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            atRestEncryptionEnabled: true,
            ...cmk(),
            transitEncryptionEnabled: true,
            transitEncryptionMode: "required",
            authToken: secret("generated-token"),
            logDeliveryConfigurations: [{ destination: "/mlops/redis/slow-log", destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" }],
            subnetGroupName: "cache-subnets",
            snapshotRetentionLimit: 7,
            snapshotWindow: "03:00-04:00",
            maintenanceWindow: "sun:06:00-sun:07:00",
            finalSnapshotIdentifier: "cache-final",
            autoMinorVersionUpgrade: true,
            tags: TAGS,
        },
        { deps: { kmsKeyId: ["key"], authToken: ["password"] } },
    );

    // Secrets, network.
    f.add("aws:secretsmanager/secret:Secret", "pg-secret", { name: "mlops/pg", ...cmk(), tags: TAGS }, { deps: { kmsKeyId: ["key"] }, outputs: { arn: arn("secretsmanager", REGION, "secret:mlops/pg-AbCdEf") } });
    f.add("aws:secretsmanager/secretVersion:SecretVersion", "pg-secret-value", { secretId: "pg-secret-id", secretString: secret('{"password":"generated"}') }, { deps: { secretId: ["pg-secret"], secretString: ["password"] } });
    f.add(
        "aws:secretsmanager/secretRotation:SecretRotation",
        "pg-secret-rotation",
        { secretId: "pg-secret-id", rotationLambdaArn: arn("lambda", REGION, "function:rotate"), rotationRules: { automaticallyAfterDays: 30 } },
        { deps: { secretId: ["pg-secret"] } },
    );
    f.add(
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "pg-cpu",
        { name: "pg-cpu", namespace: "AWS/RDS", metricName: "CPUUtilization", comparisonOperator: "GreaterThanThreshold", threshold: 80, evaluationPeriods: 3, period: 300, statistic: "Average", alarmActions: [arn("sns", REGION, "pager")], okActions: [arn("sns", REGION, "pager")], tags: TAGS },
    );
    f.add("aws:ec2/securityGroup:SecurityGroup", "pg-sg", { name: "pg-sg", description: "PostgreSQL: clients on TCP 5432 only", vpcId: "vpc-0123456789abcdef0", tags: TAGS });
    f.add(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "pg-sg-from-clients",
        { securityGroupId: "pg-sg-id", description: "PostgreSQL from client security group sg-0123456789abcdef0", ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedSecurityGroupId: "sg-0123456789abcdef0", tags: TAGS },
        { deps: { securityGroupId: ["pg-sg"] } },
    );

    // AWS Backup with a copy to the DR region.
    f.add("aws:backup/vault:Vault", "vault", { name: "vault", kmsKeyArn: keyArn(REGION, "key"), tags: TAGS }, { deps: { kmsKeyArn: ["key"] }, outputs: { arn: arn("backup", REGION, "backup-vault:vault") } });
    f.add("aws:backup/vault:Vault", "dr-vault", { name: "dr-vault", kmsKeyArn: keyArn(DR_REGION, "dr-key"), tags: TAGS }, { provider: "dr", deps: { kmsKeyArn: ["dr-key"] }, outputs: { arn: arn("backup", DR_REGION, "backup-vault:dr-vault") } });
    for (const [vault, provider] of [["vault", undefined], ["dr-vault", "dr"]] as const) {
        f.add("aws:backup/vaultPolicy:VaultPolicy", `${vault}-policy`, { backupVaultName: vault, policy: VAULT_POLICY }, { provider, deps: { backupVaultName: [vault] } });
        f.add("aws:backup/vaultLockConfiguration:VaultLockConfiguration", `${vault}-lock`, { backupVaultName: vault, minRetentionDays: 7, maxRetentionDays: 365 }, { provider, deps: { backupVaultName: [vault] } });
    }
    f.add(
        "aws:backup/plan:Plan",
        "plan",
        {
            name: "plan",
            rules: [
                {
                    ruleName: "daily",
                    targetVaultName: "vault",
                    schedule: "cron(0 4 * * ? *)",
                    lifecycle: { deleteAfter: 35 },
                    copyActions: [{ destinationVaultArn: arn("backup", DR_REGION, "backup-vault:dr-vault"), lifecycle: { deleteAfter: 35 } }],
                },
            ],
            tags: TAGS,
        },
        { deps: { rules: ["vault", "dr-vault"] } },
    );
    f.add(
        "aws:backup/selection:Selection",
        "selection",
        { name: "stores", planId: "plan-id", iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/backup`, resources: [arn("rds", REGION, "cluster:pg"), arn("rds", REGION, "cluster:docs")] },
        { deps: { planId: ["plan"], resources: ["pg", "docs"] } },
    );
    addKubernetes(f);
    return f;
}

export const DIGEST = "sha256:" + "ab".repeat(32);
const K8S_LABELS = { "app.kubernetes.io/part-of": "mlops-data" };

/** A container as the restricted profile wants it (Checkov's CKV_K8S checks all pass). */
export function restrictedContainer(name: string, image: string, extra: Record<string, unknown> = {}) {
    return {
        name,
        image: `${image}@${DIGEST}`,
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
        resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        ...extra,
    };
}

export function restrictedPod(containers: unknown[], extra: Record<string, unknown> = {}) {
    return {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
        containers,
        ...extra,
    };
}

const probes = { readinessProbe: { tcpSocket: { port: 6432 } }, livenessProbe: { tcpSocket: { port: 6432 } } };

/** The data tier's Kubernetes objects: a namespace, a pooler Deployment, a Job and a CronJob reading a Secret as files. */
function addKubernetes(f: Fixture) {
    const meta = (name: string) => ({ name, namespace: "mlops-data", labels: K8S_LABELS });
    f.add("kubernetes:core/v1:Namespace", "ns", { metadata: { name: "mlops-data", labels: K8S_LABELS } });
    f.add("kubernetes:core/v1:Secret", "contract", { metadata: meta("contract"), type: "Opaque", stringData: secret({ DBOPS_PG_PASSWORD: "generated" }) });
    const contractVolume = { name: "contract", secret: { secretName: "contract", defaultMode: 0o440 } };
    const dbops = restrictedContainer("dbops", "ghcr.io/example-org/mlops-dbops:0.1.0", {
        env: [{ name: "DBOPS_SECRETS_DIR", value: "/etc/dbops/contract" }],
        volumeMounts: [{ name: "contract", mountPath: "/etc/dbops/contract", readOnly: true }],
    });
    f.add("kubernetes:apps/v1:Deployment", "pooler", {
        metadata: meta("pooler"),
        spec: {
            replicas: 2,
            selector: { matchLabels: { app: "pooler" } },
            template: {
                metadata: { labels: { app: "pooler" } },
                spec: restrictedPod(
                    [restrictedContainer("pgbouncer", "ghcr.io/cloudnative-pg/pgbouncer:1.22.1-16", { ports: [{ containerPort: 6432 }], ...probes })],
                    { initContainers: [restrictedContainer("ca", "ghcr.io/example-org/mlops-dbops:0.1.0")] },
                ),
            },
        },
    });
    f.add("kubernetes:batch/v1:Job", "migrate", { metadata: meta("migrate"), spec: { backoffLimit: 1, template: { spec: restrictedPod([dbops], { restartPolicy: "Never", volumes: [contractVolume] }) } } });
    f.add("kubernetes:batch/v1:CronJob", "vacuum", {
        metadata: meta("vacuum"),
        spec: { schedule: "30 4 * * *", jobTemplate: { spec: { template: { spec: restrictedPod([dbops], { restartPolicy: "Never", volumes: [contractVolume] }) } } } },
    });
}
