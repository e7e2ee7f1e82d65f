import { z } from "zod";
import { bool, int } from "./common";

const objective = z.strictObject({
    rpoMinutes: int(1, 527_040, "recovery point objective in minutes")
        .describe("Recovery point objective: the most data, in minutes, the store may lose (the oldest the newest protected recovery point may be)."),
    rtoMinutes: int(1, 527_040, "recovery time objective in minutes")
        .describe(
            "Recovery time objective: the longest time, in minutes, the store may be unavailable before it is restored; at least 30 (infra/recovery.ts).",
        ),
});

/** What each environment must survive, per store. The backup rules in infra/recovery.ts hold the plan to it. */
export const recoverySchema = z.strictObject({
    aurora: objective.describe("Aurora's objectives."),
    documentdb: objective.describe("DocumentDB's objectives."),
    survivesRegionLoss: bool()
        .describe(
            "The stack's data must survive the loss of its region: backups are copied to another region (requires `backup.copy`); must be true in prod.",
        ),
});
