#!/usr/bin/env bash
# Benchmark, not a test: the packaged gateway's footprint against the framework's own floor.
#
#   bench/footprint.sh                  # BENCH_ROUNDS=3 rounds; BENCH_APPCDS=1 adds runs with AppCDS
#
# 1. generates and builds (once per Quarkus version, kept in target/footprint-floor-<version>) a
#    minimal Quarkus REST + Hibernate ORM application (one entity, POST /items persists it,
#    GET /q/health) with the same Quarkus version;
# 2. runs, BENCH_ROUNDS times and interleaved so that a busy machine weighs on both alike, with the
#    same JVM and options (BENCH_JAVA_OPTS) for all:
#      floor            the minimal application (Hibernate creates its one table at start)
#      gateway-fresh    the gateway on an empty database: the first start, 14+ Flyway migrations
#      gateway          the gateway restarted on that migrated database: what every later start sees
#    and prints for each: time to ready (launch to the first 200 from /q/health/ready, polled every
#    100 ms, and Quarkus' own "started in"), the CPU time the JVM used until then (user + system, far
#    less sensitive to other load than wall time), threads, RSS idle (5 s after ready) and RSS after
#    BENCH_REQUESTS (10,000) requests (signed webhooks to the gateway; POST /items to the floor; not
#    for gateway-fresh); then the medians and the gateway/floor ratios (goal <= 1.3x);
# 3. with BENCH_APPCDS=1, builds both applications once more with quarkus.package.jar.appcds.enabled
#    (into target/footprint-appcds-*) and adds the runs floor+AppCDS and gateway+AppCDS.
# Only loopback traffic. Needs a JDK, psql, python3, curl and a PostgreSQL (PGHOST/PGPORT/PGUSER).
set -euo pipefail

: "${BENCH_DB:=callingbox_bench_footprint}"
: "${BENCH_REQUESTS:=10000}"
: "${BENCH_CLIENTS:=4}"
: "${BENCH_APPCDS:=0}"
: "${BENCH_ROUNDS:=3}"
secret=whsec_bench_$(date +%s)
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_require java psql python3 curl
bench_build_if_missing
floor_db="${BENCH_DB}_floor"
quarkus_version=$(sed -n 's:.*<quarkus.platform.version>\(.*\)</quarkus.platform.version>.*:\1:p' "$root/pom.xml")

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rss_mb() { echo $(( $(ps -o rss= -p "$1") / 1024 )); }
# user + system CPU time of a process so far, in ms
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$1/stat"; }

# run NAME LOGFILE READY_URL LOAD_COMMAND -- COMMAND...: starts COMMAND, prints the figures, stops it.
# An empty LOAD_COMMAND measures the start only.
app_pid=
run() {
  local name=$1 logfile=$2 ready=$3 load=$4; shift 5
  local t0; t0=$(date +%s%N)
  "$@" >"$logfile" 2>&1 &
  app_pid=$!
  until curl -fsS -o /dev/null "$ready" 2>/dev/null; do
    kill -0 "$app_pid" 2>/dev/null || { tail -n 30 "$logfile" >&2; exit 1; }
    sleep 0.1
  done
  local ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  local cpu; cpu=$(cpu_ms "$app_pid")
  local started; started=$(grep -m1 -o 'started in [0-9.][0-9.]*s' "$logfile" | sed 's/started in //' || echo '?')
  sleep 5
  local idle threads loaded=0; idle=$(rss_mb "$app_pid"); threads=$(ps -o nlwp= -p "$app_pid")
  if [[ -n "$load" ]]; then
    eval "$load" >/dev/null
    sleep 2
    loaded=$(rss_mb "$app_pid")
  fi
  kill -TERM "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=
  printf '%-16s ready %6d ms (started in %s)  CPU %6d ms  threads %3d  RSS idle %4d MB  RSS after %d requests %4d MB  load %s\n' \
    "$name" "$ready_ms" "$started" "$cpu" "$threads" "$idle" "$BENCH_REQUESTS" "$loaded" "$(cut -d' ' -f1 /proc/loadavg)" \
    | tee -a "$work/results"
}
trap '[[ -n "$app_pid" ]] && kill -TERM "$app_pid" 2>/dev/null; psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $floor_db WITH (FORCE)" >/dev/null 2>&1 || true; bench_cleanup' EXIT

