/**
 * Manual snapshots and their copies: a snapshot is the whole database in a
 * portable form, so it is never public, shared only with listed accounts, and
 * encrypted with a customer-managed key (a copy names its key; a snapshot
 * takes its cluster's, so its cluster must be one this stack declares, where
 * storage-encrypted-with-cmk judges the key).
 *
 * Anchors: Checkov CKV_AWS_302 (DB snapshots not public: shared_accounts
 * "all"), CKV_AWS_146 (cluster snapshot encrypted), CKV_AWS_266 (DB snapshot
 * copy uses a CMK). "all" is the RDS ModifyDBSnapshotAttribute value that makes
 * a snapshot public (docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBClusterSnapshotAttribute.html).
 * aws.docdb.ClusterSnapshot has no sharing input in @pulumi/aws, so only its
 * encryption is judged.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { NO_THRESHOLDS, configWithDefaults, schema } from "./lib/config";
import { notCustomerManaged } from "./lib/kms";
import { ids, ofType, resolveOne } from "./lib/references";
import { T } from "./lib/types";
import { knownList } from "./lib/values";

const SHARED = [T.rdsClusterSnapshot, T.rdsSnapshot, T.rdsClusterSnapshotCopy, T.rdsSnapshotCopy];

const sharingSchema = schema<{ allowedAccounts: string[] }>({
    allowedAccounts: {
        type: "array",
        items: { type: "string", pattern: "^[0-9]{12}$" },
        uniqueItems: true,
        default: [],
        description: "AWS account ids a snapshot may be shared with (e.g. the organisation's backup account); never public.",
    },
});

export const snapshotsNotShared: StackValidationPolicy = {
    name: "snapshots-not-shared",
    description: "No Aurora or RDS snapshot (or snapshot copy) is public (sharedAccounts \"all\") or shared with an account outside the configured list.",
    enforcementLevel: "mandatory",
    remediationSteps: "Remove \"all\" and unlisted accounts from sharedAccounts; add an account that must receive snapshots to allowedAccounts in policy/config/<env>.json.",
    configSchema: sharingSchema,
    validateStack: (args, report) => {
        const { allowedAccounts } = configWithDefaults(sharingSchema, args);
        for (const s of ofType(args.resources, ...SHARED)) {
            const shared = knownList(() => s.props.sharedAccounts as string[] | undefined).items.map(String);
            if (shared.some((a) => a.toLowerCase() === "all")) report(`Snapshot ${s.name} is public: sharedAccounts includes "all".`, s.urn);
            const outside = shared.filter((a) => a.toLowerCase() !== "all" && !allowedAccounts.includes(a));
            if (outside.length) report(`Snapshot ${s.name} is shared with ${outside.join(", ")}; allowed: ${allowedAccounts.length ? allowedAccounts.join(", ") : "none"}.`, s.urn);
        }
    },
};

/** Snapshot type → the property naming its source and the source types. */
const SOURCES: Record<string, { property: string; types: string[]; identifiers: string[] }> = {
    [T.rdsClusterSnapshot]: { property: "dbClusterIdentifier", types: [T.rdsCluster], identifiers: ["clusterIdentifier"] },
    [T.docdbClusterSnapshot]: { property: "dbClusterIdentifier", types: [T.docdbCluster], identifiers: ["clusterIdentifier"] },
    [T.rdsSnapshot]: { property: "dbInstanceIdentifier", types: [T.rdsDbInstance], identifiers: ["identifier"] },
};

export const snapshotsEncryptedWithCmk: StackValidationPolicy = {
    name: "snapshots-encrypted-with-cmk",
    description:
        "Manual snapshots are encrypted with a customer-managed key: a snapshot copy names one (kmsKeyId), a snapshot is of a cluster or instance this stack declares (whose key storage-encrypted-with-cmk judges).",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set kmsKeyId on aws.rds.ClusterSnapshotCopy / aws.rds.SnapshotCopy to a CMK of the destination region; take snapshots only of clusters this stack declares, or copy a foreign snapshot with a CMK.",
    configSchema: NO_THRESHOLDS,
    validateStack: (args, report) => {
        for (const c of ofType(args.resources, T.rdsClusterSnapshotCopy, T.rdsSnapshotCopy)) {
            const problem = notCustomerManaged(c.props, "kmsKeyId");
            if (problem) report(`Snapshot copy ${c.name}: ${problem}.`, c.urn);
        }
        for (const s of ofType(args.resources, ...Object.keys(SOURCES))) {
            const src = SOURCES[s.type];
            const ref = resolveOne(s, src.property, ofType(args.resources, ...src.types), (x: PolicyResource) => ids(x, ...src.identifiers));
            if (ref.kind === "external") {
                report(`Snapshot ${s.name} is of "${ref.value}", which this stack does not declare, so its encryption cannot be verified; copy it with a CMK instead (aws.rds.ClusterSnapshotCopy).`, s.urn);
            }
        }
    },
};
