/** Resource types of the kms service. Sources: each spec's `source`, each rule's. */
import { identifier, ResourceTypeSpec, TF } from "./spec";

export const SPECS: ResourceTypeSpec[] = [
    {
        type: "aws:kms/key:Key",
        stateful: {
            what: "KMS key",
            risk: "the old key is scheduled for deletion: every store, snapshot and recovery point encrypted with it becomes unreadable when the deletion window ends",
        },
        source: `${TF}/kms/key.go`,
        example: {},
        rules: [],
        forceNew: [
            { property: "customKeyStoreId" },
            { property: "customerMasterKeySpec", default: "SYMMETRIC_DEFAULT" },
            { property: "keyUsage", default: "ENCRYPT_DECRYPT" },
            identifier("multiRegion"),
            { property: "xksKeyId" },
        ],
    },
];
