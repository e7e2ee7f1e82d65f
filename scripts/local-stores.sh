#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis on loopback, configured like the stack's stores: TLS only
# (a fresh CA and server certificate), passwords/tokens, a streaming PostgreSQL replica and
# a Redis replica, and a real MLflow release's schema (tests/fixtures/mlflow/<release>/) with seed data. Used by `make verify-local`,
# `make bench` and the C# tests, so the demo and the tests run against the same setup.
#
#   scripts/local-stores.sh start DIR   start everything under DIR (created, must be empty)
#   scripts/local-stores.sh stop DIR    stop what DIR's start started, then remove DIR
#
# start writes, under DIR:
#   contract.json   the verification contract for this setup (0600: it holds the credentials)
#   ca.pem          the CA to pass as --ca-bundle
#   stores.env      ports, socket directories and the servers' owner, for the tests
#
# Writer 127.0.0.1 and reader 127.0.0.2 share one port number, as Aurora's endpoints do.
#
# Lighter variants, for the database-operation tests and benchmarks:
#   LOCAL_STORES=postgres    the PostgreSQL writer only: no replica, no Redis (contract: no reader, no redis)
#   LOCAL_STORES_SEED=none   the fixture schema without its seed data
#   LOCAL_STORES_MLFLOW=2.17.2   which release's schema (a folder of tests/fixtures/mlflow; default 3.11.1);
#                            the contract pins that release's alembic revision
#   PG_CONF_EXTRA='k = v'    more postgresql.conf lines (e.g. memory for the 10 M-row benchmark)
# PostgreSQL refuses to run as root: as root, the servers run as the `postgres` user
# (created if missing). Set PG_BIN to choose the PostgreSQL installation.
set -euo pipefail

die() { echo "local-stores: $*" >&2; exit 2; }

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MLFLOW_RELEASE="${LOCAL_STORES_MLFLOW:-3.11.1}"
FIXTURES="$ROOT/tests/fixtures/mlflow"
SCHEMA="$FIXTURES/$MLFLOW_RELEASE/schema.sql"
[ -f "$SCHEMA" ] || die "LOCAL_STORES_MLFLOW=$MLFLOW_RELEASE: no $SCHEMA (releases: $(cd "$FIXTURES" && ls -d */ | tr -d / | tr '\n' ' '))"
# The release's revision, from the row its fixture inserts into alembic_version.
ALEMBIC_REVISION="$(sed -n "s/^insert into alembic_version (version_num) values ('\([0-9a-f]*\)');$/\1/p" "$SCHEMA")"
[ -n "$ALEMBIC_REVISION" ] || die "$SCHEMA inserts no alembic revision"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -x "$PG_BIN/initdb" ] || die "PostgreSQL server binaries not found (install postgresql-15, or set PG_BIN)"
command -v redis-server >/dev/null || die "redis-server not found (install redis-server)"
command -v openssl >/dev/null || die "openssl not found (install openssl)"

WRITER=127.0.0.1
READER=127.0.0.2
ONLY_PG=0
case "${LOCAL_STORES:-all}" in
  all) ;;
  postgres) ONLY_PG=1 ;;
  *) die "LOCAL_STORES=${LOCAL_STORES}: expected all or postgres" ;;
esac

# Runs a command as the servers' owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$OWNER" -- "$@"; else "$@"; fi
}

# A port free on both loopback addresses: nothing answers a connection to it.
free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$(( (RANDOM * 32768 + RANDOM) % 25000 + 30000 ))
    if ! (exec 3<>"/dev/tcp/$WRITER/$p") 2>/dev/null && ! (exec 3<>"/dev/tcp/$READER/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  die "no free port found"
}

make_certs() {
  local d="$1/tls"
  mkdir -p "$d"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=dbops local test CA" -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/CN=localhost" -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:%s,IP:%s,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' \
    "$WRITER" "$READER" > "$d/server.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
    -extfile "$d/server.ext" -out "$d/server.pem" 2>/dev/null
  chmod 600 "$d/server.key" "$d/ca.key"
  cp "$d/ca.pem" "$1/ca.pem"
}

pg_conf() {
  local conf="$1" addr="$2" sock="$3"
  cat >> "$conf" <<EOF
# dbops local setup
listen_addresses = '$addr'
port = $PG_PORT
unix_socket_directories = '$sock'
ssl = on
ssl_cert_file = '$DIR/tls/server.pem'
ssl_key_file = '$DIR/tls/server.key'
ssl_min_protocol_version = 'TLSv1.2'
password_encryption = 'scram-sha-256'
shared_preload_libraries = 'pg_stat_statements'
log_min_duration_statement = 1000
max_connections = 60
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = replica
max_wal_senders = 4
hot_standby = on
${PG_CONF_EXTRA:-}
EOF
}

