/**
 * The one argument reader of the project's TypeScript command lines (the preview and the
 * offline policy run), so that both parse `--flag value` and `--flag=value` alike and refuse
 * bad input in the same words: "<flag> needs a value", `unknown argument "<flag>"; allowed: ...`.
 * A bad argument is a UsageError, which each CLI prints as one line and exit code 2.
 */
export class UsageError extends Error {}

/** Splits "--flag=value" and hands out values, refusing a missing one (or the next flag taken for one). */
export class ArgReader {
    private i = 0;
    constructor(private readonly argv: string[]) {}

    next(): { flag: string; value: () => string } | undefined {
        const arg = this.argv[this.i++];
        if (arg === undefined) return undefined;
        const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
        const flag = eq > 0 ? arg.slice(0, eq) : arg;
        const value = () => {
            const v = eq > 0 ? arg.slice(eq + 1) : this.argv[this.i++];
            if (v === undefined || v === "" || (eq < 0 && v.startsWith("--"))) throw new UsageError(`${flag} needs a value`);
            return v;
        };
        return { flag, value };
    }
}

/** The error for a flag the command does not have, naming what it does have. */
export function unknownArgument(flag: string, allowed: string, where = ""): UsageError {
    return new UsageError(`unknown argument "${flag}"${where}; allowed: ${allowed}`);
}
