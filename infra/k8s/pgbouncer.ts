/**
 * PgBouncer's configuration: transaction pooling in front of Aurora, with TLS
 * to Aurora verified against the RDS CA bundle. Rendered here, as text, so that
 * tests read exactly what the pods read.
 */

/** Where the pods find the RDS CA bundle (copied out of the dbops image by an init container). */
export const RDS_CA_BUNDLE_PATH = "/etc/ssl/rds/global-bundle.pem";
export const PGBOUNCER_PORT = 6432;

export interface PgBouncerSettings {
    writer: string;
    /** Undefined when the cluster has no reader: then there is no read-only pool. */
    reader?: string;
    port: number;
    database: string;
    defaultPoolSize: number;
    reservePoolSize: number;
    maxClientConnections: number;
}

export function pgbouncerIni(s: PgBouncerSettings): string {
    const db = (host: string) => `host=${host} port=${s.port} dbname=${s.database}`;
    return [
        "[databases]",
        `${s.database} = ${db(s.writer)}`,
        ...(s.reader ? [`${s.database}_ro = ${db(s.reader)}`] : []),
        "",
        "[pgbouncer]",
        "listen_addr = 0.0.0.0",
        `listen_port = ${PGBOUNCER_PORT}`,
        // Transaction pooling: MLflow's server opens short transactions, so a few
        // server connections serve many clients; session state must not be relied on.
        "pool_mode = transaction",
        `default_pool_size = ${s.defaultPoolSize}`,
        `reserve_pool_size = ${s.reservePoolSize}`,
        `max_client_conn = ${s.maxClientConnections}`,
        "auth_type = scram-sha-256",
        "auth_file = /etc/pgbouncer/auth/userlist.txt",
        // Aurora refuses plaintext (rds.force_ssl=1); verify-full also checks it is Aurora.
        "server_tls_sslmode = verify-full",
        `server_tls_ca_file = ${RDS_CA_BUNDLE_PATH}`,
        "server_tls_protocols = tlsv1.2,tlsv1.3",
        "ignore_startup_parameters = extra_float_digits,options",
        "unix_socket_dir =",
        "pidfile =",
        "logfile =",
        "log_connections = 0",
        "log_disconnections = 0",
        "",
    ].join("\n");
}

/** PgBouncer's auth file: one quoted user and password per line. A secret. */
export function pgbouncerUserlist(username: string, password: string): string {
    const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
    return `${quote(username)} ${quote(password)}\n`;
}
