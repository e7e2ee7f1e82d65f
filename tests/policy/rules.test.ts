/**
 * Every rule, fed engine-shaped resources through the real packs (analyzer
 * gRPC): the good stack passes all of them; each case breaks one thing and
 * must produce exactly the expected policies' violations.
 */
import * as assert from "assert";
import { PolicyViolation, closePolicyPacks, evaluatePolicies } from "../../policy/offline/evaluate";
import { PACKS } from "../../policy/offline/packs";
import { Case, Fixture, REGION, UNKNOWN_VALUE, goodStack, secret } from "./engineShape";
import { DATA_CASES, DATA_RELAXED } from "./dataCases";
import { KUBERNETES_CASES, KUBERNETES_RELAXED } from "./kubernetesCases";

/** The good stack is not in a global datastore for DocumentDB and Redis; that rule has its own cases. */
const BASE = { "global-cluster-required": { required: false } };

async function run(f: Fixture, config: Record<string, unknown> = BASE): Promise<PolicyViolation[]> {
    return evaluatePolicies(f.resources, { config, region: REGION, stack: "test" });
}

const params = (f: Fixture, name: string, values: Record<string, string>) =>
    f.set(name, { parameters: (f.get(name).inputs.parameters as { name: string; value: string }[]).map((p) => ({ ...p, value: values[p.name] ?? p.value })) });

