/**
 * IAM-style policy documents (KMS key policies, AWS Backup vault access
 * policies) in one shape: statements with their effect, principals, actions
 * and whether they carry a condition. Grammar: IAM JSON policy reference
 * (docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html):
 * Statement is an object or a list; Principal is "*" or a map of lists or
 * strings; Action a string or a list.
 */
import { UNKNOWN, peek } from "./values";

export interface Statement {
    sid?: string;
    effect: "Allow" | "Deny";
    /** Every principal, flattened: "*", "AWS:arn:...", "Service:logs.amazonaws.com". */
    principals: string[];
    actions: string[];
    condition?: Record<string, Record<string, unknown>>;
}

/** A policy document as read from a property: its statements, why it is not one, or UNKNOWN. */
export type ParsedPolicy = { statements: Statement[] } | { problem: string } | typeof UNKNOWN;

const listOf = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The document a property holds (a JSON string or an object); UNKNOWN during preview when it is not known yet. */
export function parsePolicy(read: () => unknown): ParsedPolicy {
    const v = peek(read);
    if (v === UNKNOWN) return UNKNOWN;
    let doc: any = v;
    if (typeof v === "string") {
        try {
            doc = JSON.parse(v);
        } catch (e) {
            return { problem: `is not JSON (${(e as Error).message})` };
        }
    }
    if (!doc || typeof doc !== "object") return { problem: "is not a policy document" };
    return {
        statements: listOf(doc.Statement).map((s: any) => ({
            sid: typeof s?.Sid === "string" ? s.Sid : undefined,
            effect: s?.Effect === "Deny" ? "Deny" : "Allow",
            principals:
                s?.Principal === "*"
                    ? ["*"]
                    : Object.entries(s?.Principal ?? {}).flatMap(([kind, ps]) => listOf(ps).map((p) => (p === "*" ? "*" : `${kind}:${String(p)}`))),
            actions: listOf(s?.Action).map(String),
            condition: s?.Condition && typeof s.Condition === "object" && Object.keys(s.Condition).length > 0 ? s.Condition : undefined,
        })),
    };
}

/** Whether an action pattern of a statement ("backup:*", "*", "backup:Delete*") covers the action. */
export function coversAction(pattern: string, action: string): boolean {
    const re = new RegExp(`^${pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
    return re.test(action);
}

export function label(s: Statement, i: number): string {
    return s.sid ? `statement "${s.sid}"` : `statement ${i}`;
}
