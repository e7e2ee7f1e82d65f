/**
 * TLS enforced between clients and every store.
 *
 * Aurora PostgreSQL and DocumentDB enforce TLS through a cluster parameter, so
 * the rule needs two resources: the parameter group must set it AND the cluster
 * must use that group (a group nobody uses protects nothing). These are stack
 * policies for that reason. Redis says it on the replication group itself.
 */
import * as aws from "../../infra/sdk/aws";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { NO_THRESHOLDS, configWithDefaults, schema } from "./lib/config";
import { ids, ofType, parametersOf, resolveOne } from "./lib/references";
import { T } from "./lib/types";
import { isSet, knownList, knownString } from "./lib/values";

type StackReport = (message: string, urn?: string) => void;

/** Where a store names its parameter group: clusters their cluster parameter group, a plain RDS instance its DB parameter group. */
interface GroupRef {
    property: string;
    /** "cluster parameter group" or "parameter group", for messages. */
    kind: string;
}
const CLUSTER_GROUP: GroupRef = { property: "dbClusterParameterGroupName", kind: "cluster parameter group" };
/** A plain RDS instance (no component declares one; Checkov CKV2_AWS_69 asks force_ssl of it too). */
export const INSTANCE_GROUP: GroupRef = { property: "parameterGroupName", kind: "parameter group" };

/** Checks that each store uses a declared parameter group whose `parameter` passes `ok`. */
function checkClusterParameter(
    resources: PolicyResource[],
    clusters: PolicyResource[],
    groupType: string,
    parameter: string,
    ok: (value: string | undefined) => boolean,
    expected: string,
    store: string,
    report: StackReport,
    ref: GroupRef = CLUSTER_GROUP,
) {
    const groups = ofType(resources, groupType);
    for (const cluster of clusters) {
        const found = resolveOne(cluster, ref.property, groups, (g) => ids(g, "name"));
        if (found.kind === "unset") {
            report(`${store} ${cluster.name} uses the default ${ref.kind}, which does not set ${parameter}=${expected}.`, cluster.urn);
        } else if (found.kind === "external") {
            report(
                `${store} ${cluster.name} uses parameter group "${found.value}", which this stack does not declare, so ${parameter}=${expected} cannot be verified.`,
                cluster.urn,
            );
        } else {
            const value = parametersOf(found.resource).get(parameter);
            if (!ok(value)) {
                report(
                    `${store} ${cluster.name} uses parameter group ${found.resource.name}, which sets ${parameter}=${value ?? "(unset)"}; ${parameter}=${expected} is required.`,
                    cluster.urn,
                );
            }
        }
    }
}

export const auroraTlsEnforced: StackValidationPolicy = {
    name: "aurora-tls-enforced",
    description: "Every Aurora PostgreSQL cluster (and plain RDS PostgreSQL instance) uses a parameter group of this stack that sets rds.force_ssl=1.",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Declare an aws.rds.ClusterParameterGroup with { name: "rds.force_ssl", value: "1" } and set the cluster\'s dbClusterParameterGroupName to it. ' +
        "The parameter is dynamic: no reboot.",
    configSchema: NO_THRESHOLDS,
    validateStack: (args, report) => {
        const clusters = ofType(args.resources, T.rdsCluster).filter((c) => knownString(() => c.props.engine) === "aurora-postgresql");
        checkClusterParameter(args.resources, clusters, T.rdsClusterParams, "rds.force_ssl", (v) => v === "1", "1", "Aurora PostgreSQL cluster", report);
        const instances = ofType(args.resources, T.rdsDbInstance).filter((i) => knownString(() => i.props.engine) === "postgres" && !("replicateSourceDb" in i.props));
        checkClusterParameter(args.resources, instances, T.rdsParams, "rds.force_ssl", (v) => v === "1", "1", "RDS PostgreSQL instance", report, INSTANCE_GROUP);
    },
};

