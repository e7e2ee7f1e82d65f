/**
 * KMS keys: every key (and multi-Region replica key) is enabled and has a key
 * policy of its own in which no statement allows everyone ("*") without a
 * condition. A key's policy decides who can decrypt every snapshot and backup
 * made with it; the KMS default (account root, kms:*) leaves that to whatever
 * IAM grants, and an unconditioned "*" gives it to any AWS account.
 *
 * Anchors: Checkov CKV2_AWS_64 (key policy defined), CKV_AWS_33 (no wildcard
 * principal), CKV_AWS_227 (key enabled). KMS's rule that a policy must not lock
 * its account out is what bypassPolicyLockoutSafetyCheck skips
 * (docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html).
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { NO_THRESHOLDS } from "./lib/config";
import { ids, ofType, referencedBy } from "./lib/references";
import { T } from "./lib/types";
import { UNKNOWN, cannotDecideWithout, isSet, peek } from "./lib/values";
import { label, parsePolicy } from "./lib/policyDocuments";

type Report = (message: string, urn?: string) => void;

function judgeDocument(r: PolicyResource, what: string, report: Report) {
    const doc = parsePolicy(() => r.props.policy);
    if (doc === UNKNOWN) return cannotDecideWithout(() => r.props.policy);
    if ("problem" in doc) return report(`${what}: policy ${doc.problem}.`, r.urn);
    doc.statements.forEach((s, i) => {
        if (s.effect === "Allow" && s.principals.includes("*") && !s.condition) {
            report(`${what}: ${label(s, i)} allows any principal ("*") ${s.actions.join(", ")} with no condition.`, r.urn);
        }
    });
    if (peek(() => r.props.bypassPolicyLockoutSafetyCheck) === true) report(`${what}: bypassPolicyLockoutSafetyCheck is true.`, r.urn);
}

export const kmsKeyPolicy: StackValidationPolicy = {
    name: "kms-key-policy",
    description:
        "Every KMS key and replica key is enabled and has a key policy (on the key or an aws.kms.KeyPolicy) in which no statement allows \"*\" without a condition, and the lockout safety check is not bypassed.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set policy on the aws.kms.Key (or declare an aws.kms.KeyPolicy for it) naming the principals that may use the key; give any statement with Principal \"*\" a condition " +
        "(e.g. kms:CallerAccount, kms:ViaService); leave isEnabled (enabled on a replica key) and bypassPolicyLockoutSafetyCheck at their defaults.",
    configSchema: NO_THRESHOLDS,
    validateStack: (args, report) => {
        const policies = ofType(args.resources, T.kmsKeyPolicy);
        for (const p of policies) judgeDocument(p, `Key policy ${p.name}`, report);
        for (const key of ofType(args.resources, T.kmsKey, T.kmsReplicaKey)) {
            const what = `${key.type === T.kmsKey ? "KMS key" : "KMS replica key"} ${key.name}`;
            const enabled = peek(() => key.props[key.type === T.kmsKey ? "isEnabled" : "enabled"]);
            if (enabled === false) report(`${what} is disabled: nothing encrypted with it can be read.`, key.urn);
            if (isSet(key.props, "policy")) judgeDocument(key, what, report);
            else if (!policies.some((p) => referencedBy(p, "keyId", [key], (k) => ids(k, "keyId", "arn")).length > 0)) {
                report(`${what} has no key policy (neither policy nor an aws.kms.KeyPolicy), so KMS's default applies: whatever IAM grants in the account.`, key.urn);
            }
        }
    },
};
