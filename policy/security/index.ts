// The security policy pack: `pulumi preview --policy-pack policy/security`.
// The policies live in policy/rules/, one file per concern, shared with the resilience pack's tooling.
import { PolicyPack } from "@pulumi/policy";
import { SECURITY_PACK, SECURITY_POLICIES } from "../rules/packs";

new PolicyPack(SECURITY_PACK, {
    description: "Security guardrails for the MLOps data tier: encryption with customer-managed keys, TLS, network exposure, authentication, logging, credentials, tags.",
    enforcementLevel: "mandatory",
    policies: SECURITY_POLICIES,
});
