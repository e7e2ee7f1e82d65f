#!/usr/bin/env bash
# The archival's speed beside another build of dbops (issue 20, goals 3 and 4): a benchmark, not a test.
# On a PostgreSQL started for the purpose (scripts/local-stores.sh, the settings of bench-db.sh), one
# database with MLflow's schema is generated once (dbops-bench generate) and migrated (this tree's
# dbops migrate), then for each round a fresh copy of it (CREATE DATABASE ... TEMPLATE) is archived
# by the baseline's dbops and another copy by the candidate's, alternated (A B A B ...), each run
# `dbops archive --older-than 90d --format json` on its own copy. Prints per run the rows moved, the
# move's seconds as dbops reports them, the whole process's seconds, rows/s, the archive's size per
# archived row (whole mlflow_archive schema; and its metrics relation per metric row), then the
# medians and the ratio candidate / baseline. With PROFILE=1 also where each run's time went, per
# statement (pg_stat_statements: calls, ms, WAL bytes). Asserts nothing; everything is removed after.
#   ARCHIVE_BASELINE=rev       the baseline's dbops (default b96a9ea, the last commit before metrics were packed);
#                              "worktree" builds this tree (to compare settings of one build)
#   ARCHIVE_CANDIDATE=rev      the candidate (default "worktree": this tree, uncommitted changes included)
#   ARCHIVE_THIRD=rev          optional third build (C), run after B in each round (A B C A B C ...)
#   BASE_ARGS=, CAND_ARGS=, THIRD_ARGS=   more `dbops archive` arguments per side (e.g. "--batch-size 5000")
#   BASE_SQL=, CAND_SQL=, THIRD_SQL=      SQL run as postgres on that side's copy before it is archived, e.g.
#                              "drop index platform_logged_model_metrics_run_id" to measure without one of this
#                              tree's migrations (every copy is migrated by this tree's dbops)
#   RUNS=n METRIC_ROWS=n SEED=n   the workload (default 100000 runs, 10000000 metric rows, seed 42)
#   ROUNDS=n                   A B pairs (default 2)
#   PROFILE=1                  per-statement figures after each run
#   FLOOR=1                    three more sides per round, after the builds, each on its own copy: the archival's
#                              floor (dbops-bench archive-floor, this tree's): the same batches and conditions without
#                              the runs' lock and the emptied-experiment check, as F bare deletes (no RETURNING, no
#                              insert; the runs delete under EXPLAIN ANALYZE, its foreign-key triggers' times summed),
#                              R deletes returning into a counted CTE (no insert), G the archival's inserts from a
#                              SELECT, each followed by a bare delete. Then a table of every side's time per table
#                              (pg_stat_statements), and F's trigger times.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BASELINE="${ARCHIVE_BASELINE:-b96a9ea}"
CANDIDATE="${ARCHIVE_CANDIDATE:-worktree}"
BASE_ARGS="${BASE_ARGS:-}"
CAND_ARGS="${CAND_ARGS:-}"
THIRD="${ARCHIVE_THIRD:-}"
THIRD_ARGS="${THIRD_ARGS:-}"
BASE_SQL="${BASE_SQL:-}"
CAND_SQL="${CAND_SQL:-}"
THIRD_SQL="${THIRD_SQL:-}"
SIDES="a b"; [ -n "$THIRD" ] && SIDES="a b c"
RUNS="${RUNS:-100000}"
METRIC_ROWS="${METRIC_ROWS:-10000000}"
SEED="${SEED:-42}"
ROUNDS="${ROUNDS:-2}"
PROFILE="${PROFILE:-0}"
FLOOR="${FLOOR:-0}"
[ "$FLOOR" = 1 ] && SIDES="$SIDES f r g"
MLFLOW_RELEASE="${MLFLOW_RELEASE:-3.11.1}"
SCHEMA="$ROOT/tests/fixtures/mlflow/$MLFLOW_RELEASE/schema.sql"
[ -f "$SCHEMA" ] || { echo "bench-archive: no fixture $SCHEMA" >&2; exit 2; }
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "bench-archive: ROUNDS=$ROUNDS: expected a whole number of at least 1" >&2; exit 2; }

