/**
 * The AWS regions a stack may name (`aws:region`, `replication.drRegion`,
 * `backup.copy.region`): the one list of them in this repository.
 *
 * Source: the AWS Regions page of the AWS General Reference
 * (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html),
 * checked against the `Region` enum of @pulumi/aws 7.x
 * (node_modules/@pulumi/aws/types/enums, which also lists the China, ISO and
 * European Sovereign Cloud partitions, left out here: this platform's ARNs,
 * policies and endpoints are written for the `aws` and `aws-us-gov` partitions).
 *
 * UPDATE THIS LIST WHEN AWS OPENS A REGION: a region missing here is refused by
 * config validation with "not an AWS region", however real it is.
 */
import { z } from "zod";

/** Commercial regions (partition `aws`), opt-in regions included. */
export const COMMERCIAL_REGIONS = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
] as const;

/** AWS GovCloud (US) regions (partition `aws-us-gov`). */
export const GOVCLOUD_REGIONS = ["us-gov-east-1", "us-gov-west-1"] as const;

export const AWS_REGIONS: readonly string[] = [...COMMERCIAL_REGIONS, ...GOVCLOUD_REGIONS];

export function isAwsRegion(name: string): boolean {
    return AWS_REGIONS.includes(name);
}

/** A region of the list above; the message names every allowed one. */
export const awsRegion = z
    .string({ error: "must be an AWS region name such as \"us-east-1\"" })
    .refine(isAwsRegion, {
        error: `is not an AWS region (commercial or GovCloud); allowed: ${AWS_REGIONS.join(", ")}`,
    })
    .meta({ allowed: "a commercial or GovCloud AWS region of infra/schema/regions.ts, e.g. `us-east-1`" });
