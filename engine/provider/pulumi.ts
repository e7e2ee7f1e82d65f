/** Provider resources (pulumi:providers:*). Sources: each spec's `source`, each rule's. */
import { Region } from "@pulumi/aws/types/enums";
import { known, ResourceTypeSpec } from "./spec";

/**
 * Every AWS region name, in every partition (commercial, China, GovCloud,
 * European Sovereign Cloud, ISO), as the installed @pulumi/aws knows them
 * (its `aws.Region` enum, node_modules/@pulumi/aws/types/enums/index.d.ts):
 * one list, moving with the @pulumi/aws version: what the provider accepts.
 * The platform's own config accepts a subset (infra/schema/regions.ts:
 * commercial and GovCloud); a test keeps that subset inside this list.
 */
export const AWS_REGIONS: readonly string[] = Object.freeze(Object.values(Region) as string[]);

export function isAwsRegion(v: unknown): boolean {
    return typeof v === "string" && AWS_REGIONS.includes(v);
}

export const SPECS: ResourceTypeSpec[] = [
    {
        // The explicit provider for the DR (copy) region. pulumi-aws validates its region against the SDK's
        // list only when skipRegionValidation is false; this program sets it true, so a wrong region would
        // surface only as endpoint errors at the first API call.
        type: "pulumi:providers:aws",
        source: "https://github.com/pulumi/pulumi-aws/blob/master/provider/resources.go",
        example: { region: "us-west-2", skipCredentialsValidation: "false", skipRegionValidation: "true" },
        rules: [
            {
                id: "aws-provider-region",
                property: "region",
                origin: "aws",
                source: "node_modules/@pulumi/aws/types/enums/index.d.ts (aws.Region); https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html",
                check: (inputs) => {
                    const r = inputs.region;
                    if (r === undefined || r === "") return "region is not set: an explicit provider would fall back to AWS_REGION or the profile's region, wherever the deploy runs";
                    if (!known(r)) return undefined;
                    return isAwsRegion(r) ? undefined : `region ${JSON.stringify(r)} is not an AWS region; known: ${AWS_REGIONS.join(", ")}`;
                },
                cases: { pass: [{ region: "eu-central-1" }, { region: "us-gov-west-1" }], fail: [{ region: "us-east-9" }, { region: undefined }, { region: "US-EAST-1" }] },
            },
        ],
        // Changing a provider's region replaces the provider, and with it every resource it manages (they are
        // deleted in the old region and created in the new one): pulumi/pulumi-aws#4000 ("Replace resources
        // when the AWS region changes", DiffConfig with ForcesProviderReplace on region).
        forceNew: [{ property: "region" }],
    },
];
