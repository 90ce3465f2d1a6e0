#!/usr/bin/env bash
# Measures event-to-changed-answer freshness on this machine: the nightly job trains a small
# synthetic shop, the streaming job and the server run as an operator runs them (bin/recflow stream,
# bin/recflow serve, default settings), and bench/FreshnessBench.java posts one purchase at a time
# and times until the sequence model's list changes (on this server, at once) and until the user's
# two-stage recommendations come from their live vector (through the stream).
# Usage: bench/freshness.sh [probes]. Prints a markdown table row for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
PROBES="${1:-40}"
PORT="${BENCH_PORT:-18081}"
BENCH_DIR="${BENCH_DIR:-/tmp/recflow-bench}"
WH="$BENCH_DIR/wh-fresh"
mkdir -p "$BENCH_DIR"
mvn -B -q -DskipTests install >&2
rm -rf "$WH" "$BENCH_DIR/fresh-data" "$BENCH_DIR/fresh-snapshots"
bin/recflow generate --users 1000 --items 2000 --events 50000 --out "$BENCH_DIR/fresh-data" >&2
bin/recflow batch --input "$BENCH_DIR/fresh-data" --format csv --set recflow.warehouse="$WH" \
  --set embedding.enabled=false --set eval.protocols=stratified --set sequence.maxMinutes=1 \
  > "$BENCH_DIR/fresh-batch.out" 2>&1
bin/recflow stream --set recflow.warehouse="$WH" > "$BENCH_DIR/fresh-stream.log" 2>&1 &
STREAM=$!
{ read -r KEY; read -r KEY_ENTRY; } < <(bin/recflow keys new --name bench --scopes read+write --entry-only)
bin/recflow serve --set recflow.warehouse="$WH" --set serve.snapshotDir="$BENCH_DIR/fresh-snapshots" \
  --set serve.port="$PORT" --set serve.keys="$KEY_ENTRY" --set serve.rateLimit=0 > "$BENCH_DIR/fresh-serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER $STREAM 2>/dev/null; wait $SERVER $STREAM 2>/dev/null || true' EXIT
wait_ready "$PORT" "$BENCH_DIR/fresh-serve.log"
# The stream's first batch seeds its state from the warehouse; one probe user waits that out.
java bench/FreshnessBench.java "http://127.0.0.1:$PORT" "$KEY" 1 1 > /dev/null
echo "## Freshness: event to changed answer ($(date -u +%Y-%m-%d), $(nproc) cores, bench/freshness.sh $PROBES)"
echo
echo "| path | probes | p50 | p95 | max |"
echo "|---|---|---|---|---|"
java bench/FreshnessBench.java "http://127.0.0.1:$PORT" "$KEY" "$PROBES" 2