floor="$root/target/footprint-floor-$quarkus_version/floor"
if [[ ! -f "$floor/target/quarkus-app/quarkus-run.jar" ]]; then
  log "generating and building the floor: Quarkus $quarkus_version REST + Hibernate ORM"
  rm -rf "$(dirname "$floor")" && mkdir -p "$(dirname "$floor")"
  (cd "$(dirname "$floor")" && "$root/mvnw" -B -q io.quarkus:quarkus-maven-plugin:"$quarkus_version":create \
    -DprojectGroupId=bench -DprojectArtifactId=floor -DplatformGroupId=io.quarkus \
    -DplatformArtifactId=quarkus-bom -DplatformVersion="$quarkus_version" -DnoCode \
    -Dextensions="rest,rest-jackson,hibernate-orm-panache,jdbc-postgresql,smallrye-health" >/dev/null)
  mkdir -p "$floor/src/main/java/bench"
  cat >"$floor/src/main/java/bench/Item.java" <<'JAVA'
package bench;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import jakarta.persistence.Entity;

@Entity
public class Item extends PanacheEntity {
    public String name;
    public String status;
}
JAVA
  cat >"$floor/src/main/java/bench/ItemResource.java" <<'JAVA'
package bench;

import jakarta.transaction.Transactional;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

@Path("/items")
public class ItemResource {
    @POST
    @Transactional
    public Item create(Item item) {
        item.persist();
        return item;
    }
}
JAVA
  cat >"$floor/src/main/resources/application.properties" <<'PROPS'
quarkus.datasource.db-kind=postgresql
quarkus.devservices.enabled=false
quarkus.hibernate-orm.schema-management.strategy=drop-and-create
PROPS
  (cd "$floor" && "$root/mvnw" -B -q package -DskipTests >/dev/null)
fi

# The same applications built with an AppCDS archive, next to the plain ones (never over them)
gateway_cds="$root/target/footprint-appcds-gateway"
floor_cds="$root/target/footprint-appcds-floor"
if [[ "$BENCH_APPCDS" == 1 ]]; then
  log "building both applications with AppCDS"
  (cd "$root" && ./mvnw -B -q -DskipTests package -Dquarkus.package.jar.appcds.enabled=true \
    -Dquarkus.package.output-directory="$gateway_cds" >/dev/null)
  (cd "$floor" && "$root/mvnw" -B -q -DskipTests package -Dquarkus.package.jar.appcds.enabled=true \
    -Dquarkus.package.output-directory="$floor_cds" >/dev/null)
fi

log "measuring $BENCH_ROUNDS rounds, JVM options for every run: ${BENCH_JAVA_OPTS:-none}; load: $(uptime)"
: >"$work/results"
# floor_run NAME APP_DIR JAVA_ARGS...; both start in APP_DIR: an AppCDS archive names its class path
# relative to it, and silently goes unused elsewhere (with -Xshare:auto)
floor_run() {
  local name=$1 dir=$2; shift 2
  psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $floor_db WITH (FORCE)" -c "CREATE DATABASE $floor_db"
  local port; port=$(free_port)
  local floor_load="python3 - $port $BENCH_REQUESTS <<'PY'
import http.client, sys
c = http.client.HTTPConnection('127.0.0.1', int(sys.argv[1]))
for i in range(int(sys.argv[2])):
    c.request('POST', '/items', body='{\"name\":\"call %d\",\"status\":\"ringing\"}' % i, headers={'Content-Type': 'application/json'})
    r = c.getresponse(); r.read()
    assert r.status // 100 == 2, r.status
PY"
  # shellcheck disable=SC2086
  run "$name" "$work/$name.log" "http://127.0.0.1:$port/q/health/ready" "$floor_load" -- \
    env -C "$dir" QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$PGHOST:$PGPORT/$floor_db" QUARKUS_DATASOURCE_USERNAME="$PGUSER" \
    QUARKUS_DATASOURCE_PASSWORD="${PGPASSWORD:-x}" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" \
    java $BENCH_JAVA_OPTS "$@" -jar quarkus-run.jar
}

