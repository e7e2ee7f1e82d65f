/**
 * Customer-managed keys (CMKs): what counts as one when a resource names the
 * key that encrypts it.
 */
import { PolicyResource } from "@pulumi/policy";
import { regionOf, regionOfArn } from "./regions";
import { UNKNOWN, isSet, peek } from "./values";

import { T } from "./types";

/**
 * Why the key named by `props[key]` is not a customer-managed key, or undefined
 * when it is one. An unset key means the AWS-managed default (aws/rds,
 * aws/secretsmanager ...). An unknown value is accepted: it is the output of a
 * resource being created, and AWS-managed keys are never created by a program
 * (they exist already, so a lookup of one is known at preview).
 */
export function notCustomerManaged(props: Record<string, any>, key: string): string | undefined {
    if (!isSet(props, key)) return `${key} is not set, so the AWS-managed default key is used`;
    const v = peek(() => props[key]);
    if (v === UNKNOWN) return undefined;
    if (typeof v !== "string" || v.trim() === "") return `${key} is empty, so the AWS-managed default key is used`;
    if (/(^|:)alias\/aws\//.test(v)) return `${key} is the AWS-managed key "${v}"`;
    return undefined;
}

/**
 * The region of the key a resource's `property` names: the key resource it came
 * from (its region), or the region in a known key ARN. Undefined when it cannot
 * be told (a bare key id or alias, or an unknown value with no dependency).
 */
export function keyRegion(r: PolicyResource, property: string): string | undefined {
    const key = (r.propertyDependencies[property] ?? []).find((d) => d.type === T.kmsKey);
    if (key) return regionOf(key);
    const v = peek(() => r.props[property]);
    return typeof v === "string" ? regionOfArn(v) : undefined;
}
