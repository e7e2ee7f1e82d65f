/**
 * Resource types of the cloudwatch service (CloudWatch alarms and CloudWatch Logs). Sources: each spec's `source`, each rule's.
 * Provider facts from hashicorp/terraform-provider-aws internal/service/logs/{group,validate}.go and
 * internal/service/cloudwatch/metric_alarm.go; @pulumi/aws names alarm_name `name` (cloudwatch/metricAlarm.d.ts).
 */
import { tagRules } from "./common";
import { ResourceTypeSpec, TF, identifier, known } from "./spec";

const LOG_GROUP = `${TF}/logs/group.go`;
const ALARM = `${TF}/cloudwatch/metric_alarm.go`;
const CREATE_LOG_GROUP_DOC = "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html";
const PUT_ALARM_DOC = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html";
const COMPOSITE = `${TF}/cloudwatch/composite_alarm.go`;
const PUT_COMPOSITE_DOC = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html";
const METRIC_FILTER = `${TF}/logs/metric_filter.go`;
const DASHBOARD = `${TF}/cloudwatch/dashboard.go`;
const DASHBOARD_BODY_DOC = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html";
/** CloudWatch Logs' StandardUnit values (the metric transformation's unit, enum.Validate[StandardUnit]). */
const STANDARD_UNITS = [
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits",
    "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second",
    "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
];

/** The ARN lists of an alarm (alarm_actions, ok_actions, insufficient_data_actions): at most 5 ARNs each. */
function actionListsProblem(i: Record<string, unknown>): string | undefined {
    for (const p of ["alarmActions", "okActions", "insufficientDataActions"]) {
        const list = i[p];
        if (!Array.isArray(list)) continue;
        if (list.length > 5) return `${p} has ${list.length} actions; at most 5`;
        const bad = list.find((a) => known(a) && !ARN.test(String(a)));
        if (bad !== undefined) return `${p} holds ${JSON.stringify(bad)}, which is not an ARN`;
    }
    return undefined;
}

/** The alarm names an alarm rule refers to: ALARM("name"), OK(name), INSUFFICIENT_DATA(...) (PutCompositeAlarm's AlarmRule). */
export function ruleAlarmNames(rule: string): string[] {
    return [...rule.matchAll(/\b(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*"?([^")]+?)"?\s*\)/g)].map((m) => m[1]);
}

