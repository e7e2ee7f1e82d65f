/**
 * The packs over what the real program registers: every stack of the repo
 * passes every mandatory rule under its environment's config, and each
 * deliberately unsafe stack config (tests/policy/unsafe/) yields exactly its
 * expected violations. Unsafe properties the program cannot express at all
 * (it always encrypts, never goes public, always forces TLS, and its config
 * validation refuses 0.0.0.0/0 and overlapping windows) are shown by a
 * targeted mutation of the program's registered resources.
 */
import * as assert from "assert";
import { ConfigError } from "../../infra/config";
import { PolicyViolation, closePolicyPacks, evaluatePolicies } from "../../policy/offline/evaluate";
import { RecordedResource, StackEvaluationError, evaluateStack } from "../../engine/mockEngine";
import { readStackFile } from "../../engine/stackFile";
import { STACKS, stack } from "../harness";
import { readUnsafeStack } from "./unsafeStacks";

/** Requirements the program does not meet yet: advisory in the env configs until it does. None today. */
const KNOWN_GAPS: Record<string, string[]> = { dev: [], staging: [], prod: [], dr: [] };

const names = (vs: PolicyViolation[], level: string) => [...new Set(vs.filter((v) => v.enforcementLevel === level).map((v) => v.policyName))].sort();

async function policiesOver(resources: RecordedResource[], environment: string, config?: unknown) {
    return evaluatePolicies(resources, { environment, config, region: "us-east-1", stack: "test" });
}

/** A copy of the registered resources with one resource's inputs (and outputs) changed. */
function mutate(resources: RecordedResource[], type: string, name: string, changes: Record<string, unknown>): RecordedResource[] {
    const copy = structuredClone(resources);
    const r = copy.find((x) => x.type === type && x.name === name);
    assert.ok(r, `the program registers no ${type} ${name}`);
    for (const [k, v] of Object.entries(changes)) for (const t of [r.inputs, r.rawInputs, r.outputs]) if (v === undefined) delete t[k]; else t[k] = v;
    return copy;
}

// Root hook: the packs started once serve every test file; stop them at the very end.
after(closePolicyPacks);

