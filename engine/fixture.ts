/**
 * What the offline engine answers where a real deployment would ask AWS.
 * Everything here is invented but shaped like AWS's answers; nothing is
 * looked up. Keep it small and say here what each answer assumes.
 */
export const FIXTURE_ACCOUNT_ID = "123456789012";
/** Fake DNS label RDS and DocumentDB put in endpoints (`<id>.cluster-<label>.<region>.rds.amazonaws.com`). */
const RDS_LABEL = "c0ffee0example";
/** Fake label ElastiCache puts in endpoints (`master.<id>.<label>.cache.amazonaws.com`). */
const CACHE_LABEL = "ab1cde";

export interface FixtureContext {
    region: string;
    /** Subnet id -> AZ, assigned in order of first lookup (see `availabilityZoneOf`). */
    subnetZones: Map<string, string>;
}

/**
 * Subnets are assumed to lie in distinct zones in the order the program first
 * asks about them: the first subnet of the config is in zone "a", the second
 * in "b", and so on. Offline there is no way to know better, and the stack
 * files list one subnet per zone.
 */
export function availabilityZoneOf(ctx: FixtureContext, subnetId: string): string {
    let az = ctx.subnetZones.get(subnetId);
    if (!az) {
        az = `${ctx.region}${"abcdef"[ctx.subnetZones.size % 6]}`;
        ctx.subnetZones.set(subnetId, az);
    }
    return az;
}

/** Answers to provider functions (invokes), by token. */
export function invoke(ctx: FixtureContext, token: string, inputs: Record<string, unknown>): Record<string, unknown> {
    switch (token) {
        case "aws:ec2/getSubnet:getSubnet": {
            const id = String(inputs.id);
            const az = availabilityZoneOf(ctx, id);
            // One /24 per subnet, numbered like the zones: 10.0.0.0/24 for the first, and so on.
            const index = [...ctx.subnetZones.keys()].indexOf(id);
            return { id, availabilityZone: az, vpcId: "vpc-fixture", cidrBlock: `10.0.${index}.0/24` };
        }
        case "aws:index/getPartition:getPartition":
            return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com" };
        case "aws:index/getRegion:getRegion":
            return { id: ctx.region, name: ctx.region, region: ctx.region };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { id: FIXTURE_ACCOUNT_ID, accountId: FIXTURE_ACCOUNT_ID, arn: `arn:aws:iam::${FIXTURE_ACCOUNT_ID}:user/preview`, userId: "AIDAPREVIEW" };
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
            return { id: ctx.region, names: ["a", "b", "c"].map((z) => `${ctx.region}${z}`), zoneIds: [] };
        default:
            throw new Error(`the offline fixture has no answer for provider function ${token}; add one in engine/fixture.ts`);
    }
}

