#!/usr/bin/env bash
# Benchmark, not a test: the webhook path end to end, against its own SQL, and into the live stream.
#
#   bench/webhooks.sh
#
# 1. starts the packaged gateway on a fresh database ($BENCH_DB) on loopback, polling off;
# 2. throughput: after $BENCH_WARMUP_SECONDS s of the same load to warm the JIT, $BENCH_CLIENTS
#    clients send signed webhooks back to back for $BENCH_SECONDS s (each call created, then moved to
#    in_progress) over keep-alive connections; prints webhooks/s and p50/p99;
# 3. pgbench runs the same SQL the gateway issues per webhook (bench/webhooks-equivalent.sql) with
#    the same number of clients for the same time, on the same database, in the same run; prints
#    its rate and the ratio gateway/pgbench (goal >= 0.5);
# 4. latency to consumers: follows GET /events/stream and sends webhooks at $BENCH_RATE/s for
#    $BENCH_SSE_SECONDS s; prints p50/p99 from "webhook answered 2xx" to "its event arrived on the
#    stream" (goal p99 <= 100 ms).
# Only loopback traffic, bounded in count and time. Needs a JDK, psql, pgbench, python3, curl.
set -euo pipefail

: "${BENCH_DB:=callingbox_bench_webhooks}"
: "${BENCH_SECONDS:=20}"
: "${BENCH_WARMUP_SECONDS:=120}"
: "${BENCH_CLIENTS:=8}"
: "${BENCH_RATE:=100}"
: "${BENCH_SSE_SECONDS:=30}"
: "${BENCH_PORT:=}"
secret=whsec_bench_$(date +%s)
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

bench_require java psql pgbench python3 curl
bench_build_if_missing
bench_recreate_db
bench_start_gateway "CALLINGBOX_WEBHOOK_SECRETS=$secret" "CALLINGBOX_POLL_INTERVAL=off"

# A fresh JVM keeps compiling for minutes under this load on two cores: measured per thread, C2 took
# 30% of the gateway's CPU from 60 to 80 s and 20% from 120 to 140 s. pgbench needs no warm-up.
log "warm-up, $BENCH_WARMUP_SECONDS s"
java "$root/bench/WebhookBench.java" throughput "$base_url" "$secret" "$BENCH_WARMUP_SECONDS" "$BENCH_CLIENTS" >/dev/null

log "gateway: signed webhooks, $BENCH_CLIENTS clients, $BENCH_SECONDS s"
gateway_line=$(java "$root/bench/WebhookBench.java" throughput "$base_url" "$secret" "$BENCH_SECONDS" "$BENCH_CLIENTS")
echo "$gateway_line"

log "pgbench: the same SQL, $BENCH_CLIENTS clients, $BENCH_SECONDS s"
pgbench_out=$(pgbench -n -c "$BENCH_CLIENTS" -j 2 -T "$BENCH_SECONDS" -f "$root/bench/webhooks-equivalent.sql" "$BENCH_DB" 2>&1)
echo "$pgbench_out" | grep -E 'latency average|tps ='
python3 - "$gateway_line" "$pgbench_out" <<'PY'
import re, sys
gateway = float(re.search(r"= ([0-9.]+)/s", sys.argv[1]).group(1))
tps = float(re.search(r"tps = ([0-9.]+)", sys.argv[2]).group(1))
# each pgbench run of the script is two webhooks' worth of transactions
print(f"ratio gateway/pgbench: {gateway:.1f} / {2 * tps:.1f} webhooks/s = {gateway / (2 * tps):.2f}x (goal >= 0.5x)")
PY

log "webhook answered -> event on /events/stream, $BENCH_RATE webhooks/s for $BENCH_SSE_SECONDS s"
java "$root/bench/WebhookBench.java" sse-latency "$base_url" "$secret" "$BENCH_SSE_SECONDS" "$BENCH_RATE"
bench_report_gateway_warnings
