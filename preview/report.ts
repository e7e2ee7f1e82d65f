/**
 * The Markdown report for a pull request comment (and the job summary):
 * stateful replacements first, then a summary per stack, the policy
 * violations, the changes against the base, and the topology as a Mermaid
 * diagram, which GitHub renders. It is made from plans, which hold no
 * secrets, and it carries no timestamps, so an unchanged pull request gets
 * an unchanged comment.
 */
import { ChangeKind, ResourceChange, StackDiff, blockingChanges, countKinds } from "../engine/diff";
import { Plan } from "../engine/plan";
import { PROTECTED_ENVIRONMENTS } from "../engine/protection";
import { operationsSection } from "./operations";
import { renderTopology } from "./topology";

/** Marks the comment as this report's, so CI updates it instead of adding another. */
export const REPORT_MARKER = "<!-- mlops-data offline preview -->";

/** GitHub refuses a comment longer than 65,536 characters; past this, in-place updates are left out of the tables. */
export const COMMENT_LIMIT = 60_000;

export interface ReportInput {
    /** The stacks that evaluated, by name. */
    plans: Map<string, Plan>;
    /** Stacks that did not evaluate, with the reason. */
    failures: { stack: string; message: string }[];
    /** The comparison with the base, when one was asked for. */
    diff?: { baseLabel: string; stacks: StackDiff[]; warnings: string[] };
    /** Where the plans come from, when not from this run's evaluation (`preview diff`). */
    headLabel?: string;
}

