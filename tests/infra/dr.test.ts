/**
 * The DR region: the prod side of replication, and the dr stack in each mode,
 * with the primary's handoff read through a (mocked) StackReference.
 */
import * as assert from "assert";
import { ConfigError, ConfigProblem } from "../../infra/config";
import { RecordedResource, StackEvaluation, StackEvaluationError, StackReferenceAnswer, evaluateStack } from "../../engine/mockEngine";
import { StackFileConfig, readStackFile } from "../../engine/stackFile";
import { TYPES, byUrn, ofType, only, stack, within } from "../harness";
import { configOf, drConfigOf } from "./stackConfig";
import { specOf } from "../../engine/provider/check";
import { GLOBAL_MEMBER_CONFLICTS } from "../../engine/provider/elasticache";
import type { RuleContext } from "../../engine/provider/spec";

const PRIMARY_STACK = drConfigOf("dr").dr.primaryStack;

type Json = Record<string, any>;

/** The dr stack file with its `dr` section changed. */
function drWith(change: (dr: Json) => void, plain: Record<string, string> = {}): StackFileConfig {
    const base = readStackFile("dr");
    const dr = JSON.parse(base.config["mlops-data:dr"]);
    change(dr);
    return { ...base, config: { ...base.config, ...plain, "mlops-data:dr": JSON.stringify(dr) } };
}

/** Prod's real outputs as the stack reference answer, with the handoff changed (or removed, when `change` returns null). */
async function prodAnswer(change: (handoff: Json) => void | null = () => undefined): Promise<Record<string, StackReferenceAnswer>> {
    const prod = await stack("prod");
    const outputs = structuredClone(prod.outputs);
    if (change(outputs.drHandoff) === null) delete outputs.drHandoff;
    return { [PRIMARY_STACK]: { outputs, secretOutputNames: prod.secretOutputs } };
}

async function dr(change: (dr: Json) => void, handoff?: (h: Json) => void | null): Promise<StackEvaluation> {
    return evaluateStack("dr", { stackConfig: drWith(change), stackReferences: await prodAnswer(handoff) });
}

async function drProblems(cfg: StackFileConfig, handoff?: (h: Json) => void | null): Promise<{ problems: ConfigProblem[]; declared: RecordedResource[] }> {
    try {
        await evaluateStack("dr", { stackConfig: cfg, stackReferences: await prodAnswer(handoff) });
    } catch (e) {
        assert.ok(e instanceof StackEvaluationError && e.cause instanceof ConfigError, String(e));
        // Only the stack itself and the (read-only) reference to the primary exist when validation fails.
        const declared = e.resources.filter((r) => !["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"].includes(r.type));
        return { problems: e.cause.problems, declared };
    }
    return assert.fail("the dr stack accepted a bad configuration");
}

const clusterOf = (ev: StackEvaluation) => only(ev, TYPES.cluster);

/** The provider's global_replication_group_id ConflictsWith check, as the engine applies it (engine/provider/elasticache.ts). */
function memberConflicts(inputs: Record<string, unknown>): string | undefined {
    const rule = specOf(TYPES.replicationGroup)!.rules.find((r) => r.id === "elasticache-global-member-conflicts")!;
    return rule.check(inputs, {} as RuleContext);
}
const docdbOf = (ev: StackEvaluation) => only(ev, TYPES.docdbCluster);

