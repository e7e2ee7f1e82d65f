/**
 * Disaster recovery across regions: global clusters (Aurora, DocumentDB) and
 * the ElastiCache global datastore. A global cluster whose members all sit in
 * one region protects nothing; a secondary must be encrypted with a key of its
 * own region (KMS keys are regional); members on different engine versions
 * cannot replicate.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configWithDefaults, schema } from "./lib/config";
import { keyRegion } from "./lib/kms";
import { ids, ofType, referencedBy } from "./lib/references";
import { regionOf } from "./lib/regions";
import { T } from "./lib/types";
import { knownString, peek } from "./lib/values";

type Report = (message: string, urn?: string) => void;

interface Topology {
    global: PolicyResource;
    /** Members with the primary first when it is known. */
    members: PolicyResource[];
    primaryRegion?: string;
}

/** Aurora/DocumentDB: members name the global cluster; a global cluster built from a cluster names it as source. */
function clusterTopologies(resources: PolicyResource[], globalType: string, clusterType: string): Topology[] {
    const clusters = ofType(resources, clusterType);
    return ofType(resources, globalType).map((g) => {
        const source = referencedBy(g, "sourceDbClusterIdentifier", clusters, (c) => ids(c, "arn", "clusterIdentifier"));
        const joined = clusters.filter((c) => referencedBy(c, "globalClusterIdentifier", [g], (x) => ids(x, "globalClusterIdentifier")).length > 0);
        const members = [...new Set([...source, ...joined])];
        return { global: g, members, primaryRegion: regionOf(source[0] ?? g) };
    });
}

/** ElastiCache: the global datastore names its primary group; secondaries name the datastore. */
function redisTopologies(resources: PolicyResource[]): Topology[] {
    const groups = ofType(resources, T.redisGroup);
    return ofType(resources, T.redisGlobalGroup).map((g) => {
        const primary = referencedBy(g, "primaryReplicationGroupId", groups, (r) => ids(r, "replicationGroupId"));
        const secondaries = groups.filter((r) => referencedBy(r, "globalReplicationGroupId", [g], (x) => ids(x, "globalReplicationGroupId")).length > 0);
        return { global: g, members: [...new Set([...primary, ...secondaries])], primaryRegion: regionOf(primary[0] ?? g) };
    });
}

function major(version: string): string {
    return version.split(".")[0];
}

/** Regions other than `home` in which the stack declares a KMS key: where another stack's secondaries will be encrypted. */
function keyRegionsBesides(resources: PolicyResource[], home: string | undefined): string[] {
    return [...new Set(ofType(resources, T.kmsKey).map((k) => regionOf(k)))].filter((r): r is string => r !== undefined && r !== home);
}

function checkTopology(t: Topology, kind: string, checkVersions: boolean, secondariesElsewhere: string[] | undefined, report: Report) {
    const { global: g } = t;
    const outside = t.members.filter((m) => {
        const r = regionOf(m);
        return r !== undefined && t.primaryRegion !== undefined && r !== t.primaryRegion;
    });
    if (outside.length === 0 && secondariesElsewhere === undefined) {
        report(`${kind} ${g.name} has no member outside its primary region ${t.primaryRegion ?? "(unknown)"}.`, g.urn);
    } else if (outside.length === 0 && secondariesElsewhere!.length === 0) {
        report(
            `${kind} ${g.name} has no member outside its primary region ${t.primaryRegion ?? "(unknown)"}, and the stack prepares no key in another region for the secondaries another stack declares.`,
            g.urn,
        );
    }
    for (const m of t.members) {
        const region = regionOf(m);
        const keyIn = keyRegion(m, "kmsKeyId");
        if (!("kmsKeyId" in m.props)) report(`${kind} ${g.name}: member ${m.name} names no KMS key of its own region.`, m.urn);
        else if (keyIn !== undefined && region !== undefined && keyIn !== region) {
            report(`${kind} ${g.name}: member ${m.name} in ${region} is encrypted with a key in ${keyIn}; KMS keys are regional, use one in ${region}.`, m.urn);
        }
    }
    if (checkVersions) {
        const versions = [g, ...t.members]
            .map((r) => ({ r, v: knownString(() => r.props.engineVersion) }))
            .filter((x): x is { r: PolicyResource; v: string } => x.v !== undefined);
        const majors = new Set(versions.map((x) => major(x.v)));
        if (majors.size > 1) {
            report(`${kind} ${g.name}: engine versions differ (${versions.map((x) => `${x.r.name} ${x.v}`).join(", ")}); all members need the same major version.`, g.urn);
        }
        const engines = new Set([g, ...t.members].map((r) => knownString(() => r.props.engine)).filter((e) => e !== undefined));
        if (engines.size > 1) report(`${kind} ${g.name}: members run different engines (${[...engines].join(", ")}).`, g.urn);
    }
}