describe("policy packs over the program's stacks", function () {
    this.timeout(300_000);

    for (const name of STACKS) {
        it(`stack ${name} passes every mandatory rule; advisories are exactly the known gaps`, async () => {
            const ev = await stack(name);
            const env = readStackFile(name).config["mlops-data:environment"];
            const found = await policiesOver(ev.resources, env);
            assert.deepStrictEqual(names(found, "mandatory"), [], JSON.stringify(found, null, 1));
            assert.deepStrictEqual(names(found, "advisory"), KNOWN_GAPS[env]);
        });
    }

    const UNSAFE: [string, string[]][] = [
        ["prod-single-instance", ["multi-az"]],
        ["prod-short-retention", ["backup-retention-minimum"]],
        ["prod-unprotected", ["deletion-protection", "final-snapshot"]],
        ["prod-burstable", ["instance-class-allowlist"]],
        ["prod-slow-queries-unlogged", ["database-logging-parameters"]],
        ["prod-unmonitored", ["enhanced-monitoring", "performance-insights"]],
    ];
    for (const [file, expected] of UNSAFE) {
        it(`unsafe stack ${file}: exactly ${expected.join(", ")}`, async () => {
            const ev = await evaluateStack(file, { stackConfig: readUnsafeStack(file) });
            const found = await policiesOver(ev.resources, "prod");
            assert.deepStrictEqual(names(found, "mandatory"), expected, JSON.stringify(found, null, 1));
            assert.deepStrictEqual(names(found, "advisory"), KNOWN_GAPS.prod);
        });
    }

    for (const [file, key] of [
        ["prod-overlapping-windows", "mlops-data:aurora.preferredMaintenanceWindow"],
        ["prod-open-to-internet", "mlops-data:network.clientCidrs[0]"],
        // A client CIDR that prod's policy config does not approve (tests/policy/clientCidrs.test.ts has the approved case).
        ["prod-cidr-clients", "mlops-data:network.clientCidrs[0]"],
        // A tag alone can be moved; the schema wants the digest (and k8s-images-pinned would refuse the pods).
        ["prod-image-by-tag", "mlops-data:kubernetes.dbops.image"],
    ]) {
        it(`unsafe stack ${file}: the program's config validation refuses it before any resource (${key})`, async () => {
            const err = await evaluateStack(file, { stackConfig: readUnsafeStack(file) }).then(
                () => assert.fail("accepted"),
                (e) => e,
            );
            assert.ok(err instanceof StackEvaluationError && err.cause instanceof ConfigError, String(err));
            assert.deepStrictEqual(err.cause.problems.map((p) => p.key), [key]);
        });
    }

    describe("what the program cannot express, as a mutation of its registered prod resources", () => {
        const CLUSTER = "aws:rds/cluster:Cluster";
        const MUTATIONS: [string, (rs: RecordedResource[]) => RecordedResource[], string[]][] = [
            [
                "unencrypted cluster",
                (rs) => mutate(rs, CLUSTER, "aurora-cluster", { storageEncrypted: false, kmsKeyId: undefined }),
                // The cluster is also the Aurora global cluster's primary member, which must name a key of its region.
                ["global-cluster-topology", "storage-encrypted-with-cmk"],
            ],
            ["public instance", (rs) => mutate(rs, "aws:rds/clusterInstance:ClusterInstance", "aurora-instance-1", { publiclyAccessible: true }), ["no-public-database-instances"]],
            [
                "no TLS",
                (rs) => {
                    const params = rs.find((r) => r.name === "aurora-cluster-params")!.inputs.parameters as { name: string; value: string }[];
                    return mutate(rs, "aws:rds/clusterParameterGroup:ClusterParameterGroup", "aurora-cluster-params", {
                        parameters: params.map((p) => (p.name === "rds.force_ssl" ? { ...p, value: "0" } : p)),
                    });
                },
                ["aurora-tls-enforced"],
            ],
            ["overlapping windows", (rs) => mutate(rs, CLUSTER, "aurora-cluster", { preferredMaintenanceWindow: "sun:02:15-sun:03:00" }), ["backup-and-maintenance-windows"]],
            [
                "open to the internet",
                (rs) => mutate(rs, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aurora-sg-from-sg-0f0d000000000c001", { referencedSecurityGroupId: undefined, cidrIpv4: "0.0.0.0/0" }),
                ["data-store-no-internet-access", "database-ingress-by-security-group", "no-database-port-open-to-internet"],
            ],
            [
                "an extra rule opening SSH on Aurora's security group, added outside the components",
                (rs) => {
                    const sg = rs.find((r) => r.type === "aws:ec2/securityGroup:SecurityGroup" && r.name === "aurora-sg")!;
                    const rule = structuredClone(rs.find((r) => r.name === "aurora-sg-from-sg-0f0d000000000c001")!);
                    Object.assign(rule, { name: "ssh", urn: rule.urn.replace(/::[^:]+$/, "::ssh") });
                    for (const t of [rule.inputs, rule.rawInputs, rule.outputs]) {
                        Object.assign(t, { securityGroupId: sg.outputs.id, fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0", description: "ssh" });
                        delete t.referencedSecurityGroupId;
                    }
                    rule.propertyDependencies = { securityGroupId: [sg.urn] };
                    return [...rs, rule];
                },
                ["data-store-no-internet-access"],
            ],
            [
                "the dbops Job as it was before issue 16 (uid 1654, the contract through envFrom, a token, a tag)",
                (rs) => {
                    const job = rs.find((r) => r.type === "kubernetes:batch/v1:Job" && r.name === "k8s-migrate")!;
                    const pod = structuredClone(job.inputs.spec.template.spec);
                    pod.securityContext.runAsUser = 1654;
                    delete pod.automountServiceAccountToken;
                    pod.containers[0].envFrom = [{ secretRef: { name: "dbops-contract" } }];
                    pod.containers[0].image = "ghcr.io/example-org/mlops-dbops:0.1.0";
                    return mutate(rs, job.type, job.name, { spec: { ...job.inputs.spec, template: { spec: pod } } });
                },
                ["k8s-images-pinned", "k8s-non-root-high-uid", "k8s-secrets-as-files", "k8s-service-account-token"],
            ],
        ];
        for (const [title, change, expected] of MUTATIONS) {
            it(`${title}: exactly ${expected.join(", ")}`, async () => {
                const ev = await stack("prod");
                const found = await policiesOver(change(ev.resources), "prod");
                assert.deepStrictEqual(names(found, "mandatory"), expected, JSON.stringify(found, null, 1));
            });
        }

        it("prod without a cross-region backup copy, once the requirement is mandatory", async () => {
            const ev = await stack("prod");
            const plan = ev.resources.find((r) => r.type === "aws:backup/plan:Plan" && r.name === "backup-scheduled")!;
            const withoutCopy = mutate(ev.resources, plan.type, plan.name, {
                rules: plan.inputs.rules.map((rule: Record<string, unknown>) => ({ ...rule, copyActions: [] })),
            });
            // The plan no longer refers to the copy vault at all.
            const mutated = withoutCopy.find((r) => r.urn === plan.urn)!;
            const deps = mutated.propertyDependencies!;
            deps.rules = deps.rules.filter((u) => !u.endsWith("::backup-copy-vault"));
            const found = await policiesOver(withoutCopy, "prod");
            assert.deepStrictEqual(names(found, "mandatory"), ["aws-backup-cross-region-copy"]);
        });
    });
});
