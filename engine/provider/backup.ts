/** Resource types of the backup service. Sources: each spec's `source`, each rule's. */
import { identifier, ResourceTypeSpec, TF } from "./spec";

export const SPECS: ResourceTypeSpec[] = [
    {
        type: "aws:backup/vault:Vault",
        stateful: {
            what: "AWS Backup vault",
            risk: "the vault is deleted with its recovery points (or the deletion fails while it holds any): the backups that meet the RPO are gone",
        },
        source: `${TF}/backup/vault.go`,
        example: {},
        rules: [],
        forceNew: [identifier("kmsKeyArn"), { property: "name" }],
    },
];
