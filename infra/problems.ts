/**
 * One thing wrong with a configuration: the stack's (infra/config.ts, and the rules it runs in
 * windows.ts, recovery.ts and plan.ts) or a policy pack's (policy/offline/packConfig.ts).
 */
export interface ConfigProblem {
    /**
     * The key the problem is about. Leaving infra/config.ts it is the full Pulumi config key,
     * e.g. "mlops-data:aurora.backupRetentionDays"; the rules inside it (windows, recovery) name
     * the key within the namespace ("aurora.preferredBackupWindow") and config.ts prefixes it.
     */
    key: string;
    /** The value found; undefined when the key is missing. */
    value: unknown;
    message: string;
    /** False when the problem is about keys rather than one value (e.g. unknown keys). */
    showValue?: boolean;
}