start_postgres() {
  local primary="$DIR/pg/primary" replica="$DIR/pg/replica"
  as_owner mkdir -p "$DIR/pg/sock-writer" "$DIR/pg/sock-reader"
  as_owner "$PG_BIN/initdb" -D "$primary" -U postgres --auth-local=trust --auth-host=reject -N -E UTF8 --locale=C >/dev/null
  pg_conf "$primary/postgresql.conf" "$WRITER" "$DIR/pg/sock-writer"
  # TLS only over TCP: hostnossl is rejected, so the plaintext probe is refused before authentication.
  cat > "$primary/pg_hba.conf" <<EOF
local     all          all                 trust
local     replication  all                 trust
hostssl   all          all   127.0.0.0/8   scram-sha-256
hostnossl all          all   0.0.0.0/0     reject
EOF
  as_owner "$PG_BIN/pg_ctl" -D "$primary" -l "$DIR/pg/primary.log" -w -t 30 start >/dev/null

  local psql=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR/pg/sock-writer" -p "$PG_PORT" -U postgres)
  # The password reaches psql on stdin, never on a command line.
  # CREATEROLE, as Aurora's master user has through rds_superuser: dbops migrate creates the platform's roles.
  as_owner "${psql[@]}" -d postgres >/dev/null <<EOF
create role mlflow_admin login createrole password '$PG_PASSWORD';
grant pg_monitor to mlflow_admin;
-- As rds_superuser gives Aurora's master user: dbops incident cancels and ends other roles' sessions.
grant pg_signal_backend to mlflow_admin;
create database mlflow owner mlflow_admin;
EOF
  # pg_stat_statements is preloaded; its view exists once created in the database (on Aurora, by the master user).
  as_owner "${psql[@]}" -d mlflow -c "create extension if not exists pg_stat_statements" >/dev/null
  # On stdin: the servers' owner need not be able to read the work tree.
  as_owner "${psql[@]}" -U mlflow_admin -d mlflow < "$SCHEMA" >/dev/null
  [ "${LOCAL_STORES_SEED:-seed}" = none ] || as_owner "${psql[@]}" -U mlflow_admin -d mlflow < "$FIXTURES/seed.sql" >/dev/null
  [ "$ONLY_PG" = 1 ] && return 0

  as_owner "$PG_BIN/pg_basebackup" -D "$replica" -h "$DIR/pg/sock-writer" -p "$PG_PORT" -U postgres -R -X stream -c fast -N
  cat >> "$replica/postgresql.conf" <<EOF
listen_addresses = '$READER'
unix_socket_directories = '$DIR/pg/sock-reader'
EOF
  as_owner "$PG_BIN/pg_ctl" -D "$replica" -l "$DIR/pg/replica.log" -w -t 30 start >/dev/null
  for _ in $(seq 1 100); do
    [ "$(as_owner "${psql[@]}" -d postgres -Atc "select count(*) from pg_stat_replication where state = 'streaming'")" = 1 ] && return 0
    sleep 0.1
  done
  die "the PostgreSQL replica did not start streaming (see $DIR/pg/replica.log)"
}

redis_conf() {
  local name="$1" addr="$2"
  as_owner mkdir -p "$DIR/redis/$name"
  cat > "$DIR/redis/$name.conf" <<EOF
bind $addr
port 0
tls-port $REDIS_PORT
tls-cert-file $DIR/tls/server.pem
tls-key-file $DIR/tls/server.key
tls-ca-cert-file $DIR/tls/ca.pem
tls-auth-clients no
tls-replication yes
requirepass $REDIS_TOKEN
masterauth $REDIS_TOKEN
daemonize yes
pidfile $DIR/redis/$name.pid
logfile $DIR/redis/$name.log
dir $DIR/redis/$name
save ""
appendonly no
# A replica syncs at once rather than after the default 5 s wait for others to join.
repl-diskless-sync-delay 0
EOF
  chmod 600 "$DIR/redis/$name.conf"
}

start_redis() {
  redis_conf primary "$WRITER"
  redis_conf replica "$READER"
  echo "replicaof $WRITER $REDIS_PORT" >> "$DIR/redis/replica.conf"
  chown -R "$OWNER" "$DIR/redis" 2>/dev/null || true
  as_owner redis-server "$DIR/redis/primary.conf"
  as_owner redis-server "$DIR/redis/replica.conf"
  # Ready when both sides agree: the replica's link is up and the primary lists it online
  # (after a diskless sync the primary waits for the replica's first ACK, up to a second later).
  local cli=(redis-cli --tls --cacert "$DIR/ca.pem" -p "$REDIS_PORT")
  for _ in $(seq 1 150); do
    if REDISCLI_AUTH="$REDIS_TOKEN" "${cli[@]}" -h "$READER" info replication 2>/dev/null | grep -q '^master_link_status:up' \
       && REDISCLI_AUTH="$REDIS_TOKEN" "${cli[@]}" -h "$WRITER" info replication 2>/dev/null | grep -q '^slave0:.*state=online'; then
      return 0
    fi
    sleep 0.1
  done
  die "the Redis replica did not connect (see $DIR/redis/replica.log)"
}

