import { z } from "zod";
import { bool, int } from "./common";

const objective = z.strictObject({
    /** Most data, in minutes, the store may lose: the oldest the newest protected recovery point may be. */
    rpoMinutes: int(1, 527_040, "recovery point objective in minutes"),
    /** Longest time, in minutes, the store may be unavailable before it is restored. */
    rtoMinutes: int(1, 527_040, "recovery time objective in minutes"),
});

/** What each environment must survive, per store. The backup rules in infra/recovery.ts hold the plan to it. */
export const recoverySchema = z.strictObject({
    aurora: objective,
    documentdb: objective,
    /** The stack's data must survive the loss of its region: backups are copied to another region. */
    survivesRegionLoss: bool(),
});
