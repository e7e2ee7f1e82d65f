/**
 * Network exposure: no database is reachable from the internet, database
 * ingress names its clients by security group, and every rule says why it
 * exists (an undescribed rule is one nobody dares to remove).
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { NO_THRESHOLDS, configWithDefaults, schema } from "./lib/config";
import { INTERNET, label, portsCovered, rulesOf } from "./lib/securityGroupRules";

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
    description: "No Aurora cluster instance is publicly accessible.",
    enforcementLevel: "mandatory",
    remediationSteps: "Set publiclyAccessible: false (the default) and reach the database from inside the VPC or through a peered network.",
    configSchema: NO_THRESHOLDS,
    validateResource: validateResourceOfType(aws.rds.ClusterInstance, (i, _args, report) => {
        if (i.publiclyAccessible === true) report("Aurora instance: publiclyAccessible is true; it gets a public IP address and DNS name.");
    }),
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
