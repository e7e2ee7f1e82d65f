/**
 * TLS enforced between clients and every store.
 *
 * Aurora PostgreSQL and DocumentDB enforce TLS through a cluster parameter, so
 * the rule needs two resources: the parameter group must set it AND the cluster
 * must use that group (a group nobody uses protects nothing). These are stack
 * policies for that reason. Redis says it on the replication group itself.
 */
import * as aws from "@pulumi/aws";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { NO_THRESHOLDS } from "./lib/config";
import { ids, ofType, parametersOf, resolveOne } from "./lib/references";
import { T } from "./lib/types";
import { isSet, knownList, knownString } from "./lib/values";

type StackReport = (message: string, urn?: string) => void;

/** Checks that each cluster uses a declared parameter group whose `parameter` passes `ok`. */
function checkClusterParameter(
    resources: PolicyResource[],
    clusters: PolicyResource[],
    groupType: string,
    parameter: string,
    ok: (value: string | undefined) => boolean,
    expected: string,
    store: string,
    report: StackReport,
) {
    const groups = ofType(resources, groupType);
    for (const cluster of clusters) {
        const ref = resolveOne(cluster, "dbClusterParameterGroupName", groups, (g) => ids(g, "name"));
        if (ref.kind === "unset") {
            report(`${store} cluster ${cluster.name} uses the default cluster parameter group, which does not set ${parameter}=${expected}.`, cluster.urn);
        } else if (ref.kind === "external") {
            report(
                `${store} cluster ${cluster.name} uses parameter group "${ref.value}", which this stack does not declare, so ${parameter}=${expected} cannot be verified.`,
                cluster.urn,
            );
        } else {
            const value = parametersOf(ref.resource).get(parameter);
            if (!ok(value)) {
                report(
                    `${store} cluster ${cluster.name} uses parameter group ${ref.resource.name}, which sets ${parameter}=${value ?? "(unset)"}; ${parameter}=${expected} is required.`,
                    cluster.urn,
                );
            }
        }
    }
}

export const auroraTlsEnforced: StackValidationPolicy = {
    name: "aurora-tls-enforced",
    description: "Every Aurora PostgreSQL cluster uses a cluster parameter group of this stack that sets rds.force_ssl=1.",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Declare an aws.rds.ClusterParameterGroup with { name: "rds.force_ssl", value: "1" } and set the cluster\'s dbClusterParameterGroupName to it. ' +
        "The parameter is dynamic: no reboot.",
    configSchema: NO_THRESHOLDS,
    validateStack: (args, report) => {
        const clusters = ofType(args.resources, T.rdsCluster).filter((c) => knownString(() => c.props.engine) === "aurora-postgresql");
        checkClusterParameter(args.resources, clusters, T.rdsClusterParams, "rds.force_ssl", (v) => v === "1", "1", "Aurora PostgreSQL", report);
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
            "DocumentDB",
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
