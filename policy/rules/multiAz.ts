/**
 * Surviving the loss of an availability zone: at least two instances of each
 * cluster in distinct zones, Redis with a replica and automatic failover.
 * It looks at clusters together with their instances, so it is a stack policy.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configWithDefaults, schema } from "./lib/config";
import { ids, ofType, referencedBy } from "./lib/references";
import { T } from "./lib/types";
import { UNKNOWN, peek } from "./lib/values";

const multiAzSchema = schema<{ required: boolean; minimumInstances: number; minimumZones: number }>({
    required: { type: "boolean", default: true, description: "Whether this environment requires multi-AZ stores." },
    minimumInstances: { type: "integer", minimum: 2, maximum: 16, default: 2, description: "Fewest instances per Aurora/DocumentDB cluster." },
    minimumZones: { type: "integer", minimum: 2, maximum: 6, default: 2, description: "Fewest distinct availability zones those instances occupy." },
});

type Report = (message: string, urn?: string) => void;

function checkCluster(
    cluster: PolicyResource,
    instances: PolicyResource[],
    store: string,
    cfg: { minimumInstances: number; minimumZones: number },
    report: Report,
) {
    const members = instances.filter((i) => referencedBy(i, "clusterIdentifier", [cluster], (c) => ids(c, "clusterIdentifier")).length > 0);
    if (members.length < cfg.minimumInstances) {
        report(`${store} cluster ${cluster.name} has ${members.length} instance(s); at least ${cfg.minimumInstances} are required.`, cluster.urn);
        return;
    }
    const zones = new Set<string>();
    let unplaced = 0;
    for (const m of members) {
        const az = peek(() => m.props.availabilityZone);
        if (typeof az === "string") zones.add(az);
        else if (az !== UNKNOWN) unplaced++;
    }
    if (zones.size < cfg.minimumZones) {
        const note = unplaced ? ` (${unplaced} without availabilityZone, placed by AWS wherever it likes)` : "";
        report(`${store} cluster ${cluster.name} has instances in ${zones.size} availability zone(s)${note}; at least ${cfg.minimumZones} distinct zones are required.`, cluster.urn);
    }
}

export const multiAz: StackValidationPolicy = {
    name: "multi-az",
    description:
        "Where the environment requires it, every Aurora and DocumentDB cluster has at least two instances in distinct availability zones, and every Redis replication group has a replica, automatic failover and multi-AZ on.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Aurora/DocumentDB: add reader instances and set each instance's availabilityZone to a different zone of the subnet group (this repo: aurora.instances >= 2 and one private subnet per zone). " +
        "Redis: numCacheClusters >= 2 (or replicasPerNodeGroup >= 1), automaticFailoverEnabled: true, multiAzEnabled: true.",
    configSchema: multiAzSchema,
    validateStack: (args, report) => {
        const cfg = configWithDefaults(multiAzSchema, args);
        if (!cfg.required) return;
        const rdsInstances = ofType(args.resources, T.rdsInstance);
        for (const c of ofType(args.resources, T.rdsCluster)) checkCluster(c, rdsInstances, "Aurora", cfg, report);
        const docdbInstances = ofType(args.resources, T.docdbInstance);
        for (const c of ofType(args.resources, T.docdbCluster)) checkCluster(c, docdbInstances, "DocumentDB", cfg, report);
        // A plain RDS instance (no component declares one) is multi-AZ by its own flag (Checkov CKV_AWS_157, AWSGuard rds-instance-multi-az-enabled).
        for (const i of ofType(args.resources, T.rdsDbInstance)) {
            if (peek(() => i.props.multiAz) !== true) report(`RDS instance ${i.name}: multiAz is not true.`, i.urn);
        }
        // A standalone cache cluster is one node: nothing to fail over to.
        for (const c of ofType(args.resources, T.cacheCluster)) {
            if (!("replicationGroupId" in c.props)) report(`ElastiCache cluster ${c.name} stands alone (no replication group): a single node with no replica.`, c.urn);
        }
        for (const rg of ofType(args.resources, T.redisGroup)) {
            const p = rg.props;
            const nodes = peek(() => p.numCacheClusters);
            const replicas = peek(() => p.replicasPerNodeGroup);
            const hasReplica = (typeof nodes === "number" && nodes >= 2) || (typeof replicas === "number" && replicas >= 1) || nodes === UNKNOWN || replicas === UNKNOWN;
            if (!hasReplica) report(`ElastiCache replication group ${rg.name} has no replica (numCacheClusters < 2 and replicasPerNodeGroup < 1).`, rg.urn);
            if (peek(() => p.automaticFailoverEnabled) === false || !("automaticFailoverEnabled" in p)) {
                report(`ElastiCache replication group ${rg.name}: automaticFailoverEnabled is not true.`, rg.urn);
            }
            if (peek(() => p.multiAzEnabled) === false || !("multiAzEnabled" in p)) report(`ElastiCache replication group ${rg.name}: multiAzEnabled is not true.`, rg.urn);
        }
    },
};
