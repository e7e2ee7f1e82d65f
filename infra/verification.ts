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

/** The MLflow application's role (dbops/migrations/V1__roles.sql); dbops/Contract holds the same name and refuses another. */
export const MLFLOW_APP_ROLE = "mlflow_app";

/**
 * The application role's login: what PgBouncer and MLflow connect as, and what `dbops migrate`
 * sets on the role (its password, and timeouts applied to each new session of the role).
 */
export interface ApplicationContract {
    username: typeof MLFLOW_APP_ROLE;
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
