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
# 4. bench/CallsBench.java walks to page $BENCH_DEPTH with next_cursor and times depth 1 against depth
#    $BENCH_DEPTH (interleaved, warm-up first) for all calls and for each view of $BENCH_FILTER; the
#    landing row is checked against SQL OFFSET; prints p50/p99, the ratio, and EXPLAIN (ANALYZE,
#    BUFFERS) of the deep-page SQL, custom and generic plan;
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
: "${BENCH_REQUESTS:=200}"
: "${BENCH_MAX_RATIO:=1.5}"
: "${BENCH_FILTER:=status=completed}"
: "${BENCH_PORT:=}"
: "${BENCH_REUSE_DB:=0}"
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

bench_require java javac psql python3 curl
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

javac -d "$work/classes" "$root/bench/CallsBench.java"
skip=$(( (BENCH_DEPTH - 1) * BENCH_LIMIT ))

# "status=completed&direction=inbound" -> SQL conditions with $5, $6... and their types and values,
# the shape Hibernate sends (it binds filter values too). Only the equality filters are mirrored.
filter_sql() {
  conditions=() types=() values=()
  local pair name value n=5
  [[ -z "$1" ]] && return 0
  IFS='&' read -ra pairs <<<"$1"
  for pair in "${pairs[@]}"; do
    name=${pair%%=*} value=${pair#*=}; value=${value//%2B/+}
    case $name in
      status) conditions+=("c.status in (\$$n)") ;; # a one-element IN, as Hibernate renders the list
      direction|result_status|webhook_status|agent_id|to_number|from_number) conditions+=("c.$name = \$$n") ;;
      *) echo "the bench mirrors only equality filters; got $name" >&2; exit 1 ;;
    esac
    [[ $name == agent_id ]] && types+=(uuid) || types+=(text)
    values+=("'${value//\'/\'\'}'")
    n=$((n + 1))
  done
}
join() { local IFS=$1; shift; echo "$*"; }

log "measuring"
verdicts=0 summary=""
for view in "" $BENCH_FILTER; do
  label=${view:-all calls}
  echo
  echo "== $label: walking to page $BENCH_DEPTH (after $skip calls), then $BENCH_REQUESTS pairs, interleaved"
  out=$(java -cp "$work/classes" CallsBench "$base_url" "$BENCH_LIMIT" "1,$BENCH_DEPTH" "$BENCH_REQUESTS" 1 "$view")
  echo "$out"
  filter_sql "$view"
  where=$(join ' ' "${conditions[@]/%/ and}")
  # the landing row, and the last row before it, as SQL OFFSET computes them
  mapfile -t bounds < <(psql -X -q -At -F ' ' -v ON_ERROR_STOP=1 -d "$BENCH_DB" <<SQL
PREPARE around($(join , timestamptz uuid int int "${types[@]}")) AS
  SELECT c.id, c.created_at FROM call c WHERE $(join ' ' "${conditions[@]/%/ and}") true
  ORDER BY c.created_at DESC, c.id DESC OFFSET \$3 LIMIT \$4;
EXECUTE around($(join , "now()" "'00000000-0000-0000-0000-000000000000'" $((skip - 1)) 2 "${values[@]}"));
SQL
  )
  first=$(grep -o "depth=$BENCH_DEPTH first_id=[0-9a-f-]*" <<<"$out" | cut -d= -f3)
  if [[ "$first" != "${bounds[1]%% *}" ]]; then
    echo "page $BENCH_DEPTH starts at call $first, SQL OFFSET $skip says ${bounds[1]%% *}" >&2
    exit 1
  fi
  echo "page $BENCH_DEPTH starts at call $first, as SQL OFFSET $skip says"
  read -r after_id after_date after_time <<<"${bounds[0]}"
  echo "-- EXPLAIN (ANALYZE, BUFFERS) of page $BENCH_DEPTH (limit $BENCH_LIMIT + 1 look-ahead row), custom then generic plan"
  psql -X -q -At -v ON_ERROR_STOP=1 -d "$BENCH_DB" <<SQL
PREPARE deep($(join , timestamptz uuid int int "${types[@]}")) AS
  SELECT c.* FROM call c WHERE $where (c.created_at, c.id) < (\$1, \$2)
  ORDER BY c.created_at DESC, c.id DESC OFFSET \$3 ROWS FETCH FIRST \$4 ROWS ONLY;
SET plan_cache_mode = force_custom_plan;
EXPLAIN (ANALYZE, BUFFERS) EXECUTE deep($(join , "'$after_date $after_time'" "'$after_id'" 0 $((BENCH_LIMIT + 1)) "${values[@]}"));
\echo '--- generic plan (bind values unknown, as a long-lived prepared statement may get)'
SET plan_cache_mode = force_generic_plan;
EXPLAIN (ANALYZE, BUFFERS) EXECUTE deep($(join , "'$after_date $after_time'" "'$after_id'" 0 $((BENCH_LIMIT + 1)) "${values[@]}"));
SQL
  p() { grep "depth=$1 p" <<<"$out" | grep -o "$2=[0-9.]*" | cut -d= -f2; }
  line=$(awk -v v="$label" -v a="$(p 1 p50_ms)" -v b="$(p "$BENCH_DEPTH" p50_ms)" -v c="$(p 1 p99_ms)" \
    -v d="$(p "$BENCH_DEPTH" p99_ms)" -v max="$BENCH_MAX_RATIO" 'BEGIN {
      printf "%-24s p50 %7.2f -> %7.2f ms (%.2fx)   p99 %7.2f -> %7.2f ms (%.2fx)   %s\n", v, a, b, b / a, c, d, d / c,
        (b / a <= max ? "within" : "NOT within") }')
  summary+="$line"$'\n'
  [[ $line == *"NOT within"* ]] && verdicts=2
done
echo
echo "== GET /calls?limit=$BENCH_LIMIT: depth 1 -> depth $BENCH_DEPTH, $BENCH_REQUESTS requests each, ms to last byte; p50 goal ${BENCH_MAX_RATIO}x"
printf '%s' "$summary"
bench_report_gateway_warnings
exit "$verdicts"