dir="$(mktemp -d /tmp/dbops-bench-archive.XXXXXX)"
chmod 755 "$dir"  # the servers run as their own user under it (scripts/local-stores.sh)
trap '"$ROOT/scripts/local-stores.sh" stop "$dir/stores" || true; rm -rf "$dir"' EXIT

BENCH_DIR="$dir"
source "$ROOT/scripts/bench-lib.sh"
bench_build_dbops "$BASELINE" "$dir/a"
bench_build_dbops "$CANDIDATE" "$dir/b"
[ -n "$THIRD" ] && bench_build_dbops "$THIRD" "$dir/c"
bench_build_generator
# bench-db.sh's settings, and room for PROFILE=1's per-statement figures.
bench_start_postgres "pg_stat_statements.max = 10000"

src_db=archive_src
# The platform's migrations of the candidate's build (B; by default this tree), once, for every copy.
bench_generated_database "$src_db" "$RUNS" "$METRIC_ROWS" "$SEED" "$dir/b/dbops.dll"
generated="$GENERATED"

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "## dbops archive: $BASELINE (A) beside $CANDIDATE (B)${THIRD:+ and $THIRD (C)}"
echo
echo "Machine: $(nproc) cores ($cpu), PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on loopback with TLS, shared_buffers 2GB; .NET $(dotnet --version). Commit $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- dbops || echo ' (dbops changed since)'). Workload: $generated."
echo "Started $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(uptime | sed 's/.*load/load/'). A: dbops archive --older-than 90d $BASE_ARGS; B: the same $CAND_ARGS${THIRD:+; C: the same $THIRD_ARGS}.$([ "$FLOOR" = 1 ] && echo ' F, R, G: dbops-bench archive-floor --mode delete, returning, copy (the floor, this tree).')${BASE_SQL:+ Before each A run: $BASE_SQL.}${CAND_SQL:+ Before each B run: $CAND_SQL.}${THIRD_SQL:+ Before each C run: $THIRD_SQL.}"
echo
echo "| run | build | rows moved | metric rows | move s | process s | rows/s (move) | archive B/row | metrics B/metric row | reconciled | load (1 min) |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|"