const topologySchema = schema<{ secondariesInOtherStacks: boolean }>({
    secondariesInOtherStacks: {
        type: "boolean",
        default: false,
        description:
            "The secondaries are declared by another stack (this repository's dr stack), so that the DR region never depends on the primary region's stack. " +
            "A global cluster then needs, instead of a member in another region, a KMS key the stack prepares in another region for them.",
    },
});

export const globalClusterTopology: StackValidationPolicy = {
    name: "global-cluster-topology",
    description:
        "Every Aurora/DocumentDB global cluster and ElastiCache global datastore has a member outside the primary region (or, where another stack declares the secondaries, a key prepared for them in another region), each member is encrypted with a KMS key of its own region, and members run the same engine and major version.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Add a secondary cluster (or replication group) in the DR region through a provider for that region (or the region input), " +
        "with kmsKeyId a key declared in that region, and the same engine and engineVersion as the global cluster.",
    configSchema: topologySchema,
    validateStack: (args, report) => {
        const elsewhere = configWithDefaults(topologySchema, args).secondariesInOtherStacks;
        const secondaryKeys = (t: Topology) => (elsewhere ? keyRegionsBesides(args.resources, t.primaryRegion) : undefined);
        for (const t of clusterTopologies(args.resources, T.rdsGlobalCluster, T.rdsCluster)) checkTopology(t, "Aurora global cluster", true, secondaryKeys(t), report);
        for (const t of clusterTopologies(args.resources, T.docdbGlobalCluster, T.docdbCluster)) checkTopology(t, "DocumentDB global cluster", true, secondaryKeys(t), report);
        // Secondaries of a global datastore inherit engine and version from it.
        for (const t of redisTopologies(args.resources)) checkTopology(t, "ElastiCache global datastore", false, secondaryKeys(t), report);
    },
};

const requiredSchema = schema<{ required: boolean }>({
    required: { type: "boolean", default: true, description: "Whether every store must be replicated to another region (a member of a global cluster or datastore)." },
});

export const globalClusterRequired: StackValidationPolicy = {
    name: "global-cluster-required",
    description: "Where the environment requires it, every Aurora and DocumentDB cluster is in a global cluster, and every Redis replication group in a global datastore.",
    enforcementLevel: "mandatory",
    remediationSteps: "Create the global cluster from the existing cluster (sourceDbClusterIdentifier) or join the cluster to one (globalClusterIdentifier); Redis: an aws.elasticache.GlobalReplicationGroup with this group as primary.",
    configSchema: requiredSchema,
    validateStack: (args, report) => {
        if (!configWithDefaults(requiredSchema, args).required) return;
        const topologies = [
            ...clusterTopologies(args.resources, T.rdsGlobalCluster, T.rdsCluster),
            ...clusterTopologies(args.resources, T.docdbGlobalCluster, T.docdbCluster),
            ...redisTopologies(args.resources),
        ];
        const replicated = new Set(topologies.flatMap((t) => t.members.map((m) => m.urn)));
        for (const r of ofType(args.resources, T.rdsCluster, T.docdbCluster, T.redisGroup)) {
            // A member may also join by a known identifier the stack does not declare (the global cluster lives elsewhere).
            const joinsElsewhere = typeof peek(() => r.props.globalClusterIdentifier ?? r.props.globalReplicationGroupId) === "string";
            if (!replicated.has(r.urn) && !joinsElsewhere) report(`${r.name} is not replicated to another region (no global cluster or datastore).`, r.urn);
        }
    },
};