/** Text for a table cell: no pipe or newline breaks the table, no angle bracket becomes HTML. */
function cell(text: unknown): string {
    const s = typeof text === "string" ? text : JSON.stringify(text) ?? "(unset)";
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

function short(v: unknown, max = 80): string {
    const s = v === undefined ? "(unset)" : typeof v === "string" ? v : JSON.stringify(v);
    return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

const ACTION: Record<ChangeKind, string> = { replace: "**REPLACE**", delete: "**DELETE**", add: "create", update: "update" };

function changeSummary(d: StackDiff): string {
    const n = countKinds(d);
    const parts = [`${n.add} to create`, `${n.update} to update`, `${n.replace} to replace`, `${n.delete} to delete`];
    return d.changes.length === 0 ? "no changes" : parts.join(", ");
}

function riskSection(diffs: StackDiff[]): string[] {
    const risky = diffs.flatMap((d) => d.changes.filter((c) => c.dataLossRisk || c.blocked).map((c) => ({ d, c })));
    if (risky.length === 0) return [];
    const blocking = new Set(diffs.flatMap(blockingChanges));
    const blocked = risky.filter(({ c }) => c.blocked).length;
    const lost = risky.filter(({ c }) => c.dataLossRisk).length;
    return [
        "> [!CAUTION]",
        ...(lost ? [`> **DATA LOSS RISK**: this change would REPLACE or DELETE ${lost} stateful resource${lost === 1 ? "" : "s"}.`] : []),
        ...(blocked ? [`> **BLOCKED**: ${blocked} replacement${blocked === 1 ? "" : "s"} or deletion${blocked === 1 ? "" : "s"} of a protected resource: \`pulumi up\` fails on ${blocked === 1 ? "it" : "them"} ("currently marked for protection").`] : []),
        "> Check each reason below; `--fail-on-replace` fails the preview on those in a protected environment and on every blocked one.",
        "",
        "| Stack | Action | Resource | Why | What is at stake | Protected |",
        "|---|---|---|---|---|---|",
        ...risky.map(({ d, c }) =>
            [
                d.stack,
                ACTION[c.kind],
                `${c.stateful?.what ?? c.type} \`${c.name}\``,
                [...c.reasons.map(cell), ...(c.sources.length ? [`source: ${c.sources.map((s) => `[${s.argument}](${s.url})`).join(", ")}`] : [])].join("<br>"),
                cell(c.stateful?.risk ?? "no data: a new one is created in its place"),
                c.blocked ? "**BLOCKED**: protect is set, pulumi up fails" : blocking.has(c) ? "yes" : "no",
            ].join(" | ").replace(/^/, "| ") + " |",
        ),
        "",
    ];
}

function summarySection(input: ReportInput): string[] {
    const diffs = new Map((input.diff?.stacks ?? []).map((d) => [d.stack, d]));
    const rows = [...input.plans.values()].map((p) => {
        const v = p.violations ?? [];
        const mandatory = v.filter((x) => x.enforcementLevel === "mandatory").length;
        const d = diffs.get(p.stack);
        const policy = p.violations === null ? "not run | not run" : `${mandatory ? `**${mandatory}**` : 0} | ${v.length - mandatory}`;
        return `| ${p.stack} | ${p.environment}${p.protectedEnvironment ? " (protected)" : ""} | ${p.region} | ${p.resources.length} | ${policy} |${input.diff ? ` ${d ? changeSummary(d) : "not compared"} |` : ""}`;
    });
    return [
        "## Stacks",
        "",
        `| Stack | Environment | Region | Resources | Mandatory violations | Advisory |${input.diff ? " Changes |" : ""}`,
        `|---|---|---|---|---|---|${input.diff ? "---|" : ""}`,
        ...rows,
        ...input.failures.map((f) => `| ${f.stack} | – | – | not evaluated | – | – |${input.diff ? " – |" : ""}`),
        "",
    ];
}

function violationsSection(plans: Plan[]): string[] {
    if (plans.every((p) => p.violations === null)) return ["## Policy violations", "", "The policy packs were not run for these plans.", ""];
    const rows = plans.flatMap((p) =>
        (p.violations ?? []).map((v) => {
            const resource = v.urn ? `\`${v.urn.split("::").pop()}\`` : "(stack)";
            return `| ${p.stack} | ${v.enforcementLevel === "mandatory" ? "**mandatory**" : v.enforcementLevel} | ${v.policyPack} | ${v.policyName} | ${resource} | ${cell(v.message)} |`;
        }),
    );
    return [
        "## Policy violations",
        "",
        "| Stack | Level | Pack | Policy | Resource | Message |",
        "|---|---|---|---|---|---|",
        ...(rows.length ? rows : ["| – | – | – | – | – | none: every stack passes every policy |"]),
        "",
    ];
}

/** What the change does beyond its kind, for the changes table. */
function flags(c: ResourceChange): string {
    const f = [...(c.blocked ? ["BLOCKED: protected"] : []), ...(c.retained ? ["retained: orphaned, not destroyed"] : []), ...(c.deleteBeforeReplace ? ["deleted before its replacement exists"] : [])];
    return f.length ? ` (${f.join("; ")})` : "";
}

function changeRow(c: ResourceChange): string {
    const properties = c.properties.map((p) => (p.masked ? `\`${p.path}\`: secret (not compared)` : `\`${p.path}\`: ${short(p.before)} → ${short(p.after)}`));
    const extra = [
        ...(c.ignored.length ? [`ignoreChanges keeps the state's value: ${c.ignored.join(", ")}`] : []),
        ...(c.notCompared.length ? [`secret (not compared): ${c.notCompared.join(", ")}`] : []),
    ];
    const details = c.kind === "add" || c.kind === "delete" ? c.reasons : [...c.reasons, ...properties, ...extra];
    return `| ${ACTION[c.kind]}${flags(c)} | ${c.type} | \`${c.name}\` | ${details.map(cell).join("<br>") || "–"} |`;
}

function changesSection(diff: NonNullable<ReportInput["diff"]>, compact: boolean): string[] {
    const lines = [`## Changes against ${diff.baseLabel}`, ""];
    if (compact) lines.push("_In-place updates are counted but not listed, to fit a PR comment: the plans in the job's artifact have them all._", "");
    for (const w of diff.warnings) lines.push(`> [!WARNING]\n> ${cell(w)}\n`);
    for (const d of diff.stacks) {
        const note = d.missingBase ? " (new stack)" : d.missingHead ? " (stack removed)" : "";
        lines.push(`### ${d.stack}${note}: ${changeSummary(d)}`, "");
        const listed = compact ? d.changes.filter((c) => c.kind !== "update") : d.changes;
        if (listed.length === 0) continue;
        lines.push("| Action | Type | Name | What changes |", "|---|---|---|---|", ...listed.map(changeRow), "");
    }
    return lines;
}

function resourcesByType(plans: Plan[]): string[] {
    const types = [...new Set(plans.flatMap((p) => p.resources.map((r) => r.type)))].sort();
    const count = (p: Plan, t: string) => p.resources.filter((r) => r.type === t).length;
    return [
        "<details><summary>Resources by type</summary>",
        "",
        `| Type | ${plans.map((p) => p.stack).join(" | ")} |`,
        `|---|${plans.map(() => "---:").join("|")}|`,
        ...types.map((t) => `| ${t} | ${plans.map((p) => count(p, t) || "").join(" | ")} |`),
        "",
        "</details>",
        "",
    ];
}

export function renderReport(input: ReportInput): string {
    const full = render(input, false);
    return full.length <= COMMENT_LIMIT ? full : render(input, true);
}

function render(input: ReportInput, compact: boolean): string {
    const plans = [...input.plans.values()];
    const lines = [
        REPORT_MARKER,
        "# Offline preview",
        "",
        (input.headLabel
            ? `Plans of ${plans.length} stack${plans.length === 1 ? "" : "s"} from ${input.headLabel}, made offline: the real program under Pulumi's runtime mocks, no cloud credentials. `
            : `${plans.length} stack${plans.length === 1 ? "" : "s"} evaluated by \`make preview\`: the real program under Pulumi's runtime mocks, no cloud credentials. `) +
            `Protected environments: ${PROTECTED_ENVIRONMENTS.join(", ")}.`,
        "",
        ...riskSection(input.diff?.stacks ?? []),
        ...input.failures.flatMap((f) => ["> [!WARNING]", `> Stack **${f.stack}** was not evaluated: ${cell(f.message)}`, ""]),
        ...summarySection(input),
        ...violationsSection(plans),
        ...operationsSection(plans),
        ...(input.diff ? changesSection(input.diff, compact) : []),
        "## Topology",
        "",
        "```mermaid",
        renderTopology(plans),
        "```",
        "",
        ...resourcesByType(plans),
    ];
    return lines.join("\n");
}
