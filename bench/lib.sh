# Shared by the bench scripts: a throwaway database and the packaged gateway running against it on
# a free loopback port. Source it after setting BENCH_DB; call bench_start_gateway VAR=VALUE...
# (extra environment for the gateway). Everything started is stopped, and the database dropped
# unless BENCH_KEEP_DB=1, when the script exits.

: "${PGHOST:=127.0.0.1}"
: "${PGPORT:=5432}"
: "${PGUSER:=postgres}"
: "${BENCH_KEEP_DB:=0}"
: "${BENCH_JAVA_OPTS:=-Xmx512m}"
: "${BENCH_GATEWAY_LOG:=}"
export PGHOST PGPORT PGUSER

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$root/target/quarkus-app/quarkus-run.jar"
log() { printf '\n[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# The database is dropped: never let a typo point this at one that matters.
if [[ ! "$BENCH_DB" =~ ^[a-z_][a-z0-9_]*$ ]] || [[ "$BENCH_DB" =~ ^(postgres|template[0-9]+|test)$ ]]; then
  echo "BENCH_DB='$BENCH_DB' is not a name this script may drop and recreate" >&2
  exit 1
fi

work=$(mktemp -d)
gateway_pid=
bench_cleanup() {
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
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

bench_require() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }
  done
}

bench_build_if_missing() {
  if [[ ! -f "$jar" ]]; then
    log "building the gateway (target/quarkus-app is missing)"
    (cd "$root" && ./mvnw -B -q -DskipTests package)
  fi
}

bench_recreate_db() {
  log "recreating database $BENCH_DB on $PGHOST:$PGPORT"
  psql -X -q -v ON_ERROR_STOP=1 -d postgres \
    -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" \
    -c "CREATE DATABASE $BENCH_DB"
}

# Starts the gateway on 127.0.0.1 with its upstream pointed at a closed loopback port, so nothing
# leaves the machine, and BENCH_API_KEY (generated unless set) as its admin key; sets base_url.
# Arguments: extra VAR=VALUE environment.
bench_start_gateway() {
  local port=${BENCH_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  local management_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  base_url="http://127.0.0.1:$port"
  # health and metrics are on the management interface, not on the API port
  management_url="http://127.0.0.1:$management_port"
  log "starting the gateway on $base_url (log: $work/gateway.log while it runs)"
  # The internal paths need a credential: a fresh admin key, which the bench programs send as BENCH_API_KEY
  [[ -n "${BENCH_API_KEY:-}" ]] || BENCH_API_KEY="gwk_bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  export BENCH_API_KEY
  local gateway_env=(
    "GATEWAY_ADMIN_API_KEY=$BENCH_API_KEY"
    "QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://$PGHOST:$PGPORT/$BENCH_DB"
    "QUARKUS_DATASOURCE_USERNAME=$PGUSER"
    "QUARKUS_HTTP_HOST=127.0.0.1"
    "QUARKUS_HTTP_PORT=$port"
    "QUARKUS_MANAGEMENT_HOST=127.0.0.1"
    "QUARKUS_MANAGEMENT_PORT=$management_port"
    "CALLINGBOX_BASE_URL=http://127.0.0.1:9"
    "$@"
  )
  [[ -n "${PGPASSWORD:-}" ]] && gateway_env+=("QUARKUS_DATASOURCE_PASSWORD=$PGPASSWORD")
  # shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of JVM options
  env "${gateway_env[@]}" java $BENCH_JAVA_OPTS -jar "$jar" >"$work/gateway.log" 2>&1 &
  gateway_pid=$!
  # Up to 180 s: a loaded two-core machine has taken 90 s to start the gateway.
  for i in $(seq 1 360); do
    if curl -fsS -o /dev/null "$management_url/q/health/ready" 2>/dev/null; then break; fi
    if ! kill -0 "$gateway_pid" 2>/dev/null || [[ $i == 360 ]]; then
      echo "the gateway did not become ready; last lines of its log:" >&2
      tail -n 40 "$work/gateway.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  grep -m1 -o 'started in [0-9.]*s' "$work/gateway.log" | sed 's/^/gateway /' || true
}

bench_report_gateway_warnings() {
  # The packaged application logs JSON lines ("level":"WARN"); dev and test profiles log text.
  local pattern=' (ERROR|WARN) |"level":"(ERROR|WARN)"'
  if grep -qE "$pattern" "$work/gateway.log"; then
    log "the gateway logged warnings or errors during the run:"
    grep -E "$pattern" "$work/gateway.log" | head -n 20
  fi
}
