/**
 * Rules every tagged AWS resource type shares: AWS's tagging limits, whose one
 * statement (and source) is the config schema's (infra/schema/tags.ts,
 * infra/tags.ts): at most 50 user tags per resource; keys 1-128 characters,
 * values 0-256; letters, digits, white space and `_ . : / = + - @` only; the
 * `aws:` prefix reserved. The provider checks none of this (its `tags` schema
 * is a plain map), so a bad tag fails only at the AWS API.
 */
import { AWS_MAX_TAGS_PER_RESOURCE as MAX_TAGS } from "../../infra/tags";
import { tagTextProblem } from "../../infra/schema/tags";
import { Inputs, Rule } from "./spec";

export const TAGGING_DOC = "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html";

function tagProblem(tags: unknown): string | undefined {
    if (tags === undefined || tags === null || typeof tags !== "object") return undefined;
    const entries = Object.entries(tags as Record<string, unknown>);
    if (entries.length > MAX_TAGS) return `${entries.length} tags; AWS allows at most ${MAX_TAGS} per resource`;
    for (const [k, v] of entries) {
        if (k.length < 1 || [...k].length > 128) return `tag key ${JSON.stringify(k)} must be 1-128 characters`;
        if (/^aws:/i.test(k)) return `tag key ${JSON.stringify(k)} uses the "aws:" prefix, which AWS reserves for itself`;
        const keyProblem = tagTextProblem(k, "key");
        if (keyProblem) return `tag key ${JSON.stringify(k)} ${keyProblem}`;
        if (typeof v !== "string") continue;
        if ([...v].length > 256) return `tag ${k}: value of ${[...v].length} characters; AWS allows at most 256`;
        const valueProblem = tagTextProblem(v, "value");
        if (valueProblem) return `tag ${k}: value ${JSON.stringify(v)} ${valueProblem}`;
    }
    return undefined;
}

const manyTags = (n: number): Inputs => ({ tags: Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"])) });

/** The tag rules for a type whose tags input is `property` (default "tags"). */
export function tagRules(typeId: string, property = "tags"): Rule[] {
    return [
        {
            id: `${typeId}-tags`,
            property,
            origin: "aws",
            source: TAGGING_DOC,
            check: (inputs) => tagProblem(inputs[property]),
            cases: {
                pass: [manyTags(MAX_TAGS), { [property]: { Name: "mlops-prod", "cost-center": "cc-1234", path: "a/b=c+d@e.f:g h-i_j" } }],
                fail: [manyTags(MAX_TAGS + 1), { [property]: { owner: "ml\u202eplatform" } }, { [property]: { "aws:owner": "x" } }, { [property]: { owner: "x".repeat(257) } }],
            },
        },
    ];
}