/** The outputs AWS computes when a resource is created, added to its inputs. */
export function computedState(
    ctx: FixtureContext,
    type: string,
    name: string,
    inputs: Record<string, unknown>,
): { id: string; state: Record<string, unknown> } {
    const region = ctx.region;
    const acct = FIXTURE_ACCOUNT_ID;
    const state: Record<string, unknown> = { ...inputs };
    let id = `${name}-id`;
    const mod = type.split(":")[1];
    const service = mod?.split("/")[0] ?? "x";
    state.arn ??= `arn:aws:${service}:${region}:${acct}:${name}`;
    switch (type) {
        case "aws:kms/key:Key":
            id = `0000example-${name}`;
            state.keyId = id;
            state.arn = `arn:aws:kms:${region}:${acct}:key/${id}`;
            break;
        case "aws:rds/cluster:Cluster": {
            id = String(inputs.clusterIdentifier ?? name);
            state.clusterIdentifier = id;
            state.endpoint = `${id}.cluster-${RDS_LABEL}.${region}.rds.amazonaws.com`;
            state.readerEndpoint = `${id}.cluster-ro-${RDS_LABEL}.${region}.rds.amazonaws.com`;
            state.port = inputs.port ?? 5432;
            state.arn = `arn:aws:rds:${region}:${acct}:cluster:${id}`;
            break;
        }
        case "aws:rds/clusterInstance:ClusterInstance": {
            id = String(inputs.identifier ?? name);
            state.identifier = id;
            state.endpoint = `${id}.${RDS_LABEL}.${region}.rds.amazonaws.com`;
            state.arn = `arn:aws:rds:${region}:${acct}:db:${id}`;
            break;
        }
        case "aws:docdb/cluster:Cluster": {
            id = String(inputs.clusterIdentifier ?? name);
            state.clusterIdentifier = id;
            state.endpoint = `${id}.cluster-${RDS_LABEL}.${region}.docdb.amazonaws.com`;
            state.readerEndpoint = `${id}.cluster-ro-${RDS_LABEL}.${region}.docdb.amazonaws.com`;
            state.port = inputs.port ?? 27017;
            state.arn = `arn:aws:rds:${region}:${acct}:cluster:${id}`;
            break;
        }
        case "aws:docdb/clusterInstance:ClusterInstance": {
            id = String(inputs.identifier ?? name);
            state.identifier = id;
            state.endpoint = `${id}.${RDS_LABEL}.${region}.docdb.amazonaws.com`;
            state.arn = `arn:aws:rds:${region}:${acct}:db:${id}`;
            break;
        }
        case "aws:elasticache/replicationGroup:ReplicationGroup": {
            id = String(inputs.replicationGroupId ?? name);
            state.primaryEndpointAddress = `master.${id}.${CACHE_LABEL}.cache.amazonaws.com`;
            state.readerEndpointAddress = `replica.${id}.${CACHE_LABEL}.cache.amazonaws.com`;
            state.memberClusters = Array.from({ length: Number(inputs.numCacheClusters ?? 1) }, (_, i) => `${id}-${String(i + 1).padStart(3, "0")}`);
            state.arn = `arn:aws:elasticache:${region}:${acct}:replicationgroup:${id}`;
            break;
        }
        case "aws:rds/globalCluster:GlobalCluster":
        case "aws:docdb/globalCluster:GlobalCluster":
            id = String(inputs.globalClusterIdentifier ?? name);
            state.arn = `arn:aws:rds::${acct}:global-cluster:${id}`;
            break;
        case "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup":
            // AWS prefixes the suffix with a short id of its own.
            id = `ldgnf-${String(inputs.globalReplicationGroupIdSuffix)}`;
            state.globalReplicationGroupId = id;
            state.arn = `arn:aws:elasticache::${acct}:globalreplicationgroup:${id}`;
            break;
        case "aws:cloudwatch/logGroup:LogGroup":
            id = String(inputs.name ?? name);
            state.arn = `arn:aws:logs:${region}:${acct}:log-group:${id}`;
            break;
        case "aws:backup/vault:Vault":
            id = String(inputs.name ?? name);
            state.arn = `arn:aws:backup:${region}:${acct}:backup-vault:${id}`;
            break;
        case "aws:backup/plan:Plan":
            id = `plan-${hex(name)}`;
            state.arn = `arn:aws:backup:${region}:${acct}:backup-plan:${id}`;
            break;
        case "aws:secretsmanager/secret:Secret":
            state.arn = `arn:aws:secretsmanager:${region}:${acct}:secret:${String(inputs.name ?? name)}-AbCdEf`;
            id = String(state.arn);
            break;
        case "aws:ec2/securityGroup:SecurityGroup":
            id = `sg-0fixture${hex(name)}`;
            break;
        case "aws:iam/role:Role":
            state.arn = `arn:aws:iam::${acct}:role/${String(inputs.name ?? name)}`;
            id = String(inputs.name ?? name);
            break;
        case "random:index/randomPassword:RandomPassword":
            // Recognisable, so that tests can search every input for it. Another generation (keepers) gives
            // another value, as the provider's replacement generates one: a rotation walk sees it travel.
            state.result = `mock-password-${name}${inputs.keepers ? `-${hex(JSON.stringify(inputs.keepers))}` : ""}`;
            break;
        case "random:index/randomId:RandomId":
            state.hex = hex(name);
            break;
    }
    return { id, state };
}

function hex(s: string): string {
    let h = 2166136261;
    for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    return h.toString(16).padStart(8, "0");
}
