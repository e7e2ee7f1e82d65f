/**
 * The steps every data store's component takes alike (Aurora, DocumentDB and
 * the cache): its key, its security group, and where its alarms go. Each is
 * a function over the component (the parent of what it declares), so that a
 * component's constructor reads as its list of steps and the shared ones are
 * written once. Names and inputs are exactly what each component declared
 * before they were shared: a change here changes every store's resources.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AlarmTarget } from "./alarms";
import { DatabaseSecurityGroup } from "./databaseSecurityGroup";
import { EncryptionKey } from "./encryptionKey";
import type { StorePlacementArgs } from "./storeArgs";

/** The key a store encrypts with when it creates its own. */
export interface StoreKeyArgs {
    /** What the key protects (the KMS console shows it). */
    description: string;
    /** The alias without `alias/`: the store's identifier. */
    alias: string;
    /** Log groups under this prefix may use the key (EncryptionKey.logGroupNamePrefix); none when absent. */
    logGroupNamePrefix?: string;
    tags: Record<string, string>;
}

/**
 * The store's key: the one given (the DR stack's stores use keys prod made in
 * the DR region), or a new rotating customer-managed key named `<name>-key`.
 */
export function createStoreKey(
    name: string,
    given: pulumi.Input<string> | undefined,
    args: StoreKeyArgs,
    parent: pulumi.Resource,
): { arn: pulumi.Output<string>; key?: EncryptionKey } {
    if (given !== undefined) return { arn: pulumi.output(given) };
    const { logGroupNamePrefix, ...rest } = args;
    const key = new EncryptionKey(`${name}-key`, logGroupNamePrefix === undefined ? rest : { ...rest, logGroupNamePrefix }, { parent });
    return { arn: key.arn, key };
}

/** The store's security group `<name>-sg`: its port only, from the placement's clients only. */
export function createStoreSecurityGroup(
    name: string,
    placement: StorePlacementArgs,
    group: { groupName: string; service: string; port: number },
    parent: pulumi.Resource,
): DatabaseSecurityGroup {
    return new DatabaseSecurityGroup(
        `${name}-sg`,
        {
            vpcId: placement.vpcId,
            groupName: group.groupName,
            service: group.service,
            port: group.port,
            clientSecurityGroupIds: placement.clientSecurityGroupIds,
            clientCidrs: placement.clientCidrs,
            tags: placement.tags,
        },
        { parent },
    );
}

/** Where a store's alarms go and what they carry (thresholdAlarm, compositeAlarm, clusterAlarms). */
export function storeAlarmTarget(placement: StorePlacementArgs, parent: pulumi.Resource): AlarmTarget {
    return { routing: placement.alarmRouting, tags: placement.tags, parent };
}
