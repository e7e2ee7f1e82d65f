/**
 * Tags: the keys and values AWS accepts, and how many fit beside the
 * platform's own (infra/tags.ts).
 *
 * AWS's rules (AWS General Reference / Tagging AWS resources, "Tag naming limits
 * and requirements", https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html):
 * at most 50 user tags per resource; a key is 1-128 Unicode characters, a value
 * 0-256; allowed characters are letters, digits and spaces representable in
 * UTF-8, and _ . : / = + - @ (the services' pattern is ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$);
 * the `aws:` prefix, in any case, is reserved for AWS.
 *
 * Characters that pass for whitespace or nothing at all (control characters,
 * zero-width characters, bidirectional overrides, line and paragraph
 * separators) are named by code point: they make two tags look the same in
 * the console while cost reports and tag policies tell them apart.
 */
import { z } from "zod";
import { ALARM_TAG_KEYS, AWS_MAX_TAGS_PER_RESOURCE, MAX_EXTRA_TAGS, PER_RESOURCE_TAG_KEYS, PLATFORM_TAG_KEYS, STACK_TAG_KEYS } from "../tags";

const ALLOWED = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const ALLOWED_TEXT = "letters, digits, spaces and _ . : / = + - @";

/** What an invisible or look-alike character is, for the message; undefined when it is an ordinary one. */
function invisible(ch: string): string | undefined {
    const cp = ch.codePointAt(0)!;
    if (/\p{Cc}/u.test(ch)) return "a control character";
    if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) return "a bidirectional override/isolate";
    if (cp === 0x200e || cp === 0x200f || cp === 0x061c) return "a bidirectional mark";
    if ((cp >= 0x200b && cp <= 0x200d) || cp === 0x2060 || cp === 0xfeff || cp === 0x180e) return "a zero-width character";
    if (cp === 0x2028 || cp === 0x2029) return "a line/paragraph separator";
    if (/\p{Cf}/u.test(ch)) return "an invisible formatting character";
    return undefined;
}

const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

/**
 * Text of these ASCII characters alone has no problem: each is in ALLOWED, and none is a
 * control, formatting, zero-width or bidirectional character. The provider rules check every
 * tag of every resource (engine/provider/common.ts), and nearly all are such text, so they
 * skip the per-character scan below, which tests two Unicode property classes per character.
 */
const PLAIN_ASCII = /^[A-Za-z0-9 _.:/=+\-@]*$/;

/** The first problem with a tag key or value's characters, or undefined. */
export function tagTextProblem(text: string, what: "key" | "value"): string | undefined {
    if (PLAIN_ASCII.test(text)) return undefined;
    const chars = [...text];
    for (let i = 0; i < chars.length; i++) {
        const kind = invisible(chars[i]);
        if (kind) return `holds ${kind}, ${codePoint(chars[i])}, at position ${i + 1}; allowed in a tag ${what}: ${ALLOWED_TEXT}`;
    }
    if (!ALLOWED.test(text)) {
        const bad = chars.find((c) => !ALLOWED.test(c))!;
        return `holds "${bad}" (${codePoint(bad)}), which AWS does not allow in a tag ${what}; allowed: ${ALLOWED_TEXT}`;
    }
    return undefined;
}

const length = (text: string) => [...text].length;

/** A tag value: AWS allows 0-256 characters; the platform's own tag values must not be empty. */
export const tagValue = z
    .string({ error: "must be a string (a tag value)" })
    .min(1, { error: "must not be empty" })
    .refine((v) => length(v) <= 256, { error: "must be at most 256 characters (AWS tag value limit)" })
    .superRefine((v, ctx) => {
        const problem = tagTextProblem(v, "value");
        if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .meta({ allowed: `1 to 256 characters of ${ALLOWED_TEXT} (control, zero-width and bidirectional characters are refused by code point)` });

/** The further tags of `tags.extra`: keys and values AWS accepts, none the platform sets, few enough to fit. */
const extraTags = z.record(z.string(), tagValue).superRefine((tags, ctx) => {
    for (const key of Object.keys(tags)) {
        const problem =
            length(key) < 1 || length(key) > 128
                ? `is ${length(key)} characters long; AWS allows a tag key of 1 to 128`
                : /^aws:/i.test(key)
                  ? 'starts with "aws:", which AWS reserves for its own tags; allowed: any other prefix'
                  : PLATFORM_TAG_KEYS.includes(key)
                    ? `is a tag the platform sets itself (${PLATFORM_TAG_KEYS.join(", ")}); choose another key`
                    : tagTextProblem(key, "key");
        // Reported on tags.extra with the key as the value found: the key is what is wrong.
        if (problem) ctx.addIssue({ code: "custom", input: key, message: `tag key ${JSON.stringify(key)} ${problem}` });
    }
    const count = Object.keys(tags).length;
    if (count > MAX_EXTRA_TAGS) {
        ctx.addIssue({
            code: "custom",
            input: `${count} tags`,
            message:
                `holds ${count} tags; at most ${MAX_EXTRA_TAGS} are allowed: AWS allows 50 tags per resource and the platform ` +
                `uses up to ${AWS_MAX_TAGS_PER_RESOURCE - MAX_EXTRA_TAGS} on one resource itself (${STACK_TAG_KEYS.join(", ")}, with ${PER_RESOURCE_TAG_KEYS.join(" and ")}, or on alarms ${ALARM_TAG_KEYS.join(" and ")})`,
        });
    }
}).meta({
    allowed:
        `at most ${MAX_EXTRA_TAGS} tags (AWS allows ${AWS_MAX_TAGS_PER_RESOURCE} per resource; the platform sets up to ${AWS_MAX_TAGS_PER_RESOURCE - MAX_EXTRA_TAGS} on one resource: ` +
        `${STACK_TAG_KEYS.join(", ")}, with ${PER_RESOURCE_TAG_KEYS.join(" and ")}, or on alarms ${ALARM_TAG_KEYS.join(" and ")}; extra may use none of them); ` +
        `keys of 1 to 128 characters, without the \`aws:\` prefix; keys and values of ${ALLOWED_TEXT}`,
});

export const tagsSchema = z
    .strictObject({
        owner: tagValue.describe("Put on every resource as `owner`."),
        costCenter: tagValue.describe("Put on every resource as `cost-center`."),
        dataClassification: z.enum(["public", "internal", "confidential", "restricted"]).describe("Put on every resource as `data-classification`."),
        extra: extraTags.default({}).describe("Further tags to put on every resource."),
    })
    .describe("Tags on every resource, beside the platform's own (infra/tags.ts).");
