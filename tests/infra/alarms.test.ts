/**
 * Issue 17: alarms that reach people by severity, an incident runbook for each
 * alarm, reader auto scaling, restore testing and the dashboard, per stack
 * under the runtime mocks.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../../infra/config";
import { auroraDefaultMaxConnections } from "../../infra/instanceClasses";
import { ALARM_KINDS, INCIDENT_TAG, INCIDENT_TYPES, SEVERITY_TAG, runbookPath } from "../../infra/incidents";
import { PAGING_ENVIRONMENTS, PAGING_SEVERITIES, SEVERITIES } from "../../infra/schema/alarms";
import { StackEvaluationError, evaluateStack } from "../../engine/mockEngine";
import { REPO_ROOT } from "../../engine/repoRoot";
import { FIXTURE_ACCOUNT_ID } from "../../engine/fixture";
import { StackFileConfig, readStackFile } from "../../engine/stackFile";
import { PRIMARY_STACKS, STACKS, byUrn, ofType, only, stack } from "../harness";
import { anyConfigOf, configOf } from "./stackConfig";

const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
const TOPIC = "aws:sns/topic:Topic";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";

type Json = Record<string, any>;

const alarmsOf = async (s: string) => [...ofType(await stack(s), METRIC_ALARM), ...ofType(await stack(s), COMPOSITE)];
const alarmName = (a: { inputs: Json }) => String(a.inputs.name ?? a.inputs.alarmName);

/** GitHub's anchor of a Markdown heading: lower case, punctuation but "-" dropped, spaces to "-". */
function slug(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s-]/gu, "")
        .replace(/\s/g, "-");
}

function anchorsOf(file: string): Set<string> {
    const text = fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
    return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1])));
}

function withAlarms(name: string, change: (v: Json) => void): StackFileConfig {
    const base = readStackFile(name);
    const value = JSON.parse(base.config["mlops-data:alarms"] ?? "{}");
    change(value);
    return { ...base, config: { ...base.config, "mlops-data:alarms": JSON.stringify(value) } };
}

async function problemsOf(name: string, cfg: StackFileConfig): Promise<{ key: string; value: unknown; message: string }[]> {
    try {
        await evaluateStack(name, { stackConfig: cfg });
    } catch (e) {
        assert.ok(e instanceof StackEvaluationError && e.cause instanceof ConfigError, `unexpected error ${e}`);
        return e.cause.problems;
    }
    return [];
}

