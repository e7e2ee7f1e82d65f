/**
 * Where alarms go: one notification topic per severity band, and who is told on each.
 *
 * The bands are the operations guide's incident classification:
 * - sev1: complete unavailability or data loss; page within minutes;
 * - sev2: significant degradation; response within hours;
 * - sev3: minor issue; business hours;
 * - sev4: tracked (a ticket, a weekly review), nobody is woken.
 *
 * Each band's topic is either created by the stack (KMS-encrypted SNS, with the
 * subscriptions listed here) or an existing topic named by ARN (the team's
 * paging integration owns it). In the environments that must reach people
 * (PAGING_ENVIRONMENTS) the paging bands (PAGING_SEVERITIES) must have a target.
 */
import { z } from "zod";

export const SEVERITIES = ["sev1", "sev2", "sev3", "sev4"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What each band means and how fast someone responds (the guide's classification). */
export const SEVERITY_MEANING: Record<Severity, string> = {
    sev1: "Sev 1 (complete unavailability or data loss: page within minutes)",
    sev2: "Sev 2 (significant degradation: response within hours)",
    sev3: "Sev 3 (minor issue: business hours)",
    sev4: "Sev 4 (tracked: no one is paged)",
};

/** Bands whose alarms must reach a person where the environment pages. */
export const PAGING_SEVERITIES: readonly Severity[] = ["sev1", "sev2"];

/**
 * Environments whose config is refused without a paging target on every paging band.
 * dr is prod's disaster-recovery region: when it takes over, its alarms are prod's.
 */
export const PAGING_ENVIRONMENTS: readonly string[] = ["staging", "prod", "dr"];

/** SNS topic ARN (standard topics; the name rule is sns/topic.go's CustomizeDiff: 1-256 of A-Za-z0-9_-). */
export const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/**
 * Subscription protocols a stack may declare, and what the endpoint must be
 * (https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html). `http` is
 * left out on purpose: an alarm's text must not travel in the clear. Email
 * subscriptions wait for the recipient to confirm (the provider does not wait:
 * topic_subscription.go), so a paging band should prefer https (PagerDuty,
 * Opsgenie) or an external topic.
 */
const ENDPOINTS = {
    https: { pattern: /^https:\/\/[^\s/$.?#].[^\s]*$/, what: "an https:// URL (a paging service's integration endpoint)" },
    email: { pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, what: "an email address" },
    "email-json": { pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, what: "an email address" },
    sms: { pattern: /^\+[1-9]\d{6,14}$/, what: "a phone number in E.164 form, e.g. +14155550100" },
    sqs: { pattern: /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/, what: "an SQS queue ARN" },
    lambda: { pattern: /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$/, what: "a Lambda function ARN" },
} as const;
export const SUBSCRIPTION_PROTOCOLS = Object.keys(ENDPOINTS) as (keyof typeof ENDPOINTS)[];

const subscriptionSchema = z
    .strictObject({
        protocol: z.enum(SUBSCRIPTION_PROTOCOLS as [keyof typeof ENDPOINTS, ...(keyof typeof ENDPOINTS)[]], {
            error: `must be one of ${SUBSCRIPTION_PROTOCOLS.join(", ")} (http is not allowed: alarms would travel unencrypted)`,
        })
            .describe(
                "How SNS delivers (`http` is not allowed: alarms would travel unencrypted). Email subscriptions wait for the recipient to confirm, so a paging band should prefer `https` (PagerDuty, Opsgenie) or an external topic.",
            ),
        endpoint: z.string({ error: "must be a string: where SNS delivers (a URL, address, number or ARN, by protocol)" })
            .describe(
                "Where SNS delivers, by protocol: an https:// URL, an email address, a phone number in E.164 form, an SQS queue ARN or a Lambda function ARN.",
            ),
    })
    .superRefine((s, ctx) => {
        const rule = ENDPOINTS[s.protocol];
        if (rule && !rule.pattern.test(s.endpoint)) {
            ctx.addIssue({ code: "custom", path: ["endpoint"], input: s.endpoint, message: `must be ${rule.what} for protocol ${s.protocol}` });
        }
    });

const bandSchema = z
    .strictObject({
        topicArn: z.string().regex(SNS_TOPIC_ARN, { error: "must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:oncall-sev1" }).optional()
            .describe("An existing topic to notify instead of one the stack creates (its owner manages who is told); not with `subscriptions`."),
        subscriptions: z.array(subscriptionSchema).max(20, { error: "must list at most 20 subscriptions per band" }).default([])
            .describe("Who the stack's own KMS-encrypted topic notifies; empty when `topicArn` is set."),
    })
    .superRefine((b, ctx) => {
        if (b.topicArn !== undefined && b.subscriptions.length > 0) {
            ctx.addIssue({
                code: "custom",
                path: ["subscriptions"],
                input: b.subscriptions,
                message: "must be empty when topicArn is set: an external topic's subscriptions are managed by its owner; set one of the two",
            });
        }
    });
export type AlarmBandConfig = z.output<typeof bandSchema>;

const defaultBand = () => ({ subscriptions: [] });

const bandMeaning = (s: Severity) =>
    `${SEVERITY_MEANING[s]}.${PAGING_SEVERITIES.includes(s) ? ` In ${PAGING_ENVIRONMENTS.join(", ")} it must have a target.` : ""}`;

export const alarmsSchema = z
    .strictObject({
        topics: z
            .strictObject({
                sev1: bandSchema.default(defaultBand).describe(bandMeaning("sev1")),
                sev2: bandSchema.default(defaultBand).describe(bandMeaning("sev2")),
                sev3: bandSchema.default(defaultBand).describe(bandMeaning("sev3")),
                sev4: bandSchema.default(defaultBand).describe(bandMeaning("sev4")),
            })
            .default({ sev1: defaultBand(), sev2: defaultBand(), sev3: defaultBand(), sev4: defaultBand() })
            .describe("Where each severity band's alarms go; a band left out gets the stack's own topic, without subscriptions."),
        runbookBaseUrl: z
            .string()
            .regex(/^https:\/\/[^\s]+\/$/, { error: 'must be an https:// URL ending in "/", e.g. "https://github.com/example-org/mlops-data/blob/main/"' })
            .optional()
            .describe(
                "Prefix that turns a runbook path (docs/runbooks/incidents/<type>.md#section) into a link in each alarm's description, e.g. `https://github.com/example-org/mlops-data/blob/main/`. Unset: the path alone.",
            ),
    })
    .prefault({})
    .describe("Where alarms go: one notification topic per severity band (docs/operations.md).");
export type AlarmsConfig = z.output<typeof alarmsSchema>;

/** A band reaches someone: an external topic, or at least one subscription on the stack's own. */
export function bandHasTarget(b: AlarmBandConfig): boolean {
    return b.topicArn !== undefined || b.subscriptions.length > 0;
}

/** The paging bands without a target, in an environment that must page (key, message). */
export function pagingProblems(environment: string, alarms: AlarmsConfig): { key: string; message: string }[] {
    if (!PAGING_ENVIRONMENTS.includes(environment)) return [];
    return PAGING_SEVERITIES.filter((s) => !bandHasTarget(alarms.topics[s])).map((s) => ({
        key: `alarms.topics.${s}`,
        message:
            `has no paging target, and ${environment} must reach people for ${SEVERITY_MEANING[s]}: ` +
            `set topicArn (an existing paging topic) or at least one subscription (protocol https to a paging service, email, sms, sqs or lambda). ` +
            `Environments that must page: ${PAGING_ENVIRONMENTS.join(", ")}; bands that must reach someone there: ${PAGING_SEVERITIES.join(", ")}`,
    }));
}