const CASES: Case[] = [
    // security
    { title: "Aurora cluster not encrypted", change: (f) => f.set("pg", { storageEncrypted: false }), violated: ["storage-encrypted-with-cmk"], message: /Aurora cluster: storageEncrypted is not true/ },
    { title: "Redis on the AWS-managed key", change: (f) => f.set("cache", { kmsKeyId: "alias/aws/elasticache" }), violated: ["storage-encrypted-with-cmk"], message: /AWS-managed key "alias\/aws\/elasticache"/ },
    { title: "DocumentDB without a key", change: (f) => f.set("docs", { kmsKeyId: undefined }), violated: ["storage-encrypted-with-cmk"], message: /DocumentDB cluster: kmsKeyId is not set/ },
    { title: "global cluster not encrypted", change: (f) => f.set("pg-global", { storageEncrypted: undefined }), violated: ["storage-encrypted-with-cmk"], message: /Aurora global cluster: storageEncrypted/ },
    { title: "key without rotation", change: (f) => f.set("key", { enableKeyRotation: false }), violated: ["kms-key-rotation"], message: /enableKeyRotation is not true/ },
    { title: "Performance Insights on the default key", change: (f) => f.set("pg-1", { performanceInsightsKmsKeyId: undefined }), violated: ["performance-insights-cmk"], message: /performanceInsightsKmsKeyId is not set/ },
    { title: "secret on the default key", change: (f) => f.set("pg-secret", { kmsKeyId: undefined }), violated: ["secrets-use-cmk"], message: /Secret: kmsKeyId is not set/ },
    { title: "log group unencrypted", change: (f) => f.set("redis-slow-log", { kmsKeyId: undefined }), violated: ["log-groups-use-cmk"], message: /Log group: kmsKeyId is not set/ },
    { title: "backup vault on aws/backup", change: (f) => f.set("vault", { kmsKeyArn: undefined }), violated: ["backup-vaults-use-cmk"], message: /aws\/backup/ },
    { title: "force_ssl off", change: (f) => params(f, "pg-params", { "rds.force_ssl": "0" }), violated: ["aurora-tls-enforced"], message: /sets rds\.force_ssl=0; rds\.force_ssl=1 is required/ },
    {
        title: "Aurora on the default parameter group (TLS and logging unverifiable)",
        change: (f) => f.set("pg", { dbClusterParameterGroupName: undefined }),
        violated: ["aurora-tls-enforced", "database-logging-parameters"],
        message: /uses the default cluster parameter group/,
    },
    { title: "DocumentDB TLS disabled", change: (f) => params(f, "docs-params", { tls: "disabled" }), violated: ["documentdb-tls-enforced"], message: /tls=disabled; tls=enabled is required/ },
    { title: "Redis TLS only preferred", change: (f) => f.set("cache", { transitEncryptionMode: "preferred" }), violated: ["redis-tls-and-auth"], message: /transitEncryptionMode is "preferred"/ },
    { title: "Redis without AUTH", change: (f) => f.set("cache", { authToken: undefined }), violated: ["redis-tls-and-auth"], message: /neither authToken nor userGroupIds/ },
    { title: "public instance", change: (f) => f.set("pg-1", { publiclyAccessible: true }), violated: ["no-public-database-instances"], message: /publiclyAccessible is true/ },
    {
        title: "PostgreSQL open to the internet",
        change: (f) => f.set("pg-sg-from-clients", { referencedSecurityGroupId: undefined, cidrIpv4: "0.0.0.0/0" }),
        // pg-sg is the Aurora cluster's, so the data-store rule sees it too.
        violated: ["data-store-no-internet-access", "database-ingress-by-security-group", "no-database-port-open-to-internet"],
        message: /opens port 5432 to 0\.0\.0\.0\/0/,
    },
    {
        title: "inline rule opens Redis to ::/0",
        change: (f) => {
            f.set("pg-sg", { ingress: [{ protocol: "tcp", fromPort: 6000, toPort: 7000, ipv6CidrBlocks: ["::/0"], description: "oops" }] });
            // Inline rules only: with the separate rule kept, no-split-rule-management would fire too.
            f.remove("pg-sg-from-clients");
        },
        // pg-sg is the Aurora cluster's, so the data-store rule sees it too.
        violated: ["data-store-no-internet-access", "database-ingress-by-security-group", "no-database-port-open-to-internet"],
        message: /rule ingress\[0\] opens port 6379 to ::\/0/,
    },
    {
        title: "database ingress by CIDR",
        change: (f) => f.set("pg-sg-from-clients", { referencedSecurityGroupId: undefined, cidrIpv4: "10.20.0.0/16" }),
        violated: ["database-ingress-by-security-group"],
        message: /admits 10\.20\.0\.0\/16 to a database port by CIDR/,
    },
    { title: "undescribed rule", change: (f) => f.set("pg-sg-from-clients", { description: undefined }), violated: ["security-group-rules-described"], message: /ingress rule: no description/ },
    { title: "IAM authentication off", change: (f) => f.set("pg", { iamDatabaseAuthenticationEnabled: false }), violated: ["iam-database-authentication"], message: /iamDatabaseAuthenticationEnabled is not true/ },
    { title: "DocumentDB profiler log not exported", change: (f) => f.set("docs", { enabledCloudwatchLogsExports: ["audit"] }), violated: ["database-log-exports"], message: /lacks profiler/ },
    { title: "Redis slow log not delivered", change: (f) => f.set("cache", { logDeliveryConfigurations: [] }), violated: ["database-log-exports"], message: /lacks slow-log/ },
    { title: "slow statements above the threshold", change: (f) => params(f, "pg-params", { log_min_duration_statement: "5000" }), violated: ["database-logging-parameters"], message: /log_min_duration_statement is 5000; it must be from 0 to 1000 ms/ },
    { title: "DocumentDB profiler off", change: (f) => params(f, "docs-params", { profiler: "disabled" }), violated: ["database-logging-parameters"], message: /profiler is disabled/ },
    {
        title: "literal master password",
        change: (f) => {
            f.set("pg", { masterPassword: secret("hunter2-typed-in") });
            delete f.get("pg").propertyDependencies!.masterPassword;
        },
        violated: ["credentials-not-plaintext"],
        message: /masterPassword is a literal value/,
    },
    { title: "missing owner tag", change: (f) => f.set("pg-secret", { tags: { environment: "prod", "cost-center": "cc", "data-classification": "internal" } }), violated: ["required-tags"], message: /Missing or empty tags: owner/ },
    { title: "taggable resource without tags", change: (f) => f.set("key", { tags: undefined }), violated: ["required-tags"], message: /owner, cost-center, data-classification, environment/ },
    // resilience
    { title: "short Aurora retention", change: (f) => f.set("pg", { backupRetentionPeriod: 3 }), violated: ["backup-retention-minimum"], message: /backupRetentionPeriod is 3 days; at least 7/ },
    { title: "prod minimum from config", change: () => undefined, config: { ...BASE, "backup-retention-minimum": { minimumDays: 35, redisMinimumDays: 14 } }, violated: ["backup-retention-minimum"], message: /snapshotRetentionLimit is 7 days; at least 14/ },
    { title: "maintenance overlaps backups", change: (f) => f.set("pg", { preferredMaintenanceWindow: "sun:02:15-sun:03:00" }), violated: ["backup-and-maintenance-windows"], message: /preferredMaintenanceWindow "sun:02:15-sun:03:00" overlaps preferredBackupWindow/ },
    { title: "malformed window", change: (f) => f.set("docs", { preferredBackupWindow: "25:00-25:30" }), violated: ["backup-and-maintenance-windows"], message: /25:00 is not a time of day/ },
    { title: "Redis snapshot window too short", change: (f) => f.set("cache", { snapshotWindow: "03:00-03:30" }), violated: ["backup-and-maintenance-windows"], message: /lasts 30 minutes; AWS requires at least 60/ },
    { title: "maintenance window written backwards", change: (f) => f.set("cache", { maintenanceWindow: "sun:07:00-sun:06:00" }), violated: ["backup-and-maintenance-windows"], message: /maintenanceWindow "sun:07:00-sun:06:00" ends 1 hour before it starts: .* at most 1440 minutes/ },
    { title: "window left to AWS", change: (f) => f.set("pg", { preferredBackupWindow: undefined }), violated: ["backup-and-maintenance-windows"], message: /preferredBackupWindow is not set/ },
    { title: "backups of two stores collide", change: (f) => f.set("docs", { preferredBackupWindow: "02:15-02:45" }), violated: ["backup-windows-staggered"], message: /DocumentDB cluster docs preferredBackupWindow "02:15-02:45" overlaps Aurora cluster pg preferredBackupWindow/ },
    { title: "no deletion protection", change: (f) => f.set("pg", { deletionProtection: false }), violated: ["deletion-protection"], message: /deletionProtection is not true/ },
    {
        title: "not protected in Pulumi",
        change: (f) => {
            f.get("docs").protect = false;
        },
        violated: ["deletion-protection"],
        message: /resource option protect is not set/,
    },
    { title: "final snapshot skipped", change: (f) => f.set("pg", { skipFinalSnapshot: true }), violated: ["final-snapshot"], message: /skipFinalSnapshot is true/ },
    { title: "single Aurora instance", change: (f) => f.remove("pg-2"), violated: ["multi-az"], message: /Aurora cluster pg has 1 instance\(s\); at least 2/ },
    { title: "instances in one zone", change: (f) => f.set("docs-2", { availabilityZone: "us-east-1a" }), violated: ["multi-az"], message: /docs has instances in 1 availability zone/ },
    { title: "Redis without multi-AZ", change: (f) => f.set("cache", { multiAzEnabled: false }), violated: ["multi-az"], message: /multiAzEnabled is not true/ },
    {
        title: "cluster in no backup selection",
        change: (f) => {
            f.set("selection", { resources: [f.get("pg").outputs.arn] });
            f.get("selection").propertyDependencies!.resources = [f.get("pg").urn];
        },
        violated: ["aws-backup-coverage"],
        message: /Cluster docs is in no AWS Backup selection/,
    },
    {
        title: "plan keeps backups too briefly",
        change: (f) => f.set("plan", { rules: [{ ...f.get("plan").inputs.rules[0], lifecycle: { deleteAfter: 7 } }] }),
        violated: ["aws-backup-coverage"],
        message: /deletes recovery points after 7 days; at least 35/,
    },
    {
        title: "no cross-region copy",
        change: (f) => {
            f.set("plan", { rules: [{ ...f.get("plan").inputs.rules[0], copyActions: undefined }] });
            f.get("plan").propertyDependencies!.rules = [f.get("vault").urn];
        },
        violated: ["aws-backup-cross-region-copy"],
        message: /no backup plan rule copies to a vault in another region/,
    },
    {
        title: "global cluster all in one region",
        change: (f) => {
            for (const n of ["pg-dr", "pg-dr-1", "pg-dr-2", "pg-params-dr"]) f.get(n).provider = undefined;
            f.set("pg-dr-1", { availabilityZone: "us-east-1a" });
            f.set("pg-dr-2", { availabilityZone: "us-east-1b" });
        },
        // Moved into the primary region, the secondary is now also an ordinary cluster there:
        // it needs a backup selection and a backup slot of its own, and its DR-region key is wrong.
        violated: ["global-cluster-topology", "aws-backup-coverage", "backup-windows-staggered"],
        message: /no member outside its primary region us-east-1/,
    },
    {
        title: "secondary encrypted with the primary region's key",
        change: (f) => {
            f.set("pg-dr", { kmsKeyId: f.get("key").outputs.arn });
            f.get("pg-dr").propertyDependencies!.kmsKeyId = [f.get("key").urn];
        },
        violated: ["global-cluster-topology"],
        message: /member pg-dr in us-west-2 is encrypted with a key in us-east-1/,
    },
    { title: "members on different major versions", change: (f) => f.set("pg-dr", { engineVersion: "15.4" }), violated: ["global-cluster-topology"], message: /engine versions differ/ },
    {
        title: "prod requires global replication",
        change: () => undefined,
        config: {},
        violated: ["global-cluster-required"],
        message: /docs is not replicated to another region/,
    },
    { title: "tags not copied to snapshots", change: (f) => f.set("pg", { copyTagsToSnapshot: false }), violated: ["copy-tags-to-snapshots"], message: /copyTagsToSnapshot is not true/ },
    { title: "minor upgrades off", change: (f) => f.set("docs-1", { autoMinorVersionUpgrade: false }), violated: ["auto-minor-version-upgrade"], message: /DocumentDB instance: autoMinorVersionUpgrade is false/ },
    { title: "burstable class in prod", change: (f) => f.set("pg-1", { instanceClass: "db.t4g.medium" }), violated: ["instance-class-allowlist"], message: /db\.t4g\.medium is not allowed here; allowed: db\.r6g\.\*/ },
    ...KUBERNETES_CASES,
    ...DATA_CASES,
    {
        title: "an alarm that notifies nobody (more cases: tests/policy/alarmActions.test.ts)",
        change: (f) => f.add("aws:cloudwatch/metricAlarm:MetricAlarm", "pg-1-cpu", { name: "pg-1-cpu", alarmActions: [], tags: f.get("pg").inputs.tags }),
        violated: ["alarms-have-actions"],
        message: /Metric alarm pg-1-cpu: alarmActions is empty/,
    },
    {
        title: "an SNS topic without a topic policy (more cases: tests/policy/snsTopicPolicies.test.ts)",
        change: (f) =>
            f.add("aws:sns/topic:Topic", "alarms-sev1", { name: "alarms-sev1", kmsMasterKeyId: `arn:aws:kms:${REGION}:123456789012:key/alarms`, tags: f.get("pg").inputs.tags }, { outputs: { arn: `arn:aws:sns:${REGION}:123456789012:alarms-sev1` } }),
        violated: ["sns-topic-policies"],
        message: /SNS topic alarms-sev1 has no topic policy/,
    },
];

