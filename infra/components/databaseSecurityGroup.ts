import * as aws from "../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { named } from "../tags";

export interface DatabaseSecurityGroupArgs {
    /** The VPC the data store lives in. Warning: changing it replaces the security group and, with it, the store's network placement. */
    vpcId: string;
    /** The security group's name; appears in the console and in ENI listings. */
    groupName: string;
    /** What the store is, for descriptions, e.g. "PostgreSQL (Aurora, MLflow metadata)". */
    service: string;
    /** The one TCP port clients may reach. @example 5432 */
    port: number;
    /** Security groups whose members may connect; each gets one described ingress rule. */
    clientSecurityGroupIds: string[];
    /**
     * CIDR blocks that may connect, for clients outside the VPC's security groups
     * (e.g. a peered VPC). Config validation rejects /0 and other prefixes shorter than /8.
     * @default []
     */
    clientCidrs?: string[];
    tags: Record<string, string>;
}

/**
 * The security group of one data store: ingress only on the store's port, only
 * from the configured client security groups (by reference) and CIDRs, every
 * rule described. There is no egress rule: a database never opens connections,
 * and with no egress declared the provider removes AWS's default allow-all.
 * Rules are separate resources so that adding a client does not touch the others.
 */
export class DatabaseSecurityGroup extends pulumi.ComponentResource {
    public readonly group: aws.ec2.SecurityGroup;
    public readonly id: pulumi.Output<string>;

    constructor(name: string, args: DatabaseSecurityGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlops:network:DatabaseSecurityGroup", name, {}, opts);
        this.group = new aws.ec2.SecurityGroup(
            name,
            {
                name: args.groupName,
                description: `${args.service}: clients on TCP ${args.port} only`,
                vpcId: args.vpcId,
                revokeRulesOnDelete: true,
                tags: named(args.tags, args.groupName),
            },
            { parent: this },
        );
        const sources = [
            ...args.clientSecurityGroupIds.map((sg) => ({
                suffix: sg,
                description: `client security group ${sg}`,
                peer: { referencedSecurityGroupId: sg },
            })),
            ...(args.clientCidrs ?? []).map((cidr) => ({
                suffix: cidr.replace(/[./]/g, "-"),
                description: `client network ${cidr}`,
                peer: { cidrIpv4: cidr },
            })),
        ];
        for (const source of sources) {
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-from-${source.suffix}`,
                {
                    securityGroupId: this.group.id,
                    description: `${args.service} from ${source.description}`,
                    ipProtocol: "tcp",
                    fromPort: args.port,
                    toPort: args.port,
                    ...source.peer,
                    tags: args.tags,
                },
                { parent: this },
            );
        }
        this.id = this.group.id;
        this.registerOutputs({ id: this.id });
    }
}
