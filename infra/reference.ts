/**
 * The reference documents generated from the schemas, so that each key's type, range, default
 * and meaning is written once, in the schema: docs/configuration.md from the stack schema
 * (schema/stack.ts), docs/contract.schema.json and docs/contract-variables.md from the
 * verification contract's (verification.ts). `node scripts/gen-docs.js` writes them;
 * tests/infra/reference.test.ts fails when a committed one is stale.
 */
import { z } from "zod";
import { PROJECT } from "./config";
import { stackConfigSchema } from "./schema/stack";
import { contractSchema, contractVariables } from "./verification";

/** Every generated file, relative to the repository root, and how it is made. */
export const GENERATED_DOCS: Record<string, () => string> = {
    "docs/configuration.md": configurationMarkdown,
    "docs/contract.schema.json": () => `${JSON.stringify(contractJsonSchema(), null, 2)}\n`,
    "docs/contract-variables.md": contractVariablesMarkdown,
};

export const REGENERATE = "node scripts/gen-docs.js";

/** The subset of JSON Schema that zod writes for these schemas, with the metadata they carry. */
interface Json {
    type?: string | string[];
    description?: string;
    /** What a value must be, where JSON Schema cannot say it (a refinement); set with `.meta({ allowed })`. */
    allowed?: string;
    default?: unknown;
    enum?: unknown[];
    const?: unknown;
    minimum?: number;
    maximum?: number;
    exclusiveMinimum?: number;
    minItems?: number;
    maxItems?: number;
    pattern?: string;
    properties?: Record<string, Json>;
    required?: string[];
    additionalProperties?: Json | boolean;
    items?: Json;
    anyOf?: Json[];
}

const toJson = (schema: z.ZodType, io: "input" | "output"): Json =>
    z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Json;

/** A value in a table cell: code, with the characters Markdown tables treat specially escaped. */
const code = (v: unknown) => `\`${(typeof v === "string" ? v : JSON.stringify(v)).replace(/\|/g, "\\|")}\``;
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** A nullable value is written by zod as anyOf [T, null]: the T, and whether null is allowed. */
function nonNull(node: Json): { node: Json; nullable: boolean } {
    const alternatives = node.anyOf?.filter((a) => a.type !== "null");
    if (node.anyOf && alternatives?.length === 1) {
        const { anyOf: _, ...rest } = node;
        return { node: { ...alternatives[0], ...rest }, nullable: true };
    }
    return { node, nullable: false };
}

function typeOf(node: Json): string {
    if (node.const !== undefined) return "constant";
    if (node.enum) return "one of";
    if (node.type === "array") return `list${node.items ? ` of ${typeOf(nonNull(node.items).node)}s` : ""}`;
    if (node.type === "object") return node.properties ? "mapping" : "map of names to strings";
    if (node.type === "integer") return "whole number";
    return typeof node.type === "string" ? node.type : "any";
}

function allowedOf(node: Json): string {
    if (node.allowed) return node.allowed;
    if (node.const !== undefined) return code(node.const);
    if (node.enum) return node.enum.map(code).join(", ");
    const parts: string[] = [];
    if (node.minimum !== undefined && node.maximum !== undefined) parts.push(`${node.minimum} to ${node.maximum}`);
    else if (node.minimum !== undefined) parts.push(`at least ${node.minimum}`);
    else if (node.exclusiveMinimum !== undefined) parts.push(`above ${node.exclusiveMinimum}`);
    if (node.exclusiveMinimum !== undefined && node.maximum !== undefined) parts.splice(0, 1, `above ${node.exclusiveMinimum}, at most ${node.maximum}`);
    if (node.minItems !== undefined) parts.push(`at least ${node.minItems} item${node.minItems === 1 ? "" : "s"}`);
    if (node.maxItems !== undefined) parts.push(`at most ${node.maxItems} items`);
    if (node.pattern) parts.push(`matches ${code(node.pattern)}`);
    if (node.type === "array" && node.items) {
        const item = allowedOf(nonNull(node.items).node);
        if (item) parts.push(`each ${item}`);
    }
    return parts.join("; ");
}

function defaultOf(node: Json, required: boolean): string {
    if (node.default !== undefined) {
        const d = node.default;
        // An object default whose every field has its own default says nothing a reader needs: each field shows its own.
        if (d !== null && typeof d === "object" && !Array.isArray(d) && node.properties) return "(each field's default)";
        return code(d);
    }
    return required ? "**required**" : "optional";
}

export interface Row {
    key: string;
    type: string;
    allowed: string;
    default: string;
    meaning: string;
}

/** Rows for a node and everything under it: a mapping's fields, a list's items. */
function rows(node: Json, key: string, required: boolean): Row[] {
    const { node: n, nullable } = nonNull(node);
    const row: Row = {
        key,
        type: typeOf(n) + (nullable ? " or null" : ""),
        allowed: allowedOf(n),
        default: defaultOf(n, required),
        meaning: n.description ?? "",
    };
    const out = [row];
    const nested = n.type === "array" && n.items?.properties ? nonNull(n.items).node : n;
    if (nested.properties) {
        const prefix = n === nested ? key : `${key}[]`;
        for (const [name, child] of Object.entries(nested.properties)) {
            out.push(...rows(child, `${prefix}.${name}`, nested.required?.includes(name) ?? false));
        }
    }
    return out;
}

