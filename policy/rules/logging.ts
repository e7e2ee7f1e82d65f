/**
 * What the stores log, and where: engine logs exported to CloudWatch (they are
 * lost with an instance otherwise), slow statements logged below a threshold,
 * DocumentDB audit and profiler logs on.
 */
import * as aws from "../../infra/sdk/aws";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configWithDefaults, schema } from "./lib/config";
import { ids, ofType, parametersOf, resolveOne } from "./lib/references";
import { T } from "./lib/types";
import { knownString } from "./lib/values";

const logTypes = (defaults: string[], what: string): PolicyConfigJSONSchema => ({
    type: "array",
    items: { type: "string", minLength: 1 },
    uniqueItems: true,
    default: defaults,
    description: `Log types every ${what} must export.`,
});

const exportsSchema = schema<{ auroraLogs: string[]; documentdbLogs: string[]; redisLogs: string[] }>({
    auroraLogs: logTypes(["postgresql"], "Aurora PostgreSQL cluster (enabledCloudwatchLogsExports)"),
    documentdbLogs: logTypes(["audit", "profiler"], "DocumentDB cluster (enabledCloudwatchLogsExports)"),
    redisLogs: logTypes(["slow-log"], "ElastiCache replication group (logDeliveryConfigurations[].logType)"),
});

function missing(required: string[], present: string[]): string[] {
    return required.filter((t) => !present.includes(t));
}

export const databaseLogExports: ResourceValidationPolicy = {
    name: "database-log-exports",
    description: "Database logs are exported: postgresql for Aurora, audit and profiler for DocumentDB, slow-log for Redis.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Add the log types to enabledCloudwatchLogsExports (Aurora, DocumentDB), or a logDeliveryConfigurations entry with " +
        'logType "slow-log" to a CMK-encrypted CloudWatch log group (ElastiCache).',
    configSchema: exportsSchema,
    validateResource: [
        validateResourceOfType(aws.rds.Cluster, (c, args, report) => {
            if (c.engine !== "aurora-postgresql") return;
            const gap = missing(configWithDefaults(exportsSchema, args).auroraLogs, (c.enabledCloudwatchLogsExports ?? []) as string[]);
            if (gap.length) report(`Aurora cluster: enabledCloudwatchLogsExports lacks ${gap.join(", ")}.`);
        }),
        validateResourceOfType(aws.rds.Instance, (i, args, report) => {
            if (i.engine !== "postgres") return;
            const gap = missing(configWithDefaults(exportsSchema, args).auroraLogs, (i.enabledCloudwatchLogsExports ?? []) as string[]);
            if (gap.length) report(`RDS PostgreSQL instance: enabledCloudwatchLogsExports lacks ${gap.join(", ")}.`);
        }),
        validateResourceOfType(aws.docdb.Cluster, (c, args, report) => {
            const gap = missing(configWithDefaults(exportsSchema, args).documentdbLogs, (c.enabledCloudwatchLogsExports ?? []) as string[]);
            if (gap.length) report(`DocumentDB cluster: enabledCloudwatchLogsExports lacks ${gap.join(", ")}.`);
        }),
        validateResourceOfType(aws.elasticache.ReplicationGroup, (rg, args, report) => {
            const present = (rg.logDeliveryConfigurations ?? []).map((d) => d.logType);
            const gap = missing(configWithDefaults(exportsSchema, args).redisLogs, present);
            if (gap.length) report(`ElastiCache replication group: logDeliveryConfigurations lacks ${gap.join(", ")}.`);
        }),
    ],
};

const parametersSchema = schema<{ maximumSlowQueryMs: number; auroraLogStatement: string[]; documentdbAuditEvents: string[] }>({
    maximumSlowQueryMs: {
        type: "integer",
        minimum: 0,
        default: 1000,
        description: "Highest allowed log_min_duration_statement (ms) for Aurora PostgreSQL: slower statements must be logged.",
    },
    auroraLogStatement: {
        type: "array",
        items: { type: "string", enum: ["ddl", "mod", "all"] },
        minItems: 1,
        uniqueItems: true,
        default: ["ddl", "mod", "all"],
        description: "Values of log_statement allowed for Aurora PostgreSQL: ddl logs every schema change, mod also data changes, all every statement (none is never allowed).",
    },
    documentdbAuditEvents: {
        type: "array",
        items: { type: "string", enum: ["ddl", "dml_read", "dml_write"] },
        minItems: 1,
        uniqueItems: true,
        default: ["ddl", "dml_write"],
        description: "DocumentDB audit event categories audit_logs must cover (\"all\" covers every one; \"enabled\" is the legacy name of ddl).",
    },
});

/**
 * The categories a DocumentDB audit_logs value covers. "enabled" is the legacy
 * value for ddl (Checkov CKV_AWS_104's accepted values say so; AWS's parameter
 * reference lists enabled, disabled, ddl, dml_read, dml_write, all, none). A
 * comma-separated combination is accepted here as AWS's DML-auditing
 * announcement describes it; that could not be checked against the API on
 * this machine, so the program itself uses "all".
 */