write_contract() {
  local umask_was reader="\"$READER\"" readers=1 redis=""
  if [ "$ONLY_PG" = 1 ]; then
    reader=null
    readers=0
  else
    redis=",
  \"redis\": {
    \"primary\": \"$WRITER\",
    \"reader\": \"$READER\",
    \"port\": $REDIS_PORT,
    \"authToken\": \"$REDIS_TOKEN\",
    \"replicas\": 1,
    \"tlsRequired\": true,
    \"secretArn\": \"arn:aws:secretsmanager:local:000000000000:secret:local/redis/auth\"
  }"
  fi
  umask_was=$(umask)
  umask 077
  cat > "$DIR/contract.json" <<EOF
{
  "contractVersion": 1,
  "stack": "local",
  "environment": "dev",
  "region": "loopback",
  "postgres": {
    "writer": "$WRITER",
    "reader": $reader,
    "port": $PG_PORT,
    "database": "mlflow",
    "username": "mlflow_admin",
    "password": "$PG_PASSWORD",
    "engineMajor": $PG_MAJOR,
    "tlsRequired": true,
    "readers": $readers,
    "replicaLagMs": 1000,
    "parameters": {
      "log_min_duration_statement": "1000",
      "shared_preload_libraries": "pg_stat_statements",
      "ssl_min_protocol_version": "TLSv1.2",
      "rds.force_ssl": "1"
    },
    "secretArn": "arn:aws:secretsmanager:local:000000000000:secret:local/aurora/master",
    "alembicRevision": "$ALEMBIC_REVISION"
  }$redis
}
EOF
  cat > "$DIR/stores.env" <<EOF
PG_PORT=$PG_PORT
PG_BIN=$PG_BIN
PG_SOCKET_WRITER=$DIR/pg/sock-writer
PG_SOCKET_READER=$DIR/pg/sock-reader
PG_DATA_WRITER=$DIR/pg/primary
REDIS_PORT=$REDIS_PORT
OWNER=$OWNER
EOF
  umask "$umask_was"
}

start() {
  mkdir -p "$DIR"
  [ -z "$(ls -A "$DIR")" ] || die "$DIR is not empty"
  DIR="$(cd "$DIR" && pwd)"
  OWNER="$(id -un)"
  if [ "$(id -u)" -eq 0 ]; then
    OWNER=postgres
    id "$OWNER" >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin "$OWNER"
  fi
  PG_MAJOR="$("$PG_BIN/postgres" --version | grep -oE '[0-9]+' | head -1)"
  PG_PORT="${PG_PORT:-$(free_port)}"
  REDIS_PORT="${REDIS_PORT:-$(free_port)}"
  # Hex: no character needs quoting in SQL, a config file or JSON.
  PG_PASSWORD="$(openssl rand -hex 18)"
  REDIS_TOKEN="$(openssl rand -hex 24)"
  echo "$OWNER" > "$DIR/owner"
  make_certs "$DIR"
  chmod 755 "$DIR"
  chown -R "$OWNER" "$DIR"
  start_postgres
  if [ "$ONLY_PG" = 1 ]; then
    write_contract
    echo "local-stores: PostgreSQL $PG_MAJOR writer $WRITER:$PG_PORT (TLS only; no replica, no Redis)"
    return 0
  fi
  start_redis
  write_contract
  echo "local-stores: PostgreSQL $PG_MAJOR writer $WRITER:$PG_PORT, reader $READER:$PG_PORT; Redis primary $WRITER:$REDIS_PORT, replica $READER:$REDIS_PORT (TLS only)"
}

stop() {
  [ -d "$DIR" ] || return 0
  OWNER="$(cat "$DIR/owner" 2>/dev/null || id -un)"
  for data in "$DIR/pg/replica" "$DIR/pg/primary"; do
    [ -f "$data/postmaster.pid" ] && as_owner "$PG_BIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  done
  for pidfile in "$DIR/redis/replica.pid" "$DIR/redis/primary.pid"; do
    if [ -f "$pidfile" ]; then
      pid="$(cat "$pidfile")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  done
  rm -rf "$DIR"
}

[ $# -eq 2 ] || die "usage: $0 start|stop DIR"
DIR="$2"
case "$1" in
  start) start ;;
  stop) stop ;;
  *) die "usage: $0 start|stop DIR" ;;
esac
