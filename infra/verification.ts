/**
 * The `verification` stack output: everything the post-deploy verifier (dbops,
 * C#) needs to check this stack. It is the one contract between the two halves
 * of the repository; `tests/infra/verificationContract.test.ts` writes it as
 * exported under mocks and `tests/Dbops.Tests` reads that very file.
 *
 * Versioned: a change that removes or renames a field bumps `contractVersion`.
 */
import * as pulumi from "@pulumi/pulumi";

export const CONTRACT_VERSION = 1;

/**
 * The MLflow application's role (dbops/migrations/V1__roles.sql): it holds the privileges and owns what
 * the application creates; nobody logs in as it. dbops/Contract holds the same names and refuses others.
 */
export const MLFLOW_APP_ROLE = "mlflow_app";

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
export interface ApplicationContract {
    /** The login of this generation (applicationLoginName(generation)). */
    username: ApplicationLoginName;
    /** The role the login acts as. */
    role: typeof MLFLOW_APP_ROLE;
    /** The credential's generation (aurora.application.passwordRotation): its parity names the login. */
    generation: number;
    /**
     * The cluster was restored from a snapshot (the dr stack's restore mode): the generations its database
     * records are the snapshot's and no client used them on it, so `dbops migrate` applies this generation
     * even when it has the parity of the last one recorded (which it otherwise refuses: the running pods'
     * login would change its password).
     */
    restoredCluster: boolean;
    /** Secret. */
    password: string;
    secretArn: string;
    statementTimeoutMs: number;
    idleInTransactionSessionTimeoutMs: number;
    lockTimeoutMs: number;
}

export interface PostgresContract {
    /** Cluster (writer) endpoint. */
    writer: string;
    /** Reader endpoint; null when the cluster has no reader (Aurora's reader endpoint would then reach the writer). */
    reader: string | null;
    port: number;
    database: string;
    username: string;
    /** Secret: only ever read with `--show-secrets`. */
    password: string;
    engineMajor: number;
    tlsRequired: boolean;
    /** Number of reader instances the cluster is declared with. */
    readers: number;
    /** Parameters the cluster parameter group sets, as `SHOW <name>` reports them. */
    parameters: Record<string, string>;
    secretArn: string;
    /** The `alembic_version` MLflow's schema must be at; null when the stack does not pin one. */
    alembicRevision: string | null;
    /** The application role's login; null when the stack has none of its own (a DR secondary not given the primary's). */
    application: ApplicationContract | null;
}

export interface DocumentDbContract {
    /** Cluster endpoint (the primary). */
    endpoint: string;
    readerEndpoint: string;
    port: number;
    username: string;
    /** Secret. */
    password: string;
    /** Instances declared: the replica set's expected members. */
    instances: number;
    tlsRequired: boolean;
    secretArn: string;
}

export interface RedisContract {
    /** Primary endpoint. */
    primary: string;
    /** Reader endpoint; null when there is no replica. */
    reader: string | null;
    port: number;
    /** Secret. */
    authToken: string;
    replicas: number;
    tlsRequired: boolean;
    secretArn: string;
}

/** A section is absent when the stack does not declare that store. */
export interface VerificationContract {
    contractVersion: number;
    stack: string;
    environment: string;
    region: string;
    /**
     * "primary": the stores take writes. "standby": the DR region's read-only
     * secondaries; `postgres.writer` and `documentdb.endpoint` are then their
     * reader endpoints and the verifier expects read-only sessions.
     */
    role: "primary" | "standby";
    postgres: PostgresContract;
    documentdb?: DocumentDbContract;
    redis?: RedisContract;
}

/** The contract as a single secret output (it carries passwords). */
export function verificationOutput(contract: {
    [K in keyof VerificationContract]: pulumi.Input<VerificationContract[K]>;
}): pulumi.Output<VerificationContract> {
    return pulumi.secret(pulumi.output(contract) as pulumi.Output<VerificationContract>);
}
