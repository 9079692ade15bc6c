#!/usr/bin/env bash
# Benchmark, not a test: the packaged gateway's footprint against the framework's own floor.
#
#   bench/footprint.sh                  # BENCH_APPCDS=1 also measures the gateway with AppCDS
#
# 1. generates and builds, in a temporary directory, a minimal Quarkus REST + Hibernate ORM
#    application (one entity, POST /items persists it, GET /q/health) with the same Quarkus version;
# 2. starts each application (same JVM, same options: BENCH_JAVA_OPTS) on its own fresh database and
#    prints: time to ready (launch to the first 200 from /q/health/ready, polled every 100 ms, and
#    Quarkus' own "started in"), RSS idle (5 s after ready), RSS after BENCH_REQUESTS (10,000) requests
#    (signed webhooks to the gateway; POST /items to the floor), and the ratio gateway/floor
#    (goal <= 1.3x on both);
# 3. with BENCH_APPCDS=1, rebuilds the gateway with quarkus.package.jar.appcds.enabled and measures it
#    again with the archive.
# Only loopback traffic. Needs a JDK, psql, python3, curl and a PostgreSQL (PGHOST/PGPORT/PGUSER).
set -euo pipefail

: "${BENCH_DB:=callingbox_bench_footprint}"
: "${BENCH_REQUESTS:=10000}"
: "${BENCH_CLIENTS:=4}"
: "${BENCH_APPCDS:=0}"
secret=whsec_bench_$(date +%s)
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_require java psql python3 curl
bench_build_if_missing
floor_db="${BENCH_DB}_floor"
quarkus_version=$(sed -n 's:.*<quarkus.platform.version>\(.*\)</quarkus.platform.version>.*:\1:p' "$root/pom.xml")

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rss_mb() { echo $(( $(ps -o rss= -p "$1") / 1024 )); }

# run NAME LOGFILE READY_URL LOAD_COMMAND -- COMMAND...: starts COMMAND, prints the figures, stops it.
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
  local started; started=$(grep -m1 -o 'started in [0-9.][0-9.]*s' "$logfile" | sed 's/started in //' || echo '?')
  sleep 5
  local idle; idle=$(rss_mb "$app_pid")
  eval "$load" >/dev/null
  sleep 2
  local loaded; loaded=$(rss_mb "$app_pid")
  kill -TERM "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=
  printf '%-16s ready %6d ms (started in %s)  RSS idle %4d MB  RSS after %d requests %4d MB\n' \
    "$name" "$ready_ms" "$started" "$idle" "$BENCH_REQUESTS" "$loaded" | tee -a "$work/results"
}
trap '[[ -n "$app_pid" ]] && kill -TERM "$app_pid" 2>/dev/null; psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $floor_db WITH (FORCE)" >/dev/null 2>&1 || true; bench_cleanup' EXIT

log "generating and building the floor: Quarkus $quarkus_version REST + Hibernate ORM"
floor="$work/floor"
(cd "$work" && "$root/mvnw" -B -q io.quarkus:quarkus-maven-plugin:"$quarkus_version":create \
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

log "measuring (JVM options: ${BENCH_JAVA_OPTS:-none})"
: >"$work/results"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $floor_db WITH (FORCE)" -c "CREATE DATABASE $floor_db"
port=$(free_port)
floor_load="python3 - $port $BENCH_REQUESTS <<'PY'
import http.client, sys
c = http.client.HTTPConnection('127.0.0.1', int(sys.argv[1]))
for i in range(int(sys.argv[2])):
    c.request('POST', '/items', body='{\"name\":\"call %d\",\"status\":\"ringing\"}' % i, headers={'Content-Type': 'application/json'})
    r = c.getresponse(); r.read()
    assert r.status // 100 == 2, r.status
PY"
# shellcheck disable=SC2086
run floor "$work/floor.log" "http://127.0.0.1:$port/q/health/ready" "$floor_load" -- \
  env QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$PGHOST:$PGPORT/$floor_db" QUARKUS_DATASOURCE_USERNAME="$PGUSER" \
  QUARKUS_DATASOURCE_PASSWORD="${PGPASSWORD:-x}" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" \
  java $BENCH_JAVA_OPTS -jar "$floor/target/quarkus-app/quarkus-run.jar"

gateway() {
  local name=$1; shift
  bench_recreate_db >/dev/null
  local port mport; port=$(free_port); mport=$(free_port)
  # Readiness on the management port once it exists; on the API port in builds without one
  local ready="http://127.0.0.1:$mport/q/health/ready"
  grep -q 'quarkus.management.enabled=true' "$root/src/main/resources/application.properties" \
    || ready="http://127.0.0.1:$port/q/health/ready"
  # shellcheck disable=SC2086
  run "$name" "$work/$name.log" "$ready" \
    "java '$root/bench/WebhookBench.java' count http://127.0.0.1:$port '$secret' $BENCH_REQUESTS $BENCH_CLIENTS" -- \
    env QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$PGHOST:$PGPORT/$BENCH_DB" QUARKUS_DATASOURCE_USERNAME="$PGUSER" \
    QUARKUS_DATASOURCE_PASSWORD="${PGPASSWORD:-x}" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" \
    QUARKUS_MANAGEMENT_HOST=127.0.0.1 QUARKUS_MANAGEMENT_PORT="$mport" CALLINGBOX_BASE_URL=http://127.0.0.1:9 \
    CALLINGBOX_POLL_INTERVAL=off CALLINGBOX_WEBHOOK_SECRETS="$secret" \
    GATEWAY_ADMIN_API_KEY="gwk_bench_$(openssl rand -hex 24)" GATEWAY_SECRETS_KEY="$(openssl rand -base64 32)" \
    GATEWAY_CURSOR_KEY="$(openssl rand -base64 32)" \
    java $BENCH_JAVA_OPTS "$@" -jar "$jar"
}
gateway gateway

if [[ "$BENCH_APPCDS" == 1 ]]; then
  log "rebuilding the gateway with AppCDS"
  (cd "$root" && ./mvnw -B -q -DskipTests package -Dquarkus.package.jar.appcds.enabled=true >/dev/null)
  gateway gateway+AppCDS -XX:SharedArchiveFile="$root/target/quarkus-app/app-cds.jsa" -Xshare:auto
fi

python3 - "$work/results" <<'PY'
import re, sys
rows = {}
for line in open(sys.argv[1]):
    name = line.split()[0]
    ready, idle, loaded = (int(x) for x in re.findall(r"ready +(\d+) ms.*idle +(\d+) MB.*requests +(\d+) MB", line)[0])
    rows[name] = (ready, idle, loaded)
floor = rows["floor"]
for name, row in rows.items():
    if name != "floor":
        print(f"{name}/floor: ready {row[0] / floor[0]:.2f}x, RSS idle {row[1] / floor[1]:.2f}x, "
              f"RSS loaded {row[2] / floor[2]:.2f}x (goal <= 1.3x)")
PY
