/**
 * Alarms that reach someone (issue 17): an alarm without an action changes
 * colour in the console and tells nobody. Every CloudWatch metric and
 * composite alarm notifies at least one SNS topic when it fires, and its
 * topics are encrypted with a customer-managed key where the stack declares
 * them. Which topic (the severity band's) is the program's business and is
 * tested there (tests/infra/alarms.test.ts); this policy catches an alarm
 * added anywhere without one.
 */
import * as aws from "../../infra/sdk/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { NO_THRESHOLDS } from "./lib/config";

/** An SNS topic ARN (CloudWatch alarm actions may also be EC2, Auto Scaling or Systems Manager ARNs; those tell no person). */
const SNS_ARN = /^arn:aws[a-z-]*:sns:/;

function actionProblem(what: string, actions: unknown, actionsEnabled: unknown): string | undefined {
    if (actionsEnabled === false) return `${what}: actionsEnabled is false, so it notifies nobody.`;
    const list = Array.isArray(actions) ? actions : [];
    if (list.length === 0) return `${what}: alarmActions is empty, so it notifies nobody.`;
    // An unknown ARN (a topic created in the same update) is accepted: it is an SNS topic of the stack.
    const known = list.filter((a) => typeof a === "string");
    if (known.length === list.length && !known.some((a) => SNS_ARN.test(a))) return `${what}: no alarm action is an SNS topic (${known.join(", ")}).`;
    return undefined;
}

export const alarmsHaveActions: ResourceValidationPolicy = {
    name: "alarms-have-actions",
    description: "Every CloudWatch alarm notifies an SNS topic when it fires (its severity band's), so that someone is told.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Create the alarm through infra/components/alarms.ts (thresholdAlarm or compositeAlarm), which routes it to its band's topic; " +
        "configure the bands' targets in mlops-data:alarms.topics (docs/operations.md).",
    configSchema: NO_THRESHOLDS,
    validateResource: [
        validateResourceOfType(aws.cloudwatch.MetricAlarm, (a, _args, report) => {
            const p = actionProblem(`Metric alarm ${a.name ?? ""}`.trim(), a.alarmActions, a.actionsEnabled);
            if (p) report(p);
        }),
        validateResourceOfType(aws.cloudwatch.CompositeAlarm, (a, _args, report) => {
            const p = actionProblem(`Composite alarm ${a.alarmName ?? ""}`.trim(), a.alarmActions, a.actionsEnabled);
            if (p) report(p);
        }),
        validateResourceOfType(aws.sns.Topic, (t, _args, report) => {
            // An alarm's text names hosts and thresholds: the stack's topics are encrypted with its key.
            if (!t.kmsMasterKeyId) report(`SNS topic ${t.name ?? ""}: kmsMasterKeyId is not set; encrypt it with the stack's customer-managed key.`.replace("  ", " "));
            else if (/^alias\/aws\//.test(String(t.kmsMasterKeyId))) report(`SNS topic ${t.name ?? ""}: uses the AWS-managed key ${JSON.stringify(t.kmsMasterKeyId)}, which CloudWatch alarms cannot use.`);
        }),
    ],
};
