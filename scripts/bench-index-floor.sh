#!/usr/bin/env bash
# The floor of the platform's index builds (issue 20, goal 3): a benchmark, not a test.
# On bench-db.sh's PostgreSQL (scripts/bench-lib.sh), one database with MLflow's schema, generated
# (dbops-bench generate, bench-db's generator and seed) and migrated by this tree's dbops. Then for
# every index the migrations built (platform_*, as pg_get_indexdef gives it) the index is dropped and,
# for each round, each side below is timed in turn (A B C ... A B C ...), the index dropped after each
# build and rebuilt as dbops builds it at the end, so the database is again the migrated one:
#   cic      CREATE INDEX CONCURRENTLY with the session dbops migrate gets (it sets no maintenance
#            setting: the server's maintenance_work_mem and max_parallel_maintenance_workers)
#   ci       plain CREATE INDEX, the same settings: the non-online build, one scan and one sort
#   cic_w0, ci_w0, cic_w1, ci_w1   the same with max_parallel_maintenance_workers = 0 (serial) or 1
#   cic_mem, ci_mem                the same with maintenance_work_mem = $MEM_ALT
#   read     the read floor: a serial sequential scan reading the index's columns (count of each)
#   sort     the sort floor: the same rows read and sorted in the index's order, serially, with
#            work_mem = the build's maintenance_work_mem, and discarded
#   psort    the same sort in parallel, with as many workers as the build may use (Gather Merge; each
#            process gets its share of maintenance_work_mem, as a parallel build's participants do)
# Every timed statement is timed by psql (\timing), after a CHECKPOINT; a build's phases are sampled
# every 0.2 s from pg_stat_progress_create_index by a second session, with the parallel workers seen.
# Prints Markdown tables; asserts nothing; everything is removed afterwards.
#   RUNS=n METRIC_ROWS=n SEED=n   the workload (default 100000 runs, 10000000 metric rows, seed 42)
#   ROUNDS=n                      rounds of every side (default 2)
#   SIDES="cic ci ..."            the sides, in the order of a round (default all of the above)
#   INDEXES="name ..."            only these platform indexes (default every one the migrations built)
#   MEM_ALT=size                  maintenance_work_mem of the *_mem sides (default 2GB)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${RUNS:-100000}"
METRIC_ROWS="${METRIC_ROWS:-10000000}"
SEED="${SEED:-42}"
ROUNDS="${ROUNDS:-2}"
ALL_SIDES="cic ci cic_w0 ci_w0 cic_w1 ci_w1 cic_mem ci_mem read sort psort"
SIDES="${SIDES:-$ALL_SIDES}"
INDEXES="${INDEXES:-}"
MEM_ALT="${MEM_ALT:-2GB}"
MLFLOW_RELEASE="${MLFLOW_RELEASE:-3.11.1}"
SCHEMA="$ROOT/tests/fixtures/mlflow/$MLFLOW_RELEASE/schema.sql"
[ -f "$SCHEMA" ] || { echo "bench-index-floor: no fixture $SCHEMA" >&2; exit 2; }
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "bench-index-floor: ROUNDS=$ROUNDS: expected a whole number of at least 1" >&2; exit 2; }
for s in $SIDES; do
  [[ " $ALL_SIDES " == *" $s "* ]] || { echo "bench-index-floor: SIDES: '$s' is not a side; allowed: $ALL_SIDES" >&2; exit 2; }
done

dir="$(mktemp -d /tmp/dbops-bench-index-floor.XXXXXX)"
chmod 755 "$dir"  # the servers run as their own user under it (scripts/local-stores.sh)
sampler=""
trap '[ -z "$sampler" ] || kill "$sampler" 2>/dev/null || true; "$ROOT/scripts/local-stores.sh" stop "$dir/stores" || true; rm -rf "$dir"' EXIT
BENCH_DIR="$dir"
source "$ROOT/scripts/bench-lib.sh"
bench_build_dbops worktree "$dir/dbops"
bench_build_generator
bench_start_postgres
db=index_floor
bench_generated_database "$db" "$RUNS" "$METRIC_ROWS" "$SEED" "$dir/dbops/dbops.dll"
q() { psql_as mlflow_admin "$db" -At "$@"; }