results="$dir/results.tsv"
: > "$results"
profiles="$dir/profiles.md"
: > "$profiles"
n=0
for round in $(seq 1 "$ROUNDS"); do
  for side in $SIDES; do
    n=$((n + 1))
    db="archive_${side}${round}"
    case "$side" in a) args="$BASE_ARGS" sql="$BASE_SQL" ;; b) args="$CAND_ARGS" sql="$CAND_SQL" ;; c) args="$THIRD_ARGS" sql="$THIRD_SQL" ;; *) args="" sql="" ;; esac
    case "$side" in f) mode=delete ;; r) mode=returning ;; g) mode=copy ;; *) mode="" ;; esac
    psql_as postgres postgres -c "create database $db template $src_db owner mlflow_admin strategy file_copy"
    [ -z "$sql" ] || psql_as postgres "$db" -c "$sql"
    psql_as postgres "$db" -c "checkpoint" -c "select pg_stat_statements_reset()" >/dev/null
    contract="$(contract_for "$db")"
    start=$(date +%s.%N)
    if [ -z "$mode" ]; then
      # shellcheck disable=SC2086
      dotnet "$dir/$side/dbops.dll" archive --outputs "$contract" --ca-bundle "$dir/stores/ca.pem" --older-than 90d --format json $args > "$dir/$db.out" 2> "$dir/$db.err" \
        || { echo "bench-archive: run $n ($side) failed:" >&2; cat "$dir/$db.err" >&2; exit 1; }
    else
      dotnet "$BENCH" archive-floor --outputs "$contract" --ca-bundle "$dir/stores/ca.pem" --older-than-days 90 --mode "$mode" > "$dir/$db.out" 2> "$dir/$db.err" \
        || { echo "bench-archive: run $n ($side, floor $mode) failed:" >&2; cat "$dir/$db.err" >&2; exit 1; }
    fi
    end=$(date +%s.%N)
    load="$(cut -d' ' -f1 /proc/loadavg)"
    if [ -z "$mode" ]; then
      rows="$(jq '.moved.rows' "$dir/$db.out")"
      metric_rows="$(jq '[.reconciliation[] | select(.table == "metrics") | .movedNow] | add // 0' "$dir/$db.out")"
      move="$(jq '.moved.seconds' "$dir/$db.out")"
      reconciled="$(jq -r '[.reconciliation[] | .leftLive == 0 and .inArchive == .toArchive] | all' "$dir/$db.out")"
    else
      rows="$(jq '.rows' "$dir/$db.out")"
      metric_rows="$(jq '.metricRows' "$dir/$db.out")"
      move="$(jq '.seconds' "$dir/$db.out")"
      reconciled="floor ($mode)"
      jq -r --arg s "$side" '.triggers[] | [$s, .constraint, .calls, .ms] | @tsv' "$dir/$db.out" >> "$dir/triggers.tsv"
      jq -r --arg s "$side" '[$s, "(the runs delete statements, execution time)", 0, .runsDeleteExecutionMs] | @tsv' "$dir/$db.out" >> "$dir/triggers.tsv"
    fi
    # Every table of the archive with its TOAST and indexes; the metrics relation is the plain table or the packed series.
    archive_bytes="$(psql_as postgres "$db" -Atc "select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'mlflow_archive' and c.relkind = 'r'")"
    metric_bytes="$(psql_as postgres "$db" -Atc "select pg_total_relation_size(coalesce(to_regclass('mlflow_archive.metric_series'), to_regclass('mlflow_archive.metrics')))")"
    process="$(echo "$end - $start" | bc -l)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$side" "$rows" "$metric_rows" "$move" "$process" "$archive_bytes" "$metric_bytes" >> "$results"
    awk -v n="$n" -v s="$side" -v r="$rows" -v m="$metric_rows" -v mv="$move" -v p="$process" -v ab="$archive_bytes" -v mb="$metric_bytes" -v ok="$reconciled" -v l="$load" \
      'BEGIN { printf "| %d | %s | %\047d | %\047d | %.1f | %.1f | %\047d | %.1f | %.1f | %s | %s |\n", n, toupper(s), r, m, mv, p, r / mv, ab / r, (m > 0 ? mb / m : 0), ok, l }'
    if [ "$FLOOR" = 1 ] || [ "$PROFILE" = 1 ]; then
      # Each side's server time per table and kind of statement; a statement shape whose calls returned or affected no
      # row moved nothing (judged by rows, not WAL: a 0-row statement can still write WAL, pruning a page it read).
      psql_as postgres "$db" -At -F $'\t' -c "
        select '$side', label, kind, sum(ms) from (
          select case when query ~* 'for update' then '(lock the runs; find the emptied experiments)'
                      when rows = 0 and (query ~ 'delete from public[.]' or query ~ 'insert into mlflow_archive[.]') then '(statements that moved nothing)'
                      when query ~ 'delete from public[.]\"' then substring(query from 'delete from public[.]\"([^\"]+)\"')
                      when query ~ 'insert into mlflow_archive[.]\"' then replace(substring(query from 'insert into mlflow_archive[.]\"([^\"]+)\"'), 'metric_series', 'metrics')
                      else '(everything else: candidates, counts, catalog, settings)' end as label,
                 case when '$side' <> 'g' then 'all' when query ~ 'insert into mlflow_archive' then 'insert' else 'delete' end as kind,
                 total_exec_time as ms
          from pg_stat_statements s join pg_database d on d.oid = s.dbid
          where d.datname = current_database() and query not like '%pg_stat_statements%') x
        group by 1, 2, 3" >> "$dir/statements.tsv"
    fi
    if [ "$PROFILE" = 1 ]; then
      {
        echo
        echo "Run $n (${side^^}): statements of dbops archive by total time (pg_stat_statements; WAL of the statement)"
        echo
        echo "| calls | total ms | ms/call | rows | WAL MB | statement |"
        echo "|---:|---:|---:|---:|---:|---|"
        psql_as postgres "$db" -At -F '|' -c "
          select calls, round(total_exec_time), round((total_exec_time / calls)::numeric, 1), rows, round(wal_bytes / 1048576.0, 1),
                 left(regexp_replace(query, '\s+', ' ', 'g'), 140)
          from pg_stat_statements s join pg_database d on d.oid = s.dbid
          where d.datname = current_database() and query not like '%pg_stat_statements%'
          order by total_exec_time desc limit 14" | sed 's/^/| /; s/$/ |/; s/|\([^ ]\)/| \1/g'
      } >> "$profiles"
    fi
    psql_as postgres postgres -c "drop database $db"
  done