describe("issue 17: alarms reach the people their severity says", () => {
    for (const name of STACKS) {
        describe(name, () => {
            it("has one topic per severity band, the stack's own encrypted with a key CloudWatch may use, or the configured external one", async () => {
                const ev = await stack(name);
                const cfg = anyConfigOf(name);
                const topics = ofType(ev, TOPIC);
                const external = SEVERITIES.filter((s) => cfg.alarms.topics[s].topicArn !== undefined);
                assert.deepStrictEqual(
                    topics.map((t) => t.inputs.name).sort(),
                    SEVERITIES.filter((s) => !external.includes(s)).map((s) => `${cfg.namePrefix}-alarms-${s}`),
                );
                for (const t of topics) {
                    const key = ofType(ev, "aws:kms/key:Key").find((k) => k.outputs.arn === t.inputs.kmsMasterKeyId);
                    assert.ok(key, `${t.inputs.name}: kmsMasterKeyId is not a key of the stack`);
                    const statement = JSON.parse(key.inputs.policy).Statement.find((s: Json) => s.Principal?.Service === "cloudwatch.amazonaws.com");
                    assert.deepStrictEqual(statement?.Action, ["kms:Decrypt", "kms:GenerateDataKey*"], `${t.inputs.name}: CloudWatch may not use the topic's key`);
                    assert.deepStrictEqual(statement?.Condition?.StringEquals ?? {}, { "aws:SourceAccount": FIXTURE_ACCOUNT_ID }, `${t.inputs.name}: the key's CloudWatch grant is not limited to this account`);
                    // The topic's own policy: only this account's CloudWatch publishes, and nothing goes without TLS.
                    const policies = ofType(ev, "aws:sns/topicPolicy:TopicPolicy").filter((p) => p.inputs.arn === t.outputs.arn);
                    assert.strictEqual(policies.length, 1, `${t.inputs.name}: ${policies.length} topic policies`);
                    const doc = JSON.parse(policies[0].inputs.policy);
                    const allows = doc.Statement.filter((x: Json) => x.Effect === "Allow");
                    assert.deepStrictEqual(
                        allows.map((x: Json) => [x.Principal, x.Action, x.Resource, Object.keys(x.Condition.StringEquals)]),
                        [[{ Service: "cloudwatch.amazonaws.com" }, "sns:Publish", t.outputs.arn, ["aws:SourceAccount"]]],
                    );
                    const deny = doc.Statement.find((x: Json) => x.Effect === "Deny");
                    assert.deepStrictEqual([deny?.Principal, deny?.Action, deny?.Condition], ["*", "sns:*", { Bool: { "aws:SecureTransport": "false" } }]);
                }
                // Subscriptions: exactly the configured ones, on their band's topic.
                const subscriptions = ofType(ev, SUBSCRIPTION).map((s) => [topics.find((t) => t.outputs.arn === s.inputs.topic)?.inputs.name, s.inputs.protocol, s.inputs.endpoint]);
                assert.deepStrictEqual(
                    subscriptions,
                    SEVERITIES.flatMap((s) => cfg.alarms.topics[s].subscriptions.map((sub) => [`${cfg.namePrefix}-alarms-${s}`, sub.protocol, sub.endpoint])),
                );
            });

            it("every alarm carries a severity and notifies that band's topic (on recovery too, except Sev 4)", async () => {
                const ev = await stack(name);
                const cfg = anyConfigOf(name);
                const topicOf = (s: string) => cfg.alarms.topics[s as "sev1"].topicArn ?? ofType(ev, TOPIC).find((t) => t.inputs.name === `${cfg.namePrefix}-alarms-${s}`)?.outputs.arn;
                const alarms = await alarmsOf(name);
                assert.ok(alarms.length >= 15, `${name}: only ${alarms.length} alarms`);
                for (const a of alarms) {
                    const severity = a.inputs.tags?.[SEVERITY_TAG];
                    assert.ok(SEVERITIES.includes(severity), `${alarmName(a)}: severity tag ${severity}`);
                    const topic = topicOf(severity);
                    assert.ok(typeof topic === "string" && topic.startsWith("arn:aws:sns:"), `${alarmName(a)}: no topic for ${severity}`);
                    assert.deepStrictEqual(a.inputs.alarmActions, [topic], alarmName(a));
                    assert.deepStrictEqual(a.inputs.okActions, severity === "sev4" ? [] : [topic], alarmName(a));
                    assert.match(a.inputs.alarmDescription, new RegExp(`^Sev ${severity.slice(3)} \\(`), alarmName(a));
                }
                // Sev 2 to Sev 4 have alarms in every stack (Sev 1, wraparound, only where the writer is).
                const bands = new Set(alarms.map((a) => a.inputs.tags[SEVERITY_TAG]));
                for (const s of ["sev2", "sev3", "sev4"]) assert.ok(bands.has(s), `${name}: no ${s} alarm`);
            });

            it("every alarm's description links a runbook section that exists", async () => {
                for (const a of await alarmsOf(name)) {
                    const m = /Runbook: (?:https:\/\/\S+?\/blob\/main\/)?(docs\/runbooks\/incidents\/[a-z-]+\.md)#([a-z0-9-]+)$/.exec(a.inputs.alarmDescription);
                    assert.ok(m, `${alarmName(a)}: no runbook link in ${JSON.stringify(a.inputs.alarmDescription)}`);
                    const [, file, anchor] = m;
                    assert.ok(fs.existsSync(path.join(REPO_ROOT, file)), `${alarmName(a)}: ${file} does not exist`);
                    assert.ok(anchorsOf(file).has(anchor), `${alarmName(a)}: ${file} has no heading for #${anchor}`);
                    assert.strictEqual(`docs/runbooks/incidents/${a.inputs.tags[INCIDENT_TAG]}.md`, file, `${alarmName(a)}: links another incident's runbook`);
                }
            });

            it("composite alarms name only alarms the stack declares, and are the cause of their members", async () => {
                const names = new Set((await alarmsOf(name)).map(alarmName));
                for (const c of ofType(await stack(name), COMPOSITE)) {
                    const members = [...String(c.inputs.alarmRule).matchAll(/ALARM\("([^"]+)"\)/g)].map((m) => m[1]);
                    assert.ok(members.length >= 2, c.inputs.alarmName);
                    for (const m of members) assert.ok(names.has(m), `${c.inputs.alarmName} names ${m}, which the stack does not declare`);
                    assert.match(c.inputs.alarmDescription, /the cause of/);
                }
            });
        });
    }

    it("the links are real: every alarm kind's anchor is a heading of its incident's runbook, and every incident type has a runbook", () => {
        for (const [kind, k] of Object.entries(ALARM_KINDS)) assert.ok(anchorsOf(runbookPath(k.incident)).has(k.anchor), `${kind}: #${k.anchor} missing in ${runbookPath(k.incident)}`);
        for (const t of INCIDENT_TYPES) {
            const text = fs.readFileSync(path.join(REPO_ROOT, runbookPath(t)), "utf8");
            for (const section of ["Detection", "Triage", "Containment", "Resolution", "Post-incident review"]) assert.match(text, new RegExp(`^## ${section}$`, "m"), `${t}: no ${section} section`);
            assert.match(text, /dbops incident/, `${t}: no dbops incident triage command`);
        }
    });

    for (const name of PRIMARY_STACKS) {
        it(`${name}: each incident type of the guide has its alarms`, async () => {
            const alarms = await alarmsOf(name);
            const byIncident = (t: string) => alarms.filter((a) => a.inputs.tags[INCIDENT_TAG] === t).map((a) => a.inputs.metricName ?? "composite");
            const cfg = configOf(name);
            const expected: Record<string, string[]> = {
                "lock-contention": ["Deadlocks", "composite"],
                "storage-exhaustion": ["FreeLocalStorage", "VolumeBytesUsed", "FreeableMemory", "DatabaseMemoryUsagePercentage", "Evictions", "composite"],
                "replication-lag": cfg.aurora.instances > 1 ? ["AuroraReplicaLagMaximum"] : [],
                "connection-exhaustion": ["DatabaseConnections"],
                "transaction-id-wraparound": ["MaximumUsedTransactionIDs"],
                "slow-queries": [`${cfg.namePrefix}-mlflow-slow-statements`, "CPUUtilization", "EngineCPUUtilization"],
            };
            for (const [incident, metrics] of Object.entries(expected)) {
                const got = new Set(byIncident(incident));
                assert.ok(got.size > 0 || metrics.length === 0, `${name}: no alarm for ${incident}`);
                for (const m of metrics) assert.ok(got.has(m), `${name}: ${incident} has no ${m} alarm (has ${[...got].join(", ")})`);
            }
            // Wraparound: a Sev 2 warning before the Sev 1 page, at the configured ages, on the writer.
            const txids = alarms.filter((a) => a.inputs.metricName === "MaximumUsedTransactionIDs");
            assert.deepStrictEqual(
                txids.map((a) => [a.inputs.tags[SEVERITY_TAG], a.inputs.threshold, a.inputs.dimensions.Role]).sort(),
                [
                    ["sev1", cfg.aurora.alarms.transactionIdsCritical, "WRITER"],
                    ["sev2", cfg.aurora.alarms.transactionIdsWarning, "WRITER"],
                ],
            );
        });
    }

    it("Aurora's default max_connections per class follows AWS's formula, LEAST(memory/9531392, 5000)", () => {
        // AWS's table: db.r4.large (15.25 GiB) 1600 computed in decimal GB; these from nominal GiB in bytes.
        assert.strictEqual(auroraDefaultMaxConnections("db.t4g.medium"), 450);
        assert.strictEqual(auroraDefaultMaxConnections("db.r6g.large"), 1802);
        assert.strictEqual(auroraDefaultMaxConnections("db.r7g.xlarge"), 3604);
        assert.strictEqual(auroraDefaultMaxConnections("db.x2g.large"), 3604);
        assert.strictEqual(auroraDefaultMaxConnections("db.r6g.2xlarge"), 5000);
        assert.strictEqual(auroraDefaultMaxConnections("db.r6i.32xlarge"), 5000);
        assert.throws(() => auroraDefaultMaxConnections("db.serverless"), /no memory figure for Aurora PostgreSQL instance class "db.serverless"; allowed: db\.t4g/);
    });

    for (const name of STACKS) {
        it(`${name}: each Aurora instance pages (Sev 1) at connectionsLimitPercent of its max_connections`, async () => {
            const ev = await stack(name);
            const alarms = ofType(ev, METRIC_ALARM).filter((a) => a.inputs.tags[INCIDENT_TAG] === "connection-exhaustion" && a.inputs.tags[SEVERITY_TAG] === "sev1");
            const instances = ofType(ev, "aws:rds/clusterInstance:ClusterInstance");
            assert.ok(instances.length > 0, `${name}: no Aurora instance`);
            const cfg = anyConfigOf(name);
            // The dr stack's Aurora takes prod's sections (class and thresholds) through the handoff; a primary its own.
            const percent = (cfg.kind === "primary" ? cfg : configOf("prod")).aurora.alarms.connectionsLimitPercent;
            assert.deepStrictEqual(alarms.map((a) => a.inputs.dimensions.DBInstanceIdentifier).sort(), instances.map((i) => i.inputs.identifier).sort());
            for (const i of instances) {
                const a = alarms.find((x) => x.inputs.dimensions.DBInstanceIdentifier === i.inputs.identifier)!;
                const limit = auroraDefaultMaxConnections(i.inputs.instanceClass);
                assert.strictEqual(a.inputs.name, `${i.inputs.identifier}-connections-near-limit`);
                assert.strictEqual(a.inputs.threshold, Math.floor((limit * percent) / 100), `${a.inputs.name}: threshold`);
                assert.ok(a.inputs.threshold < limit);
                assert.strictEqual(a.inputs.comparisonOperator, "GreaterThanOrEqualToThreshold");
                assert.deepStrictEqual([a.inputs.metricName, a.inputs.namespace, a.inputs.statistic, a.inputs.period, a.inputs.evaluationPeriods], ["DatabaseConnections", "AWS/RDS", "Maximum", 60, 3]);
                assert.match(a.inputs.alarmDescription, new RegExp(`^Sev 1 .*${percent}% of its max_connections ${limit} \\(${i.inputs.instanceClass.replace(/\./g, "\\.")}'s default\\).*#connections-limit$`));
            }
        });
    }

    it("connectionsLimitPercent out of range is refused with the key, the value and the range", async () => {
        const base = readStackFile("staging");
        const aurora = JSON.parse(base.config["mlops-data:aurora"]);
        aurora.alarms = { ...(aurora.alarms ?? {}), connectionsLimitPercent: 100 };
        const problems = await problemsOf("staging", { ...base, config: { ...base.config, "mlops-data:aurora": JSON.stringify(aurora) } });
        const p = problems.find((x) => x.key === "mlops-data:aurora.alarms.connectionsLimitPercent");
        assert.ok(p, JSON.stringify(problems));
        assert.strictEqual(p.value, 100);
        assert.match(p.message, /^must be from 50 to 99 \(percent of an instance's max_connections/);
    });

    it("the slow-statement alarm counts the exported PostgreSQL log's duration lines over slowQueryMs", async () => {
        const ev = await stack("prod");
        const cfg = configOf("prod");
        const id = `${cfg.namePrefix}-mlflow`;
        const filter = only(ev, "aws:cloudwatch/logMetricFilter:LogMetricFilter");
        assert.strictEqual(filter.inputs.logGroupName, `/aws/rds/cluster/${id}/postgresql`);
        assert.strictEqual(filter.inputs.pattern, '"duration:"');
        const alarm = ofType(ev, METRIC_ALARM).find((a) => a.inputs.metricName === filter.inputs.metricTransformation.name);
        assert.ok(alarm);
        assert.strictEqual(alarm.inputs.namespace, filter.inputs.metricTransformation.namespace);
        assert.strictEqual(alarm.inputs.threshold, cfg.aurora.alarms.slowStatementsPer5Minutes);
        assert.strictEqual(alarm.inputs.statistic, "Sum");
        assert.match(alarm.inputs.alarmDescription, new RegExp(`slower than ${cfg.aurora.slowQueryMs} ms`));
        // The log group exists once the cluster's instances export to it: the filter waits for them.
        const instances = ofType(ev, "aws:rds/clusterInstance:ClusterInstance").map((i) => i.urn);
        for (const u of instances) assert.ok((filter.dependencies ?? []).includes(u), `filter does not wait for ${u}`);
    });

    it("staging, prod and dr refuse a config without paging targets, naming each band; dev does not need them", async () => {
        assert.deepStrictEqual([...PAGING_ENVIRONMENTS].sort(), ["dr", "prod", "staging"]);
        const problems = await problemsOf("prod", withAlarms("prod", (a) => delete a.topics));
        assert.deepStrictEqual(
            problems.map((p) => p.key),
            PAGING_SEVERITIES.map((s) => `mlops-data:alarms.topics.${s}`),
        );
        for (const p of problems) assert.match(p.message, /^has no paging target, and prod must reach people for Sev [12] .*set topicArn .* or at least one subscription/);
        // One band set is not enough.
        const sev1Only = await problemsOf("staging", withAlarms("staging", (a) => (a.topics = { sev1: a.topics.sev1 })));
        assert.deepStrictEqual(sev1Only.map((p) => p.key), ["mlops-data:alarms.topics.sev2"]);
        assert.ok(ofType(await stack("dev"), METRIC_ALARM).length > 0, "dev has alarms without any subscriber");
    });

    it("a bad topic or subscription is refused with the key, the value and what is allowed", async () => {
        const problems = await problemsOf(
            "prod",
            withAlarms("prod", (a) => {
                a.topics.sev2.subscriptions = [{ protocol: "http", endpoint: "http://pager.example.com" }];
                a.topics.sev3.subscriptions = [{ protocol: "email", endpoint: "not-an-address" }];
                a.topics.sev4 = { topicArn: "arn:aws:sqs:us-east-1:333333333333:q" };
            }),
        );
        const byKey = Object.fromEntries(problems.map((p) => [p.key, p.message]));
        assert.match(byKey["mlops-data:alarms.topics.sev2.subscriptions[0].protocol"], /must be one of https, email, .*http is not allowed/);
        assert.match(byKey["mlops-data:alarms.topics.sev3.subscriptions[0].endpoint"], /must be an email address for protocol email/);
        assert.match(byKey["mlops-data:alarms.topics.sev4.topicArn"], /must be an SNS topic ARN/);
        const both = await problemsOf("prod", withAlarms("prod", (a) => (a.topics.sev1.subscriptions = [{ protocol: "email", endpoint: "a@example.com" }])));
        assert.match(both.find((p) => p.key === "mlops-data:alarms.topics.sev1.subscriptions")?.message ?? "", /must be empty when topicArn is set/);
    });
});

describe("issue 17: reader auto scaling as configured", () => {
    for (const name of PRIMARY_STACKS) {
        it(`${name}: ${configOf(name).aurora.readerAutoScaling.enabled ? "a scalable target and a target-tracking policy from config" : "none (off in its config)"}`, async () => {
            const ev = await stack(name);
            const s = configOf(name).aurora.readerAutoScaling;
            const targets = ofType(ev, "aws:appautoscaling/target:Target");
            const policies = ofType(ev, "aws:appautoscaling/policy:Policy");
            if (!s.enabled) {
                assert.deepStrictEqual([targets.length, policies.length], [0, 0]);
                return;
            }
            const [t] = targets;
            assert.strictEqual(targets.length, 1);
            assert.deepStrictEqual(
                [t.inputs.serviceNamespace, t.inputs.scalableDimension, t.inputs.resourceId, t.inputs.minCapacity, t.inputs.maxCapacity],
                ["rds", "rds:cluster:ReadReplicaCount", `cluster:${configOf(name).namePrefix}-mlflow`, s.minReaders, s.maxReaders],
            );
            // Never below the Multi-AZ minimum: the declared readers stay.
            assert.ok(t.inputs.minCapacity >= configOf(name).aurora.instances - 1 && t.inputs.minCapacity >= 1);
            const [p] = policies;
            const c = p.inputs.targetTrackingScalingPolicyConfiguration;
            assert.deepStrictEqual(
                [p.inputs.policyType, p.inputs.resourceId, c.predefinedMetricSpecification.predefinedMetricType, c.targetValue, c.disableScaleIn],
                ["TargetTrackingScaling", t.inputs.resourceId, s.metric === "cpu" ? "RDSReaderAverageCPUUtilization" : "RDSReaderAverageDatabaseConnections", s.target, false],
            );
        });
    }

    it("the dr standby never scales its secondary's readers", async () => {
        assert.ok(configOf("prod").aurora.readerAutoScaling.enabled, "prod, whose settings dr takes, scales");
        assert.strictEqual(ofType(await stack("dr"), "aws:appautoscaling/target:Target").length, 0);
    });

    it("a floor below the declared readers, or auto scaling on a single instance, is refused", async () => {
        const withAurora = (change: (a: Json) => void): StackFileConfig => {
            const base = readStackFile("prod");
            const a = JSON.parse(base.config["mlops-data:aurora"]);
            change(a);
            return { ...base, config: { ...base.config, "mlops-data:aurora": JSON.stringify(a) } };
        };
        const low = await problemsOf("prod", withAurora((a) => (a.readerAutoScaling.minReaders = 1)));
        assert.deepStrictEqual(low.map((p) => p.key), ["mlops-data:aurora.readerAutoScaling.minReaders"]);
        assert.match(low[0].message, /at least the declared readers \(instances - 1 = 2\)/);
        const single = await problemsOf("prod", withAurora((a) => ((a.instances = 1), (a.readerAutoScaling.minReaders = 1))));
        assert.ok(single.some((p) => p.key === "mlops-data:aurora.readerAutoScaling.enabled" && /instances of at least 2/.test(p.message)), JSON.stringify(single));
    });
});

describe("issue 17: restore testing where configured", () => {
    for (const name of PRIMARY_STACKS) {
        it(`${name}: ${configOf(name).backup.restoreTesting.enabled ? "a monthly plan on the stack's vault, one selection per cluster" : "none"}`, async () => {
            const ev = await stack(name);
            const t = configOf(name).backup.restoreTesting;
            const plans = ofType(ev, "aws:backup/restoreTestingPlan:RestoreTestingPlan");
            const selections = ofType(ev, "aws:backup/restoreTestingSelection:RestoreTestingSelection");
            if (!t.enabled) {
                assert.deepStrictEqual([plans.length, selections.length], [0, 0]);
                return;
            }
            const [plan] = plans;
            assert.strictEqual(plans.length, 1);
            const vault = only(ev, "aws:backup/vault:Vault", "backup-vault");
            assert.deepStrictEqual(
                [plan.inputs.scheduleExpression, plan.inputs.recoveryPointSelection.includeVaults, plan.inputs.recoveryPointSelection.selectionWindowDays, plan.inputs.recoveryPointSelection.algorithm],
                [t.schedule, [vault.outputs.arn], t.selectionWindowDays, t.algorithm],
            );
            const clusterArn = (type: string) => only(ev, type).outputs.arn;
            assert.deepStrictEqual(
                selections.map((s) => [s.inputs.protectedResourceType, s.inputs.protectedResourceArns, s.inputs.validationWindowHours, s.inputs.restoreTestingPlanName]).sort(),
                [
                    ["Aurora", [clusterArn("aws:rds/cluster:Cluster")], t.validationWindowHours, plan.inputs.name],
                    ["DocumentDB", [clusterArn("aws:docdb/cluster:Cluster")], t.validationWindowHours, plan.inputs.name],
                ],
            );
            const role = byUrn(ev, only(ev, "aws:iam/role:Role", "backup-role").urn);
            for (const s of selections) assert.strictEqual(s.inputs.iamRoleArn, role.outputs.arn);
        });
    }

    it("the dr standby has no restore test (nothing of its own is backed up)", async () => {
        assert.strictEqual(ofType(await stack("dr"), "aws:backup/restoreTestingPlan:RestoreTestingPlan").length, 0);
    });
});

describe("issue 17: a dashboard per stack", () => {
    for (const name of STACKS) {
        it(`${name}: the guide's key metrics per store`, async () => {
            const ev = await stack(name);
            const cfg = anyConfigOf(name);
            const d = only(ev, "aws:cloudwatch/dashboard:Dashboard");
            assert.strictEqual(d.inputs.dashboardName, `${cfg.namePrefix}-data-tier`);
            const widgets: Json[] = JSON.parse(d.inputs.dashboardBody).widgets;
            const metrics = new Set(widgets.flatMap((w) => w.properties.metrics.map((m: unknown[]) => `${m[0]}/${m[1]}`)));
            for (const m of [
                "AWS/RDS/ReadLatency",
                "AWS/RDS/DatabaseConnections",
                "AWS/RDS/AuroraReplicaLagMaximum",
                "AWS/RDS/FreeLocalStorage",
                "AWS/RDS/CPUUtilization",
                "AWS/RDS/FreeableMemory",
                "AWS/DocDB/ReadLatency",
                "AWS/DocDB/DatabaseConnections",
                "AWS/ElastiCache/CacheHitRate",
                "AWS/ElastiCache/DatabaseMemoryUsagePercentage",
            ]) {
                assert.ok(metrics.has(m), `${name}: dashboard lacks ${m}`);
            }
            const stats = new Set(widgets.flatMap((w) => w.properties.metrics.map((m: unknown[]) => (m.at(-1) as Json)?.stat).filter(Boolean)));
            assert.ok(stats.has("p99") && stats.has("p50"), "latency percentiles");
            for (const w of widgets) assert.strictEqual(w.properties.region, cfg.region);
            // The standby shows the lag from the primary region; a primary has none to show.
            assert.strictEqual(metrics.has("AWS/RDS/AuroraGlobalDBReplicationLag"), cfg.kind === "dr");
        });
    }
});
