/**
 * The report's operations summary (issue 17): per stack, its CloudWatch
 * dashboard (linked in the console), how many alarms each severity band has
 * and where each band goes, and what is tested or scaled on its own. Read from
 * the plan, which holds no secrets (subscription endpoints are not shown).
 */
import type { Plan, PlannedResource } from "../engine/plan";
import { SEVERITY_TAG } from "../infra/incidents";
import { SEVERITIES, SEVERITY_MEANING } from "../infra/schema/alarms";

const ALARM_TYPES = ["aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm"];

function dashboardLink(region: string, name: string): string {
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${name}`;
}

function bandTarget(plan: Plan, alarms: PlannedResource[], severity: string): string {
    const topic = alarms.find((a) => (a.inputs.tags as Record<string, string> | undefined)?.[SEVERITY_TAG] === severity)?.inputs.alarmActions;
    const arn = Array.isArray(topic) ? String(topic[0] ?? "") : "";
    const own = plan.resources.find((r) => r.type === "aws:sns/topic:Topic" && String(r.inputs.name ?? "").endsWith(`-alarms-${severity}`));
    if (own) {
        const subscriptions = plan.resources.filter((r) => r.type === "aws:sns/topicSubscription:TopicSubscription" && r.name.startsWith(`${own.name}-subscription-`));
        return `stack topic \`${String(own.inputs.name)}\`, ${subscriptions.length} subscription${subscriptions.length === 1 ? "" : "s"} (${[...new Set(subscriptions.map((s) => String(s.inputs.protocol)))].join(", ") || "none"})`;
    }
    return arn ? `external topic \`${arn}\`` : "no alarm";
}

export function operationsSection(plans: Plan[]): string[] {
    const lines = ["## Operations", "", "| Stack | Dashboard | Alarms by band | Reader auto scaling | Restore testing |", "|---|---|---|---|---|"];
    for (const p of plans) {
        const dashboard = p.resources.find((r) => r.type === "aws:cloudwatch/dashboard:Dashboard");
        const alarms = p.resources.filter((r) => ALARM_TYPES.includes(r.type));
        const bySeverity = SEVERITIES.map((s) => `${s}: ${alarms.filter((a) => (a.inputs.tags as Record<string, string> | undefined)?.[SEVERITY_TAG] === s).length}`).join(", ");
        const widgets = typeof dashboard?.inputs.dashboardBody === "string" ? (JSON.parse(dashboard.inputs.dashboardBody).widgets?.length ?? 0) : 0;
        const name = String(dashboard?.inputs.dashboardName ?? "");
        const scaling = p.resources.find((r) => r.type === "aws:appautoscaling/target:Target");
        const restore = p.resources.find((r) => r.type === "aws:backup/restoreTestingPlan:RestoreTestingPlan");
        lines.push(
            `| ${p.stack} | ${dashboard ? `[${name}](${dashboardLink(p.region, name)}) (${widgets} widgets)` : "none"} | ${bySeverity} | ` +
                `${scaling ? `${scaling.inputs.minCapacity}-${scaling.inputs.maxCapacity} readers` : "off"} | ${restore ? `\`${String(restore.inputs.scheduleExpression)}\`` : "off"} |`,
        );
    }
    lines.push("", "<details><summary>Where each band goes</summary>", "");
    for (const p of plans) {
        const alarms = p.resources.filter((r) => ALARM_TYPES.includes(r.type));
        lines.push(`**${p.stack}**`, "", ...SEVERITIES.map((s) => `- ${SEVERITY_MEANING[s]}: ${bandTarget(p, alarms, s)}`), "");
    }
    lines.push("</details>", "");
    return lines;
}
