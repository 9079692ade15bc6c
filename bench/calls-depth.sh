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

: "${PGHOST:=127.0.0.1}"
: "${PGPORT:=5432}"
: "${PGUSER:=postgres}"
: "${BENCH_DB:=callingbox_bench}"
: "${BENCH_ROWS:=1000000}"
: "${BENCH_DEPTH:=10000}"
: "${BENCH_LIMIT:=50}"
: "${BENCH_WARMUP:=50}"
: "${BENCH_REQUESTS:=200}"
: "${BENCH_MAX_RATIO:=1.5}"
: "${BENCH_FILTER:=status=completed}"
: "${BENCH_PORT:=}"
: "${BENCH_KEEP_DB:=0}"
: "${BENCH_REUSE_DB:=0}"
: "${BENCH_JAVA_OPTS:=-Xmx512m}"
: "${BENCH_GATEWAY_LOG:=}"
export PGHOST PGPORT PGUSER

root=$(cd "$(dirname "$0")/.." && pwd)
jar="$root/target/quarkus-app/quarkus-run.jar"
log() { printf '\n[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# The database is dropped: never let a typo point this at one that matters.
if [[ ! "$BENCH_DB" =~ ^[a-z_][a-z0-9_]*$ ]] || [[ "$BENCH_DB" =~ ^(postgres|template[0-9]+)$ ]]; then
  echo "BENCH_DB='$BENCH_DB' is not a name this script may drop and recreate" >&2
  exit 1
fi

work=$(mktemp -d)
gateway_pid=
cleanup() {
  local rc=$?
  if [[ -n "$gateway_pid" ]] && kill -0 "$gateway_pid" 2>/dev/null; then
    kill -TERM "$gateway_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$gateway_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$gateway_pid" 2>/dev/null || true
    wait "$gateway_pid" 2>/dev/null || true
  fi
  if [[ "$BENCH_KEEP_DB" != 1 ]]; then
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" >/dev/null 2>&1 || true
  else
    echo "kept database $BENCH_DB on $PGHOST:$PGPORT"
  fi
  if [[ -n "$BENCH_GATEWAY_LOG" && -f "$work/gateway.log" ]]; then
    cp "$work/gateway.log" "$BENCH_GATEWAY_LOG" && echo "gateway log kept in $BENCH_GATEWAY_LOG"
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in java psql python3 curl; do
  command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }
done

if [[ ! -f "$jar" ]]; then
  log "building the gateway (target/quarkus-app is missing)"
  (cd "$root" && ./mvnw -B -q -DskipTests package)
fi

reuse=0
if [[ "$BENCH_REUSE_DB" == 1 ]] \
  && [[ "$(psql -X -At -d "$BENCH_DB" -c 'SELECT count(*) FROM call' 2>/dev/null)" == "$BENCH_ROWS" ]]; then
  reuse=1
  log "reusing database $BENCH_DB with its $BENCH_ROWS calls"
else
  log "recreating database $BENCH_DB on $PGHOST:$PGPORT"
  psql -X -q -v ON_ERROR_STOP=1 -d postgres \
    -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" \
    -c "CREATE DATABASE $BENCH_DB"
fi

port=${BENCH_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
base_url="http://127.0.0.1:$port"

log "starting the gateway on $base_url (log: $work/gateway.log while it runs)"
gateway_env=(
  "QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://$PGHOST:$PGPORT/$BENCH_DB"
  "QUARKUS_DATASOURCE_USERNAME=$PGUSER"
  "QUARKUS_HTTP_HOST=127.0.0.1"
  "QUARKUS_HTTP_PORT=$port"
  "QUARKUS_SCHEDULER_ENABLED=false"
  "CALLINGBOX_BASE_URL=http://127.0.0.1:9"
)
[[ -n "${PGPASSWORD:-}" ]] && gateway_env+=("QUARKUS_DATASOURCE_PASSWORD=$PGPASSWORD")
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of JVM options
env "${gateway_env[@]}" java $BENCH_JAVA_OPTS -jar "$jar" >"$work/gateway.log" 2>&1 &
gateway_pid=$!

for i in $(seq 1 120); do
  if curl -fsS -o /dev/null "$base_url/q/health/ready" 2>/dev/null; then break; fi
  if ! kill -0 "$gateway_pid" 2>/dev/null || [[ $i == 120 ]]; then
    echo "the gateway did not become ready; last lines of its log:" >&2
    tail -n 40 "$work/gateway.log" >&2
    exit 1
  fi
  sleep 0.5
done
grep -m1 -o 'started in [0-9.]*s' "$work/gateway.log" | sed 's/^/gateway /' || true

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
if grep -qE ' (ERROR|WARN) ' "$work/gateway.log"; then
  log "the gateway logged warnings or errors during the run:"
  grep -E ' (ERROR|WARN) ' "$work/gateway.log" | head -n 20
fi
exit "$rc"
