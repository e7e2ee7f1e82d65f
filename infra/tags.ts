import { StackConfig } from "./config";

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