# gateway NAME fresh|migrated APP_DIR JAVA_ARGS...: the gateway on an empty or on the already migrated database
gateway() {
  local name=$1 db=$2 dir=$3; shift 3
  [[ "$db" == fresh ]] && bench_recreate_db >/dev/null
  local port mport; port=$(free_port); mport=$(free_port)
  local load="java '$root/bench/WebhookBench.java' count http://127.0.0.1:$port '$secret' $BENCH_REQUESTS $BENCH_CLIENTS"
  [[ "$db" == fresh ]] && load=
  # shellcheck disable=SC2086
  run "$name" "$work/$name.log" "http://127.0.0.1:$mport/q/health/ready" "$load" -- \
    env -C "$dir" QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$PGHOST:$PGPORT/$BENCH_DB" QUARKUS_DATASOURCE_USERNAME="$PGUSER" \
    QUARKUS_DATASOURCE_PASSWORD="${PGPASSWORD:-x}" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" \
    QUARKUS_MANAGEMENT_HOST=127.0.0.1 QUARKUS_MANAGEMENT_PORT="$mport" CALLINGBOX_BASE_URL=http://127.0.0.1:9 \
    CALLINGBOX_POLL_INTERVAL=off CALLINGBOX_WEBHOOK_SECRETS="$secret" \
    GATEWAY_ADMIN_API_KEY="gwk_bench_$(openssl rand -hex 24)" GATEWAY_SECRETS_KEY="$(openssl rand -base64 32)" \
    GATEWAY_CURSOR_KEY="$(openssl rand -base64 32)" \
    java $BENCH_JAVA_OPTS "$@" -jar quarkus-run.jar
}

for round in $(seq 1 "$BENCH_ROUNDS"); do
  log "round $round of $BENCH_ROUNDS"
  floor_run floor "$floor/target/quarkus-app"
  gateway gateway-fresh fresh "$(dirname "$jar")"
  gateway gateway migrated "$(dirname "$jar")"
  if [[ "$BENCH_APPCDS" == 1 ]]; then
    # -Xshare:on: a run that cannot use its archive fails instead of measuring nothing
    floor_run floor+AppCDS "$floor_cds" -XX:SharedArchiveFile=app-cds.jsa -Xshare:on
    gateway gateway+AppCDS migrated "$gateway_cds" -XX:SharedArchiveFile=app-cds.jsa -Xshare:on
  fi
done

log "medians of $BENCH_ROUNDS rounds; load now: $(uptime)"
python3 - "$work/results" <<'PY'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name = line.split()[0]
    m = re.search(r"ready +(\d+) ms.*CPU +(\d+) ms +threads +(\d+) +RSS idle +(\d+) MB.*requests +(\d+) MB", line)
    runs.setdefault(name, []).append([int(x) for x in m.groups()])
med = {name: [statistics.median(col) for col in zip(*rows)] for name, rows in runs.items()}
print(f"{'run':16} {'ready':>9} {'CPU':>9} {'threads':>7} {'RSS idle':>9} {'RSS loaded':>10}")
for name, (ready, cpu, threads, idle, loaded) in med.items():
    print(f"{name:16} {ready / 1000:8.2f}s {cpu / 1000:8.2f}s {threads:7.0f} {idle:6.0f} MB {loaded:7.0f} MB")
def ratio(a, b, i):
    return f"{med[a][i] / med[b][i]:.2f}x" if med[b][i] else "-"
for name, base in (("gateway", "floor"), ("gateway-fresh", "floor"), ("gateway+AppCDS", "floor+AppCDS"), ("gateway+AppCDS", "floor")):
    if name in med and base in med:
        loaded = ratio(name, base, 4) if med[name][4] else "-"
        print(f"{name}/{base}: ready {ratio(name, base, 0)}, CPU {ratio(name, base, 1)}, RSS idle {ratio(name, base, 3)},"
              f" RSS loaded {loaded} (goal <= 1.3x)")
PY
