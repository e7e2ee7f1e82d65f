import type { StackConfig } from "./config";

/** AWS's limit of user tags per resource (tagging best practices, "Tag naming limits and requirements"). */
export const AWS_MAX_TAGS_PER_RESOURCE = 50;

/** The keys stackTags() sets on every resource, from the stack's own settings. */
export const STACK_TAG_KEYS = ["environment", "owner", "cost-center", "data-classification", "managed-by"] as const;

/**
 * Keys the platform adds per resource: `Name` (named(), on most resources) and
 * `backup-plan` (the AWS Backup rules' recoveryPointTags, infra/components/backupPlan.ts).
 * Both are counted together: AWS Backup copies a cluster's own tags (with its
 * Name) onto the recovery points it creates, next to the rule's recovery point
 * tags (an assumption on the safe side; not verified against a real account).
 */
export const PER_RESOURCE_TAG_KEYS = ["Name", "backup-plan"] as const;

/**
 * Keys every CloudWatch alarm carries instead of `Name` and `backup-plan`: its severity band and the
 * incident type it detects (infra/incidents.ts, SEVERITY_TAG and INCIDENT_TAG).
 */
export const ALARM_TAG_KEYS = ["severity", "incident"] as const;

/** Every key the platform sets itself; `tags.extra` may not use any of them. */
export const PLATFORM_TAG_KEYS: readonly string[] = [...STACK_TAG_KEYS, ...PER_RESOURCE_TAG_KEYS, ...ALARM_TAG_KEYS];

/** How many `tags.extra` entries fit beside the platform's own tags within AWS's limit (no resource carries both per-resource sets). */
export const MAX_EXTRA_TAGS = AWS_MAX_TAGS_PER_RESOURCE - STACK_TAG_KEYS.length - Math.max(PER_RESOURCE_TAG_KEYS.length, ALARM_TAG_KEYS.length);

/** Tags every resource of the stack carries: who owns it, who pays, how sensitive the data is. */
export function stackTags(cfg: StackConfig): Record<string, string> {
    return {
        ...cfg.tags.extra,
        environment: cfg.environment,
        owner: cfg.tags.owner,
        "cost-center": cfg.tags.costCenter,
        "data-classification": cfg.tags.dataClassification,
        "managed-by": "pulumi",
    };
}

/** The stack's tags plus a Name tag, which the AWS console shows in its lists. */
export function named(tags: Record<string, string>, name: string): Record<string, string> {
    return { ...tags, Name: name };
}
