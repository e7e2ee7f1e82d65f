/** Resource types of the ec2 service (and the vpc module's security group rules). Sources: each spec's `source`, each rule's. */
import { tagRules } from "./common";
import { identifier, known, ResourceTypeSpec, TF } from "./spec";

const EC2_API = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference";
/** CreateSecurityGroup GroupName and GroupDescription (VPC): a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$* */
const SG_TEXT = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;
/** IpRange/UserIdGroupPair Description: the same without "&". */
const RULE_DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=;{}!$*]*$/;

function textProblem(v: unknown, what: string, pattern: RegExp, allowed: string): string | undefined {
    if (!known(v) || typeof v !== "string") return undefined;
    if (v.length > 255) return `${what} of ${v.length} characters; at most 255`;
    if (!pattern.test(v)) {
        const bad = [...new Set([...v].filter((c) => !pattern.test(c)))].map((c) => JSON.stringify(c)).join(" ");
        return `${what} ${JSON.stringify(v)} holds ${bad}, which EC2 refuses; allowed: ${allowed}`;
    }
    return undefined;
}

/** Whether a string is an IPv4 network address in CIDR form (host bits zero), as fwvalidators.IPv4CIDRNetworkAddress checks. */
export function ipv4Network(v: string): boolean {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(v);
    if (!m) return false;
    const octets = m.slice(1, 5).map(Number);
    const bits = Number(m[5]);
    if (octets.some((o) => o > 255) || bits > 32) return false;
    const addr = octets.reduce((a, o) => a * 256 + o, 0);
    const hostSize = 2 ** (32 - bits);
    return addr % hostSize === 0;
}

/** A loose IPv6 CIDR check (the shape, and a prefix length of 0-128). */
function ipv6Cidr(v: string): boolean {
    const [addr, len] = v.split("/");
    return len !== undefined && /^\d{1,3}$/.test(len) && Number(len) <= 128 && /^[0-9a-fA-F:]+$/.test(addr) && addr.includes(":");
}

/** The protocols EC2 takes for a rule: a name, -1 (all) or a protocol number 0-255; what the provider normalises. */
function protocolOf(v: unknown): "tcp" | "udp" | "icmp" | "icmpv6" | "all" | "number" | undefined {
    const s = String(v).toLowerCase();
    if (s === "tcp" || s === "6") return "tcp";
    if (s === "udp" || s === "17") return "udp";
    if (s === "icmp" || s === "1") return "icmp";
    if (s === "icmpv6" || s === "58") return "icmpv6";
    if (s === "-1" || s === "all") return "all";
    if (/^\d{1,3}$/.test(s) && Number(s) <= 255) return "number";
    return undefined;
}

const SOURCES = ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"] as const;
const setNotSet = { when: "the rule's source kind changes (the provider's ModifyPlan replaces then)", test: (b: unknown, a: unknown) => (b === undefined) !== (a === undefined) };