const set = (v: unknown) => v !== undefined && v !== null;
const RETENTION_DAYS = [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const LOG_GROUP_NAME = /^[0-9A-Za-z_./#-]+$/;
/** A KMS key ARN (not a key id, alias or alias ARN): CreateLogGroup's kmsKeyId. */
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[A-Za-z0-9-]+$/;

const COMPARISON_OPERATORS = [
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
    "LessThanLowerOrGreaterThanUpperThreshold",
    "LessThanLowerThreshold",
    "GreaterThanUpperThreshold",
];
const STATISTICS = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];
const MISSING_DATA = ["breaching", "notBreaching", "ignore", "missing"];
/** metric_alarm.go's extended_statistic pattern (percentiles and trimmed statistics). */
const EXTENDED_STATISTIC = /^((p|(tm)|(wm)|(tc)|(ts))((\d{1,2}(\.\d{1,2})?)|(100))|(IQM)|(((TM)|(WM)|(PR)|(TC)|(TS)))\((\d+(\.\d+)?%?)?:(\d+(\.\d+)?%?)?\))$/;
const ARN = /^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+$/;

export const SPECS: ResourceTypeSpec[] = [
    {
        type: "aws:cloudwatch/logGroup:LogGroup",
        stateful: {
            what: "CloudWatch Logs log group",
            risk: "the log group is deleted with every log event it holds (the cache's slow log history)",
        },
        source: LOG_GROUP,
        example: {
            name: "/aws/elasticache/mlops-prod-cache/slow-log",
            kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/0000example-cache-key",
            retentionInDays: 30,
            tags: { environment: "prod", "managed-by": "pulumi" },
        },
        rules: [
            {
                id: "logs-retention-in-days",
                property: "retentionInDays",
                origin: "provider",
                source: `${LOG_GROUP} (retention_in_days: validation.IntInSlice)`,
                check: (i) => (!set(i.retentionInDays) || RETENTION_DAYS.includes(Number(i.retentionInDays)) ? undefined : `retentionInDays ${i.retentionInDays}; allowed: ${RETENTION_DAYS.join(", ")} (0 keeps logs forever)`),
                cases: { pass: [{ retentionInDays: 3653 }, { retentionInDays: 0 }], fail: [{ retentionInDays: 31 }, { retentionInDays: 2 }, { retentionInDays: 3650 }] },
            },
            {
                id: "logs-log-group-name",
                property: "name",
                origin: "provider",
                source: `${TF}/logs/validate.go (validLogGroupName: 1-512 of letters, digits and _ . / # -; name and name_prefix ConflictsWith each other); ${CREATE_LOG_GROUP_DOC}`,
                check: (i) => {
                    if (set(i.name) && set(i.namePrefix)) return "name and namePrefix are both set; set one of them";
                    for (const p of ["name", "namePrefix"]) {
                        if (!known(i[p])) continue;
                        const s = String(i[p]);
                        if (!LOG_GROUP_NAME.test(s)) return `${p} ${JSON.stringify(s)}: only letters, digits and _ . / # - are allowed`;
                        if (s.length > 512) return `${p} has ${s.length} characters; at most 512`;
                    }
                    return undefined;
                },
                cases: {
                    pass: [{ name: "/a_b.c#d-e" }, { name: undefined, namePrefix: "/aws/x-" }],
                    fail: [{ name: "/aws/my cache" }, { name: "/aws/cache:slow" }, { name: "/" + "a".repeat(512) }, { namePrefix: "/aws/" }],
                },
            },
            {
                id: "logs-log-group-class",
                property: "logGroupClass",
                origin: "provider",
                source: `${LOG_GROUP} (log_group_class: enum LogGroupClass)`,
                check: (i) => (!set(i.logGroupClass) || ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"].includes(String(i.logGroupClass)) ? undefined : `logGroupClass ${JSON.stringify(i.logGroupClass)}; allowed: STANDARD, INFREQUENT_ACCESS, DELIVERY`),
                cases: { pass: [{ logGroupClass: "INFREQUENT_ACCESS" }], fail: [{ logGroupClass: "standard" }] },
            },
            {
                id: "logs-kms-key-arn",
                property: "kmsKeyId",
                origin: "aws",
                // An alias or a bare key id is refused at CreateLogGroup/AssociateKmsKey time.
                source: `${CREATE_LOG_GROUP_DOC} (kmsKeyId: "The Amazon Resource Name (ARN) of the KMS key to use when encrypting log data")`,
                check: (i) => (!known(i.kmsKeyId) || KMS_KEY_ARN.test(String(i.kmsKeyId)) ? undefined : `kmsKeyId ${JSON.stringify(i.kmsKeyId)} is not a KMS key ARN; CloudWatch Logs takes arn:aws:kms:<region>:<account>:key/<key-id>`),
                cases: {
                    pass: [{ kmsKeyId: undefined }, { kmsKeyId: "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }],
                    fail: [{ kmsKeyId: "alias/mlops-prod-cache" }, { kmsKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" }, { kmsKeyId: "arn:aws:kms:us-east-1:123456789012:alias/mlops-prod-cache" }],
                },
            },
            ...tagRules("logs-log-group"),
        ],
        // log_group_class, name and name_prefix: Optional, Computed, ForceNew; kms_key_id and retention change in place.
        forceNew: [identifier("logGroupClass"), identifier("name"), identifier("namePrefix")],
    },
    {
        type: "aws:cloudwatch/metricAlarm:MetricAlarm",
        source: ALARM,
        example: {
            name: "mlops-prod-cache-001-cpu",
            alarmDescription: "Cache node mlops-prod-cache-001: host CPU above 90% for 15 minutes",
            namespace: "AWS/ElastiCache",
            metricName: "CPUUtilization",
            dimensions: { CacheClusterId: "mlops-prod-cache-001" },
            statistic: "Average",
            comparisonOperator: "GreaterThanThreshold",
            threshold: 90,
            period: 300,
            evaluationPeriods: 3,
            datapointsToAlarm: 3,
            treatMissingData: "missing",
            alarmActions: ["arn:aws:sns:us-east-1:123456789012:mlops-prod-alarms"],
            okActions: ["arn:aws:sns:us-east-1:123456789012:mlops-prod-alarms"],
            tags: { environment: "prod" },
        },
        rules: [
            {
                id: "cloudwatch-alarm-name",
                property: "name",
                origin: "provider",
                // Provider: 1-255. AWS: UTF-8 without ASCII control characters.
                source: `${ALARM} (alarm_name: Required, validation.StringLenBetween(1, 255)); ${PUT_ALARM_DOC} (AlarmName: no ASCII control characters)`,
                check: (i) => {
                    if (!set(i.name)) return "name (alarm_name) is required";
                    const s = String(i.name);
                    if (s.length < 1 || s.length > 255) return `name has ${s.length} characters; allowed 1-255`;
                    // eslint-disable-next-line no-control-regex
                    if (/[\u0000-\u001f\u007f]/.test(s)) return `name ${JSON.stringify(s)} holds ASCII control characters, which AWS refuses`;
                    return undefined;
                },
                cases: { pass: [{ name: "a" }, { name: "n".repeat(255) }], fail: [{ name: undefined }, { name: "" }, { name: "n".repeat(256) }, { name: "cpu\talarm" }] },
            },
            {
                id: "cloudwatch-comparison-operator",
                property: "comparisonOperator",
                origin: "provider",
                source: `${ALARM} (comparison_operator: Required, enum ComparisonOperator)`,
                check: (i) => (COMPARISON_OPERATORS.includes(String(i.comparisonOperator)) ? undefined : `comparisonOperator ${JSON.stringify(i.comparisonOperator ?? null)}; allowed: ${COMPARISON_OPERATORS.join(", ")}`),
                cases: { pass: [{ comparisonOperator: "LessThanOrEqualToThreshold" }], fail: [{ comparisonOperator: undefined }, { comparisonOperator: "GreaterThan" }, { comparisonOperator: ">" }] },
            },
            {
                id: "cloudwatch-statistic",
                property: "statistic",
                origin: "provider",
                source: `${ALARM} (statistic: enum Statistic, ConflictsWith extended_statistic; extended_statistic pattern; CustomizeDiff: "One of statistic or extended_statistic must be set")`,
                check: (i) => {
                    const s = set(i.statistic);
                    const e = set(i.extendedStatistic);
                    if (s && e) return "statistic and extendedStatistic are both set; set one of them";
                    if (set(i.metricName) && !s && !e) return "neither statistic nor extendedStatistic is set; a metric alarm needs one";
                    if (s && !STATISTICS.includes(String(i.statistic))) return `statistic ${JSON.stringify(i.statistic)}; allowed: ${STATISTICS.join(", ")} (percentiles go in extendedStatistic)`;
                    if (e && !EXTENDED_STATISTIC.test(String(i.extendedStatistic))) return `extendedStatistic ${JSON.stringify(i.extendedStatistic)} is not a percentile or trimmed statistic such as p99 or TM(10%:90%)`;
                    return undefined;
                },
                cases: {
                    pass: [{ statistic: "Sum" }, { statistic: undefined, extendedStatistic: "p99" }, { statistic: undefined, extendedStatistic: "TM(10%:90%)" }],
                    fail: [{ statistic: undefined }, { extendedStatistic: "p99" }, { statistic: "p99" }, { statistic: "Avg" }, { statistic: undefined, extendedStatistic: "p101" }],
                },
            },
            {
                id: "cloudwatch-periods",
                property: "period",
                origin: "provider",
                source: `${ALARM} (period: 10, 20, 30 or a multiple of 60; evaluation_periods: Required, at least 1; datapoints_to_alarm: at least 1)`,
                check: (i) => {
                    if (set(i.period)) {
                        const p = Number(i.period);
                        if (![10, 20, 30].includes(p) && !(p > 0 && p % 60 === 0)) return `period ${i.period}; allowed 10, 20, 30 or a multiple of 60 seconds`;
                    }
                    if (!set(i.metricQueries) && !(Number(i.evaluationPeriods) >= 1)) return `evaluationPeriods ${JSON.stringify(i.evaluationPeriods ?? null)}; required, at least 1`;
                    if (set(i.datapointsToAlarm) && !(Number(i.datapointsToAlarm) >= 1)) return `datapointsToAlarm ${i.datapointsToAlarm}; at least 1`;
                    return undefined;
                },
                cases: { pass: [{ period: 60 }, { period: 10, evaluationPeriods: 1, datapointsToAlarm: 1 }], fail: [{ period: 45 }, { period: 0 }, { evaluationPeriods: undefined }, { evaluationPeriods: 0 }, { datapointsToAlarm: 0 }] },
            },
            {
                id: "cloudwatch-evaluation-window",
                property: "evaluationPeriods",
                origin: "aws",
                source: `${PUT_ALARM_DOC} (EvaluationPeriods: "this number multiplied by Period cannot be more than 86,400 seconds"; DatapointsToAlarm: M out of N, so at most EvaluationPeriods)`,
                check: (i) => {
                    const n = Number(i.evaluationPeriods);
                    if (set(i.period) && set(i.evaluationPeriods) && Number(i.period) * n > 86400) return `evaluationPeriods ${n} x period ${i.period} s = ${Number(i.period) * n} s; an alarm evaluates at most one day (86400 s)`;
                    if (set(i.datapointsToAlarm) && set(i.evaluationPeriods) && Number(i.datapointsToAlarm) > n) return `datapointsToAlarm ${i.datapointsToAlarm} exceeds evaluationPeriods ${n}`;
                    return undefined;
                },
                cases: { pass: [{ period: 3600, evaluationPeriods: 24, datapointsToAlarm: 1 }], fail: [{ period: 3600, evaluationPeriods: 25 }, { datapointsToAlarm: 4 }] },
            },
            {
                id: "cloudwatch-treat-missing-data",
                property: "treatMissingData",
                origin: "provider",
                source: `${ALARM} (treat_missing_data: StringInSlice breaching, notBreaching, ignore, missing)`,
                check: (i) => (!set(i.treatMissingData) || MISSING_DATA.map((m) => m.toLowerCase()).includes(String(i.treatMissingData).toLowerCase()) ? undefined : `treatMissingData ${JSON.stringify(i.treatMissingData)}; allowed: ${MISSING_DATA.join(", ")}`),
                cases: { pass: [{ treatMissingData: "notBreaching" }], fail: [{ treatMissingData: "zero" }] },
            },
            {
                id: "cloudwatch-metric",
                property: "metricName",
                origin: "provider",
                source: `${ALARM} (metric_name, namespace: 1-255, ConflictsWith metric_query; dimensions ConflictsWith metric_query; threshold ConflictsWith threshold_metric_id; alarm_description 0-1024); ${PUT_ALARM_DOC} (Dimensions: at most 30)`,
                check: (i) => {
                    if (set(i.metricQueries) && (set(i.metricName) || set(i.namespace) || set(i.dimensions) || set(i.period) || set(i.statistic)))
                        return "metricQueries is set together with metricName, namespace, dimensions, period or statistic; use one way to name the metric";
                    for (const p of ["metricName", "namespace"]) if (set(i[p]) && !(String(i[p]).length >= 1 && String(i[p]).length <= 255)) return `${p} has ${String(i[p]).length} characters; allowed 1-255`;
                    if (set(i.threshold) && set(i.thresholdMetricId)) return "threshold and thresholdMetricId are both set; set one of them";
                    if (typeof i.alarmDescription === "string" && i.alarmDescription.length > 1024) return `alarmDescription of ${i.alarmDescription.length} characters; at most 1024`;
                    if (i.dimensions && typeof i.dimensions === "object" && Object.keys(i.dimensions).length > 30) return `${Object.keys(i.dimensions).length} dimensions; at most 30`;
                    return undefined;
                },
                cases: {
                    pass: [{ metricName: "EngineCPUUtilization" }],
                    fail: [{ metricQueries: [{ id: "m1", returnData: true }] }, { metricName: "" }, { thresholdMetricId: "ad1" }, { alarmDescription: "d".repeat(1025) }, { dimensions: Object.fromEntries(Array.from({ length: 31 }, (_, k) => [`d${k}`, "v"])) }],
                },
            },
            {
                id: "cloudwatch-alarm-actions",
                property: "alarmActions",
                origin: "provider",
                source: `${ALARM} (alarm_actions, ok_actions, insufficient_data_actions: ARNs; ok/insufficient MaxItems 5); ${PUT_ALARM_DOC} (AlarmActions: at most 5)`,
                check: (i) => actionListsProblem(i),
                cases: { pass: [{ alarmActions: [], okActions: [] }], fail: [{ alarmActions: ["mlops-prod-alarms"] }, { okActions: Array.from({ length: 6 }, (_, k) => `arn:aws:sns:us-east-1:123456789012:t${k}`) }] },
            },
            ...tagRules("cloudwatch-metric-alarm"),
        ],
        // alarm_name (@pulumi/aws `name`) is the only ForceNew argument.
        forceNew: [{ property: "name", terraform: "alarm_name" }],
    },
    {
        type: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
        source: COMPOSITE,
        example: {
            alarmName: "mlops-prod-mlflow-lock-contention",
            alarmDescription: "Sev 2: lock contention",
            alarmRule: 'ALARM("mlops-prod-mlflow-deadlocks") AND (ALARM("mlops-prod-mlflow-slow-statements") OR ALARM("mlops-prod-mlflow-connections"))',
            actionsEnabled: true,
            alarmActions: ["arn:aws:sns:us-east-1:123456789012:mlops-prod-alarms-sev2"],
            okActions: ["arn:aws:sns:us-east-1:123456789012:mlops-prod-alarms-sev2"],
            tags: { environment: "prod" },
        },
        rules: [
            {
                id: "cloudwatch-composite-alarm-fields",
                property: "alarmRule",
                origin: "provider",
                source: `${COMPOSITE} (alarm_name Required, StringLenBetween(0, 255); alarm_rule Required, StringLenBetween(1, 10240); alarm_description StringLenBetween(0, 1024))`,
                check: (i) => {
                    if (!set(i.alarmName)) return "alarmName is required";
                    if (known(i.alarmName) && String(i.alarmName).length > 255) return `alarmName has ${String(i.alarmName).length} characters; at most 255`;
                    if (!set(i.alarmRule)) return "alarmRule is required";
                    if (known(i.alarmRule) && (String(i.alarmRule).length < 1 || String(i.alarmRule).length > 10240)) return `alarmRule has ${String(i.alarmRule).length} characters; allowed 1-10240`;
                    if (typeof i.alarmDescription === "string" && i.alarmDescription.length > 1024) return `alarmDescription of ${i.alarmDescription.length} characters; at most 1024`;
                    return undefined;
                },
                cases: { pass: [{ alarmRule: 'ALARM("a")' }], fail: [{ alarmRule: undefined }, { alarmRule: "x".repeat(10241) }, { alarmName: "n".repeat(256) }, { alarmDescription: "d".repeat(1025) }] },
            },
            {
                id: "cloudwatch-composite-alarm-actions",
                property: "alarmActions",
                origin: "provider",
                source: `${COMPOSITE} (alarm_actions, ok_actions, insufficient_data_actions: MaxItems 5, verify.ValidARN)`,
                check: (i) => actionListsProblem(i),
                cases: { pass: [{ okActions: [] }], fail: [{ alarmActions: ["mlops-prod-alarms-sev2"] }] },
            },
            {
                id: "cloudwatch-composite-alarm-rule-names",
                property: "alarmRule",
                origin: "aws",
                // "The alarms that you specify in the rule must already exist"; a rule names at most 100 alarms.
                source: `${PUT_COMPOSITE_DOC} (AlarmRule: up to 100 alarms, each of which must exist)`,
                check: (i, ctx) => {
                    if (!known(i.alarmRule)) return undefined;
                    const names = ruleAlarmNames(String(i.alarmRule));
                    if (names.length === 0) return `alarmRule ${JSON.stringify(i.alarmRule)} names no alarm (ALARM("name"), OK("name") or INSUFFICIENT_DATA("name"))`;
                    if (names.length > 100) return `alarmRule names ${names.length} alarms; at most 100`;
                    // Within a plan: every named alarm must be one the plan declares (a metric or composite alarm).
                    // (A plan that declares no metric alarm is a single-resource check: the members live elsewhere.)
                    const alarms = [...ctx.byUrn.values()].filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" || r.type === "aws:cloudwatch/compositeAlarm:CompositeAlarm");
                    if (alarms.some((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")) {
                        const declared = new Set(alarms.map((r) => String(r.inputs.name ?? r.inputs.alarmName)));
                        const missing = names.filter((n) => !declared.has(n));
                        if (missing.length) return `alarmRule names alarms the stack does not declare: ${missing.join(", ")}`;
                    }
                    return undefined;
                },
                cases: { pass: [{ alarmRule: 'OK("a") OR INSUFFICIENT_DATA(b)' }], fail: [{ alarmRule: "TRUE" }] },
            },
            ...tagRules("cloudwatch-composite-alarm"),
        ],
        // alarm_name and actions_enabled are ForceNew (actions_enabled defaults to true).
        forceNew: [{ property: "alarmName" }, { property: "actionsEnabled", default: true }],
    },
    {
        type: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
        source: METRIC_FILTER,
        example: {
            name: "mlops-prod-mlflow-slow-statements",
            logGroupName: "/aws/rds/cluster/mlops-prod-mlflow/postgresql",
            pattern: '"duration:"',
            metricTransformation: { name: "mlops-prod-mlflow-slow-statements", namespace: "MLOps/DataTier", value: "1", defaultValue: "0", unit: "Count" },
        },
        rules: [
            {
                id: "logs-metric-filter-names",
                property: "name",
                origin: "provider",
                source: `${METRIC_FILTER} (name: validLogMetricFilterName, at most 512, no : or *; log_group_name: validLogGroupName); ${TF}/logs/validate.go`,
                check: (i) => {
                    if (known(i.name)) {
                        const n = String(i.name);
                        if (n.length > 512) return `name has ${n.length} characters; at most 512`;
                        if (!/^[^:*]+$/.test(n)) return `name ${JSON.stringify(n)} must not contain a colon or an asterisk`;
                    }
                    if (!set(i.logGroupName)) return "logGroupName is required";
                    if (known(i.logGroupName)) {
                        const g = String(i.logGroupName);
                        if (g.length > 512 || !LOG_GROUP_NAME.test(g)) return `logGroupName ${JSON.stringify(g)}: 1-512 of letters, digits and _ . / # -`;
                    }
                    return undefined;
                },
                cases: { pass: [{ name: "a b-c" }], fail: [{ name: "a:b" }, { name: "a*" }, { logGroupName: "/aws/rds cluster" }, { logGroupName: undefined }] },
            },
            {
                id: "logs-metric-filter-pattern",
                property: "pattern",
                origin: "provider",
                source: `${METRIC_FILTER} (pattern: Required, verify.StringUTF8LenBetween(0, 1024))`,
                check: (i) => {
                    if (!set(i.pattern)) return "pattern is required";
                    return known(i.pattern) && Buffer.byteLength(String(i.pattern), "utf8") > 1024 ? `pattern of ${Buffer.byteLength(String(i.pattern), "utf8")} bytes; at most 1024` : undefined;
                },
                cases: { pass: [{ pattern: "" }], fail: [{ pattern: undefined }, { pattern: "é".repeat(513) }] },
            },
            {
                id: "logs-metric-filter-transformation",
                property: "metricTransformation",
                origin: "provider",
                // name, namespace: validLogMetricFilterTransformationName (at most 255, none of : * $); value Required,
                // StringLenBetween(0, 100); unit: StandardUnit; default_value: a float.
                source: `${METRIC_FILTER} (metric_transformation); ${TF}/logs/validate.go`,
                check: (i) => {
                    const t = i.metricTransformation as Record<string, unknown> | undefined;
                    if (!t) return "metricTransformation is required";
                    for (const p of ["name", "namespace"]) {
                        if (!set(t[p])) return `metricTransformation.${p} is required`;
                        const v = String(t[p]);
                        if (known(t[p]) && (v.length > 255 || !/^[^:*$]*$/.test(v))) return `metricTransformation.${p} ${JSON.stringify(v)}: at most 255 characters, none of : * $`;
                    }
                    if (!set(t.value)) return "metricTransformation.value is required";
                    if (String(t.value).length > 100) return "metricTransformation.value: at most 100 characters";
                    if (set(t.unit) && !STANDARD_UNITS.includes(String(t.unit))) return `metricTransformation.unit ${JSON.stringify(t.unit)}; allowed: ${STANDARD_UNITS.join(", ")}`;
                    if (set(t.defaultValue) && !Number.isFinite(Number(t.defaultValue))) return `metricTransformation.defaultValue ${JSON.stringify(t.defaultValue)} is not a number`;
                    return undefined;
                },
                cases: {
                    pass: [{ metricTransformation: { name: "n", namespace: "MLOps/X", value: "$.latency" } }],
                    fail: [
                        { metricTransformation: { name: "a:b", namespace: "MLOps", value: "1" } },
                        { metricTransformation: { name: "n", namespace: "MLOps$", value: "1" } },
                        { metricTransformation: { name: "n", namespace: "MLOps", value: "1", unit: "Statements" } },
                        { metricTransformation: { name: "n", namespace: "MLOps", value: "1", defaultValue: "zero" } },
                    ],
                },
            },
            {
                id: "logs-metric-filter-default-and-dimensions",
                property: "metricTransformation.defaultValue",
                origin: "aws",
                // MetricTransformation: "You can't specify both DefaultValue and Dimensions" (AWS refuses the pair).
                source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_MetricTransformation.html",
                check: (i) => {
                    const t = i.metricTransformation as Record<string, unknown> | undefined;
                    const dims = t?.dimensions as Record<string, unknown> | undefined;
                    return t && set(t.defaultValue) && dims && Object.keys(dims).length > 0 ? "metricTransformation sets both defaultValue and dimensions; AWS allows one of them" : undefined;
                },
                cases: { pass: [{}], fail: [{ metricTransformation: { name: "n", namespace: "MLOps", value: "1", defaultValue: "0", dimensions: { cluster: "$.c" } } }] },
            },
        ],
        // log_group_name and name: Required, ForceNew (name is Optional in @pulumi/aws: auto-named).
        forceNew: [{ property: "logGroupName" }, identifier("name")],
    },
    {
        type: "aws:cloudwatch/dashboard:Dashboard",
        source: DASHBOARD,
        example: {
            dashboardName: "mlops-prod-data-tier",
            dashboardBody: JSON.stringify({ widgets: [{ type: "text", x: 0, y: 0, width: 24, height: 2, properties: { markdown: "# mlops-prod" } }] }),
        },
        rules: [
            {
                id: "cloudwatch-dashboard-name",
                property: "dashboardName",
                origin: "provider",
                source: `${DASHBOARD} (dashboard_name: Required, validDashboardName: at most 255 of A-Za-z0-9_-); ${TF}/cloudwatch/validate.go`,
                check: (i) => {
                    if (!set(i.dashboardName)) return "dashboardName is required";
                    if (!known(i.dashboardName)) return undefined;
                    const n = String(i.dashboardName);
                    return n.length <= 255 && /^[0-9A-Za-z_-]+$/.test(n) ? undefined : `dashboardName ${JSON.stringify(n)}: 1-255 of A-Za-z0-9_-`;
                },
                cases: { pass: [{ dashboardName: "a_B-9" }], fail: [{ dashboardName: "mlops prod" }, { dashboardName: "d".repeat(256) }, { dashboardName: undefined }] },
            },
            {
                id: "cloudwatch-dashboard-body",
                property: "dashboardBody",
                origin: "provider",
                // The provider: Required, validation.StringIsJSON. AWS: an object with a widgets array; each widget
                // has a type, and a grid placement of width 1-24 and height 1-1000 (x 0-23).
                source: `${DASHBOARD} (dashboard_body: StringIsJSON); ${DASHBOARD_BODY_DOC}`,
                check: (i) => {
                    if (!set(i.dashboardBody)) return "dashboardBody is required";
                    if (!known(i.dashboardBody)) return undefined;
                    let body: { widgets?: unknown };
                    try {
                        body = JSON.parse(String(i.dashboardBody));
                    } catch (e) {
                        return `dashboardBody is not valid JSON (${(e as Error).message})`;
                    }
                    if (!Array.isArray(body?.widgets)) return "dashboardBody must be an object with a widgets array";
                    for (const [k, w] of (body.widgets as Record<string, unknown>[]).entries()) {
                        if (!["metric", "text", "log", "alarm", "explorer", "custom"].includes(String(w.type))) return `widgets[${k}].type ${JSON.stringify(w.type)} is not a widget type`;
                        const width = Number(w.width ?? 6);
                        const height = Number(w.height ?? 6);
                        if (!(width >= 1 && width <= 24) || !(height >= 1 && height <= 1000)) return `widgets[${k}]: width ${width} (1-24) or height ${height} (1-1000) out of range`;
                        if (w.x !== undefined && !(Number(w.x) >= 0 && Number(w.x) <= 23)) return `widgets[${k}].x ${w.x}: allowed 0-23`;
                    }
                    return undefined;
                },
                cases: {
                    pass: [{ dashboardBody: JSON.stringify({ widgets: [] }) }],
                    fail: [{ dashboardBody: "{widgets:" }, { dashboardBody: JSON.stringify({ widget: [] }) }, { dashboardBody: JSON.stringify({ widgets: [{ type: "metric", width: 25 }] }) }, { dashboardBody: JSON.stringify({ widgets: [{ type: "chart" }] }) }],
                },
            },
        ],
        // dashboard_name: Required, ForceNew; the body changes in place.
        forceNew: [{ property: "dashboardName" }],
    },
];
