/** What the preview prints: a tree per stack like `pulumi preview`, its policy results, and the diff. */
import type { PolicyViolation } from "../policy/offline/evaluate";
import { ChangeKind, PropertyChange, ResourceChange, StackDiff, blockingChanges, countKinds } from "../engine/diff";
import type { StackOutcome } from "./stackPlans";
import { countsByType, renderTree } from "./tree";

function violationLine(v: PolicyViolation): string {
    const where = v.urn ? ` (${v.urn.split("::").pop()})` : "";
    return `    ${v.enforcementLevel.padEnd(9)} ${v.policyPack}/${v.policyName}${where}\n      ${v.message.replace(/\n/g, "\n      ")}`;
}

export function renderStack(o: StackOutcome): string {
    if (o.failure) return `\nStack ${o.stack}: ${o.failure.message}`;
    const ev = o.evaluation!;
    const plan = o.plan!;
    const lines = [`\nStack ${o.stack} (${plan.environment}, ${plan.region}): ${ev.resources.length} resources, offline preview`, renderTree(ev.resources), "  by type:"];
    for (const [type, n] of countsByType(ev.resources)) lines.push(`    ${String(n).padStart(3)}  ${type}`);
    const violations = plan.violations ?? [];
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    lines.push(`  policies: ${mandatory} mandatory and ${violations.length - mandatory} other violation(s)`);
    for (const v of violations) lines.push(violationLine(v));
    return lines.join("\n");
}

const SIGN: Record<ChangeKind, string> = { add: "+", delete: "-", update: "~", replace: "+-" };

function propertyLine(p: PropertyChange): string {
    return p.masked ? `${p.path}: secret (not compared)` : `${p.path}: ${JSON.stringify(p.before) ?? "(unset)"} => ${JSON.stringify(p.after) ?? "(unset)"}`;
}

/** What the change does beyond its kind: refused by protect, the old one kept or deleted first. */
export function changeFlags(c: ResourceChange): string[] {
    return [
        ...(c.dataLossRisk ? [`${c.kind.toUpperCase()} - DATA LOSS RISK`] : []),
        ...(c.blocked ? ["BLOCKED - protected: pulumi up fails"] : []),
        ...(c.retained ? ["RETAINED - left in the cloud, orphaned"] : []),
        ...(c.deleteBeforeReplace ? ["DELETE BEFORE REPLACE - downtime"] : []),
    ];
}

export function renderDiff(diffs: StackDiff[], baseLabel: string): string {
    const lines = [`\nChanges against ${baseLabel}:`];
    for (const d of diffs) {
        const n = countKinds(d);
        lines.push(`  ${d.stack}: ${n.add} to create, ${n.update} to update, ${n.replace} to replace, ${n.delete} to delete${d.missingBase ? " (new stack)" : d.missingHead ? " (stack removed)" : ""}`);
        for (const c of d.changes) {
            const flags = changeFlags(c);
            lines.push(`    ${SIGN[c.kind].padEnd(2)} ${c.type}  ${c.name}${flags.length ? `  ${flags.join("; ")}` : ""}`);
            for (const r of c.reasons) lines.push(`         ${r}`);
            if (c.kind === "update" || c.kind === "replace") {
                for (const p of c.properties) lines.push(`         ${propertyLine(p)}`);
                if (c.ignored.length) lines.push(`         ignoreChanges keeps the state's value: ${c.ignored.join(", ")}`);
                if (c.notCompared.length) lines.push(`         secret (not compared): ${c.notCompared.join(", ")}`);
            }
        }
    }
    const all = diffs.flatMap(blockingChanges);
    const blocked = all.filter((c) => c.blocked).length;
    if (all.length - blocked) lines.push(`  ${all.length - blocked} stateful replacement(s) or deletion(s) in a protected environment.`);
    if (blocked) lines.push(`  ${blocked} replacement(s) or deletion(s) of a protected resource: pulumi up would fail ("currently marked for protection").`);
    return lines.join("\n");
}
