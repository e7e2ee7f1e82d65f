import { z } from "zod";

/** The prefix of every physical name a stack declares ("mlops-prod" names "mlops-prod-mlflow"). */
export const namePrefix = z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,23}$/, { error: "must be 2-24 characters of a-z, 0-9 and -, starting with a letter" });
