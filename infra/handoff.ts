/**
 * The DR handoff: what the primary stack (prod) exports for the `dr` stack, and
 * how the `dr` stack reads it back. The `dr` stack learns everything about the
 * primary from here, through a StackReference, which reads the state backend
 * and never calls AWS in the primary region: an outage there cannot block the
 * stand-up.
 *
 * It carries the primary's validated store settings (so the DR region runs
 * what prod runs), the global cluster identifiers, the keys prepared in the DR
 * region, and the master credentials (the whole output is a secret).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigError, PROJECT } from "./config";
import { auroraSchema } from "./schema/aurora";
import { backupSchema } from "./schema/backup";
import { recoverySchema } from "./schema/recovery";
import { awsRegion } from "./schema/regions";
import { documentDbSchema } from "./schema/documentdb";
import { redisSchema } from "./schema/redis";
import { namePrefix } from "./schema/names";

export const HANDOFF_OUTPUT = "drHandoff";
export const HANDOFF_VERSION = 1;

const secretText = z.string().min(1);
const arn = z.string().regex(/^arn:aws[a-z-]*:/, { error: "must be an ARN" });
const clusterHandoff = z.strictObject({
    globalClusterIdentifier: z.string().min(1),
    /** The key the primary stack created in the DR region for this store. */
    drKmsKeyArn: arn,
    masterUsername: z.string().min(1),
    masterPassword: secretText,
});

export const handoffSchema = z.strictObject({
    handoffVersion: z.literal(HANDOFF_VERSION, { error: `must be ${HANDOFF_VERSION}: deploy the primary and dr stacks from the same commit` }),
    primaryStack: z.string().min(1),
    primaryRegion: awsRegion,
    drRegion: awsRegion,
    drNamePrefix: namePrefix,
    primaryActive: z.boolean(),
    sections: z.strictObject({
        aurora: auroraSchema,
        documentdb: documentDbSchema,
        redis: redisSchema,
        recovery: recoverySchema,
        backup: backupSchema,
    }),
    aurora: clusterHandoff,
    documentdb: clusterHandoff,
    redis: z.strictObject({
        /** null when the cache is not replicated: the DR region then starts a fresh cache on promotion. */
        globalReplicationGroupId: z.string().min(1).nullable(),
        drKmsKeyArn: arn,
        authToken: secretText,
    }),
});

export type DrHandoff = z.output<typeof handoffSchema>;

/** The handoff as a single secret output (it carries passwords). */
export function handoffOutput(handoff: { [K in keyof DrHandoff]: pulumi.Input<DrHandoff[K]> }): pulumi.Output<DrHandoff> {
    return pulumi.secret(pulumi.output(handoff) as pulumi.Output<DrHandoff>);
}

/**
 * The handoff's credentials as secret outputs of the stack reference: they stay
 * Pulumi secrets, and every resource using them records where they came from
 * (the primary stack's generated values), as a generated password would.
 */
export interface HandoffSecrets {
    auroraPassword: pulumi.Output<string>;
    documentdbPassword: pulumi.Output<string>;
    cacheAuthToken: pulumi.Output<string>;
}

/**
 * Reads and validates the primary stack's handoff. Problems are reported like
 * config problems, against "<primary stack>:drHandoff.<path>", without values
 * (the handoff holds secrets).
 */
export async function readHandoff(primaryStack: string, parent?: pulumi.Resource): Promise<{ handoff: DrHandoff; secrets: HandoffSecrets }> {
    const ref = new pulumi.StackReference("primary-stack", { name: primaryStack }, { parent });
    const primaryStackProblem = (message: string) => new ConfigError([{ key: `${PROJECT}:dr.primaryStack`, value: primaryStack, message }]);
    let details: { value?: unknown; secretValue?: unknown };
    try {
        details = await ref.getOutputDetails(HANDOFF_OUTPUT);
    } catch (e) {
        throw primaryStackProblem(
            `cannot be read as a stack (${e instanceof Error ? e.message : String(e)}); expected the primary stack's full name ` +
                `as \`pulumi stack ls --all\` lists it in this backend, e.g. "acme/mlops-data/prod"`,
        );
    }
    const raw = details.secretValue ?? details.value;
    if (raw === undefined) {
        throw primaryStackProblem(
            `exports no ${HANDOFF_OUTPUT}; expected a primary stack deployed with replication configured (replication.drRegion), e.g. "acme/mlops-data/prod"; deploy it before the dr stack`,
        );
    }
    const result = handoffSchema.safeParse(raw);
    if (!result.success) {
        throw new ConfigError(
            result.error.issues.map((i) => ({
                key: `${primaryStack}:${HANDOFF_OUTPUT}.${i.path.join(".")}`,
                value: undefined,
                showValue: false,
                message: `${i.message} (the handoff of mlops-data:dr.primaryStack, "${primaryStack}")`,
            })),
        );
    }
    const out = ref.getOutput(HANDOFF_OUTPUT) as pulumi.Output<DrHandoff>;
    return {
        handoff: result.data,
        secrets: {
            auroraPassword: pulumi.secret(out.apply((h) => h.aurora.masterPassword)),
            documentdbPassword: pulumi.secret(out.apply((h) => h.documentdb.masterPassword)),
            cacheAuthToken: pulumi.secret(out.apply((h) => h.redis.authToken)),
        },
    };
}
