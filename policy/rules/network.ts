/**
 * Network exposure: no database is reachable from the internet, database
 * ingress names its clients by security group, and every rule says why it
 * exists (an undescribed rule is one nobody dares to remove). A data store's
 * security groups admit nothing from the internet on any port and send nothing
 * to it (Checkov CKV_AWS_24/25/260/277 ingress, CKV_AWS_382 egress; Trivy
 * AVD-AWS-0107, AVD-AWS-0104), and no declared group is left unattached
 * (Checkov CKV2_AWS_5).
 */
import * as aws from "../../infra/sdk/aws";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { NO_THRESHOLDS, configWithDefaults, schema } from "./lib/config";
import { ids, ofType, referencedBy } from "./lib/references";
import { INTERNET, NormalizedRule, label, portsCovered, rulesOf } from "./lib/securityGroupRules";
import { T } from "./lib/types";
import { peek } from "./lib/values";

const RULE_TYPES = new Set([
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
]);

const databasePorts = {
    type: "array",
    items: { type: "integer", minimum: 1, maximum: 65535 },
    minItems: 1,
    uniqueItems: true,
    default: [5432, 27017, 6379],
    description: "TCP ports of the data stores (PostgreSQL, DocumentDB, Redis); add any non-default port a store uses.",
} as const;

export const noPublicDatabaseInstances: ResourceValidationPolicy = {
    name: "no-public-database-instances",
    description: "No Aurora cluster instance or RDS instance is publicly accessible (Checkov CKV_AWS_17, Trivy AVD-AWS-0180).",
    enforcementLevel: "mandatory",
    remediationSteps: "Set publiclyAccessible: false (the default) and reach the database from inside the VPC or through a peered network.",
    configSchema: NO_THRESHOLDS,
    validateResource: [
        validateResourceOfType(aws.rds.ClusterInstance, (i, _args, report) => {
            if (i.publiclyAccessible === true) report("Aurora instance: publiclyAccessible is true; it gets a public IP address and DNS name.");
        }),
        validateResourceOfType(aws.rds.Instance, (i, _args, report) => {
            if (i.publiclyAccessible === true) report("RDS instance: publiclyAccessible is true; it gets a public IP address and DNS name.");
        }),
    ],
};

const openSchema = schema<{ databasePorts: number[] }>({ databasePorts });

export const noDatabasePortOpenToInternet: ResourceValidationPolicy = {
    name: "no-database-port-open-to-internet",
    description: "No security group rule opens a database port (5432, 27017, 6379 by default) to 0.0.0.0/0 or ::/0.",
    enforcementLevel: "mandatory",
    remediationSteps: "Remove the rule, or replace the CIDR with the client security group (referencedSecurityGroupId).",
    configSchema: openSchema,
    validateResource: (args, report) => {
        if (!RULE_TYPES.has(args.type)) return;
        const { databasePorts: ports } = configWithDefaults(openSchema, args);
        for (const rule of rulesOf(args)) {
            if (rule.direction !== "ingress") continue;
            const open = rule.cidrs.filter((c) => INTERNET.has(c));
            const covered = portsCovered(rule, ports);
            if (open.length > 0 && covered.length > 0) {
                report(`Security group ${label(rule)} opens port ${covered.join(", ")} to ${open.join(" and ")}.`);
            }
        }
    },
};

const ingressSchema = schema<{ databasePorts: number[]; allowedCidrs: string[] }>({
    databasePorts,
    allowedCidrs: {
        type: "array",
        items: { type: "string", pattern: "^[0-9a-fA-F:.]+/[0-9]{1,3}$" },
        default: [],
        description: "Client networks that may still reach database ports by CIDR (e.g. a peered VPC); never 0.0.0.0/0.",
    },
});

