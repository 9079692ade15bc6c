#!/usr/bin/env bash
# P4 Kafka: webhook answered 2xx -> its call.created record readable on Kafka, p50/p99 at RATE/s
# (bench/kafka/KafkaLatency.java). Starts everything itself on free loopback ports: a Kafka broker
# (one KRaft node in a JVM, from the kafka_2.13 jars of the test scope, so no download beyond the
# build's own), a throwaway database (BENCH_DB, callingbox_bench_kafka) on the PostgreSQL of lib.sh, and
# the packaged gateway publishing to it. All stopped and removed at exit.
#
#   bench/kafka.sh [SECONDS=10] [RATE=100] [ROUNDS=3]
set -euo pipefail
seconds=${1:-10} rate=${2:-100} rounds=${3:-3}
: "${BENCH_DB:=callingbox_bench_kafka}"
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_require java javac psql curl python3
topic=bench.call-events

broker_pid=
kafka_cleanup() {
  local rc=$?
  if [[ -n "$broker_pid" ]]; then kill -TERM "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null || true; fi
  (exit "$rc")
  bench_cleanup
}
trap kafka_cleanup EXIT

if [[ ! -f "$jar" ]] || [[ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit)" ]]; then
  log "building the gateway"
  (cd "$root" && ./mvnw -B -q package -DskipTests)
fi
log "class path of the Kafka broker and client (the build's test scope)"
(cd "$root" && ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/kafka.cp" >/dev/null)
cp=$(cat "$work/kafka.cp")
javac -cp "$cp" -d "$work/kafka-classes" "$root"/bench/kafka/*.java

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port) controller=$(free_port)
mkdir -p "$work/kafka"
cat >"$work/kafka/server.properties" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$work/kafka/data
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
PROPERTIES
log "starting a Kafka broker on 127.0.0.1:$port (log: $work/kafka/broker.log while it runs)"
java -cp "$cp" kafka.tools.StorageTool format -t "$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)" \
  -c "$work/kafka/server.properties" >"$work/kafka/format.log" 2>&1
java -Xmx512m -cp "$cp" kafka.Kafka "$work/kafka/server.properties" >"$work/kafka/broker.log" 2>&1 &
broker_pid=$!

secret=whsec_bench_$(date +%s)
bench_recreate_db
bench_start_gateway "CALLINGBOX_WEBHOOK_SECRETS=$secret" "CALLINGBOX_POLL_INTERVAL=off" \
  "GATEWAY_SECRETS_KEY=$(head -c 32 /dev/urandom | base64)" \
  "GATEWAY_CURSOR_KEY=$(head -c 32 /dev/urandom | base64)" \
  "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$port" "GATEWAY_KAFKA_TOPIC=$topic"

log "P4 Kafka: $rounds rounds of $rate webhooks/s for $seconds s"
java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$work/kafka-classes:$cp" KafkaLatency "$base_url" "$secret" "127.0.0.1:$port" "$topic" "$seconds" "$rate" "$rounds"
bench_report_gateway_warnings