function table(rs: Row[]): string {
    return [
        "| key | type | allowed | default | meaning |",
        "|---|---|---|---|---|",
        ...rs.map((r) => `| \`${r.key}\` | ${r.type} | ${cell(r.allowed)} | ${cell(r.default)} | ${cell(r.meaning)} |`),
    ].join("\n");
}

/** Every key of the stack configuration, as the tables of docs/configuration.md show it. */
export function configurationRows(): Row[] {
    const root = toJson(stackConfigSchema, "input");
    return Object.entries(root.properties ?? {}).flatMap(([name, node]) => rows(node, name === "region" ? "aws:region" : name, root.required?.includes(name) ?? false));
}

/** docs/configuration.md: every key of the stack configuration, one table per section. */
export function configurationMarkdown(): string {
    const root = toJson(stackConfigSchema, "input");
    const top: Row[] = [];
    const sections: string[] = [];
    for (const [name, node] of Object.entries(root.properties ?? {})) {
        const key = name === "region" ? "aws:region" : name;
        const required = root.required?.includes(name) ?? false;
        const rs = rows(node, key, required);
        if (rs.length === 1) top.push(...rs);
        else sections.push(`## ${key}\n\n${rs[0].meaning}\n\n${table([{ ...rs[0], meaning: "(the section)" }, ...rs.slice(1)])}\n`);
    }
    return [
        "<!-- Generated from infra/schema/*.ts by `" + REGENERATE + "`; do not edit by hand (tests/infra/reference.test.ts checks it). -->",
        "# Configuration",
        "",
        `Every key lives in \`stacks/Pulumi.<env>.yaml\` under the project namespace \`${PROJECT}:\`, plus \`aws:region\`.`,
        "Keys below are written without the namespace; a nested key is set with `pulumi config set --path`, e.g.",
        `\`pulumi config set --path ${PROJECT}:aurora.instances 3\`.`,
        "",
        "Every key of a stack's config must be known, so a typo is never silently ignored: an unknown key at any",
        "level, a misspelt namespace (`mlops_data:kubernetes`) or AWS key (`aws:regoin`) is an error naming the key",
        "and the allowed ones (with a \"did you mean\"). Only credentials may be `secure:` values (`kubeconfig`, which",
        "must be one); a `secure:` value on any other key is an error. `.nan` and `.inf` are reported as written.",
        "Besides each key's own rule, infra/config.ts checks rules across keys: the windows of a stack's stores",
        "must not collide, the backup plan must meet the recovery objectives, client CIDRs must be approved in",
        "`policy/config/<environment>.json`, and paging environments must have a paging target.",
        "",
        "\"required\" is required where the section is present; \"optional\" has no default (unset means none).",
        "Which argument replaces a data store when changed is said in its component's documentation",
        "(`infra/components/`): a major engine version, `databaseName`, a `masterUsername`, a KMS key or the VPC",
        "replace the cluster.",
        "",
        "## Stack",
        "",
        table(top),
        "",
        ...sections,
    ].join("\n");
}

/** The contract's JSON Schema: what `pulumi stack output verification` prints, for the C# reader's tests and other readers. */
export function contractJsonSchema(): Json & { $schema?: string; title?: string } {
    return { ...toJson(contractSchema, "output"), title: "The verification stack output (infra/verification.ts)" };
}

/** docs/contract-variables.md: the DBOPS_* variables dbops reads in-cluster, with the contract key each one carries. */
export function contractVariablesMarkdown(): string {
    const lines = contractVariables().map((v) => `| \`${v.name}\` | \`${v.path}\` | ${v.required ? "yes" : "no"} | ${cell(v.description)} |`);
    return [
        "<!-- Generated from infra/verification.ts by `" + REGENERATE + "`; do not edit by hand (tests/infra/reference.test.ts checks it). -->",
        "# The verification contract as environment variables",
        "",
        "In-cluster, `dbops` reads the contract from `DBOPS_*` variables (or, with `DBOPS_SECRETS_DIR`, from the",
        "files of the mounted contract Secret, one per variable). Each variable is named from its key's path in",
        "the contract by one rule (infra/verification.ts, `variableName`; dbops/Contract/EnvironmentContractReader.cs",
        "reads by the same names and tests/Dbops.Tests checks them against docs/contract.schema.json): `DBOPS_`, then",
        "each segment of the path in upper snake case, a segment's short name where the schema gives one",
        "(`postgres` is `PG`, `documentdb` `DOCDB`, `application` `APP`). A section is present when any of its",
        "variables is set; an absent nullable variable means null. `contractVersion` is not a variable: it is the",
        "version of the dbops build reading it.",
        "",
        "| variable | contract key | required in its section | meaning |",
        "|---|---|---|---|",
        ...lines,
        "",
    ].join("\n");
}
