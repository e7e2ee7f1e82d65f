/**
 * What the stores log, and where: engine logs exported to CloudWatch (they are
 * lost with an instance otherwise), slow statements logged below a threshold,
 * DocumentDB audit and profiler logs on.
 */
import * as aws from "@pulumi/aws";
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

const exportsSchema = schema<{ auroraPostgresLogs: string[]; documentDbLogs: string[]; redisLogs: string[] }>({
    auroraPostgresLogs: logTypes(["postgresql"], "Aurora PostgreSQL cluster (enabledCloudwatchLogsExports)"),
    documentDbLogs: logTypes(["audit", "profiler"], "DocumentDB cluster (enabledCloudwatchLogsExports)"),
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
            const gap = missing(configWithDefaults(exportsSchema, args).auroraPostgresLogs, (c.enabledCloudwatchLogsExports ?? []) as string[]);
            if (gap.length) report(`Aurora cluster: enabledCloudwatchLogsExports lacks ${gap.join(", ")}.`);
        }),
        validateResourceOfType(aws.docdb.Cluster, (c, args, report) => {
            const gap = missing(configWithDefaults(exportsSchema, args).documentDbLogs, (c.enabledCloudwatchLogsExports ?? []) as string[]);
            if (gap.length) report(`DocumentDB cluster: enabledCloudwatchLogsExports lacks ${gap.join(", ")}.`);
        }),
        validateResourceOfType(aws.elasticache.ReplicationGroup, (rg, args, report) => {
            const present = (rg.logDeliveryConfigurations ?? []).map((d) => d.logType);
            const gap = missing(configWithDefaults(exportsSchema, args).redisLogs, present);
            if (gap.length) report(`ElastiCache replication group: logDeliveryConfigurations lacks ${gap.join(", ")}.`);
        }),
    ],
};

const parametersSchema = schema<{ maximumSlowQueryMs: number }>({
    maximumSlowQueryMs: {
        type: "integer",
        minimum: 0,
        default: 1000,
        description: "Highest allowed log_min_duration_statement (ms) for Aurora PostgreSQL: slower statements must be logged.",
    },
});

type StackReport = (message: string, urn?: string) => void;

/** The parameters of the declared group a cluster uses; undefined (after reporting) when it uses none of this stack's. */
function clusterParameters(cluster: PolicyResource, groups: PolicyResource[], store: string, report: StackReport): Map<string, string> | undefined {
    const ref = resolveOne(cluster, "dbClusterParameterGroupName", groups, (g) => ids(g, "name"));
    if (ref.kind === "declared") return parametersOf(ref.resource);
    const which = ref.kind === "unset" ? "the default cluster parameter group" : `parameter group "${ref.value}", which this stack does not declare`;
    report(`${store} cluster ${cluster.name} uses ${which}, so its logging parameters cannot be verified.`, cluster.urn);
    return undefined;
}

export const databaseLoggingParameters: StackValidationPolicy = {
    name: "database-logging-parameters",
    description:
        "Aurora PostgreSQL logs statements slower than the configured threshold (log_min_duration_statement); DocumentDB has audit_logs and profiler enabled.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "In the cluster parameter group set log_min_duration_statement to a value from 0 to the threshold (ms) for Aurora, " +
        'and audit_logs "enabled" and profiler "enabled" for DocumentDB; the cluster must use that group.',
    configSchema: parametersSchema,
    validateStack: (args, report) => {
        const { maximumSlowQueryMs } = configWithDefaults(parametersSchema, args);
        const auroraGroups = ofType(args.resources, T.rdsClusterParams);
        for (const c of ofType(args.resources, T.rdsCluster)) {
            if (knownString(() => c.props.engine) !== "aurora-postgresql") continue;
            const params = clusterParameters(c, auroraGroups, "Aurora PostgreSQL", report);
            if (!params) continue;
            const v = params.get("log_min_duration_statement");
            const ms = v === undefined ? NaN : Number(v);
            // -1 (the default) turns the log off.
            if (!Number.isInteger(ms) || ms < 0 || ms > maximumSlowQueryMs) {
                report(
                    `Aurora PostgreSQL cluster ${c.name}: log_min_duration_statement is ${v ?? "unset (-1, off)"}; it must be from 0 to ${maximumSlowQueryMs} ms.`,
                    c.urn,
                );
            }
        }
        const docdbGroups = ofType(args.resources, T.docdbClusterParams);
        for (const c of ofType(args.resources, T.docdbCluster)) {
            const params = clusterParameters(c, docdbGroups, "DocumentDB", report);
            if (!params) continue;
            const audit = params.get("audit_logs");
            if (audit === undefined || audit === "disabled" || audit === "none") {
                report(`DocumentDB cluster ${c.name}: audit_logs is ${audit ?? "unset (disabled)"}; it must be enabled.`, c.urn);
            }
            const profiler = params.get("profiler");
            if (profiler !== "enabled") report(`DocumentDB cluster ${c.name}: profiler is ${profiler ?? "unset (disabled)"}; it must be enabled.`, c.urn);
        }
    },
};