export const SPECS: ResourceTypeSpec[] = [
    {
        type: "aws:ec2/securityGroup:SecurityGroup",
        source: `${TF}/ec2/vpc_security_group.go`,
        example: {
            name: "mlops-prod-mlflow-postgres",
            description: "PostgreSQL (Aurora mlops-prod-mlflow): clients on TCP 5432 only",
            vpcId: "vpc-0f0d000000000d001",
            revokeRulesOnDelete: true,
            tags: { Name: "mlops-prod-mlflow-postgres", environment: "prod" },
        },
        rules: [
            {
                id: "ec2-security-group-name",
                property: "name",
                origin: "provider",
                // vpc_security_group.go name: StringLenBetween(0, 255), must not begin with "sg-".
                source: `${TF}/ec2/vpc_security_group.go (name)`,
                check: (inputs) => {
                    const n = inputs.name;
                    if (!known(n) || typeof n !== "string") return undefined;
                    if (n.length > 255) return `name of ${n.length} characters; at most 255`;
                    if (n.startsWith("sg-")) return `name ${JSON.stringify(n)} begins with "sg-", which is reserved for security group ids`;
                    return undefined;
                },
                cases: { pass: [{ name: "mlops-dev-cache-cache" }], fail: [{ name: "sg-mlops" }, { name: "n".repeat(256) }] },
            },
            {
                id: "ec2-security-group-name-characters",
                property: "name",
                origin: "aws",
                source: `${EC2_API}/API_CreateSecurityGroup.html (GroupName)`,
                check: (inputs) => textProblem(inputs.name, "name", SG_TEXT, "a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*"),
                cases: { pass: [{ name: "mlops_prod:db (a)" }], fail: [{ name: "mlops-prod-é" }, { name: "mlops|prod" }] },
            },
            {
                id: "ec2-security-group-name-conflicts",
                property: "namePrefix",
                origin: "provider",
                source: `${TF}/ec2/vpc_security_group.go (name ConflictsWith name_prefix)`,
                check: (inputs) => (inputs.name !== undefined && inputs.namePrefix !== undefined ? `name and namePrefix conflict: set one (name is ${JSON.stringify(inputs.name)})` : undefined),
                cases: { pass: [{ name: undefined, namePrefix: "mlops-" }], fail: [{ namePrefix: "mlops-" }] },
            },
            {
                id: "ec2-security-group-description",
                property: "description",
                origin: "aws",
                // The provider checks only the length (0-255); CreateSecurityGroup refuses any other character
                // than these in a VPC security group's description (no non-ASCII, no "|", no quotes).
                source: `${TF}/ec2/vpc_security_group.go (description); ${EC2_API}/API_CreateSecurityGroup.html (GroupDescription)`,
                check: (inputs) =>
                    inputs.description === ""
                        ? 'description is "": GroupDescription is required (leave it unset for "Managed by Pulumi")'
                        : textProblem(inputs.description, "description", SG_TEXT, "a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*"),
                cases: {
                    pass: [{ description: "Valkey (ElastiCache mlops-dev-cache): clients on TCP 6379 only" }, { description: undefined }],
                    fail: [{ description: "PostgreSQL – clients only" }, { description: "clients' port" }, { description: "d".repeat(256) }, { description: "" }],
                },
            },
            {
                id: "ec2-security-group-vpc",
                property: "vpcId",
                origin: "aws",
                // CreateSecurityGroup VpcId: "Required for a nondefault VPC"; the platform's networks are given
                // and never the default VPC, so a group without one would land in the wrong network.
                source: `${EC2_API}/API_CreateSecurityGroup.html (VpcId)`,
                check: (inputs) => {
                    const v = inputs.vpcId;
                    if (v === undefined) return "vpcId is not set: the group would be created in the region's default VPC, not the stack's network";
                    return known(v) && !/^vpc-[0-9a-f]{8,17}$/.test(String(v)) ? `vpcId ${JSON.stringify(v)} is not a VPC id (vpc-<hex>)` : undefined;
                },
                cases: { pass: [{ vpcId: "vpc-0123456789abcdef0" }], fail: [{ vpcId: undefined }, { vpcId: "my-vpc" }] },
            },
            ...tagRules("aws-ec2-security-group"),
        ],
        forceNew: [
            // The provider's default is "Managed by Terraform"; @pulumi/aws's SDK sets "Managed by Pulumi" itself
            // (ec2/securityGroup.js), so that is the value an unset description stands for.
            { property: "description", default: "Managed by Pulumi" },
            identifier("name"),
            identifier("namePrefix"),
            identifier("vpcId"),
        ],
    },
    {
        type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        source: `${TF}/ec2/vpc_security_group_ingress_rule.go`,
        example: {
            description: "PostgreSQL (Aurora mlops-prod-mlflow) from client security group sg-0f0d000000000c001",
            fromPort: 5432,
            toPort: 5432,
            ipProtocol: "tcp",
            referencedSecurityGroupId: "sg-0f0d000000000c001",
            securityGroupId: "sg-0fixture756cfe76",
            tags: { environment: "prod" },
        },
        rules: [
            {
                id: "vpc-ingress-rule-exactly-one-source",
                property: "referencedSecurityGroupId",
                origin: "provider",
                // ConfigValidators: resourcevalidator.ExactlyOneOf(cidr_ipv4, cidr_ipv6, prefix_list_id, referenced_security_group_id).
                source: `${TF}/ec2/vpc_security_group_ingress_rule.go (ConfigValidators: ExactlyOneOf)`,
                check: (inputs) => {
                    const set = SOURCES.filter((k) => inputs[k] !== undefined && inputs[k] !== null);
                    if (set.length === 1) return undefined;
                    return set.length === 0
                        ? `no source: set exactly one of ${SOURCES.join(", ")}`
                        : `${set.join(" and ")} are both set: exactly one of ${SOURCES.join(", ")} is allowed`;
                },
                cases: {
                    pass: [{ referencedSecurityGroupId: undefined, cidrIpv4: "10.20.0.0/16" }],
                    fail: [{ cidrIpv4: "10.20.0.0/16" }, { referencedSecurityGroupId: undefined }],
                },
            },
            {
                id: "vpc-ingress-rule-cidr",
                property: "cidrIpv4",
                origin: "provider",
                // cidr_ipv4: fwvalidators.IPv4CIDRNetworkAddress (a network address: host bits zero); cidr_ipv6 likewise.
                source: `${TF}/ec2/vpc_security_group_ingress_rule.go (cidr_ipv4, cidr_ipv6)`,
                check: (inputs) => {
                    const v4 = inputs.cidrIpv4;
                    if (known(v4) && !(typeof v4 === "string" && ipv4Network(v4))) return `cidrIpv4 ${JSON.stringify(v4)} is not an IPv4 network in CIDR form (e.g. 10.20.0.0/16, host bits zero)`;
                    const v6 = inputs.cidrIpv6;
                    if (known(v6) && !(typeof v6 === "string" && ipv6Cidr(v6))) return `cidrIpv6 ${JSON.stringify(v6)} is not an IPv6 CIDR block`;
                    return undefined;
                },
                cases: {
                    pass: [{ referencedSecurityGroupId: undefined, cidrIpv4: "10.0.0.0/8" }],
                    fail: [{ referencedSecurityGroupId: undefined, cidrIpv4: "10.20.1.5/16" }, { referencedSecurityGroupId: undefined, cidrIpv4: "10.20.0.0" }, { referencedSecurityGroupId: undefined, cidrIpv6: "2001:db8::" }],
                },
            },
            {
                id: "vpc-ingress-rule-port-range",
                property: "fromPort",
                origin: "provider",
                source: `${TF}/ec2/vpc_security_group_ingress_rule.go (from_port, to_port: int64validator.Between(-1, 65535))`,
                check: (inputs) => {
                    for (const k of ["fromPort", "toPort"]) {
                        const v = inputs[k];
                        if (known(v) && !(typeof v === "number" && Number.isInteger(v) && v >= -1 && v <= 65535)) return `${k} ${JSON.stringify(v)}; allowed -1 to 65535`;
                    }
                    return undefined;
                },
                cases: { pass: [{ fromPort: 0, toPort: 65535 }], fail: [{ fromPort: 70000 }, { toPort: -2 }] },
            },
            {
                id: "vpc-ingress-rule-protocol",
                property: "ipProtocol",
                origin: "aws",
                // IpPermission.IpProtocol: tcp, udp, icmp, icmpv6, -1 (all) or a protocol number; for tcp and udp
                // FromPort and ToPort give the port range (both needed, 0-65535, from <= to).
                source: `${EC2_API}/API_IpPermission.html (IpProtocol, FromPort, ToPort)`,
                check: (inputs) => {
                    const p = inputs.ipProtocol;
                    if (p === undefined) return "ipProtocol is required";
                    if (!known(p)) return undefined;
                    const kind = protocolOf(p);
                    if (!kind) return `ipProtocol ${JSON.stringify(p)}; allowed tcp, udp, icmp, icmpv6, -1 (all) or a protocol number 0-255`;
                    if (kind === "tcp" || kind === "udp") {
                        const [f, t] = [inputs.fromPort, inputs.toPort];
                        if (f === undefined || t === undefined) return `ipProtocol ${p} needs fromPort and toPort (got ${JSON.stringify(f)} and ${JSON.stringify(t)})`;
                        if (typeof f === "number" && typeof t === "number") {
                            if (f < 0 || t < 0) return `ipProtocol ${p}: ports ${f}-${t}; TCP and UDP ports are 0-65535`;
                            if (f > t) return `fromPort ${f} is above toPort ${t}`;
                        }
                    }
                    return undefined;
                },
                cases: {
                    pass: [{ ipProtocol: "-1", fromPort: undefined, toPort: undefined }, { ipProtocol: "6" }],
                    fail: [{ ipProtocol: "tcpp" }, { toPort: undefined }, { fromPort: 6380, toPort: 6379 }, { ipProtocol: "udp", fromPort: -1, toPort: -1 }],
                },
            },
            {
                id: "vpc-ingress-rule-description",
                property: "description",
                origin: "aws",
                // IpRange / UserIdGroupPair / PrefixListId Description: up to 255 characters of a-z, A-Z, 0-9, spaces
                // and ._-:/()#,@[]+=;{}!$* (the provider does not check it).
                source: `${EC2_API}/API_UserIdGroupPair.html (Description); ${EC2_API}/API_IpRange.html (Description)`,
                check: (inputs) => textProblem(inputs.description, "description", RULE_DESCRIPTION, "a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=;{}!$*"),
                cases: { pass: [{ description: "Valkey from sg-0f0d000000000c001 (clients)" }], fail: [{ description: "dev & staging clients" }, { description: "clients → cache" }] },
            },
            {
                id: "vpc-ingress-rule-security-group",
                property: "securityGroupId",
                origin: "provider",
                source: `${TF}/ec2/vpc_security_group_ingress_rule.go (security_group_id)`,
                check: (inputs) => {
                    const v = inputs.securityGroupId;
                    if (v === undefined) return "securityGroupId is required: the group the rule belongs to";
                    return known(v) && !/^sg-[0-9a-z]+$/.test(String(v)) ? `securityGroupId ${JSON.stringify(v)} is not a security group id (sg-...)` : undefined;
                },
                cases: { pass: [{ securityGroupId: "sg-0123456789abcdef0" }], fail: [{ securityGroupId: undefined }, { securityGroupId: "mlops-prod-cache" }] },
            },
            ...tagRules("aws-vpc-ingress-rule"),
        ],
        // security_group_id: RequiresReplace. The other arguments are updated in place (ModifySecurityGroupRules),
        // except that ModifyPlan replaces when the source kind changes (e.g. a security group reference becomes a CIDR).
        forceNew: [{ property: "securityGroupId" }, ...SOURCES.map((property) => ({ property, only: setNotSet }))],
    },
];
