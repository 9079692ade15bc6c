#!/usr/bin/env bash
# P4 alone (bench/run's "answered → on /events/stream" and "→ at a push subscriber" rows), for work on
# delivery: the packaged gateway on a fresh database, a warm-up, then BENCH_ROUNDS rounds of
# WebhookBench consumers at each rate in BENCH_RATES, printed as they come.
#
#   bench/push.sh                                  # 3 rounds of 5 s at 100/s and 500/s
#   BENCH_RATES=500 BENCH_ROUNDS=5 bench/push.sh
#
# PostgreSQL as for bench/run (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432, user postgres); the jar
# is built when it is missing. Needs a JDK, psql, curl, python3.
set -euo pipefail

: "${BENCH_DB:=callingbox_bench_push}"
: "${BENCH_ROUNDS:=3}"
: "${BENCH_SECONDS:=5}"
: "${BENCH_RATES:=100 500}"
: "${BENCH_WARMUP_SECONDS:=10}"
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_require java javac psql curl python3
bench_build_if_missing
javac -d "$work/classes" "$root"/bench/WebhookBench.java
bench() { java -cp "$work/classes" "$@"; }

secret=whsec_bench_$(date +%s)
bench_recreate_db
bench_start_gateway "CALLINGBOX_WEBHOOK_SECRETS=$secret" "CALLINGBOX_POLL_INTERVAL=off" \
  "GATEWAY_SECRETS_KEY=$(head -c 32 /dev/urandom | base64)" \
  "GATEWAY_CURSOR_KEY=$(head -c 32 /dev/urandom | base64)" "GATEWAY_SUBSCRIPTION_ALLOWED_HOSTS=127.0.0.1"

log "warm-up: $BENCH_WARMUP_SECONDS s of consumers at 200/s"
bench WebhookBench consumers "$base_url" "$secret" "$BENCH_WARMUP_SECONDS" 200 >/dev/null
for rate in $BENCH_RATES; do
  for round in $(seq 1 "$BENCH_ROUNDS"); do
    log "round $round/$BENCH_ROUNDS: $rate webhooks/s for $BENCH_SECONDS s (load $(cut -d' ' -f1-3 /proc/loadavg))"
    bench WebhookBench consumers "$base_url" "$secret" "$BENCH_SECONDS" "$rate"
  done
done
bench_report_gateway_warnings
