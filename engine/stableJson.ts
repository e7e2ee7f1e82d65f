/**
 * JSON with object keys sorted at every depth, so that the same value always
 * gives the same text: plan files diff cleanly and compare byte for byte.
 */
export function stableStringify(value: unknown, indent = 2): string {
    return JSON.stringify(sortKeys(value), null, indent) + "\n";
}

export function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.keys(value)
                .sort()
                .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
                .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
        );
    }
    return value;
}