# The platform's indexes as the migrations built them: name, table, definition.
mapfile -t defs < <(q -F $'\t' -c "
  select c.relname, t.relname, pg_get_indexdef(c.oid) from pg_index i join pg_class c on c.oid = i.indexrelid
  join pg_class t on t.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'public' and c.relname like 'platform\_%' order by pg_relation_size(t.oid) desc, c.relname")
mwm="$(q -c "show maintenance_work_mem")"
workers="$(q -c "show max_parallel_maintenance_workers")"
share_kb="$(q -c "select setting::bigint / ($workers + 1) from pg_settings where name = 'maintenance_work_mem'")"

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "## The platform's index builds beside their floors"
echo
echo "Machine: $(nproc) cores ($cpu), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM; PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on loopback (scripts/bench-postgres.conf: shared_buffers 2GB; local-stores.sh: fsync off); commit $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- dbops || echo ' (dbops changed since)'). Workload: $GENERATED."
echo "dbops migrate's session (and the sides without a suffix): maintenance_work_mem $mwm, max_parallel_maintenance_workers $workers. Rounds: $ROUNDS; sides in each round: $SIDES."
echo "Started $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(uptime | sed 's/.*load/load/')."
echo

# The settings of a side, as SET statements; and its statement for an index.
side_settings() {
  case "$1" in
    *_w0) echo "set max_parallel_maintenance_workers = 0;" ;;
    *_w1) echo "set max_parallel_maintenance_workers = 1;" ;;
    *_mem) echo "set maintenance_work_mem = '$MEM_ALT';" ;;
    cic | ci) echo "reset all;" ;;
    # Serial, no JIT (a build compiles nothing), a sequential scan, and the build's sort memory.
    read | sort) echo "set max_parallel_workers_per_gather = 0; set jit = off; set enable_indexscan = off; set enable_indexonlyscan = off; set enable_bitmapscan = off; set work_mem = '$mwm';" ;;
    # Parallel whatever the planner's costs say; the tuples' passage through the leader is part of this floor.
    psort) echo "set max_parallel_workers_per_gather = $workers; set parallel_setup_cost = 0; set parallel_tuple_cost = 0; set jit = off; set enable_indexscan = off; set enable_indexonlyscan = off; set enable_bitmapscan = off; set work_mem = '${share_kb}kB';" ;;
  esac
}
side_sql() {
  local side="$1" def="$2" table="$3" keys="$4" cols="$5" counts
  counts="$(echo "$cols" | sed -E 's/([a-z_]+)/count(\1)/g')"
  case "$side" in
    cic*) echo "${def/CREATE INDEX /CREATE INDEX CONCURRENTLY }" ;;
    ci*) echo "$def" ;;
    read) echo "select $counts from $table" ;;
    # OFFSET 0 keeps the subquery, and so its sort; the outer counts keep every column read.
    sort | psort) echo "select $counts from (select $cols from $table order by $keys offset 0) s" ;;
  esac
}

