// The resilience policy pack: `pulumi preview --policy-pack policy/resilience`.
// The policies live in policy/rules/, one file per concern.
import { PolicyPack } from "@pulumi/policy";
import { RESILIENCE_PACK, RESILIENCE_POLICIES } from "../rules/packs";

new PolicyPack(RESILIENCE_PACK, {
    description: "Resilience guardrails for the MLOps data tier: backups, windows, deletion safety, multi-AZ, AWS Backup, global clusters, upgrades, instance classes.",
    enforcementLevel: "mandatory",
    policies: RESILIENCE_POLICIES,
});
