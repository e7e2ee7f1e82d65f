import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/** The zone of the i-th instance: round-robin over the zones, so consecutive instances never share one. */
export function zoneFor<T>(i: number, zones: T[]): T {
    return zones[i % zones.length];
}

/**
 * Failover order by instance number: the first instance tier 0, then one tier
 * per instance (capped at 15, the highest tier RDS and DocumentDB accept).
 */
export function promotionTier(i: number): number {
    return Math.min(i, 15);
}

/**
 * The name of the snapshot taken when a store is deleted, or undefined when
 * none is wanted. A random suffix, generated once and kept in state, makes it
 * unique: a second deletion of a store with the same identifier would otherwise
 * fail on the first one's snapshot name.
 */
export function finalSnapshotName(
    name: string,
    identifier: string,
    wanted: boolean,
    parent: pulumi.Resource,
): pulumi.Output<string> | undefined {
    if (!wanted) return undefined;
    return new random.RandomId(`${name}-final-snapshot-suffix`, { byteLength: 4 }, { parent }).hex.apply(
        (hex) => `${identifier}-final-${hex}`,
    );
}