results="$dir/results.tsv"   # index side round seconds workers load
phases="$dir/phases.tsv"     # index side round phase seconds
: > "$results"; : > "$phases"
for line in "${defs[@]}"; do
  IFS=$'\t' read -r index table def <<< "$line"
  [ -z "$INDEXES" ] || [[ " $INDEXES " == *" $index "* ]] || continue
  # The key columns with their order (as the sort needs them), and every column the index holds.
  keys="$(echo "$def" | sed -E 's/.* USING btree \(([^)]*)\).*/\1/')"
  include="$(echo "$def" | sed -nE 's/.* INCLUDE \(([^)]*)\).*/\1/p')"
  cols="$(echo "$keys" | sed -E 's/ (DESC|ASC)//g')${include:+, $include}"
  echo "bench-index-floor: $index ($def)" >&2
  index_bytes="$(q -c "select pg_relation_size('$index')")"
  q -c "drop index $index"
  rows="$(q -c "select count(*) from $table")"   # and the table's pages cached, as for every side after it
  table_bytes="$(q -c "select pg_relation_size('$table')")"
  printf '%s\t%s\t%s\t%s\t%s\n' "$index" "$table" "$rows" "$table_bytes" "$index_bytes" >> "$dir/indexes.tsv"
  for round in $(seq 1 "$ROUNDS"); do
    for side in $SIDES; do
      sql="$(side_sql "$side" "$def" "$table" "$keys" "$cols")"
      # The parallel floor's plan, once, for the record (untimed): it must be a Gather Merge over parallel sorts.
      [ "$side$round" != psort1 ] || psql_as mlflow_admin "$db" -c "$(side_settings "$side")" -c "explain $sql" | sed 's/^/bench-index-floor: psort plan: /' >&2
      psql_as postgres "$db" -c "checkpoint"
      # A second session samples the build's phase and its parallel workers.
      printf '%s \\watch 0.2\n' "select extract(epoch from clock_timestamp()), coalesce(p.phase, 'none'),
        (select count(*) from pg_stat_activity a where a.leader_pid = p.pid and a.pid <> p.pid)
        from (select 1) x left join pg_stat_progress_create_index p on p.relid = '$table'::regclass" > "$dir/sampler.sql"
      # psql itself in the background (not a function's subshell), so that its pid is the one stopped.
      "$PG_BIN/psql" -X -q -h "$PG_SOCKET_WRITER" -p "$PG_PORT" -U postgres -d "$db" -At -F $'\t' -f "$dir/sampler.sql" > "$dir/sample.tsv" 2>/dev/null &
      sampler=$!
      out="$(psql_as mlflow_admin "$db" -c "$(side_settings "$side")" -c '\timing on' -c "$sql")"
      kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; sampler=""
      secs="$(echo "$out" | sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p' | tail -1 | awk '{printf "%.3f", $1 / 1000}')"
      seen="$(awk -F'\t' '$2 != "none" && $3 > m { m = $3 } END { print m + 0 }' "$dir/sample.tsv")"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$index" "$side" "$round" "$secs" "$seen" "$(cut -d' ' -f1 /proc/loadavg)" >> "$results"
      # Each sample's phase lasts until the next sample.
      awk -F'\t' -v i="$index" -v s="$side" -v r="$round" 'NF == 3 {
          if (prev != "" && prev != "none") d[prev] += $1 - t
          prev = $2; t = $1 }
        END { for (p in d) printf "%s\t%s\t%s\t%s\t%.2f\n", i, s, r, p, d[p] }' "$dir/sample.tsv" >> "$phases"
      echo "bench-index-floor: $index round $round $side: $secs s" >&2
      case "$side" in c*) q -c "drop index $index" ;; esac
    done
  done
  # Back to the migrated state: the index as dbops builds it.
  q -c "${def/CREATE INDEX /CREATE INDEX CONCURRENTLY }"
done
echo "Finished $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(uptime | sed 's/.*load/load/')."
echo

