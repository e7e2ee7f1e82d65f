/**
 * Instance classes within the environment's allowlist: no burstable classes
 * where CPU credits could run out under load, no oversized classes in dev.
 */
import * as aws from "../../infra/sdk/aws";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configWithDefaults, schema } from "./lib/config";

const classList = (prefix: string, defaults: string[], what: string): PolicyConfigJSONSchema => ({
    type: "array",
    items: { type: "string", pattern: `^${prefix}\\.[a-z0-9-]+\\.([a-z0-9]+|\\*)$` },
    minItems: 1,
    uniqueItems: true,
    default: defaults,
    description: `${what} allowed; "${prefix}.r7g.*" allows every size of a family.`,
});

const classesSchema = schema<{ aurora: string[]; documentdb: string[]; redis: string[] }>({
    aurora: classList("db", ["db.r6g.*", "db.r7g.*", "db.r8g.*"], "Aurora instance classes"),
    documentdb: classList("db", ["db.r6g.*", "db.r7g.*", "db.r8g.*"], "DocumentDB instance classes"),
    redis: classList("cache", ["cache.r6g.*", "cache.r7g.*", "cache.m7g.*"], "ElastiCache node types"),
});

function allowed(cls: string, list: string[]): boolean {
    return list.some((entry) => (entry.endsWith(".*") ? cls.startsWith(entry.slice(0, -1)) : cls === entry));
}

export const instanceClassAllowlist: ResourceValidationPolicy = {
    name: "instance-class-allowlist",
    description: "Aurora and DocumentDB instance classes and ElastiCache node types are within the environment's allowlist.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Pick a class from the allowlist in policy/config/<env>.json (this repo: aurora.instanceClass in the stack file), or extend the allowlist in review. " +
        "A class change restarts instances one at a time in the maintenance window.",
    configSchema: classesSchema,
    validateResource: [
        validateResourceOfType(aws.rds.ClusterInstance, (i, args, report) => {
            const list = configWithDefaults(classesSchema, args).aurora;
            if (!allowed(String(i.instanceClass), list)) report(`Aurora instance class ${i.instanceClass} is not allowed here; allowed: ${list.join(", ")}.`);
        }),
        validateResourceOfType(aws.docdb.ClusterInstance, (i, args, report) => {
            const list = configWithDefaults(classesSchema, args).documentdb;
            if (!allowed(String(i.instanceClass), list)) report(`DocumentDB instance class ${i.instanceClass} is not allowed here; allowed: ${list.join(", ")}.`);
        }),
        validateResourceOfType(aws.elasticache.ReplicationGroup, (rg, args, report) => {
            const list = configWithDefaults(classesSchema, args).redis;
            if (rg.nodeType !== undefined && !allowed(String(rg.nodeType), list)) {
                report(`ElastiCache node type ${rg.nodeType} is not allowed here; allowed: ${list.join(", ")}.`);
            }
        }),
    ],
};
