/**
 * Security group rules come in three shapes in @pulumi/aws: inline
 * `ingress`/`egress` blocks of aws.ec2.SecurityGroup, aws.ec2.SecurityGroupRule,
 * and the newer aws.vpc.SecurityGroupIngressRule/EgressRule. The network rules
 * judge one normalized shape.
 */
import { PolicyResource } from "@pulumi/policy";
import { UNKNOWN, knownList, peek } from "./values";

export interface NormalizedRule {
    direction: "ingress" | "egress";
    /** "all" for every protocol; otherwise as given ("tcp", "6", ...). */
    protocol: string;
    fromPort: number;
    toPort: number;
    cidrs: string[];
    /** The peer is a security group (by id, name or self). */
    securityGroupPeer: boolean;
    prefixListPeer: boolean;
    description?: string;
    /** Where it is declared, for messages: "ingress[1]" or "". */
    where: string;
}

const str = (v: unknown) => (v === UNKNOWN || v === undefined || v === null ? undefined : String(v));
const num = (v: unknown, fallback: number) => (typeof v === "number" ? v : fallback);

function protocolOf(p: string | undefined): string {
    const v = (p ?? "").toLowerCase();
    return v === "-1" || v === "all" ? "all" : v;
}

function fromBlock(b: Record<string, any>, direction: NormalizedRule["direction"], where: string): NormalizedRule {
    return {
        direction,
        protocol: protocolOf(str(peek(() => b.protocol))),
        fromPort: num(peek(() => b.fromPort), 0),
        toPort: num(peek(() => b.toPort), 65535),
        cidrs: [...knownList(() => b.cidrBlocks).items, ...knownList(() => b.ipv6CidrBlocks).items].map(String),
        securityGroupPeer: knownList(() => b.securityGroups).items.length > 0 || peek(() => b.self) === true,
        prefixListPeer: knownList(() => b.prefixListIds).items.length > 0,
        description: str(peek(() => b.description)),
        where,
    };
}

/** Every rule a resource declares (none for resources that are not security group rules). */
export function rulesOf(r: Pick<PolicyResource, "type" | "props">): NormalizedRule[] {
    const p = r.props;
    switch (r.type) {
        case "aws:ec2/securityGroup:SecurityGroup":
            return [
                ...knownList(() => p.ingress as Record<string, any>[]).items.map((b, i) => fromBlock(b, "ingress", `ingress[${i}]`)),
                ...knownList(() => p.egress as Record<string, any>[]).items.map((b, i) => fromBlock(b, "egress", `egress[${i}]`)),
            ];
        case "aws:ec2/securityGroupRule:SecurityGroupRule": {
            const rule = fromBlock(p, peek(() => p.type) === "egress" ? "egress" : "ingress", "");
            rule.securityGroupPeer ||= str(peek(() => p.sourceSecurityGroupId)) !== undefined || "sourceSecurityGroupId" in p;
            return [rule];
        }
        case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
            const protocol = protocolOf(str(peek(() => p.ipProtocol)));
            return [
                {
                    direction: r.type.includes("Ingress") ? "ingress" : "egress",
                    protocol,
                    fromPort: protocol === "all" ? 0 : num(peek(() => p.fromPort), 0),
                    toPort: protocol === "all" ? 65535 : num(peek(() => p.toPort), 65535),
                    cidrs: [str(peek(() => p.cidrIpv4)), str(peek(() => p.cidrIpv6))].filter((c): c is string => c !== undefined),
                    securityGroupPeer: "referencedSecurityGroupId" in p,
                    prefixListPeer: "prefixListId" in p,
                    description: str(peek(() => p.description)),
                    where: "",
                },
            ];
        }
        default:
            return [];
    }
}

/** The TCP ports of `ports` the rule lets through. */
export function portsCovered(rule: NormalizedRule, ports: number[]): number[] {
    if (rule.protocol === "all") return ports;
    if (rule.protocol !== "tcp" && rule.protocol !== "6") return [];
    return ports.filter((port) => rule.fromPort <= port && port <= rule.toPort);
}

export const INTERNET = new Set(["0.0.0.0/0", "::/0"]);

export function label(rule: NormalizedRule): string {
    return rule.where ? `rule ${rule.where}` : `${rule.direction} rule`;
}
