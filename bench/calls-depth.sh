#!/usr/bin/env bash
# Benchmark, not a test: does GET /calls stay as fast at page 10,000 as at page 1 over 1,000,000 calls?
#
#   bench/calls-depth.sh
#
# 1. drops and recreates database $BENCH_DB on the PostgreSQL named by PGHOST/PGPORT/PGUSER(/PGPASSWORD);
# 2. starts the packaged gateway against it (building target/quarkus-app first if it is missing), so
#    Flyway creates the real schema; the gateway listens on 127.0.0.1 only, with its scheduler off and
#    its upstream pointed at a closed loopback port, so nothing leaves the machine;
# 3. bulk-loads $BENCH_ROWS realistic calls with SQL (bench/calls-depth-load.sql), then VACUUM ANALYZE;
# 4. runs bench/calls_depth.py: walks to page $BENCH_DEPTH with next_cursor, then times depth 1 against
#    depth $BENCH_DEPTH (interleaved, warm-up first) for all calls and for $BENCH_FILTER, prints
#    p50/p99, the ratio, and EXPLAIN (ANALYZE, BUFFERS) of the deep-page SQL;
# 5. stops the gateway and drops the database (BENCH_KEEP_DB=1 keeps it for more EXPLAINs, and a
#    later run with BENCH_KEEP_DB=1 BENCH_REUSE_DB=1 measures again without reloading;
#    BENCH_GATEWAY_LOG=FILE keeps the gateway's log, e.g. with
#    BENCH_JAVA_OPTS="-Xmx512m -Dquarkus.hibernate-orm.log.sql=true" to see the SQL it sends).
#
# Exit status: 0 when every view's p50 at depth $BENCH_DEPTH is within $BENCH_MAX_RATIO x depth 1,
# 2 when not, anything else on failure. A full run takes a few minutes on 2 cores.
set -euo pipefail

: "${BENCH_DB:=callingbox_bench}"
: "${BENCH_ROWS:=1000000}"
: "${BENCH_DEPTH:=10000}"
: "${BENCH_LIMIT:=50}"
: "${BENCH_WARMUP:=50}"
: "${BENCH_REQUESTS:=200}"
: "${BENCH_MAX_RATIO:=1.5}"
: "${BENCH_FILTER:=status=completed}"
: "${BENCH_PORT:=}"
: "${BENCH_REUSE_DB:=0}"
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

bench_require java psql python3 curl
bench_build_if_missing

reuse=0
if [[ "$BENCH_REUSE_DB" == 1 ]] \
  && [[ "$(psql -X -At -d "$BENCH_DB" -c 'SELECT count(*) FROM call' 2>/dev/null)" == "$BENCH_ROWS" ]]; then
  reuse=1
  log "reusing database $BENCH_DB with its $BENCH_ROWS calls"
else
  bench_recreate_db
fi

bench_start_gateway "QUARKUS_SCHEDULER_ENABLED=false"

if [[ $reuse == 0 ]]; then
  log "loading $BENCH_ROWS calls"
  start=$SECONDS
  psql -X -q -v ON_ERROR_STOP=1 -v rows="$BENCH_ROWS" -d "$BENCH_DB" -f "$root/bench/calls-depth-load.sql"
  echo "loaded, indexed and analyzed in $((SECONDS - start)) s"
fi

log "measuring"
filters=()
for f in $BENCH_FILTER; do filters+=(--filter "$f"); done
set +e
python3 "$root/bench/calls_depth.py" --base-url "$base_url" --db "$BENCH_DB" \
  --depth "$BENCH_DEPTH" --limit "$BENCH_LIMIT" --warmup "$BENCH_WARMUP" --requests "$BENCH_REQUESTS" \
  --max-ratio "$BENCH_MAX_RATIO" "${filters[@]}"
rc=$?
set -e
bench_report_gateway_warnings
exit "$rc"