export const documentDbTlsEnforced: StackValidationPolicy = {
    name: "documentdb-tls-enforced",
    description: "Every DocumentDB cluster uses a cluster parameter group of this stack that sets tls=enabled (or a stricter TLS mode).",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Declare an aws.docdb.ClusterParameterGroup with { name: "tls", value: "enabled" } and set the cluster\'s dbClusterParameterGroupName to it. ' +
        "tls is static: instances pick it up at their next reboot.",
    configSchema: NO_THRESHOLDS,
    validateStack: (args, report) => {
        // Values DocumentDB accepts that all require TLS; "disabled" is the only one that does not.
        const tlsOn = new Set(["enabled", "tls1.2+", "tls1.3+", "fips-140-3"]);
        checkClusterParameter(
            args.resources,
            ofType(args.resources, T.docdbCluster),
            T.docdbClusterParams,
            "tls",
            (v) => v !== undefined && tlsOn.has(v),
            "enabled",
            "DocumentDB cluster",
            report,
        );
    },
};

export const redisTlsAndAuth: ResourceValidationPolicy = {
    name: "redis-tls-and-auth",
    description: "ElastiCache replication groups require in-transit encryption and authenticate clients with an AUTH token or a user group.",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Set transitEncryptionEnabled: true with transitEncryptionMode "required" (not "preferred", which still accepts plaintext), ' +
        "and authToken (a Pulumi secret from a generated password) or userGroupIds.",
    configSchema: NO_THRESHOLDS,
    validateResource: validateResourceOfType(aws.elasticache.ReplicationGroup, (rg, _args, report) => {
        // A secondary of a global datastore may not declare transit encryption (the provider's
        // global_replication_group_id ConflictsWith it): it runs with its datastore's, which is its
        // primary's, and this policy judges that one in the primary's stack.
        const secondary = isSet(rg, "globalReplicationGroupId");
        if (!secondary && rg.transitEncryptionEnabled !== true) report("ElastiCache replication group: transitEncryptionEnabled is not true.");
        // Unset mode means "required" once encryption is on; "preferred" is the migration mode.
        else if (!secondary && isSet(rg, "transitEncryptionMode") && rg.transitEncryptionMode !== "required") {
            report(`ElastiCache replication group: transitEncryptionMode is "${rg.transitEncryptionMode}"; "required" is needed.`);
        }
        // Presence only: the token itself is a secret and is never read.
        const hasToken = isSet(rg, "authToken") || isSet(rg, "authTokenWo");
        const userGroups = knownList(() => rg.userGroupIds as string[] | undefined);
        if (!hasToken && userGroups.items.length === 0 && !userGroups.unknown) {
            report("ElastiCache replication group: neither authToken nor userGroupIds is set, so any client on the network can connect.");
        }
    }),
};

const caSchema = schema<{ allowedCertificateAuthorities: string[] }>({
    allowedCertificateAuthorities: {
        type: "array",
        items: { type: "string", minLength: 1 },
        minItems: 1,
        uniqueItems: true,
        default: ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"],
        description: "Certificate authorities an instance's server certificate may come from (the RDS CAs valid to 2061 and later; rds-ca-2019 expired in 2024).",
    },
});

/**
 * The server certificate's CA (Checkov CKV_AWS_211 "RDS uses a modern CaCert").
 * An unset caCertIdentifier takes the region's default, which AWS made
 * rds-ca-rsa2048-g1 for instances created after its rds-ca-2019 rotation
 * (AWS "Rotating your SSL/TLS certificate" guide; not checkable on this
 * machine); the verifiers check the chain against the global bundle either way.
 */
export const rdsCaCertificate: ResourceValidationPolicy = {
    name: "rds-ca-certificate",
    description: "Aurora, RDS and DocumentDB instances that name a server-certificate CA name a current one (not rds-ca-2019).",
    enforcementLevel: "mandatory",
    remediationSteps: 'Set caCertIdentifier to "rds-ca-rsa2048-g1" (or leave it unset for the current default); clients verify against the RDS global bundle, which holds every current CA.',
    configSchema: caSchema,
    validateResource: (args, report) => {
        if (![T.rdsInstance, T.rdsDbInstance, T.docdbInstance].includes(args.type as typeof T.rdsInstance)) return;
        const ca = knownString(() => args.props.caCertIdentifier);
        const { allowedCertificateAuthorities } = configWithDefaults(caSchema, args);
        if (ca !== undefined && !allowedCertificateAuthorities.includes(ca)) report(`Instance: caCertIdentifier is "${ca}"; allowed: ${allowedCertificateAuthorities.join(", ")}.`);
    },
};
