#!/usr/bin/env bash
# Time and heap of a poll over a 100,000-call list with 1% changed, against merely parsing that list.
# Runs the Poll100kBench test class (skipped in normal builds): seeds 100,000 stored calls, then times
# parse-only, a poll with 1% changed and a poll with nothing changed. The JVM heap is capped
# (BENCH_HEAP, 256m) so a poll that held the list would fail rather than merely look big, and the
# gateway connects to its database directly, as deployed. BENCH_OPTS adds JVM options, e.g.
# BENCH_OPTS=-D%test.callingbox.discovery-batch=500.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
./mvnw -B -q verify -Dbench=true -Dtest=Poll100kBench -Dsurefire.failIfNoSpecifiedTests=false \
    -Dspotless.apply.skip=true \
    -Dtest.db.direct=true -D%test.callingbox.request-timeout=30s \
    -Dbench.jvm.args="-Xmx${BENCH_HEAP:-256m} ${BENCH_OPTS:-}" \
    2>&1 | tee target/poll-100k.log | grep '^BENCH' || {
    echo "benchmark failed; see target/poll-100k.log" >&2
    exit 1
}
