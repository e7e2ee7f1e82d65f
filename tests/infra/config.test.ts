import * as assert from "assert";
import { ConfigError, ConfigProblem } from "../../infra/config";
import { StackEvaluationError, evaluateStack } from "../../engine/mockEngine";
import { StackFileConfig, listStacks, readStackFile } from "../../engine/stackFile";
import { parseDailyWindow, windowsOverlap } from "../../infra/windows";
import { anyConfigOf, configOf } from "./stackConfig";
import { withApprovedCidrs } from "./approvedCidrs";

type Json = Record<string, any>;

/** The dev stack file's config with one change applied to a structured key. */
function devWith(key: string, change: (value: Json) => void): StackFileConfig {
    return stackWith("dev", key, change);
}

/** A stack file's config with one change applied to a structured key. */
function stackWith(stack: string, key: string, change: (value: Json) => void): StackFileConfig {
    const base = readStackFile(stack);
    const config = { ...base.config };
    const value = JSON.parse(config[key]);
    change(value);
    config[key] = JSON.stringify(value);
    return { ...base, config };
}

function devWithPlain(key: string, value: string | undefined): StackFileConfig {
    const base = readStackFile("dev");
    const config = { ...base.config };
    if (value === undefined) delete config[key];
    else config[key] = value;
    return { ...base, config };
}

/** Runs the real program with the config and returns its problems; asserts nothing but the stack itself was registered. */
async function problemsOf(cfg: StackFileConfig): Promise<ConfigProblem[]> {
    try {
        await evaluateStack("dev", { stackConfig: cfg });
    } catch (e) {
        assert.ok(e instanceof StackEvaluationError, `unexpected error ${e}`);
        assert.ok(e.cause instanceof ConfigError, `expected a ConfigError, got ${e.cause}`);
        const declared = e.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
        assert.deepStrictEqual(declared.map((r) => r.urn), [], "resources were registered before the config was validated");
        return e.cause.problems;
    }
    assert.fail("the program accepted a bad configuration");
}

async function expectOnly(cfg: StackFileConfig, expected: { key: string; value: unknown; message: RegExp }) {
    const problems = await problemsOf(cfg);
    assert.strictEqual(problems.length, 1, `expected one problem, got:\n${problems.map((p) => `${p.key}: ${p.message}`).join("\n")}`);
    const [p] = problems;
    assert.strictEqual(p.key, expected.key);
    assert.deepStrictEqual(p.value, expected.value);
    assert.match(p.message, expected.message);
}

