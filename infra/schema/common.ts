/** Building blocks of the configuration schema, shared by every store's section. */
import { z } from "zod";
import { ClassCatalogue } from "../instanceClasses";
import { WindowFormatError, parseDailyWindow, parseWeeklyWindow } from "../windows";

/** A whole number in [min, max]; `what` says what the number means, in every message. */
export const int = (min: number, max: number, what: string) =>
    z
        .number({ error: `must be a whole number from ${min} to ${max} (${what})` })
        .int({ error: `must be a whole number (${what})` })
        .min(min, { error: `must be from ${min} to ${max} (${what})` })
        .max(max, { error: `must be from ${min} to ${max} (${what})` });

export const bool = () => z.boolean({ error: "must be true or false" });

/** A window string that the windows module can parse; its format message is the module's. */
const windowString = (parse: (text: string) => unknown, allowed: string) =>
    z
        .string()
        .superRefine((v, ctx) => {
            try {
                parse(v);
            } catch (e) {
                if (!(e instanceof WindowFormatError)) throw e;
                ctx.addIssue({ code: "custom", message: `malformed window: ${e.message}` });
            }
        })
        .meta({ allowed });
export const dailyWindow = windowString(parseDailyWindow, '`"hh24:mi-hh24:mi"`, UTC');
export const weeklyWindow = windowString(parseWeeklyWindow, '`"ddd:hh24:mi-ddd:hh24:mi"`, UTC (a window whose end is before its start wraps through the week)');

/** One of the classes the engine offers. */
export const instanceClass = (catalogue: ClassCatalogue) =>
    z
        .string()
        .refine((c) => catalogue.classes.has(c), {
            error: `is not an instance class ${catalogue.engine} offers; allowed: ${catalogue.hint}`,
        })
        .meta({ allowed: `a class ${catalogue.engine} offers (infra/instanceClasses.ts): ${catalogue.hint}` });

/** Alarm thresholds: every field defaults, and a missing object means all defaults. */
// `{}` is valid input because every field has a default; the generic shape hides that from the type checker.
export const thresholds = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape).prefault({} as never);
