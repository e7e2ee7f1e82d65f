import { z } from "zod";

const ipv4Cidr = z.string().superRefine((v, ctx) => {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(v);
    if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
        ctx.addIssue({ code: "custom", message: 'must be an IPv4 CIDR block such as "10.20.0.0/16"' });
        return;
    }
    if (Number(m[5]) < 8) {
        ctx.addIssue({
            code: "custom",
            message: `prefix /${m[5]} opens the database to a large part of the internet (0.0.0.0/0 to everyone); allowed: a prefix length from /8 to /32 covering only the clients`,
        });
    }
}).meta({ allowed: "an IPv4 CIDR block with a prefix from /8 to /32" });

/** Networking is given, not created: the stack names an existing VPC and its private subnets. */
export const networkSchema = z.strictObject({
    vpcId: z
        .string()
        .regex(/^vpc-[0-9a-f]{8,17}$/, { error: 'must be a VPC id such as "vpc-0123456789abcdef0"' })
        .describe("The existing VPC the stores are placed in (networking is given, not created). Changing it replaces every store."),
    privateSubnetIds: z
        .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { error: 'must be a subnet id such as "subnet-0123456789abcdef0"' }))
        .min(2, { error: "must list at least 2 private subnets in different availability zones (an RDS subnet group needs two AZs)" })
        .refine((ids) => new Set(ids).size === ids.length, { error: "must not list a subnet twice" })
        .describe("Private subnets of the VPC, one per availability zone; instances are spread over their zones."),
    clientSecurityGroupIds: z
        .array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, { error: 'must be a security group id such as "sg-0123456789abcdef0"' }))
        .min(1, { error: "must list at least one client security group allowed to reach the databases" })
        .describe("Security groups whose members may connect to the stores."),
    clientCidrs: z
        .array(ipv4Cidr)
        .default([])
        .describe(
            "Further client networks, admitted by CIDR. Each must also be approved, exactly as written, by a reviewer in `policy/config/<environment>.json` under `database-ingress-by-security-group.allowedCidrs` (the mandatory policy refuses any other, so config validation does first, reading the repository's `policy/config/` or the directory `MLOPS_DATA_POLICY_CONFIG_DIR` names).",
        ),
}).describe("The existing network the stores are placed in.");
