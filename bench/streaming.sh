#!/usr/bin/env bash
# Measures the streaming job on this machine: latency from a file landing to its users' vectors
# committed in Delta (p50, p95) at fixed event rates, and the processing rate of a backlog.
# Setup: a synthetic shop (5,000 users, 5,000 items, 300,000 events) trained by the nightly job
# without text embeddings. Usage: bench/streaming.sh [rates] [seconds-per-rate] [backlog-events].
# Prints a markdown table for docs/benchmarks.md. Scratch data goes to ${BENCH_DIR:-/tmp/recflow-bench}.
set -euo pipefail
cd "$(dirname "$0")/.."
RATES="${1:-100,1000,5000,10000,20000}"
SECONDS_PER_RATE="${2:-30}"
BACKLOG="${3:-400000}"
BENCH_DIR="${BENCH_DIR:-/tmp/recflow-bench}"
WH="$BENCH_DIR/wh-stream"
mkdir -p "$BENCH_DIR"
mvn -B -q -DskipTests install >&2
rm -rf "$WH" "$BENCH_DIR/stream-data"
bin/recflow generate --users 5000 --items 5000 --events 300000 --out "$BENCH_DIR/stream-data" >&2
bin/recflow batch --input "$BENCH_DIR/stream-data" --format csv --set recflow.warehouse="$WH" \
  --set embedding.enabled=false --set eval.protocols=stratified > "$BENCH_DIR/stream-batch.out" 2>&1

JVM_FLAGS=()
while IFS= read -r flag; do
  [[ -n "$flag" && "$flag" != \#* ]] && JVM_FLAGS+=("$flag")
done < conf/jvm.flags
echo "## Streaming job ($(date -u +%Y-%m-%d), $(nproc) cores, bench/streaming.sh $RATES $SECONDS_PER_RATE $BACKLOG)"
echo
SPARK_LOCAL_IP=127.0.0.1 java -Xmx4g "${JVM_FLAGS[@]}" -Dlog4j2.configurationFile="$PWD/conf/log4j2.properties" \
  -cp "$(cat app/target/classpath.txt)" bench/StreamBench.java "$WH" 5000 5000 "$RATES" \
  "$SECONDS_PER_RATE" "$BACKLOG"
