/**
 * The stack's alarm topics carry what an alarm says about the data tier (hosts, thresholds) and page
 * people: who may publish to them, and over what, is narrowed by a topic policy. SNS's default policy,
 * which a topic without one has, lets every principal of the account publish and subscribe
 * (hashicorp/terraform-provider-aws internal/service/sns/topic_policy.go defaultTopicPolicy).
 *
 * Every topic the stack declares has a topic policy that
 * - denies every action without TLS to everyone (a Deny on aws:SecureTransport "false"; AWS SNS
 *   security best practices, "Enforce encryption of data in transit"), and
 * - allows sns:Publish to no principal "*" and to no service principal without a source condition
 *   (aws:SourceAccount, aws:SourceArn or aws:SourceOwner: the confused-deputy guard).
 * External topics (alarms.topics.<band>.topicArn) are the on-call team's and are not declared here.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { NO_THRESHOLDS } from "./lib/config";
import { coversAction, label, parsePolicy } from "./lib/policyDocuments";
import { ids, ofType, referencedBy } from "./lib/references";
import { T } from "./lib/types";
import { UNKNOWN, cannotDecideWithout } from "./lib/values";

const SOURCE_KEYS = ["aws:sourceaccount", "aws:sourcearn", "aws:sourceowner"];

/** Whether a statement's condition names a source key (operators and key names compared case-insensitively, as IAM does). */
function hasSourceCondition(condition: Record<string, Record<string, unknown>> | undefined): boolean {
    return Object.values(condition ?? {}).some((keys) => Object.keys(keys ?? {}).some((k) => SOURCE_KEYS.includes(k.toLowerCase())));
}

function deniesWithoutTls(condition: Record<string, Record<string, unknown>> | undefined): boolean {
    return Object.entries(condition ?? {}).some(
        ([op, keys]) => op.toLowerCase() === "bool" && Object.entries(keys ?? {}).some(([k, v]) => k.toLowerCase() === "aws:securetransport" && String(v).toLowerCase() === "false"),
    );
}

export const snsTopicPolicies: StackValidationPolicy = {
    name: "sns-topic-policies",
    description: "Every SNS topic the stack declares has a topic policy that denies every request without TLS and lets no one publish without a source condition.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Declare an aws.sns.TopicPolicy for the topic (infra/components/alarmTopics.ts does for the alarm topics) with a statement " +
        '{ Effect: "Deny", Principal: "*", Action: "sns:*", Resource: <topic ARN>, Condition: { Bool: { "aws:SecureTransport": "false" } } } ' +
        'and publishers named by service principal with a condition on aws:SourceAccount (or aws:SourceArn), never Principal "*".',
    configSchema: NO_THRESHOLDS,
    validateStack: (args, report) => {
        const policies = ofType(args.resources, T.snsTopicPolicy);
        for (const topic of ofType(args.resources, T.snsTopic)) {
            const name = topic.props.name ?? topic.name;
            const mine = policies.filter((p) => referencedBy(p, "arn", [topic], (x) => ids(x, "arn")).length > 0);
            if (mine.length === 0) {
                report(`SNS topic ${name} has no topic policy, so SNS's default lets every principal of the account publish and subscribe, over HTTP too.`, topic.urn);
                continue;
            }
            for (const p of mine) {
                const doc = parsePolicy(() => p.props.policy);
                if (doc === UNKNOWN) cannotDecideWithout(() => p.props.policy);
                if ("problem" in doc) {
                    report(`SNS topic ${name}: topic policy ${p.name} ${doc.problem}.`, p.urn);
                    continue;
                }
                const tls = doc.statements.some((s) => s.effect === "Deny" && s.principals.includes("*") && s.actions.some((a) => coversAction(a, "sns:Publish")) && deniesWithoutTls(s.condition));
                if (!tls) report(`SNS topic ${name}: topic policy ${p.name} does not deny requests without TLS (a Deny to "*" on aws:SecureTransport "false").`, p.urn);
                doc.statements.forEach((s, i) => {
                    if (s.effect !== "Allow" || !s.actions.some((a) => coversAction(a, "sns:Publish"))) return;
                    if (s.principals.includes("*") && !hasSourceCondition(s.condition)) {
                        report(`SNS topic ${name}: topic policy ${p.name} ${label(s, i)} lets any principal ("*") publish without a condition on aws:SourceAccount or aws:SourceArn.`, p.urn);
                    }
                    for (const service of s.principals.filter((x) => x.startsWith("Service:"))) {
                        if (!hasSourceCondition(s.condition)) report(`SNS topic ${name}: topic policy ${p.name} ${label(s, i)} lets ${service.slice(8)} publish for any account (no aws:SourceAccount or aws:SourceArn condition).`, p.urn);
                    }
                });
            }
        }
    },
};