export const databaseIngressBySecurityGroup: ResourceValidationPolicy = {
    name: "database-ingress-by-security-group",
    description: "Ingress to a database port names its clients by security group, not by CIDR or prefix list (except configured client networks).",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Replace cidrIpv4/cidrBlocks with referencedSecurityGroupId (the client's security group). " +
        "If a network outside the VPC's security groups must connect, add its CIDR to allowedCidrs in policy/config/<env>.json.",
    configSchema: ingressSchema,
    validateResource: (args, report) => {
        if (!RULE_TYPES.has(args.type)) return;
        const cfg = configWithDefaults(ingressSchema, args);
        for (const rule of rulesOf(args)) {
            if (rule.direction !== "ingress" || portsCovered(rule, cfg.databasePorts).length === 0) continue;
            const cidrs = rule.cidrs.filter((c) => !cfg.allowedCidrs.includes(c));
            if (cidrs.length > 0) report(`Security group ${label(rule)} admits ${cidrs.join(", ")} to a database port by CIDR.`);
            if (rule.prefixListPeer) report(`Security group ${label(rule)} admits a prefix list to a database port.`);
        }
    },
};

export const securityGroupRulesDescribed: ResourceValidationPolicy = {
    name: "security-group-rules-described",
    description: "Every security group and every rule in it carries a description saying what it admits and why.",
    enforcementLevel: "mandatory",
    remediationSteps: 'Set description on the group and on each rule, e.g. "PostgreSQL from client security group sg-...".',
    configSchema: NO_THRESHOLDS,
    validateResource: (args, report) => {
        if (!RULE_TYPES.has(args.type)) return;
        if (args.type === "aws:ec2/securityGroup:SecurityGroup") {
            const d = args.props.description;
            // "Managed by Pulumi" is the provider's default when none is given.
            if (typeof d !== "string" || d.trim() === "" || d === "Managed by Pulumi") report("Security group: no description of its own.");
        }
        for (const rule of rulesOf(args)) {
            if (!rule.description || rule.description.trim() === "") report(`Security group ${label(rule)}: no description.`);
        }
    },
};

/** Data stores and the properties naming their security groups. */
const STORE_GROUPS: { type: string; property: string; store: string }[] = [
    { type: T.rdsCluster, property: "vpcSecurityGroupIds", store: "Aurora cluster" },
    { type: T.rdsDbInstance, property: "vpcSecurityGroupIds", store: "RDS instance" },
    { type: T.docdbCluster, property: "vpcSecurityGroupIds", store: "DocumentDB cluster" },
    { type: T.redisGroup, property: "securityGroupIds", store: "ElastiCache replication group" },
    { type: T.cacheCluster, property: "securityGroupIds", store: "ElastiCache cluster" },
];

/** Properties by which any resource attaches a security group to itself (network interfaces, Lambda VPC configs aside). */
const ATTACHING = ["vpcSecurityGroupIds", "securityGroupIds", "securityGroups"];
const RULE_RESOURCE_TYPES = [T.securityGroupRule, T.sgIngressRule, T.sgEgressRule];

/** The declared groups `r.props[property]` names: by dependency, else by known id. */
function groupsNamedBy(r: PolicyResource, property: string, groups: PolicyResource[]): PolicyResource[] {
    return referencedBy(r, property, groups, (g) => ids(g));
}

/** Every rule in or on a group: its inline blocks and the rule resources whose securityGroupId is the group. */
function rulesOnGroup(group: PolicyResource, all: PolicyResource[]): { rule: NormalizedRule; from: PolicyResource }[] {
    const out = rulesOf(group).map((rule) => ({ rule, from: group }));
    for (const r of ofType(all, ...RULE_RESOURCE_TYPES)) {
        if (groupsNamedBy(r, "securityGroupId", [group]).length > 0) out.push(...rulesOf(r).map((rule) => ({ rule, from: r })));
    }
    return out;
}

const internetSchema = schema<{ allowInternetEgress: boolean }>({
    allowInternetEgress: {
        type: "boolean",
        default: false,
        description: "Let a data store's security groups send to 0.0.0.0/0 or ::/0 (none of Aurora, DocumentDB or ElastiCache needs to; e.g. Aurora's aws_lambda or aws_s3 extensions reached by a public endpoint might).",
    },
});

export const dataStoreNoInternetAccess: StackValidationPolicy = {
    name: "data-store-no-internet-access",
    description:
        "No security group attached to a data store admits 0.0.0.0/0 or ::/0 on any port or protocol, nor (unless configured) lets the store send to them.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Remove the rule, or name the peer by security group (referencedSecurityGroupId). A data store needs no egress rule: responses to its clients pass by connection tracking.",
    configSchema: internetSchema,
    validateStack: (args, report) => {
        const { allowInternetEgress } = configWithDefaults(internetSchema, args);
        const groups = ofType(args.resources, T.securityGroup);
        const seen = new Set<string>();
        for (const s of STORE_GROUPS) {
            for (const store of ofType(args.resources, s.type)) {
                for (const g of groupsNamedBy(store, s.property, groups)) {
                    if (seen.has(g.urn)) continue;
                    seen.add(g.urn);
                    for (const { rule, from } of rulesOnGroup(g, args.resources)) {
                        const open = rule.cidrs.filter((c) => INTERNET.has(c));
                        if (open.length === 0 || (rule.direction === "egress" && allowInternetEgress)) continue;
                        const ports = rule.protocol === "all" ? "every port and protocol" : `${rule.protocol} ${rule.fromPort}-${rule.toPort}`;
                        const verb = rule.direction === "ingress" ? "admits" : "lets it send to";
                        report(`Security group ${g.name} of ${s.store} ${store.name}: ${from === g ? label(rule) : `${from.name}`} ${verb} ${open.join(" and ")} on ${ports}.`, from.urn);
                    }
                }
            }
        }
    },
};

export const securityGroupsAttached: StackValidationPolicy = {
    name: "security-groups-attached",
    description: "Every security group the stack declares is attached to a resource (a data store's, or anything else's): an unattached group is a rule set nobody reviews until it is reused.",
    enforcementLevel: "mandatory",
    remediationSteps: "Delete the unused aws.ec2.SecurityGroup (and its rules), or attach it where it belongs (vpcSecurityGroupIds / securityGroupIds).",
    configSchema: NO_THRESHOLDS,
    validateStack: (args, report) => {
        const groups = ofType(args.resources, T.securityGroup);
        const attached = new Set<string>();
        for (const r of args.resources) {
            if (r.type === T.securityGroup || RULE_RESOURCE_TYPES.includes(r.type as (typeof RULE_RESOURCE_TYPES)[number])) continue;
            for (const p of ATTACHING) if (p in r.props) for (const g of groupsNamedBy(r, p, groups)) attached.add(g.urn);
        }
        for (const g of groups) if (!attached.has(g.urn)) report(`Security group ${g.name} is attached to nothing this stack declares.`, g.urn);
    },
};

/**
 * A cache without a subnet group of its own lands in the default subnet group,
 * i.e. the default VPC's subnets (Checkov CKV_AWS_323), outside the private
 * subnets and security groups this stack names.
 */
export const cacheSubnetGroup: ResourceValidationPolicy = {
    name: "cache-subnet-group",
    description: "Every ElastiCache replication group and standalone cluster names a subnet group (never the default one).",
    enforcementLevel: "mandatory",
    remediationSteps: "Declare an aws.elasticache.SubnetGroup of the stack's private subnets and set subnetGroupName to it.",
    configSchema: NO_THRESHOLDS,
    validateResource: (args, report) => {
        if (args.type !== T.redisGroup && args.type !== T.cacheCluster) return;
        // A cluster that joins a replication group takes the group's subnets; a global datastore secondary names its own.
        if (args.type === T.cacheCluster && "replicationGroupId" in args.props) return;
        const v = peek(() => args.props.subnetGroupName);
        if (v === undefined || v === "" || v === "default") report(`ElastiCache ${args.type === T.redisGroup ? "replication group" : "cluster"}: subnetGroupName is ${v === "default" ? '"default"' : "not set"}, so the default VPC's subnets are used.`);
    },
};

const IAM_ROLE = "aws:iam/role:Role";
const ROLE_POLICY_RESOURCES = ["aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive"];

/**
 * One owner per rule set (AWSGuard security-group-no-rule-management-conflicts and
 * iam-role-no-policy-management-conflicts): a security group with inline rules and
 * separate rule resources, or a role with inline/managed policy lists and separate
 * policy resources, is rewritten by each side at every up, so a rule one side adds
 * is silently removed by the other (the provider's documentation warns against it).
 */
export const noSplitRuleManagement: StackValidationPolicy = {
    name: "no-split-rule-management",
    description: "A security group's rules, and an IAM role's policies, are declared one way only: inline on the resource or as separate resources, never both.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Move the inline ingress/egress blocks into aws.vpc.SecurityGroupIngressRule/EgressRule resources (or the reverse); for a role, drop inlinePolicies/managedPolicyArns in favour of RolePolicy/RolePolicyAttachment resources.",
    configSchema: NO_THRESHOLDS,
    validateStack: (args, report) => {
        for (const g of ofType(args.resources, T.securityGroup)) {
            const inline = ["ingress", "egress"].filter((k) => k in g.props && knownLength(g.props, k) !== 0);
            if (inline.length === 0) continue;
            const separate = ofType(args.resources, ...RULE_RESOURCE_TYPES).filter((r) => groupsNamedBy(r, "securityGroupId", [g]).length > 0);
            if (separate.length) report(`Security group ${g.name} has inline ${inline.join(" and ")} rules and separate rule resources (${separate.map((r) => r.name).join(", ")}).`, g.urn);
        }
        for (const role of ofType(args.resources, IAM_ROLE)) {
            const inline = ["inlinePolicies", "managedPolicyArns"].filter((k) => k in role.props && knownLength(role.props, k) !== 0);
            if (inline.length === 0) continue;
            const separate = ofType(args.resources, ...ROLE_POLICY_RESOURCES).filter((r) => referencedBy(r, "role", [role], (x) => ids(x, "name", "arn")).length > 0);
            if (separate.length) report(`IAM role ${role.name} sets ${inline.join(" and ")} and has separate policy resources (${separate.map((r) => r.name).join(", ")}).`, role.urn);
        }
    },
};

/** The length of a known list property; undefined when unknown (an unknown list is treated as set). */
function knownLength(props: Record<string, unknown>, key: string): number | undefined {
    const v = peek(() => props[key]);
    return Array.isArray(v) ? v.length : undefined;
}