done

echo
echo "Finished $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(uptime | sed 's/.*load/load/')."
echo
# Medians per side (of 2 runs: their mean), and B against A.
awk -F'\t' '
  function median(a, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
  { k[$1]++; rate[$1, k[$1]] = $2 / $4; proc[$1, k[$1]] = $5; per[$1] = $6 / $2; mper[$1] = ($3 > 0 ? $7 / $3 : 0) }
  END {
    for (s in k) { delete x; for (i = 1; i <= k[s]; i++) x[i] = rate[s, i]; r[s] = median(x, k[s]); delete x; for (i = 1; i <= k[s]; i++) x[i] = proc[s, i]; p[s] = median(x, k[s]) }
    printf "| build | rows/s of the move (median) | / A | process s (median) | / A | archive B/row | / A | metrics B/metric row | / A |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    n = split("a b c f r g", order, " ")
    for (i = 1; i <= n; i++) { s = order[i]; if (!(s in k)) continue
      printf "| %s | %d | %.3f | %.1f | %.3f | %.1f | %.3f | %.1f | %.3f |\n", toupper(s), r[s], r[s] / r["a"], p[s], p[s] / p["a"], per[s], per[s] / per["a"], mper[s], (mper["a"] > 0 ? mper[s] / mper["a"] : 0) }
  }' "$results"
if [ "$FLOOR" = 1 ] || [ "$PROFILE" = 1 ]; then
  echo
  echo "Server time per table, ms (pg_stat_statements, mean over the rounds): A/B/C the move (delete ... returning into the insert),"
  echo "F the bare delete, R the delete returning into a counted CTE, G the insert from a select and then the bare delete."
  echo
  awk -F'\t' -v rounds="$ROUNDS" '
    { col = ($1 == "g" ? "g:" $3 : $1); ms[$2, col] += $4; cols[col] = 1; if (!($2 in seen)) { seen[$2] = 1; labels[++nl] = $2 } if ($1 == "a") key[$2] += $4 }
    END {
      n = split("a b c f r g:insert g:delete", order, " "); head = "| statements of |"; line = "|---|"
      split("A (move)|B (move)|C (move)|F delete|R delete returning|G insert|G delete after", names, "|")
      for (i = 1; i <= n; i++) if (order[i] in cols) { head = head " " names[i] " |"; line = line "---:|"; use[++nu] = order[i] }
      print head; print line
      for (i = 1; i <= nl; i++) for (j = i + 1; j <= nl; j++) if (key[labels[j]] > key[labels[i]]) { t = labels[i]; labels[i] = labels[j]; labels[j] = t }
      for (i = 1; i <= nl; i++) { row = "| " labels[i] " |"; for (u = 1; u <= nu; u++) { v = ms[labels[i], use[u]] / rounds; if (labels[i] !~ /^[(]everything/) sum[use[u]] += v; row = row sprintf(" %\047d |", v) } print row }
      row = "| **all of the move (without everything else)** |"; for (u = 1; u <= nu; u++) row = row sprintf(" **%\047d** |", sum[use[u]]); print row
    }' "$dir/statements.tsv"
fi
if [ "$FLOOR" = 1 ] && [ -s "$dir/triggers.tsv" ]; then
  echo
  echo "F: the runs delete of every batch under EXPLAIN ANALYZE, its foreign-key triggers (mean over the rounds):"
  echo
  echo "| trigger for constraint | calls | ms |"
  echo "|---|---:|---:|"
  awk -F'\t' -v rounds="$ROUNDS" '{ if (!($2 in c)) o[++n] = $2; c[$2] += $3; m[$2] += $4 }
    END { for (i = 1; i <= n; i++) printf "| %s | %\047d | %.1f |\n", o[i], c[o[i]] / rounds, m[o[i]] / rounds }' "$dir/triggers.tsv"
fi
if [ "$PROFILE" = 1 ]; then cat "$profiles"; fi
psql_as postgres postgres -c "drop database $src_db"