function auditCategories(value: string): Set<string> {
    const parts = value.split(",").map((p) => p.trim().toLowerCase());
    if (parts.includes("all")) return new Set(["ddl", "dml_read", "dml_write"]);
    return new Set(parts.map((p) => (p === "enabled" ? "ddl" : p)));
}

type StackReport = (message: string, urn?: string) => void;

/** The parameters of the declared group a cluster uses; undefined (after reporting) when it uses none of this stack's. */
function clusterParameters(
    cluster: PolicyResource,
    groups: PolicyResource[],
    store: string,
    report: StackReport,
    ref = { property: "dbClusterParameterGroupName", kind: "cluster parameter group", what: "cluster" },
): Map<string, string> | undefined {
    const found = resolveOne(cluster, ref.property, groups, (g) => ids(g, "name"));
    if (found.kind === "declared") return parametersOf(found.resource);
    const which = found.kind === "unset" ? `the default ${ref.kind}` : `parameter group "${found.value}", which this stack does not declare`;
    report(`${store} ${ref.what} ${cluster.name} uses ${which}, so its logging parameters cannot be verified.`, cluster.urn);
    return undefined;
}

/** A plain RDS PostgreSQL instance names a DB parameter group (Checkov CKV2_AWS_30 asks query logging of it). */
const INSTANCE_REF = { property: "parameterGroupName", kind: "parameter group", what: "instance" };

export const databaseLoggingParameters: StackValidationPolicy = {
    name: "database-logging-parameters",
    description:
        "Aurora PostgreSQL logs statements slower than the configured threshold (log_min_duration_statement) and every schema change (log_statement ddl or more); " +
        "DocumentDB audits DDL and DML writes (audit_logs, not dml_read only) and has the profiler on (Checkov CKV2_AWS_27, CKV_AWS_104).",
    enforcementLevel: "mandatory",
    remediationSteps:
        "In the cluster parameter group set log_min_duration_statement to a value from 0 to the threshold (ms) and log_statement to ddl (or mod, all) for Aurora, " +
        'and audit_logs "all" (or the categories configured) and profiler "enabled" for DocumentDB; the cluster must use that group.',
    configSchema: parametersSchema,
    validateStack: (args, report) => {
        const { maximumSlowQueryMs, auroraLogStatement, documentdbAuditEvents } = configWithDefaults(parametersSchema, args);
        const postgres: [PolicyResource, Map<string, string> | undefined, string][] = [
            ...ofType(args.resources, T.rdsCluster)
                .filter((c) => knownString(() => c.props.engine) === "aurora-postgresql")
                .map((c) => [c, clusterParameters(c, ofType(args.resources, T.rdsClusterParams), "Aurora PostgreSQL", report), "Aurora PostgreSQL cluster"] as [PolicyResource, Map<string, string> | undefined, string]),
            ...ofType(args.resources, T.rdsDbInstance)
                .filter((i) => knownString(() => i.props.engine) === "postgres" && !("replicateSourceDb" in i.props))
                .map((i) => [i, clusterParameters(i, ofType(args.resources, T.rdsParams), "RDS PostgreSQL", report, INSTANCE_REF), "RDS PostgreSQL instance"] as [PolicyResource, Map<string, string> | undefined, string]),
        ];
        for (const [c, params, what] of postgres) {
            if (!params) continue;
            const v = params.get("log_min_duration_statement");
            const ms = v === undefined ? NaN : Number(v);
            // -1 (the default) turns the log off.
            if (!Number.isInteger(ms) || ms < 0 || ms > maximumSlowQueryMs) {
                report(`${what} ${c.name}: log_min_duration_statement is ${v ?? "unset (-1, off)"}; it must be from 0 to ${maximumSlowQueryMs} ms.`, c.urn);
            }
            const statement = params.get("log_statement");
            if (statement === undefined || !auroraLogStatement.includes(statement)) {
                report(`${what} ${c.name}: log_statement is ${statement ?? "unset (none)"}; allowed: ${auroraLogStatement.join(", ")}.`, c.urn);
            }
        }
        const docdbGroups = ofType(args.resources, T.docdbClusterParams);
        for (const c of ofType(args.resources, T.docdbCluster)) {
            const params = clusterParameters(c, docdbGroups, "DocumentDB", report);
            if (!params) continue;
            const audit = params.get("audit_logs");
            const missingAudit = documentdbAuditEvents.filter((e) => !auditCategories(audit ?? "").has(e));
            if (missingAudit.length) {
                report(`DocumentDB cluster ${c.name}: audit_logs is ${audit ?? "unset (disabled)"}, which does not audit ${missingAudit.join(", ")}; use "all" or cover ${documentdbAuditEvents.join(", ")}.`, c.urn);
            }
            const profiler = params.get("profiler");
            if (profiler !== "enabled") report(`DocumentDB cluster ${c.name}: profiler is ${profiler ?? "unset (disabled)"}; it must be enabled.`, c.urn);
        }
    },
};