describe("stack configuration validation (through the program, before any resource)", () => {
    for (const name of listStacks().filter((n) => anyConfigOf(n).kind === "primary")) {
        it(`accepts stack file ${name} as it is, its six windows staggered`, () => {
            // Guard for the cases below: each one changes a single value of a valid config.
            const cfg = configOf(name);
            const backups = [cfg.aurora.preferredBackupWindow, cfg.documentdb.preferredBackupWindow, cfg.redis.snapshotWindow].map(parseDailyWindow);
            for (let i = 0; i < backups.length; i++) {
                for (let j = i + 1; j < backups.length; j++) assert.ok(!windowsOverlap(backups[i], backups[j]), `${i} and ${j}`);
            }
        });
    }

    it("missing key: names it and says it is required", async () => {
        await expectOnly(
            devWith("mlops-data:aurora", (a) => delete a.instanceClass),
            { key: "mlops-data:aurora.instanceClass", value: undefined, message: /^is required$/ },
        );
    });

    it("missing top-level key", async () => {
        await expectOnly(devWithPlain("mlops-data:network", undefined), {
            key: "mlops-data:network",
            value: undefined,
            message: /^is required$/,
        });
    });

    it("an image pinned by tag only is refused: the digest is required (Checkov CKV_K8S_43)", async () => {
        await expectOnly(
            devWith("mlops-data:kubernetes", (k) => (k.dbops.image = "ghcr.io/example-org/mlops-dbops:0.1.0")),
            { key: "mlops-data:kubernetes.dbops.image", value: "ghcr.io/example-org/mlops-dbops:0.1.0", message: /^must be an image reference pinned by digest, e\.g\. "ghcr\.io\/acme\/dbops:1\.4\.2@sha256:<64 hex digits>"/ },
        );
    });

    it("with the wiring enabled, the PgBouncer image is required, pinned by digest", async () => {
        await expectOnly(
            devWith("mlops-data:kubernetes", (k) => (k.enabled = true)),
            { key: "mlops-data:kubernetes.pgbouncer.image", value: undefined, message: /^is required when enabled is true: the PgBouncer image pinned by digest/ },
        );
        await expectOnly(
            devWith("mlops-data:kubernetes", (k) => (k.pgbouncer = { replicas: 1, image: "ghcr.io/cloudnative-pg/pgbouncer:latest@sha256:" + "a".repeat(64) })),
            { key: "mlops-data:kubernetes.pgbouncer.image", value: "ghcr.io/cloudnative-pg/pgbouncer:latest@sha256:" + "a".repeat(64), message: /must not use the "latest" tag/ },
        );
    });

    it("wrong type", async () => {
        await expectOnly(
            devWith("mlops-data:aurora", (a) => (a.instances = "two")),
            { key: "mlops-data:aurora.instances", value: "two", message: /^must be a whole number from 1 to 16 \(one writer plus up to 15 readers\)$/ },
        );
    });

    for (const days of [0, 36, 7.5]) {
        it(`backup retention ${days} is outside 1-35`, async () => {
            await expectOnly(
                devWith("mlops-data:aurora", (a) => (a.backupRetentionDays = days)),
                { key: "mlops-data:aurora.backupRetentionDays", value: days, message: /(from 1 to 35|whole number)/ },
            );
        });
    }

    for (const w of ["25:00-26:00", "2:00-3:00"]) {
        it(`malformed backup window "${w}"`, async () => {
            await expectOnly(
                devWith("mlops-data:aurora", (a) => (a.preferredBackupWindow = w)),
                { key: "mlops-data:aurora.preferredBackupWindow", value: w, message: /malformed window.*expected "hh24:mi-hh24:mi"/ },
            );
        });
    }

    it("malformed maintenance window", async () => {
        await expectOnly(
            devWith("mlops-data:aurora", (a) => (a.preferredMaintenanceWindow = "sun:2:00-sun:3:00")),
            {
                key: "mlops-data:aurora.preferredMaintenanceWindow",
                value: "sun:2:00-sun:3:00",
                message: /expected "ddd:hh24:mi-ddd:hh24:mi"/,
            },
        );
    });

    it("backup window shorter than 30 minutes", async () => {
        await expectOnly(
            devWith("mlops-data:aurora", (a) => (a.preferredBackupWindow = "02:00-02:20")),
            { key: "mlops-data:aurora.preferredBackupWindow", value: "02:00-02:20", message: /lasts 20 minutes; AWS requires at least 30/ },
        );
    });

    it("backup window overlapping the maintenance window", async () => {
        await expectOnly(
            devWith("mlops-data:aurora", (a) => (a.preferredBackupWindow = "05:15-05:45")),
            {
                key: "mlops-data:aurora.preferredMaintenanceWindow",
                value: "tue:05:00-tue:05:30",
                message: /overlaps aurora\.preferredBackupWindow \("05:15-05:45"\)/,
            },
        );
    });

    it("backup window overlapping a maintenance window that crosses midnight", async () => {
        await expectOnly(
            devWith("mlops-data:aurora", (a) => {
                a.preferredBackupWindow = "00:00-00:30";
                a.preferredMaintenanceWindow = "sun:23:30-mon:00:30";
            }),
            {
                key: "mlops-data:aurora.preferredMaintenanceWindow",
                value: "sun:23:30-mon:00:30",
                message: /overlaps aurora\.preferredBackupWindow \("00:00-00:30"\)/,
            },
        );
    });

    for (const cls of ["db.t3.micro", "db.m5.large", "db.serverless", "r6g.large"]) {
        it(`instance class ${cls} is not offered by Aurora PostgreSQL`, async () => {
            await expectOnly(
                devWith("mlops-data:aurora", (a) => (a.instanceClass = cls)),
                { key: "mlops-data:aurora.instanceClass", value: cls, message: /not an instance class Aurora PostgreSQL 16 offers; allowed: .*db\.r7g\.\{large/ },
            );
        });
    }

    for (const n of [0, 17]) {
        it(`instance count ${n}`, async () => {
            await expectOnly(
                devWith("mlops-data:aurora", (a) => (a.instances = n)),
                { key: "mlops-data:aurora.instances", value: n, message: /must be from 1 to 16/ },
            );
        });
    }

    // Issue 15, defect 5: MLflow's revisions are hex but not always 12 digits (3.8.0/3.8.1's head has 13).
    for (const revision of ["c3d6457b6d8a", "1bd49d398cd23", "0123456789abcdef0123456789abcdef"]) {
        it(`accepts MLflow schema revision ${revision} and hands it to the verifier`, async () => {
            const ev = await evaluateStack("dev", { stackConfig: devWith("mlops-data:aurora", (a) => (a.mlflowSchemaRevision = revision)) });
            assert.strictEqual(ev.outputs.verification.postgres.alembicRevision, revision);
        });
    }

    for (const revision of ["1bd49d398cd", "1BD49D398CD23", "1bd49d398cd2g", "0123456789abcdef0123456789abcdef0"]) {
        it(`refuses MLflow schema revision ${revision}`, async () => {
            await expectOnly(
                devWith("mlops-data:aurora", (a) => (a.mlflowSchemaRevision = revision)),
                { key: "mlops-data:aurora.mlflowSchemaRevision", value: revision, message: /12 to 32 lowercase hex digits/ },
            );
        });
    }

    it("unknown environment", async () => {
        await expectOnly(devWithPlain("mlops-data:environment", "qa"), {
            key: "mlops-data:environment",
            value: "qa",
            message: /^must be one of "dev", "staging", "prod", "dr"$/,
        });
    });

    for (const cidr of ["0.0.0.0/0", "10.0.0.0/4"]) {
        it(`client CIDR ${cidr} is refused`, async () => {
            await expectOnly(
                devWith("mlops-data:network", (n) => (n.clientCidrs = ["10.20.0.0/16", cidr])),
                { key: "mlops-data:network.clientCidrs[1]", value: cidr, message: /opens the database.*allowed: a prefix length from \/8 to \/32/ },
            );
        });
    }

    it("a misspelt nested key is reported with the keys allowed there", async () => {
        const problems = await problemsOf(devWith("mlops-data:aurora", (a) => (a.backupRetentionDay = 7)));
        assert.strictEqual(problems.length, 1);
        assert.strictEqual(problems[0].key, "mlops-data:aurora");
        assert.match(problems[0].message, /^unknown key\(s\) "backupRetentionDay"; did you mean backupRetentionDays\? allowed: engineVersion, .*backupRetentionDays, /);
    });

    it("a misspelt top-level key is reported, not silently ignored", async () => {
        const cfg = devWithPlain("mlops-data:alarm", JSON.stringify({ topicArn: "x" }));
        const problems = await problemsOf(cfg);
        assert.strictEqual(problems.length, 1);
        assert.strictEqual(problems[0].key, "mlops-data:alarm");
        assert.match(problems[0].message, /^unknown key; did you mean mlops-data:alarms\? allowed: environment, aws:region, namePrefix, network, tags, alarms, aurora, documentdb, redis, recovery, backup, replication, dr, kubernetes, kubeconfig$/);
    });

    it("a client CIDR becomes one described ingress rule per store, on that store's port only", async () => {
        // Approved in dev's policy config, as the mandatory ingress policy requires.
        const ev = await withApprovedCidrs("dev", ["10.20.0.0/16"], () =>
            evaluateStack("dev", { stackConfig: devWith("mlops-data:network", (n) => (n.clientCidrs = ["10.20.0.0/16"])) }),
        );
        const rules = ev.resources.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        const cidrRules = rules.filter((r) => r.inputs.cidrIpv4 !== undefined);
        assert.deepStrictEqual(
            cidrRules.map((r) => ({
                cidr: r.inputs.cidrIpv4,
                from: r.inputs.fromPort,
                to: r.inputs.toPort,
                ref: r.inputs.referencedSecurityGroupId,
                description: r.inputs.description,
            })),
            [
                { cidr: "10.20.0.0/16", from: 5432, to: 5432, ref: undefined, description: "PostgreSQL (Aurora mlops-dev-mlflow) from client network 10.20.0.0/16" },
                { cidr: "10.20.0.0/16", from: 27017, to: 27017, ref: undefined, description: "DocumentDB (mlops-dev-docs) from client network 10.20.0.0/16" },
                { cidr: "10.20.0.0/16", from: 6379, to: 6379, ref: undefined, description: "Valkey (ElastiCache mlops-dev-cache) from client network 10.20.0.0/16" },
            ],
        );
    });

    describe("DocumentDB and ElastiCache", () => {
        const cases: { title: string; key: string; change: (v: Json) => void; problemKey: string; value: unknown; message: RegExp }[] = [
            {
                title: "DocumentDB backup window shorter than 30 minutes",
                key: "mlops-data:documentdb",
                change: (d) => (d.preferredBackupWindow = "02:30-02:50"),
                problemKey: "mlops-data:documentdb.preferredBackupWindow",
                value: "02:30-02:50",
                message: /^lasts 20 minutes; AWS requires at least 30 minutes$/,
            },
            {
                title: "ElastiCache snapshot window shorter than 60 minutes",
                key: "mlops-data:redis",
                change: (r) => (r.snapshotWindow = "03:00-03:45"),
                problemKey: "mlops-data:redis.snapshotWindow",
                value: "03:00-03:45",
                message: /^lasts 45 minutes; AWS requires at least 60 minutes$/,
            },
            {
                title: "ElastiCache maintenance window shorter than 60 minutes",
                key: "mlops-data:redis",
                change: (r) => (r.maintenanceWindow = "tue:06:00-tue:06:30"),
                problemKey: "mlops-data:redis.maintenanceWindow",
                value: "tue:06:00-tue:06:30",
                message: /^lasts 30 minutes; AWS requires at least 60 minutes$/,
            },
            {
                title: "two stores backing up at the same time",
                key: "mlops-data:documentdb",
                change: (d) => (d.preferredBackupWindow = "02:15-02:45"),
                problemKey: "mlops-data:documentdb.preferredBackupWindow",
                value: "02:15-02:45",
                message: /^overlaps aurora\.preferredBackupWindow \("02:00-02:30"\)/,
            },
            {
                title: "a cache snapshot window across midnight overlapping the Aurora backup",
                key: "mlops-data:redis",
                change: (r) => (r.snapshotWindow = "23:30-02:15"),
                problemKey: "mlops-data:redis.snapshotWindow",
                value: "23:30-02:15",
                message: /^overlaps aurora\.preferredBackupWindow/,
            },
            {
                title: "ElastiCache snapshot window overlapping its own maintenance window",
                key: "mlops-data:redis",
                change: (r) => (r.snapshotWindow = "06:00-07:00"),
                problemKey: "mlops-data:redis.maintenanceWindow",
                value: "tue:06:00-tue:07:00",
                message: /^overlaps redis\.snapshotWindow \("06:00-07:00"\)/,
            },
            {
                title: "DocumentDB instance class it does not offer",
                key: "mlops-data:documentdb",
                change: (d) => (d.instanceClass = "db.m5.large"),
                problemKey: "mlops-data:documentdb.instanceClass",
                value: "db.m5.large",
                message: /^is not an instance class Amazon DocumentDB 5\.0 offers; allowed: db\.t3\.\{medium\}/,
            },
            {
                title: "DocumentDB engine other than the pinned 5.0",
                key: "mlops-data:documentdb",
                change: (d) => (d.engineVersion = "4.0.0"),
                problemKey: "mlops-data:documentdb.engineVersion",
                value: "4.0.0",
                message: /^must be "5\.0\.0"/,
            },
            {
                title: "DocumentDB reserved master user name",
                key: "mlops-data:documentdb",
                change: (d) => (d.masterUsername = "admin"),
                problemKey: "mlops-data:documentdb.masterUsername",
                value: "admin",
                message: /reserved by DocumentDB/,
            },
            {
                title: "DocumentDB profiler threshold below its minimum",
                key: "mlops-data:documentdb",
                change: (d) => (d.profilerThresholdMs = 10),
                problemKey: "mlops-data:documentdb.profilerThresholdMs",
                value: 10,
                message: /^must be from 50 to 2147483646/,
            },
            {
                title: "ElastiCache node type it does not offer",
                key: "mlops-data:redis",
                change: (r) => (r.nodeType = "cache.m1.small"),
                problemKey: "mlops-data:redis.nodeType",
                value: "cache.m1.small",
                message: /^is not an instance class ElastiCache offers; allowed: cache\.t4g/,
            },
            {
                title: "ElastiCache with no node",
                key: "mlops-data:redis",
                change: (r) => (r.nodes = 0),
                problemKey: "mlops-data:redis.nodes",
                value: 0,
                message: /^must be from 1 to 6 \(one primary plus up to 5 replicas\)$/,
            },
            {
                title: "ElastiCache with too many nodes",
                key: "mlops-data:redis",
                change: (r) => (r.nodes = 7),
                problemKey: "mlops-data:redis.nodes",
                value: 7,
                message: /^must be from 1 to 6/,
            },
            {
                title: "unknown eviction policy",
                key: "mlops-data:redis",
                change: (r) => (r.evictionPolicy = "lru"),
                problemKey: "mlops-data:redis.evictionPolicy",
                value: "lru",
                message: /^must be one of "allkeys-lru", "allkeys-lfu"/,
            },
            {
                title: "an engine version this platform does not run",
                key: "mlops-data:redis",
                change: (r) => (r.engineVersion = "6.2"),
                problemKey: "mlops-data:redis.engineVersion",
                value: "6.2",
                message: /^must be a Valkey version ElastiCache offers: "7\.2" or "8\.0"$/,
            },
            {
                title: "an AUTH token update strategy that would drop the token",
                key: "mlops-data:redis",
                change: (r) => (r.authTokenUpdateStrategy = "DELETE"),
                problemKey: "mlops-data:redis.authTokenUpdateStrategy",
                value: "DELETE",
                message: /^must be one of "ROTATE", "SET"$/,
            },
            {
                title: "a rotation counter that is not a whole number",
                key: "mlops-data:redis",
                change: (r) => (r.authTokenRotation = 0),
                problemKey: "mlops-data:redis.authTokenRotation",
                value: 0,
                message: /^must be from 1 to 1000000/,
            },
            {
                title: "snapshot retention above 35 days",
                key: "mlops-data:redis",
                change: (r) => (r.snapshotRetentionDays = 36),
                problemKey: "mlops-data:redis.snapshotRetentionDays",
                value: 36,
                message: /^must be from 0 to 35/,
            },
            {
                title: "a log retention CloudWatch does not offer",
                key: "mlops-data:redis",
                change: (r) => (r.slowLogRetentionDays = 10),
                problemKey: "mlops-data:redis.slowLogRetentionDays",
                value: 10,
                message: /^must be one of the retention periods CloudWatch Logs offers: 1, 3, 5, 7, 14, 30/,
            },
            {
                title: "missing store section",
                key: "mlops-data:redis",
                change: () => undefined,
                problemKey: "mlops-data:redis",
                value: undefined,
                message: /^is required$/,
            },
        ];
        for (const c of cases) {
            it(c.title, async () => {
                const cfg = c.title === "missing store section" ? devWithPlain(c.key, undefined) : devWith(c.key, c.change);
                await expectOnly(cfg, { key: c.problemKey, value: c.value, message: c.message });
            });
        }
    });

    describe("recovery objectives and AWS Backup", () => {
        const cases: { title: string; stack: string; key: string; change: (v: Json) => void; problemKey: string; value: unknown; message: RegExp }[] = [
            {
                title: "an RPO of 15 minutes with only a daily backup and no continuous backup",
                stack: "staging",
                key: "mlops-data:backup",
                change: (b) => (b.continuous.enabled = false),
                problemKey: "mlops-data:recovery.aurora.rpoMinutes",
                value: 15,
                message: /^cannot be met: with schedule "cron\(0 7 \? \* \* \*\)", which leaves up to 1440 minutes between backups, aurora's newest protected recovery point can be 1440 minutes old; allowed: an RPO of at least 1440 minutes, or a schedule that fires at least every 15 minutes .*, or backup\.continuous\.enabled/,
            },
            {
                title: "a DocumentDB RPO tighter than the schedule (continuous backup does not cover DocumentDB)",
                stack: "prod",
                key: "mlops-data:recovery",
                change: (r) => (r.documentdb.rpoMinutes = 60),
                problemKey: "mlops-data:recovery.documentdb.rpoMinutes",
                value: 60,
                message: /^cannot be met: .*360 minutes old; allowed: an RPO of at least 360 minutes, or a schedule that fires at least every 60 minutes \(AWS Backup runs at most hourly\)$/,
            },
            {
                title: "an RTO no restore can meet",
                stack: "dev",
                key: "mlops-data:recovery",
                change: (r) => (r.aurora.rtoMinutes = 10),
                problemKey: "mlops-data:recovery.aurora.rtoMinutes",
                value: 10,
                message: /^cannot be met by a restore: .* at least 30 minutes; allowed: 30 or more$/,
            },
            {
                title: "prod that does not declare it survives the loss of its region",
                stack: "prod",
                key: "mlops-data:recovery",
                change: (r) => (r.survivesRegionLoss = false),
                problemKey: "mlops-data:recovery.survivesRegionLoss",
                value: false,
                message: /^must be true in prod/,
            },
            {
                title: "prod without a cross-region copy",
                stack: "prod",
                key: "mlops-data:backup",
                change: (b) => delete b.copy,
                problemKey: "mlops-data:backup.copy",
                value: undefined,
                message: /^is required when recovery\.survivesRegionLoss is true/,
            },
            {
                title: "a copy to the stack's own region",
                stack: "prod",
                key: "mlops-data:backup",
                change: (b) => (b.copy.region = "us-east-1"),
                problemKey: "mlops-data:backup.copy.region",
                value: "us-east-1",
                message: /^is the stack's own region; a copy must go to another region/,
            },
            {
                title: "a schedule firing more often than AWS Backup allows",
                stack: "dev",
                key: "mlops-data:backup",
                change: (b) => (b.schedule = "cron(0,30 7 ? * * *)"),
                problemKey: "mlops-data:backup.schedule",
                value: "cron(0,30 7 ? * * *)",
                message: /^fires 30 minutes apart; AWS Backup runs a rule at most once every 60 minutes$/,
            },
            {
                title: "a malformed schedule",
                stack: "dev",
                key: "mlops-data:backup",
                change: (b) => (b.schedule = "0 7 * * *"),
                problemKey: "mlops-data:backup.schedule",
                value: "0 7 * * *",
                message: /^malformed schedule: "0 7 \* \* \*" is not an AWS Backup cron expression/,
            },
            {
                title: "backup jobs starting inside a store's maintenance window",
                stack: "dev",
                key: "mlops-data:backup",
                change: (b) => (b.schedule = "cron(15 4 ? * * *)"),
                problemKey: "mlops-data:backup.schedule",
                value: "cron(15 4 ? * * *)",
                message: /^starts jobs \(within 60 minutes of each firing\) inside aurora\.preferredMaintenanceWindow \("tue:05:00-tue:05:30"\)/,
            },
            {
                title: "backup jobs starting inside the clusters' own backup window",
                stack: "dev",
                key: "mlops-data:backup",
                change: (b) => (b.schedule = "cron(30 2 ? * * *)"),
                problemKey: "mlops-data:backup.schedule",
                value: "cron(30 2 ? * * *)",
                message: /^starts jobs \(within 60 minutes of each firing\) inside documentdb\.preferredBackupWindow \("02:30-03:00"\)/,
            },
            {
                title: "a completion window that leaves no time after the start window",
                stack: "dev",
                key: "mlops-data:backup",
                change: (b) => {
                    b.startWindowMinutes = 120;
                    b.completionWindowMinutes = 150;
                    b.schedule = "cron(0 10 ? * * *)";
                },
                problemKey: "mlops-data:backup.completionWindowMinutes",
                value: 150,
                message: /^must be at least startWindowMinutes \+ 60 \(180\)$/,
            },
            {
                title: "Aurora's own retention differing from the continuous backup's",
                stack: "staging",
                key: "mlops-data:backup",
                change: (b) => (b.continuous.retentionDays = 21),
                problemKey: "mlops-data:aurora.backupRetentionDays",
                value: 14,
                message: /^must equal backup\.continuous\.retentionDays \(21\)/,
            },
            {
                title: "continuous backup kept longer than AWS allows",
                stack: "staging",
                key: "mlops-data:backup",
                change: (b) => (b.continuous.retentionDays = 36),
                problemKey: "mlops-data:backup.continuous.retentionDays",
                value: 36,
                message: /^must be from 1 to 35/,
            },
            {
                title: "a retention the vault lock would refuse",
                stack: "prod",
                key: "mlops-data:backup",
                change: (b) => (b.deleteAfterDays = 400),
                problemKey: "mlops-data:backup.deleteAfterDays",
                value: 400,
                message: /^is outside the vault lock's 7-365 days; the vault would refuse these recovery points$/,
            },
            {
                title: "a compliance lock without its grace time",
                stack: "prod",
                key: "mlops-data:backup",
                change: (b) => (b.vaultLock.mode = "compliance"),
                problemKey: "mlops-data:backup.vaultLock.changeableForDays",
                value: undefined,
                message: /^is required in compliance mode/,
            },
            {
                title: "a grace time on a governance lock",
                stack: "prod",
                key: "mlops-data:backup",
                change: (b) => (b.vaultLock.changeableForDays = 3),
                problemKey: "mlops-data:backup.vaultLock.changeableForDays",
                value: 3,
                message: /^applies to compliance mode only/,
            },
            {
                title: "a break-glass role that is not a role ARN",
                stack: "dev",
                key: "mlops-data:backup",
                change: (b) => (b.breakGlassRoleArn = "break-glass"),
                problemKey: "mlops-data:backup.breakGlassRoleArn",
                value: "break-glass",
                message: /^must be an IAM role ARN/,
            },
            {
                title: "a start window shorter than AWS accepts",
                stack: "dev",
                key: "mlops-data:backup",
                change: (b) => (b.startWindowMinutes = 30),
                problemKey: "mlops-data:backup.startWindowMinutes",
                value: 30,
                message: /^must be from 60 to 1440/,
            },
        ];
        for (const c of cases) {
            it(c.title, async () => {
                await expectOnly(stackWith(c.stack, c.key, c.change), { key: c.problemKey, value: c.value, message: c.message });
            });
        }
    });

    describe("replication and stack kinds", () => {
        const prodWithout = (key: string): StackFileConfig => {
            const base = readStackFile("prod");
            const config = { ...base.config };
            delete config[key];
            return { ...base, config };
        };

        it("prod without replication to a DR region", async () => {
            await expectOnly(prodWithout("mlops-data:replication"), {
                key: "mlops-data:replication",
                value: undefined,
                message: /^is required in prod: every store replicates to the DR region/,
            });
        });

        it("a DR region equal to the stack's own", async () => {
            const problems = await problemsOf(stackWith("prod", "mlops-data:replication", (r) => (r.drRegion = "us-east-1")));
            assert.deepStrictEqual(problems.map((p) => p.key), ["mlops-data:replication.drRegion", "mlops-data:backup.copy.region"]);
            assert.match(problems[0].message, /^is the stack's own region; the DR region must be another one than us-east-1$/);
            assert.match(problems[1].message, /^must be the DR region, replication\.drRegion \(us-east-1\)/);
        });

        it("backup copies going to a region other than the DR region", async () => {
            await expectOnly(stackWith("prod", "mlops-data:backup", (b) => (b.copy.region = "eu-west-1")), {
                key: "mlops-data:backup.copy.region",
                value: "eu-west-1",
                message: /^must be the DR region, replication\.drRegion \(us-west-2\): the dr stack restores from the copies there$/,
            });
        });

        it("a global datastore on a burstable node type", async () => {
            await expectOnly(stackWith("prod", "mlops-data:redis", (r) => (r.nodeType = "cache.t4g.medium")), {
                key: "mlops-data:redis.nodeType",
                value: "cache.t4g.medium",
                message: /^is a burstable type, which ElastiCache global datastores do not support/,
            });
        });

        it("a dr section on a primary stack", async () => {
            const cfg = devWithPlain("mlops-data:dr", JSON.stringify({ primaryStack: "prod", mode: "standby" }));
            await expectOnly(cfg, { key: "mlops-data:dr", value: undefined, message: /^applies to the dr environment only, not dev; remove it$/ });
        });

        it("the dr environment without its dr section", async () => {
            const base = readStackFile("dr");
            const config = { ...base.config };
            delete config["mlops-data:dr"];
            const problems = await problemsOf({ ...base, config });
            assert.deepStrictEqual(problems.map((p) => p.key), ["mlops-data:dr"]);
            assert.match(problems[0].message, /^is required in the dr environment/);
        });

        it("an unknown DR mode", async () => {
            const base = readStackFile("dr");
            const dr = JSON.parse(base.config["mlops-data:dr"]);
            dr.mode = "failover";
            const problems = await problemsOf({ ...base, config: { ...base.config, "mlops-data:dr": JSON.stringify(dr) } });
            assert.deepStrictEqual(problems.map((p) => [p.key, p.value, p.message]), [["mlops-data:dr.mode", "failover", 'must be one of "standby", "promote", "restore"']]);
        });
    });

    it("reports every problem at once, one line each, naming key, value and what is allowed", async () => {
        const cfg = devWith("mlops-data:aurora", (a) => {
            a.instances = 0;
            a.backupRetentionDays = 40;
            a.preferredBackupWindow = "02:00-02:10";
        });
        cfg.config["mlops-data:environment"] = "qa";
        try {
            await evaluateStack("dev", { stackConfig: cfg });
            assert.fail("accepted");
        } catch (e) {
            const err = (e as StackEvaluationError).cause as ConfigError;
            assert.deepStrictEqual(err.problems.map((p) => p.key).sort(), [
                "mlops-data:aurora.backupRetentionDays",
                "mlops-data:aurora.instances",
                "mlops-data:aurora.preferredBackupWindow",
                "mlops-data:environment",
            ]);
            const lines = err.message.split("\n");
            assert.strictEqual(lines[0], "invalid stack configuration (4 problems); nothing was created:");
            assert.ok(
                lines.includes("  - mlops-data:aurora.backupRetentionDays: must be from 1 to 35 (days of automated backups Aurora keeps) (got 40)"),
                err.message,
            );
        }
    });
});
