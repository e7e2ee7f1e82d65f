import * as pulumi from "@pulumi/pulumi";
import type { AlarmRouting } from "./alarms";

/**
 * Where a data store lives and who may reach it: the same for every store of a
 * stack. Networking is given, not created.
 */
export interface StorePlacementArgs {
    /**
     * The existing VPC.
     * Warning: moving a store to another VPC replaces its subnet group and the store itself.
     */
    vpcId: string;
    /**
     * Private subnets (two AZs at least) for the store's subnet group. Adding
     * subnets of the same VPC updates the group in place.
     */
    subnetIds: string[];
    /**
     * Zones to place instances or nodes in, in order: number i goes to zone i
     * modulo the count (the zones of `subnetIds`).
     */
    availabilityZones: pulumi.Input<string>[];
    /** Security groups whose members may connect on the store's port; one described rule each. */
    clientSecurityGroupIds: string[];
    /** CIDR blocks that may connect on the store's port (`network.clientCidrs`). */
    clientCidrs: string[];
    /** Where the store's alarms go: the topic of each severity band (AlarmTopics), the runbook links' base. */
    alarmRouting: AlarmRouting;
    /** Tags for every resource of the store. */
    tags: Record<string, string>;
}

/** Backups, maintenance and deletion of an Aurora or DocumentDB cluster. */
export interface ClusterLifecycleArgs {
    /** Days of automated backups (1-35). Point-in-time restore reaches back this far. */
    backupRetentionDays: number;
    /** Daily backup window, "hh24:mi-hh24:mi" UTC, at least 30 minutes, not overlapping maintenance. @example "02:00-02:30" */
    preferredBackupWindow: string;
    /** Weekly maintenance window, "ddd:hh24:mi-ddd:hh24:mi" UTC, for the cluster and its instances. @example "sun:05:00-sun:05:30" */
    preferredMaintenanceWindow: string;
    /**
     * Refuse deletion at the AWS API and mark the cluster `protect`ed in Pulumi,
     * so neither `pulumi destroy` nor a console click removes it.
     * To delete a protected cluster: set this to false, `pulumi up`, then destroy.
     */
    deletionProtection: boolean;
    /**
     * Take a final snapshot when the cluster is deleted, named
     * `<clusterIdentifier>-final-<random>` so that a second deletion never
     * collides with the first one's snapshot.
     */
    finalSnapshot: boolean;
    /** Apply modifications now instead of in the maintenance window. */
    applyImmediately: boolean;
}

