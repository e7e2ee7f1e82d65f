/**
 * The `verification` stack output: everything the post-deploy verifier (dbops,
 * C#) needs to check this stack. It is the one contract between the two halves
 * of the repository; `tests/infra/verificationContract.test.ts` writes it as
 * exported under mocks and `tests/Dbops.Tests` reads that very file.
 *
 * Defined once, as the zod schema below: the TypeScript types are its output, docs/contract.schema.json
 * (its JSON Schema, for the C# side's tests) and docs/contract-variables.md are generated from it, and
 * the DBOPS_* variables are named from its paths by one rule (`variableName`).
 * Versioned: a change that removes or renames a field bumps `contractVersion`.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

export const CONTRACT_VERSION = 1;

/**
 * The MLflow application's role (dbops/migrations/V1__roles.sql): it holds the privileges and owns what
 * the application creates; nobody logs in as it. dbops/Contract holds the same names and refuses others.
 */
export const MLFLOW_APP_ROLE = "mlflow_app";

const text = (description: string) => z.string().min(1).describe(description);
const secret = (description: string) => z.string().min(1).meta({ description: `${description} A secret.`, secret: true });
const whole = (min: number, max: number, description: string) => z.number().int().min(min).max(max).describe(description);
const port = () => whole(1, 65535, "TCP port.");
/** 0 turns a timeout off, as in PostgreSQL; the upper bound is a day, far above any sane value for an application. */
const timeoutMs = (description: string) => whole(0, 86_400_000, `${description} in milliseconds (0: none).`);

/**
 * The two logins that act as mlflow_app, alternately (AWS Secrets Manager's "alternating users"
 * rotation strategy: https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-strategy.html#rotating-secrets-two-users).
 * A rotation sets the password of the login the new generation uses and leaves the other, which the
 * previous generation's pods still use, as it is: those pods keep opening connections until they are
 * replaced. Each is a member of mlflow_app and sets its role to it at login (`dbops migrate`).
 */
export const MLFLOW_APP_LOGINS = ["mlflow_app_a", "mlflow_app_b"] as const;
export type ApplicationLoginName = (typeof MLFLOW_APP_LOGINS)[number];

/** The login a generation of mlflow_app's credential uses: odd generations the first, even ones the second. */
export function applicationLoginName(generation: number): ApplicationLoginName {
    if (!Number.isInteger(generation) || generation < 1) throw new Error(`application credential generation ${generation}: must be a whole number of at least 1`);
    return MLFLOW_APP_LOGINS[(generation - 1) % 2];
}

/**
 * The application's login: what PgBouncer and MLflow connect as, and what `dbops migrate` sets up
 * (the login's password, its membership of mlflow_app, and timeouts applied to each of its new sessions).
 */
export const applicationContractSchema = z.strictObject({
    username: z.enum(MLFLOW_APP_LOGINS).describe("The login of this generation (applicationLoginName(generation)): one of the two that act as mlflow_app alternately."),
    role: z.literal(MLFLOW_APP_ROLE).describe("The role the login acts as (dbops/migrations/V1__roles.sql); no other is accepted."),
    generation: whole(1, 1_000_000, "The credential's generation (aurora.application.passwordRotation): its parity names the login."),
    restoredCluster: z
        .boolean()
        .describe(
            "The cluster was restored from a snapshot (the dr stack's restore mode): the generations its database records are the snapshot's, so `dbops migrate` applies this generation even when it has the parity of the last one recorded.",
        ),
    password: secret("The login's password, which `dbops migrate` sets."),
    secretArn: text("The Secrets Manager secret holding the role's credentials."),
    statementTimeoutMs: timeoutMs("`statement_timeout` of the role's sessions"),
    // The variable's name predates the rule and is kept: the dbops image and the contract Secret change in separate steps.
    idleInTransactionSessionTimeoutMs: timeoutMs("`idle_in_transaction_session_timeout` of the role's sessions").meta({ envName: "IDLE_IN_TRANSACTION_TIMEOUT_MS" }),
    lockTimeoutMs: timeoutMs("`lock_timeout` of the role's sessions"),
});

export const postgresContractSchema = z.strictObject({
    writer: text("Cluster (writer) endpoint; a standby's reader endpoint."),
    reader: text("Reader endpoint.").nullable().describe("Reader endpoint; null when the cluster has no reader (Aurora's reader endpoint would then reach the writer)."),
    port: port(),
    database: text("The database MLflow uses."),
    username: text("Master user name."),
    password: secret("Master password."),
    engineMajor: whole(9, 99, "PostgreSQL major version."),
    tlsRequired: z.boolean().describe("The cluster refuses connections without TLS (`rds.force_ssl` is 1)."),
    readers: whole(0, 15, "Reader instances the cluster is declared with (0 on a standby)."),
    replicaLagMs: whole(1, 3_600_000, "Aurora replica lag in milliseconds above which the verifier fails: the replica lag alarm's threshold (aurora.alarms.replicaLagMs)."),
    parameters: z.record(z.string(), z.string()).describe("Parameters the cluster parameter group sets, as `SHOW <name>` reports them."),
    secretArn: text("The Secrets Manager secret holding the master credentials."),
    alembicRevision: text("MLflow's schema revision.").nullable().describe("The `alembic_version` MLflow's schema must be at; null when the stack does not pin one."),
    application: applicationContractSchema
        .nullable()
        .meta({ envName: "APP", description: "The application role's login; null when the stack has none of its own (a DR secondary not given the primary's)." }),
});