/** Cases that change the config so that a rule no longer applies. */
const RELAXED: Case[] = [
    { title: "CIDR ingress allowed by config", change: (f) => f.set("pg-sg-from-clients", { referencedSecurityGroupId: undefined, cidrIpv4: "10.20.0.0/16" }), config: { ...BASE, "database-ingress-by-security-group": { allowedCidrs: ["10.20.0.0/16"] } }, violated: [], message: /.*/ },
    { title: "dev: no deletion protection, final snapshot or multi-AZ required", change: (f) => { f.set("pg", { deletionProtection: false, skipFinalSnapshot: true }); f.remove("pg-2"); }, config: { ...BASE, "deletion-protection": { required: false }, "final-snapshot": { required: false }, "multi-az": { required: false } }, violated: [], message: /.*/ },
    {
        title: "a global datastore secondary declares no transit encryption (it inherits the primary's)",
        change: (f) => f.set("cache", { globalReplicationGroupId: "ldgnf-mlops-prod-cache", transitEncryptionEnabled: undefined, transitEncryptionMode: undefined, atRestEncryptionEnabled: undefined, engine: undefined, engineVersion: undefined, nodeType: undefined, parameterGroupName: undefined }),
        violated: [],
        message: /.*/,
    },
    ...KUBERNETES_RELAXED,
    ...DATA_RELAXED,
    { title: "a policy disabled by its enforcement level", change: (f) => f.set("pg", { copyTagsToSnapshot: false }), config: { ...BASE, "copy-tags-to-snapshots": "disabled" }, violated: [], message: /.*/ },
];