# Per index: each side's seconds per round, the median (of 2: the mean), its ratio to the read floor and
# to the plain build, and the parallel workers seen. Then the totals over the indexes.
awk -F'\t' -v sides="$SIDES" -v rounds="$ROUNDS" -v mem="$MEM_ALT" -v mwm="$mwm" -v w="$workers" '
  function median(a, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
  function what(s,   x) {
    if (s == "read") return "read floor: serial sequential scan of the columns"
    if (s == "sort") return "sort floor: the columns read and sorted (work_mem " mwm "), serial"
    if (s == "psort") return "parallel sort floor: the same with " w " workers (Gather Merge), " mwm " shared"
    x = (s ~ /^cic/ ? "CREATE INDEX CONCURRENTLY" : "CREATE INDEX")
    if (s ~ /_w0$/) return x ", 0 workers"
    if (s ~ /_w1$/) return x ", 1 worker"
    if (s ~ /_mem$/) return x ", maintenance_work_mem " mem
    return x (s == "cic" ? " (as dbops migrate)" : "") ", " w " workers allowed, " mwm
  }
  FILENAME ~ /indexes.tsv$/ { order[++n] = $1; tab[$1] = $2; rows[$1] = $3; tb[$1] = $4; ib[$1] = $5; next }
  { t[$1, $2, $3] = $4; if ($5 > seen[$1, $2]) seen[$1, $2] = $5; ld[$1, $2] = ld[$1, $2] ($3 > 1 ? " / " : "") $6 }
  END {
    ns = split(sides, S, " ")
    for (i = 1; i <= n; i++) { x = order[i]
      for (j = 1; j <= ns; j++) { delete a; for (r = 1; r <= rounds; r++) a[r] = t[x, S[j], r]; m[x, S[j]] = median(a, rounds); total[S[j]] += m[x, S[j]] }
    }
    for (i = 1; i <= n; i++) { x = order[i]
      printf "### %s on %s: %\047d rows, table %.1f MiB, index %.1f MiB\n\n", x, tab[x], rows[x], tb[x] / 1048576, ib[x] / 1048576
      printf "| side | statement |"; for (r = 1; r <= rounds; r++) printf " round %d s |", r
      printf " median s | / read floor | / CREATE INDEX | workers seen | load after (1 min) |\n|---|---|"; for (r = 1; r <= rounds; r++) printf "---:|"
      printf "---:|---:|---:|---:|---:|\n"
      for (j = 1; j <= ns; j++) { s = S[j]
        printf "| %s | %s |", s, what(s); for (r = 1; r <= rounds; r++) printf " %.3f |", t[x, s, r]
        printf " %.3f | %s | %s | %s | %s |\n", m[x, s], (m[x, "read"] > 0 ? sprintf("%.2f", m[x, s] / m[x, "read"]) : "-"),
          (m[x, "ci"] > 0 ? sprintf("%.2f", m[x, s] / m[x, "ci"]) : "-"), (s ~ /^c/ ? seen[x, s] + 0 : "-"), ld[x, s] }
      printf "\n"
    }
    printf "### Every index measured, sums of the medians\n\n| side | statement | s | / read floor | / CREATE INDEX |\n|---|---|---:|---:|---:|\n"
    for (j = 1; j <= ns; j++) { s = S[j]
      printf "| %s | %s | %.3f | %s | %s |\n", s, what(s), total[s], (total["read"] > 0 ? sprintf("%.2f", total[s] / total["read"]) : "-"), (total["ci"] > 0 ? sprintf("%.2f", total[s] / total["ci"]) : "-") }
    printf "\n"
  }' "$dir/indexes.tsv" "$results"

# Where a build's time goes: seconds per phase of pg_stat_progress_create_index, mean over the rounds.
echo "### The builds' phases (pg_stat_progress_create_index, sampled every 0.2 s; mean over the rounds)"
echo
echo "| index | side | phase | s |"
echo "|---|---|---|---:|"
awk -F'\t' -v rounds="$ROUNDS" '{ k = $1 "\t" $2 "\t" $4; if (!(k in d)) o[++n] = k; d[k] += $5 }
  END { for (i = 1; i <= n; i++) { split(o[i], p, "\t"); printf "| %s | %s | %s | %.2f |\n", p[1], p[2], p[3], d[o[i]] / rounds } }' "$phases"
echo
psql_as postgres postgres -c "drop database $db"
