/**
 * Where a resource lives. With @pulumi/aws v7 a resource can name its own
 * `region`; otherwise it is its provider's region (an explicit provider, or
 * the stack's default provider configured by `aws:region`).
 */
import { PolicyResource } from "@pulumi/policy";
import { knownString } from "./values";

export function regionOf(r: Pick<PolicyResource, "props" | "provider">): string | undefined {
    return knownString(() => r.props.region) ?? (r.provider ? knownString(() => r.provider!.props.region) : undefined);
}

/** The region in an ARN ("arn:aws:kms:eu-west-1:123456789012:key/..."), when the value is one. */
export function regionOfArn(arn: string): string | undefined {
    const m = /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]*):/.exec(arn);
    return m && m[1] ? m[1] : undefined;
}