export const documentDbContractSchema = z.strictObject({
    endpoint: text("Cluster endpoint (the primary); a standby's reader endpoint."),
    readerEndpoint: text("Reader endpoint."),
    port: port(),
    username: text("Master user name."),
    password: secret("Master password."),
    instances: whole(1, 16, "Instances declared: the replica set's expected members."),
    tlsRequired: z.boolean().describe("The cluster refuses connections without TLS."),
    secretArn: text("The Secrets Manager secret holding the master credentials."),
});

export const redisContractSchema = z.strictObject({
    primary: text("Primary endpoint."),
    reader: text("Reader endpoint.").nullable().describe("Reader endpoint; null when there is no replica."),
    port: port(),
    authToken: secret("AUTH token."),
    replicas: whole(0, 5, "Replica nodes."),
    tlsRequired: z.boolean().describe("In-transit encryption is required."),
    secretArn: text("The Secrets Manager secret holding the AUTH token."),
});

/** The contract; a store's section is absent when the stack does not declare that store. */
export const contractSchema = z.strictObject({
    contractVersion: z.literal(CONTRACT_VERSION).describe("Bumped by a change that removes or renames a field; dbops refuses a version it does not know."),
    stack: text("The Pulumi stack."),
    environment: text("The stack's environment."),
    region: text("The stack's AWS region."),
    role: z
        .enum(["primary", "standby"])
        .describe(
            '"primary": the stores take writes. "standby": the DR region\'s read-only secondaries; `postgres.writer` and `documentdb.endpoint` are then their reader endpoints and the verifier expects read-only sessions.',
        ),
    postgres: postgresContractSchema.meta({ envName: "PG", description: "Aurora PostgreSQL." }),
    documentdb: documentDbContractSchema.optional().meta({ envName: "DOCDB", description: "Amazon DocumentDB; absent without one." }),
    redis: redisContractSchema.optional().meta({ description: "ElastiCache; absent without a cache." }),
});

export type ApplicationContract = z.output<typeof applicationContractSchema>;
export type PostgresContract = z.output<typeof postgresContractSchema>;
export type DocumentDbContract = z.output<typeof documentDbContractSchema>;
export type RedisContract = z.output<typeof redisContractSchema>;
export type VerificationContract = z.output<typeof contractSchema>;

/** One DBOPS_* variable: the contract key it carries. */
export interface ContractVariable {
    name: string;
    /** The key's path in the contract, e.g. "postgres.application.lockTimeoutMs". */
    path: string;
    /** Required where its section is present (not nullable, not optional). */
    required: boolean;
    description: string;
}

/** Variables are not given for these: dbops knows the version it reads. */
const NOT_VARIABLES = new Set(["contractVersion"]);

/**
 * The rule naming the variables: DBOPS_, then each segment of the key's path, as its schema's
 * `envName` where it has one, else in upper snake case (lockTimeoutMs: LOCK_TIMEOUT_MS).
 * dbops/Contract/EnvironmentContractReader.cs reads these names; tests/Dbops.Tests derives them
 * by the same rule from docs/contract.schema.json and checks that it knows each one.
 */
export function variableName(segments: { name: string; envName?: string }[]): string {
    return ["DBOPS", ...segments.map((s) => s.envName ?? s.name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase())].join("_");
}

/** A schema's own node, through optional and nullable wrappers, with its metadata merged from the outside in. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; meta: Record<string, unknown>; optional: boolean } {
    let node: z.ZodType = schema;
    let meta: Record<string, unknown> = {};
    let optional = false;
    for (;;) {
        meta = { ...(z.globalRegistry.get(node) ?? {}), ...meta };
        if (node instanceof z.ZodOptional || node instanceof z.ZodNullable) {
            optional = true;
            node = node.unwrap() as z.ZodType;
        } else return { inner: node, meta, optional };
    }
}

/** Every DBOPS_* variable, in the contract's order. */
export function contractVariables(): ContractVariable[] {
    const out: ContractVariable[] = [];
    const walk = (shape: Record<string, z.ZodType>, at: { name: string; envName?: string }[]) => {
        for (const [name, schema] of Object.entries(shape)) {
            if (at.length === 0 && NOT_VARIABLES.has(name)) continue;
            const { inner, meta, optional } = unwrap(schema);
            const segments = [...at, { name, envName: meta.envName as string | undefined }];
            if (inner instanceof z.ZodObject) walk(inner.shape as Record<string, z.ZodType>, segments);
            else out.push({ name: variableName(segments), path: segments.map((s) => s.name).join("."), required: !optional, description: String(meta.description ?? "") });
        }
    };
    walk(contractSchema.shape, []);
    return out;
}

/** The contract as a single secret output (it carries passwords). */
export function verificationOutput(contract: {
    [K in keyof VerificationContract]: pulumi.Input<VerificationContract[K]>;
}): pulumi.Output<VerificationContract> {
    return pulumi.secret(pulumi.output(contract) as pulumi.Output<VerificationContract>);
}