// Root hook: the packs started once serve every test file; stop them at the very end.
after(closePolicyPacks);

describe("policy rules (engine-shaped resources through the packs)", function () {
    this.timeout(300_000);

    it("the good stack passes every policy of both packs", async () => {
        assert.deepStrictEqual(await run(goodStack()), []);
    });

    for (const c of [...CASES, ...RELAXED]) {
        it(`${c.title}: ${c.violated.length ? c.violated.join(", ") : "no violation"}`, async () => {
            const f = goodStack();
            c.change(f);
            const found = await run(f, c.config ?? BASE);
            const mandatory = found.filter((v) => v.enforcementLevel === "mandatory");
            assert.deepStrictEqual([...new Set(mandatory.map((v) => v.policyName))].sort(), [...c.violated].sort(), JSON.stringify(found, null, 1));
            assert.strictEqual(found.length, mandatory.length, "unexpected advisory diagnostics");
            if (c.violated.length) assert.ok(mandatory.some((v) => c.message.test(v.message)), `no message matches ${c.message}:\n${mandatory.map((v) => v.message).join("\n")}`);
        });
    }

    it("each policy of both packs has a failing case above", () => {
        const tested = new Set(CASES.flatMap((c) => c.violated));
        const all = PACKS.flatMap((p) => p.policies.map((x) => x.name));
        assert.deepStrictEqual(all.filter((n) => !tested.has(n)), []);
    });

    it("a literal password never appears in any violation", async () => {
        const f = goodStack();
        f.set("pg", { masterPassword: secret("hunter2-typed-in") });
        delete f.get("pg").propertyDependencies!.masterPassword;
        const found = await run(f);
        assert.ok(found.length > 0);
        assert.ok(!JSON.stringify(found).includes("hunter2"));
    });

    describe("values unknown during preview", () => {
        it("a key ARN not yet known is a key being created: no violation", async () => {
            const f = goodStack();
            for (const n of ["pg", "docs", "cache", "pg-secret"]) f.set(n, { kmsKeyId: UNKNOWN_VALUE });
            assert.deepStrictEqual(await run(f), []);
        });

        it("a parameter group reference unknown and untraceable: the stack policy can't run, reported advisory as by the engine", async () => {
            const f = goodStack();
            f.set("pg", { dbClusterParameterGroupName: UNKNOWN_VALUE });
            delete f.get("pg").propertyDependencies!.dbClusterParameterGroupName;
            const found = await run(f);
            assert.deepStrictEqual(
                found.map((v) => [v.policyName, v.enforcementLevel]).sort(),
                [["aurora-tls-enforced", "advisory"], ["database-logging-parameters", "advisory"]],
            );
            assert.match(found[0].message, /can't run policy '.*' from policy pack 'mlops-data-security@v1\.0\.0' during preview/);
        });

        it("a parameter group reference unknown but traced by dependency is followed", async () => {
            const f = goodStack();
            f.set("pg", { dbClusterParameterGroupName: UNKNOWN_VALUE });
            assert.deepStrictEqual(await run(f), []);
        });
    });
});
