/**
 * Test helpers over the offline engine: evaluate each stack once per run and
 * look resources up by type and name.
 */
import * as assert from "assert";
import { RecordedResource, StackEvaluation, evaluateStack } from "../engine/mockEngine";
import { listStacks, readStackFile } from "../engine/stackFile";

export const STACKS = listStacks();
/** The stacks that own their stores (dev, staging, prod), as opposed to the `dr` stack. */
export const PRIMARY_STACKS = STACKS.filter((s) => readStackFile(s).config["mlops-data:environment"] !== "dr");
export const DR_STACKS = STACKS.filter((s) => !PRIMARY_STACKS.includes(s));

const cache = new Map<string, Promise<StackEvaluation>>();

/** The stack as the program declares it under `pulumi preview`, evaluated once per test run. */
export function stack(name: string): Promise<StackEvaluation> {
    let ev = cache.get(name);
    if (!ev) {
        ev = evaluateStack(name);
        cache.set(name, ev);
    }
    return ev;
}

export function ofType(ev: StackEvaluation, type: string): RecordedResource[] {
    return ev.resources.filter((r) => r.type === type);
}

/** The single resource of a type (and name, when given); fails when there is not exactly one. */
export function only(ev: StackEvaluation, type: string, name?: string): RecordedResource {
    const found = ofType(ev, type).filter((r) => name === undefined || r.name === name);
    assert.strictEqual(found.length, 1, `expected exactly one ${type}${name ? ` named ${name}` : ""} in ${ev.stack}, found ${found.length}`);
    return found[0];
}

/**
 * The part of a stack under the one component of the given type: the same
 * evaluation with only that component's descendants, so `only` and `ofType`
 * look at one store at a time.
 */
export function within(ev: StackEvaluation, componentType: string): StackEvaluation {
    const root = only(ev, componentType);
    const inside = new Set([root.urn]);
    const resources: RecordedResource[] = [];
    // Registration order puts parents before children, so one pass collects every descendant.
    for (const r of ev.resources) {
        if (r.parent && inside.has(r.parent)) {
            inside.add(r.urn);
            resources.push(r);
        }
    }
    return { ...ev, resources };
}

/** The registered resource a reference (URN, or "urn::id" provider reference) points at. */
export function byUrn(ev: StackEvaluation, ref: string): RecordedResource {
    const r = ev.resources.find((x) => x.urn === ref || ref.startsWith(`${x.urn}::`));
    assert.ok(r, `no resource with URN ${ref}`);
    return r;
}

export const TYPES = {
    cluster: "aws:rds/cluster:Cluster",
    instance: "aws:rds/clusterInstance:ClusterInstance",
    clusterParams: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    instanceParams: "aws:rds/parameterGroup:ParameterGroup",
    subnetGroup: "aws:rds/subnetGroup:SubnetGroup",
    kmsKey: "aws:kms/key:Key",
    kmsAlias: "aws:kms/alias:Alias",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    password: "random:index/randomPassword:RandomPassword",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    aurora: "mlops:data:AuroraPostgres",
    documentDb: "mlops:data:DocumentDb",
    redisCache: "mlops:data:RedisCache",
    docdbCluster: "aws:docdb/cluster:Cluster",
    docdbInstance: "aws:docdb/clusterInstance:ClusterInstance",
    docdbParams: "aws:docdb/clusterParameterGroup:ClusterParameterGroup",
    docdbSubnetGroup: "aws:docdb/subnetGroup:SubnetGroup",
    replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    cacheParams: "aws:elasticache/parameterGroup:ParameterGroup",
    cacheSubnetGroup: "aws:elasticache/subnetGroup:SubnetGroup",
    backupPlan: "mlops:data:BackupPlan",
    vault: "aws:backup/vault:Vault",
    vaultPolicy: "aws:backup/vaultPolicy:VaultPolicy",
    vaultLock: "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
    plan: "aws:backup/plan:Plan",
    selection: "aws:backup/selection:Selection",
    awsProvider: "pulumi:providers:aws",
} as const;