describe("prod: replication to the DR region", () => {
    const prodCfg = configOf("prod");

    it("makes its Aurora and DocumentDB clusters the primaries of global clusters", async () => {
        const ev = await stack("prod");
        const aurora = only(ev, "aws:rds/globalCluster:GlobalCluster");
        assert.strictEqual(aurora.inputs.sourceDbClusterIdentifier, clusterOf(ev).outputs.arn);
        assert.strictEqual(aurora.inputs.globalClusterIdentifier, "mlops-prod-mlflow-global");
        assert.strictEqual(aurora.inputs.deletionProtection, true);
        const docs = only(ev, "aws:docdb/globalCluster:GlobalCluster");
        assert.strictEqual(docs.inputs.sourceDbClusterIdentifier, docdbOf(ev).outputs.arn);
        for (const primary of [clusterOf(ev), docdbOf(ev)]) {
            // AWS sets the membership, the version (upgraded through the global cluster) and, after a switchover, the replication source.
            assert.deepStrictEqual(primary.ignoreChanges.sort(), ["engineVersion", "globalClusterIdentifier", "replicationSourceIdentifier"], primary.name);
        }
    });

    it("replicates the cache as a global datastore, as its config asks", async () => {
        const ev = await stack("prod");
        assert.strictEqual(prodCfg.replication?.cacheGlobalDatastore, true);
        const datastore = only(ev, "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup");
        assert.strictEqual(datastore.inputs.primaryReplicationGroupId, only(ev, TYPES.replicationGroup).outputs.replicationGroupId ?? "mlops-prod-cache");
        assert.deepStrictEqual(only(ev, TYPES.replicationGroup).ignoreChanges, ["engineVersion"]);
    });

    it("declares each store's engine version on its global resource, so that changing it upgrades every member (defect 5)", async () => {
        const ev = await stack("prod");
        assert.strictEqual(only(ev, "aws:rds/globalCluster:GlobalCluster").inputs.engineVersion, prodCfg.aurora.engineVersion);
        assert.strictEqual(only(ev, "aws:docdb/globalCluster:GlobalCluster").inputs.engineVersion, prodCfg.documentdb.engineVersion);
        assert.strictEqual(only(ev, "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup").inputs.engineVersion, prodCfg.redis.engineVersion);
        // A new minor version in prod's stack file reaches the global cluster; the member keeps ignoring its own.
        const base = readStackFile("prod");
        const aurora = JSON.parse(base.config["mlops-data:aurora"]);
        const upgraded = await evaluateStack("prod", { stackConfig: { ...base, config: { ...base.config, "mlops-data:aurora": JSON.stringify({ ...aurora, engineVersion: "16.8" }) } } });
        assert.strictEqual(only(upgraded, "aws:rds/globalCluster:GlobalCluster").inputs.engineVersion, "16.8");
        assert.ok(clusterOf(upgraded).ignoreChanges.includes("engineVersion"));
        assert.strictEqual(upgraded.outputs.drHandoff.sections.aurora.engineVersion, "16.8", "the handoff tells the DR region");
    });

    it("prepares one rotating key per store in the DR region, through the DR provider only", async () => {
        const ev = await stack("prod");
        const keys = ofType(within(ev, "mlops:data:GlobalReplication"), TYPES.kmsKey);
        assert.deepStrictEqual(keys.map((k) => k.name).sort(), ["replication-dr-aurora-key", "replication-dr-cache-key", "replication-dr-documentdb-key"]);
        for (const k of keys) {
            assert.strictEqual(byUrn(ev, k.provider!).inputs.region, "us-west-2");
            assert.strictEqual(k.inputs.enableKeyRotation, true);
            assert.ok(k.outputs.arn.startsWith("arn:aws:kms:us-west-2:"), k.outputs.arn);
        }
        const cacheKeyPolicy = JSON.parse(keys.find((k) => k.name === "replication-dr-cache-key")!.inputs.policy);
        const logs = cacheKeyPolicy.Statement.find((s: any) => s.Principal.Service);
        assert.strictEqual(logs.Principal.Service, "logs.us-west-2.amazonaws.com");
        assert.match(logs.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"], /:log-group:\/aws\/elasticache\/mlops-dr-cache\/\*$/);
    });

    it("exports the handoff as a secret, with the global identifiers, DR keys and prod's settings", async () => {
        const ev = await stack("prod");
        assert.ok(ev.secretOutputs.includes("drHandoff"));
        const h = ev.outputs.drHandoff;
        assert.strictEqual(h.primaryRegion, "us-east-1");
        assert.strictEqual(h.drRegion, "us-west-2");
        assert.strictEqual(h.primaryActive, true);
        assert.strictEqual(h.aurora.globalClusterIdentifier, "mlops-prod-mlflow-global");
        assert.strictEqual(h.redis.globalReplicationGroupId, only(ev, "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup").outputs.globalReplicationGroupId);
        assert.deepStrictEqual(h.sections.aurora.instanceClass, prodCfg.aurora.instanceClass);
        assert.strictEqual(h.aurora.masterPassword, clusterOf(ev).inputs.masterPassword);
    });

    it("only prod replicates", async () => {
        for (const s of ["dev", "staging"]) {
            const ev = await stack(s);
            assert.deepStrictEqual(ofType(ev, "aws:rds/globalCluster:GlobalCluster"), [], s);
            assert.strictEqual(ev.outputs.drHandoff, undefined, s);
        }
    });
});

describe("dr stack", () => {
    it("declares nothing with a primary-region provider: only its own region's default provider", async () => {
        for (const mode of ["standby", "promote", "restore"]) {
            const ev = await dr((d) => {
                d.mode = mode;
                d.force = true;
                if (mode === "promote") d.detached = [];
                if (mode === "restore") d.restore = { auroraSnapshot: "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:awsbackup:copyjob-1", documentdbSnapshot: "docs-copy-1" };
            });
            const explicit = ev.resources.filter((r) => r.provider !== undefined && r.type !== "pulumi:pulumi:StackReference");
            assert.deepStrictEqual(explicit.map((r) => r.name), [], mode);
            assert.deepStrictEqual(ofType(ev, TYPES.awsProvider), [], mode);
            assert.ok(ev.resources.every((r) => r.inputs.region === undefined || r.inputs.region === "us-west-2"), mode);
            for (const r of ev.resources.filter((x) => typeof x.outputs.arn === "string" && x.outputs.arn.startsWith("arn:aws:") && x.type !== "aws:iam/role:Role")) {
                assert.ok(!r.outputs.arn.includes(":us-east-1:"), `${mode}: ${r.name} ${r.outputs.arn}`);
            }
        }
    });

    describe("standby (the committed steady state)", () => {
        it("attaches read-only secondaries to prod's global clusters, with no master password", async () => {
            const ev = await stack("dr");
            const h = (await stack("prod")).outputs.drHandoff;
            const aurora = clusterOf(ev);
            assert.strictEqual(aurora.inputs.globalClusterIdentifier, h.aurora.globalClusterIdentifier);
            assert.strictEqual(aurora.inputs.masterPassword, undefined);
            assert.strictEqual(aurora.inputs.masterUsername, undefined);
            assert.strictEqual(aurora.inputs.databaseName, undefined);
            assert.strictEqual(aurora.inputs.kmsKeyId, h.aurora.drKmsKeyArn);
            assert.strictEqual(aurora.inputs.skipFinalSnapshot, true, "a secondary cannot take a final snapshot");
            assert.deepStrictEqual(aurora.ignoreChanges.sort(), ["engineVersion", "replicationSourceIdentifier"]);
            const docs = docdbOf(ev);
            assert.strictEqual(docs.inputs.globalClusterIdentifier, h.documentdb.globalClusterIdentifier);
            assert.strictEqual(docs.inputs.masterPassword, undefined);
            assert.strictEqual(docs.inputs.kmsKeyId, h.documentdb.drKmsKeyArn);
        });

        it("runs the configured number of instances, at prod's class and engine version", async () => {
            const ev = await stack("dr");
            const prod = configOf("prod");
            const standby = drConfigOf("dr").dr.standby;
            const instances = ofType(ev, TYPES.instance);
            assert.strictEqual(instances.length, standby.auroraInstances);
            for (const i of instances) assert.strictEqual(i.inputs.instanceClass, prod.aurora.instanceClass);
            assert.strictEqual(clusterOf(ev).inputs.engineVersion, prod.aurora.engineVersion);
            assert.strictEqual(ofType(ev, TYPES.docdbInstance).length, standby.documentdbInstances);
        });

        it("creates its secondaries at the version in prod's handoff, not at one of its own", async () => {
            const ev = await dr(() => undefined, (h) => {
                h.sections.aurora.engineVersion = "16.8";
            });
            assert.strictEqual(clusterOf(ev).inputs.engineVersion, "16.8");
            assert.ok(clusterOf(ev).ignoreChanges.includes("engineVersion"), "later versions arrive through the global cluster");
        });

        it("can stand by headless", async () => {
            const ev = await dr((d) => (d.standby = { auroraInstances: 0, documentdbInstances: 0 }));
            assert.deepStrictEqual(ofType(ev, TYPES.instance), []);
            assert.deepStrictEqual(ofType(ev, TYPES.docdbInstance), []);
            assert.strictEqual(clusterOf(ev).inputs.globalClusterIdentifier, "mlops-prod-mlflow-global");
        });

        it("joins the cache to prod's global datastore as a secondary, declaring only what a secondary may", async () => {
            const ev = await stack("dr");
            const rg = only(ev, TYPES.replicationGroup);
            const h = (await stack("prod")).outputs.drHandoff;
            assert.strictEqual(rg.inputs.globalReplicationGroupId, h.redis.globalReplicationGroupId);
            // The provider's ConflictsWith list for global_replication_group_id: none of it may be declared.
            const declared = GLOBAL_MEMBER_CONFLICTS.filter((p) => rg.inputs[p] !== undefined);
            assert.deepStrictEqual(declared, [], "a secondary takes these from the global datastore");
            assert.strictEqual(memberConflicts(rg.inputs), undefined);
            assert.strictEqual(rg.inputs.finalSnapshotIdentifier, undefined);
            // What it keeps: its region's key (ForceNew, not Computed), the primary's AUTH token and port.
            assert.strictEqual(rg.inputs.kmsKeyId, h.redis.drKmsKeyArn);
            assert.ok(rg.inputs.authToken !== undefined && rg.secretPaths.includes("authToken"));
            assert.strictEqual(rg.inputs.port, configOf("prod").redis.port);
            assert.deepStrictEqual(rg.ignoreChanges, [], "nothing it declares is managed by the datastore");
            // It inherits the primary's transit encryption, which is "required": clients must use TLS.
            assert.strictEqual(only(await stack("prod"), TYPES.replicationGroup).inputs.transitEncryptionMode, "required");
            assert.strictEqual(ev.outputs.verification.redis.tlsRequired, true);
        });

        it("has its own subnet groups, security groups and parameter groups, and alarms on global lag at the RPO", async () => {
            const ev = await stack("dr");
            const prod = configOf("prod");
            assert.deepStrictEqual(only(ev, TYPES.subnetGroup).inputs.subnetIds, drConfigOf("dr").network.privateSubnetIds);
            assert.strictEqual(only(within(ev, TYPES.aurora), TYPES.securityGroup).inputs.vpcId, drConfigOf("dr").network.vpcId);
            assert.strictEqual(clusterOf(ev).inputs.dbClusterParameterGroupName, only(ev, TYPES.clusterParams).inputs.name);
            const alarms = ofType(ev, TYPES.alarm).map((a) => a.inputs);
            const lag = (m: string) => alarms.find((a) => a.metricName === m);
            assert.strictEqual(lag("AuroraGlobalDBReplicationLag")?.threshold, prod.recovery.aurora.rpoMinutes * 60_000);
            assert.strictEqual(lag("GlobalClusterReplicationLag")?.threshold, prod.recovery.documentdb.rpoMinutes * 60_000);
        });

        it("alarms on the cache's global datastore lag on every node, in seconds, at the tightest RPO", async () => {
            const ev = await stack("dr");
            const prod = configOf("prod");
            const nodes = ofType(ev, TYPES.alarm).map((a) => a.inputs).filter((a) => a.metricName === "GlobalDatastoreReplicationLag");
            const rpoSeconds = Math.min(prod.recovery.aurora.rpoMinutes, prod.recovery.documentdb.rpoMinutes) * 60;
            assert.deepStrictEqual(
                nodes.map((a) => [a.namespace, a.dimensions.CacheClusterId, a.threshold, a.statistic, a.period]),
                Array.from({ length: prod.redis.nodes }, (_, i) => ["AWS/ElastiCache", `mlops-dr-cache-${String(i + 1).padStart(3, "0")}`, rpoSeconds, "Maximum", 60]),
            );
            // Only a standby's secondary alarms on it: prod is the datastore's primary, a promoted cache has no primary region.
            assert.deepStrictEqual(ofType(await stack("prod"), TYPES.alarm).filter((a) => a.inputs.metricName === "GlobalDatastoreReplicationLag"), []);
            const promoted = await dr((d) => {
                d.mode = "promote";
                d.force = true;
                d.detached = [];
            });
            assert.deepStrictEqual(ofType(promoted, TYPES.alarm).filter((a) => a.inputs.metricName === "GlobalDatastoreReplicationLag"), []);
        });

        it("names the global identifiers the runbook's failover commands need", async () => {
            const ev = await stack("dr");
            const h = (await stack("prod")).outputs.drHandoff;
            assert.strictEqual(ev.outputs.auroraGlobalClusterIdentifier, h.aurora.globalClusterIdentifier);
            assert.strictEqual(ev.outputs.documentDbGlobalClusterIdentifier, h.documentdb.globalClusterIdentifier);
            assert.strictEqual(ev.outputs.cacheGlobalReplicationGroupId, h.redis.globalReplicationGroupId);
            assert.ok(!ev.secretOutputs.includes("cacheGlobalReplicationGroupId"));
        });

        it("declares no backup plan (prod's copies cover the region until promotion), but keeps its vault", async () => {
            const ev = await stack("dr");
            assert.deepStrictEqual(ofType(ev, TYPES.plan), []);
            assert.deepStrictEqual(ofType(ev, TYPES.selection), []);
            assert.strictEqual(only(ev, TYPES.vault, "backup-vault").inputs.name, "mlops-dr-backups");
        });

        it("keeps its secrets in the DR region under prod's DR keys, with prod's credentials", async () => {
            const ev = await stack("dr");
            const h = (await stack("prod")).outputs.drHandoff;
            const secret = only(within(ev, TYPES.aurora), TYPES.secret, "aurora-master-secret");
            assert.strictEqual(secret.inputs.kmsKeyId, h.aurora.drKmsKeyArn);
            const stored = JSON.parse(only(within(ev, TYPES.aurora), TYPES.secretVersion, "aurora-master-secret").inputs.secretString);
            assert.strictEqual(stored.password, h.aurora.masterPassword);
            assert.strictEqual(stored.host, clusterOf(ev).outputs.endpoint);
            assert.deepStrictEqual(only(within(ev, TYPES.aurora), TYPES.secretVersion, "aurora-master-secret").secretPaths, ["secretString"]);
        });
    });

    describe("promote", () => {
        it("adopts the detached secondaries as writable primaries at prod's size, without re-attaching or replacing them", async () => {
            const ev = await dr((d) => {
                d.mode = "promote";
                d.force = true;
                d.detached = [];
            });
            const prod = configOf("prod");
            for (const cluster of [clusterOf(ev), docdbOf(ev)]) {
                assert.strictEqual(cluster.inputs.globalClusterIdentifier, undefined, cluster.name);
                assert.strictEqual(cluster.inputs.masterUsername, undefined, "unchanged: a change would replace the cluster");
                assert.ok(cluster.ignoreChanges.includes("globalClusterIdentifier"), cluster.name);
                assert.ok(cluster.ignoreChanges.includes("replicationSourceIdentifier"), cluster.name);
            }
            const instances = ofType(ev, TYPES.instance);
            assert.strictEqual(instances.length, prod.aurora.instances);
            assert.ok(instances.every((i) => i.inputs.instanceClass === prod.aurora.instanceClass));
            assert.strictEqual(ofType(ev, TYPES.docdbInstance).length, prod.documentdb.instances);
            assert.strictEqual(new Set(instances.map((i) => i.inputs.availabilityZone)).size, instances.length);
            const rg = only(ev, TYPES.replicationGroup);
            assert.strictEqual(rg.inputs.globalReplicationGroupId, undefined);
            assert.strictEqual(rg.inputs.nodeType, prod.redis.nodeType);
        });

        it("promotes the cache without bringing back its membership: the inputs the engine would check pass the provider's rules", async () => {
            // Pulumi's engine copies every ignored property's old input into the new inputs before the
            // provider checks them (step_generator.go: processIgnoreChanges, then Check). The old inputs
            // are the secondary's; whatever the promoted group ignores comes from there.
            const standby = only(await stack("dr"), TYPES.replicationGroup);
            const promoted = only(await dr((d) => {
                d.mode = "promote";
                d.force = true;
                d.detached = [];
            }), TYPES.replicationGroup);
            const checked: Record<string, unknown> = { ...promoted.inputs };
            for (const p of promoted.ignoreChanges) if (standby.inputs[p] !== undefined) checked[p] = standby.inputs[p];
            assert.strictEqual(memberConflicts(checked), undefined);
            assert.strictEqual(checked.globalReplicationGroupId, undefined);
            assert.strictEqual(checked.engine, "valkey");
        });

        it("backs the new primaries up in the DR region, with no copy back to the lost region", async () => {
            const ev = await dr((d) => {
                d.mode = "promote";
                d.force = true;
                d.detached = [];
            });
            const [rule] = only(ev, TYPES.plan, "backup-scheduled").inputs.rules;
            assert.deepStrictEqual(rule.copyActions, []);
            assert.ok(only(ev, TYPES.vault, "backup-vault").outputs.arn.includes(":us-west-2:"));
            assert.deepStrictEqual(
                [...only(ev, TYPES.selection, "backup-scheduled").inputs.resources].sort(),
                [clusterOf(ev).outputs.arn, docdbOf(ev).outputs.arn].sort(),
            );
        });

        it("re-points the secrets and the verification contract at the DR endpoints", async () => {
            const ev = await dr((d) => {
                d.mode = "promote";
                d.force = true;
                d.detached = [];
            });
            const c = ev.outputs.verification;
            assert.strictEqual(c.role, "primary");
            assert.strictEqual(c.region, "us-west-2");
            assert.strictEqual(c.postgres.writer, clusterOf(ev).outputs.endpoint);
            assert.strictEqual(c.postgres.readers, configOf("prod").aurora.instances - 1);
            assert.ok(c.postgres.writer.includes(".us-west-2."));
            assert.strictEqual(JSON.parse(only(within(ev, TYPES.aurora), TYPES.secretVersion, "aurora-master-secret").inputs.secretString).host, c.postgres.writer);
            assert.strictEqual(ev.outputs.drMode, "promote");
        });

        it("needs no force once prod has handed over the primary role", async () => {
            const ev = await dr(
                (d) => {
                    d.mode = "promote";
                    d.detached = [];
                },
                (h) => {
                    h.primaryActive = false;
                },
            );
            assert.strictEqual(clusterOf(ev).inputs.globalClusterIdentifier, undefined);
        });
    });

    describe("restore", () => {
        const snapshot = "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:awsbackup:copyjob-0a1b2c3d";
        const restored = () =>
            dr((d) => {
                d.mode = "restore";
                d.force = true;
                d.restore = { auroraSnapshot: snapshot, documentdbSnapshot: "mlops-prod-docs-copy-2026-11-20" };
            });

        it("restores new clusters from the named snapshots, under new names, with no global membership", async () => {
            const ev = await restored();
            const aurora = only(ev, TYPES.cluster, "aurora-restore-1-cluster");
            assert.strictEqual(aurora.inputs.clusterIdentifier, "mlops-dr-mlflow-r1");
            assert.strictEqual(aurora.inputs.snapshotIdentifier, snapshot);
            assert.strictEqual(aurora.inputs.globalClusterIdentifier, undefined);
            assert.deepStrictEqual(aurora.secretPaths, ["masterPassword"], "the password is set so that the secret stays true");
            // The membership too: AWS gives it one when prod is rebuilt from it (docs/runbooks/dr-standup.md D.3), never this program.
            assert.deepStrictEqual(aurora.ignoreChanges, ["snapshotIdentifier", "globalClusterIdentifier", "replicationSourceIdentifier"]);
            const docs = only(ev, TYPES.docdbCluster, "documentdb-restore-1-cluster");
            assert.strictEqual(docs.inputs.clusterIdentifier, "mlops-dr-docs-r1");
            assert.strictEqual(docs.inputs.snapshotIdentifier, "mlops-prod-docs-copy-2026-11-20");
            assert.deepStrictEqual(ofType(ev, "aws:rds/globalCluster:GlobalCluster"), []);
        });

        it("starts a fresh cache, not a member of the global datastore, and backs up the restored clusters in the DR region", async () => {
            const ev = await restored();
            const rg = only(ev, TYPES.replicationGroup, "cache-restore-1-group");
            assert.strictEqual(rg.inputs.replicationGroupId, "mlops-dr-cache-r1");
            assert.strictEqual(rg.inputs.globalReplicationGroupId, undefined);
            assert.strictEqual(rg.inputs.engine, "valkey");
            assert.strictEqual(ofType(ev, TYPES.plan).length, 2);
            const selected = only(ev, TYPES.selection, "backup-scheduled").inputs.resources;
            assert.deepStrictEqual(
                [...selected].sort(),
                [only(ev, TYPES.cluster, "aurora-restore-1-cluster").outputs.arn, only(ev, TYPES.docdbCluster, "documentdb-restore-1-cluster").outputs.arn].sort(),
            );
        });
    });

    describe("configuration errors (before any resource but the reference to prod)", () => {
        const expectOnly = async (cfg: StackFileConfig, key: string, message: RegExp, handoff?: (h: Json) => void | null) => {
            const { problems, declared } = await drProblems(cfg, handoff);
            assert.deepStrictEqual(declared.map((r) => r.urn), []);
            assert.deepStrictEqual(problems.map((p) => p.key), [key]);
            assert.match(problems[0].message, message);
        };

        it("the DR region equal to the primary region", async () => {
            await expectOnly(drWith(() => undefined, { "aws:region": "us-east-1" }), "aws:region", /^is the primary stack's region; the DR region must be another one \(the primary prepared us-west-2\)$/);
        });

        it("a DR region other than the one prod prepared", async () => {
            await expectOnly(drWith(() => undefined, { "aws:region": "eu-west-1" }), "aws:region", /^must be us-west-2: the region whose keys the primary stack/);
        });

        it("restore without a snapshot", async () => {
            const { problems } = await drProblems(
                drWith((d) => {
                    d.mode = "restore";
                    d.force = true;
                }),
            );
            assert.deepStrictEqual(problems.map((p) => p.key), ["mlops-data:dr.restore.auroraSnapshot", "mlops-data:dr.restore.documentdbSnapshot"]);
            assert.match(problems[0].message, /^is required in restore mode/);
        });

        for (const mode of ["promote", "restore"]) {
            it(`${mode} while prod still says it is the primary, without force`, async () => {
                await expectOnly(
                    drWith((d) => {
                        d.mode = mode;
                        if (mode === "promote") d.detached = [];
                        else d.restore = { auroraSnapshot: "a-snapshot", documentdbSnapshot: "b-snapshot" };
                    }),
                    "mlops-data:dr.mode",
                    new RegExp(`^cannot ${mode} while the primary stack \\(prod\\) says it is still the primary: .*set dr\\.force to true$`),
                );
            });
        }

        it("a name prefix other than the one prod prepared keys for", async () => {
            await expectOnly(drWith(() => undefined, { "mlops-data:namePrefix": "mlops-drx" }), "mlops-data:namePrefix", /^must be "mlops-dr"/);
        });

        it("a primary stack without a handoff", async () => {
            await expectOnly(drWith(() => undefined), "mlops-data:dr.primaryStack", /^exports no drHandoff/, () => null);
        });

        it("a handoff from another version of this program", async () => {
            const { problems } = await drProblems(drWith(() => undefined), (h) => {
                h.handoffVersion = 3;
            });
            assert.deepStrictEqual(problems.map((p) => p.key), [`${PRIMARY_STACK}:drHandoff.handoffVersion`]);
            assert.match(problems[0].message, /deploy the primary and dr stacks from the same commit/);
        });

        it("a handoff of version 1, written before it carried mlflow_app's password, named for what to do and without its values", async () => {
            const { problems, declared } = await drProblems(drWith(() => undefined), (h) => {
                h.handoffVersion = 1;
                delete h.aurora.applicationPassword;
            });
            assert.deepStrictEqual(problems.map((p) => p.key).sort(), [`${PRIMARY_STACK}:drHandoff.aurora.applicationPassword`, `${PRIMARY_STACK}:drHandoff.handoffVersion`]);
            const version = problems.find((p) => p.key.endsWith("handoffVersion"))!;
            assert.match(version.message, /^must be 2: deploy the primary and dr stacks from the same commit/);
            assert.ok(problems.every((p) => p.showValue === false && p.value === undefined), "a handoff's values are never shown");
            assert.deepStrictEqual(declared, []);
        });

        it("store sections in the dr stack file (they come from prod)", async () => {
            const base = readStackFile("dr");
            const cfg = { ...base, config: { ...base.config, "mlops-data:aurora": readStackFile("prod").config["mlops-data:aurora"] } };
            try {
                await evaluateStack("dr", { stackConfig: cfg });
                assert.fail("accepted");
            } catch (e) {
                const err = (e as StackEvaluationError).cause as ConfigError;
                assert.deepStrictEqual(err.problems.map((p) => p.key), ["mlops-data:aurora"]);
                assert.match(err.problems[0].message, /does not belong in the dr environment: the dr stack takes it from its primary stack/);
                assert.deepStrictEqual((e as StackEvaluationError).resources.filter((r) => r.type !== "pulumi:pulumi:Stack"), []);
            }
        });
    });
});

describe("dr stack: PgBouncer and MLflow log in as prod's mlflow_app in every mode, never as the master user", () => {
    const K8S_SECRET = "kubernetes:core/v1:Secret";
    const k8sSecret = (ev: StackEvaluation, name: string) => {
        const found = ev.resources.filter((r) => r.type === K8S_SECRET && r.inputs.metadata?.name === name);
        assert.strictEqual(found.length, 1, name);
        return found[0].inputs.stringData;
    };
    const modes: Record<string, (d: Json) => void> = {
        standby: () => undefined,
        promote: (d) => {
            d.mode = "promote";
            d.force = true;
            d.detached = [];
        },
        restore: (d) => {
            d.mode = "restore";
            d.force = true;
            d.restore = { auroraSnapshot: "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:awsbackup:copyjob-0a1b2c3d", documentdbSnapshot: "mlops-prod-docs-copy-2026-11-20" };
        },
    };
    for (const [mode, change] of Object.entries(modes)) {
        it(mode, async () => {
            const ev = await dr(change);
            const h = (await stack("prod")).outputs.drHandoff;
            const c = ev.outputs.verification;
            const app = c.postgres.application;
            assert.ok(app, "the contract carries the application's login");
            assert.strictEqual(app.password, h.aurora.applicationPassword, "prod's mlflow_app password, which the DR cluster's roles hold");
            assert.notStrictEqual(app.username, h.aurora.masterUsername);
            const userlist = k8sSecret(ev, "pgbouncer-auth")["userlist.txt"];
            assert.strictEqual(userlist, `"${app.username}" "${app.password}"\n`);
            const mlflow = k8sSecret(ev, "mlflow-db");
            assert.deepStrictEqual([mlflow.username, mlflow.password], [app.username, app.password]);
            assert.ok(mlflow.sqlalchemyUrl.startsWith(`postgresql://${app.username}:${app.password}@${c.postgres.writer}:`), "MLflow's URL");
            for (const text of [userlist, JSON.stringify(mlflow)]) {
                assert.ok(!text.includes(h.aurora.masterPassword), "never the master password");
                assert.ok(!text.includes(`"${h.aurora.masterUsername}"`) && !text.includes(`//${h.aurora.masterUsername}:`), "never the master user");
            }
            // Kept in the DR region's Secrets Manager under prod's DR key, like the master secret.
            const appSecret = ev.resources.filter((r) => r.type === TYPES.secret && /-app-secret$/.test(r.name) && r.inputs.name === `mlops-dr/aurora${mode === "restore" ? "-r1" : ""}/app`);
            assert.strictEqual(appSecret.length, 1, "the serving set's application secret");
            assert.strictEqual(appSecret[0].inputs.kmsKeyId, h.aurora.drKmsKeyArn);
        });
    }
});

describe("prod: each global cluster's deletion protection is its own store's", () => {
    for (const [aurora, documentdb] of [
        [true, false],
        [false, true],
    ]) {
        it(`aurora.deletionProtection ${aurora}, documentdb.deletionProtection ${documentdb}`, async () => {
            const base = readStackFile("prod");
            const set = (key: string, value: boolean) => JSON.stringify({ ...JSON.parse(base.config[key]), deletionProtection: value });
            const config = { ...base.config, "mlops-data:aurora": set("mlops-data:aurora", aurora), "mlops-data:documentdb": set("mlops-data:documentdb", documentdb) };
            const ev = await evaluateStack("prod", { stackConfig: { ...base, config } });
            assert.strictEqual(only(ev, "aws:rds/globalCluster:GlobalCluster").inputs.deletionProtection, aurora);
            assert.strictEqual(only(ev, "aws:docdb/globalCluster:GlobalCluster").inputs.deletionProtection, documentdb);
            // and the clusters themselves follow the same settings
            assert.strictEqual(clusterOf(ev).inputs.deletionProtection, aurora);
            assert.strictEqual(docdbOf(ev).inputs.deletionProtection, documentdb);
        });
    }
});
