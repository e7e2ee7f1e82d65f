/**
 * The verification contract as the DBOPS_* environment variables `dbops` reads
 * in-cluster (dbops/Contract/EnvironmentContractReader.cs holds the same list;
 * tests/Dbops.Tests reads what this writes, so the two cannot drift).
 */
import type { VerificationContract } from "../verification";

export function dbopsEnvironment(c: VerificationContract): Record<string, string> {
    const env: Record<string, string> = {
        DBOPS_STACK: c.stack,
        DBOPS_ENVIRONMENT: c.environment,
        DBOPS_REGION: c.region,
        DBOPS_ROLE: c.role,
        DBOPS_PG_WRITER: c.postgres.writer,
        DBOPS_PG_PORT: String(c.postgres.port),
        DBOPS_PG_DATABASE: c.postgres.database,
        DBOPS_PG_USERNAME: c.postgres.username,
        DBOPS_PG_PASSWORD: c.postgres.password,
        DBOPS_PG_ENGINE_MAJOR: String(c.postgres.engineMajor),
        DBOPS_PG_TLS_REQUIRED: String(c.postgres.tlsRequired),
        DBOPS_PG_READERS: String(c.postgres.readers),
        DBOPS_PG_PARAMETERS: JSON.stringify(c.postgres.parameters),
        DBOPS_PG_SECRET_ARN: c.postgres.secretArn,
    };
    // Absent variables mean null: no reader, no pinned revision.
    if (c.postgres.reader !== null) env.DBOPS_PG_READER = c.postgres.reader;
    if (c.postgres.alembicRevision !== null) env.DBOPS_PG_ALEMBIC_REVISION = c.postgres.alembicRevision;
    const app = c.postgres.application;
    if (app) {
        // dbops migrate sets this password and these timeouts on the role.
        Object.assign(env, {
            DBOPS_PG_APP_USERNAME: app.username,
            DBOPS_PG_APP_ROLE: app.role,
            DBOPS_PG_APP_GENERATION: String(app.generation),
            DBOPS_PG_APP_RESTORED_CLUSTER: String(app.restoredCluster),
            DBOPS_PG_APP_PASSWORD: app.password,
            DBOPS_PG_APP_SECRET_ARN: app.secretArn,
            DBOPS_PG_APP_STATEMENT_TIMEOUT_MS: String(app.statementTimeoutMs),
            DBOPS_PG_APP_IDLE_IN_TRANSACTION_TIMEOUT_MS: String(app.idleInTransactionSessionTimeoutMs),
            DBOPS_PG_APP_LOCK_TIMEOUT_MS: String(app.lockTimeoutMs),
        });
    }
    if (c.documentdb) {
        Object.assign(env, {
            DBOPS_DOCDB_ENDPOINT: c.documentdb.endpoint,
            DBOPS_DOCDB_READER_ENDPOINT: c.documentdb.readerEndpoint,
            DBOPS_DOCDB_PORT: String(c.documentdb.port),
            DBOPS_DOCDB_USERNAME: c.documentdb.username,
            DBOPS_DOCDB_PASSWORD: c.documentdb.password,
            DBOPS_DOCDB_INSTANCES: String(c.documentdb.instances),
            DBOPS_DOCDB_TLS_REQUIRED: String(c.documentdb.tlsRequired),
            DBOPS_DOCDB_SECRET_ARN: c.documentdb.secretArn,
        });
    }
    if (c.redis) {
        Object.assign(env, {
            DBOPS_REDIS_PRIMARY: c.redis.primary,
            DBOPS_REDIS_PORT: String(c.redis.port),
            DBOPS_REDIS_AUTH_TOKEN: c.redis.authToken,
            DBOPS_REDIS_REPLICAS: String(c.redis.replicas),
            DBOPS_REDIS_TLS_REQUIRED: String(c.redis.tlsRequired),
            DBOPS_REDIS_SECRET_ARN: c.redis.secretArn,
        });
        if (c.redis.reader !== null) env.DBOPS_REDIS_READER = c.redis.reader;
    }
    return env;
}
