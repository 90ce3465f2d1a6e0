#!/usr/bin/env bash
# Measures the recommendation server over real HTTP on this machine (loopback only, bounded runs):
# latency (p50, p99) at fixed request rates with hey, the most requests per second with wrk (random
# users), and the server's resident memory, on a synthetic snapshot of ITEMS items x RANK factors.
# Usage: bench/serving.sh [items] [rates] [seconds-per-rate] [rank]
# Prints a markdown table for docs/benchmarks.md. Scratch data goes to ${BENCH_DIR:-/tmp/recflow-bench}.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
ITEMS="${1:-100000}"
RATES="${2:-250,500,1000}"
SECONDS_PER_RATE="${3:-20}"
RANK="${4:-64}"
USERS=10000
PORT="${BENCH_PORT:-18080}"
BENCH_DIR="${BENCH_DIR:-/tmp/recflow-bench}"
SNAPSHOTS="$BENCH_DIR/serve-$ITEMS-$RANK"
load_tools
synthetic_snapshot "$SNAPSHOTS" "$ITEMS" "$USERS" "$RANK"

# The approximate index is kept beside the snapshot; without it the server builds it, and logs how long.
rm -f "$SNAPSHOTS/model-1/ivf.bin"
bin/recflow serve --set serve.snapshotDir="$SNAPSHOTS" --set recflow.warehouse="$BENCH_DIR/no-warehouse" \
  --set serve.port="$PORT" --set serve.publicReads=true --set serve.rateLimit=0 > "$BENCH_DIR/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
wait_ready "$PORT" "$BENCH_DIR/serve.log"
HEALTH="$(curl -s "http://127.0.0.1:$PORT/health")"
SEARCH="$(grep -o '"search":"[a-z]*"' <<<"$HEALTH" | cut -d'"' -f4)"
RECALL="$(grep -o '"searchRecallAt10":[0-9.]*' <<<"$HEALTH" | cut -d: -f2)"
INDEX="$(grep -o 'IVF index of .*' "$BENCH_DIR/serve.log" | head -1 || true)"
URL="http://127.0.0.1:$PORT/v1/users/u1/recommendations?k=10"
hey -z 10s -c 4 "$URL" > /dev/null   # warm-up: JIT, caches

echo "## Serving: $ITEMS items x $RANK factors ($(date -u +%Y-%m-%d), $(nproc) cores, bench/serving.sh $ITEMS $RATES $SECONDS_PER_RATE $RANK)"
echo
echo "Search: $SEARCH; recall@10 against exact search $RECALL (measured by the server when it opened the snapshot," \
  "on 200 users' vectors)${INDEX:+; $INDEX}."
echo
echo "| offered requests/s | served requests/s | p50 | p99 | non-200 answers | server RSS |"
echo "|---|---|---|---|---|---|"
for RATE in ${RATES//,/ }; do
  # hey paces each worker at a fixed interval, and its workers fire together: 250 requests/s per
  # worker (one every 4 ms), at least 2 workers, keeps those bursts small, as independent clients' are.
  WORKERS=$(( RATE / 250 > 2 ? (RATE + 249) / 250 : 2 ))
  OUT="$(hey -z "${SECONDS_PER_RATE}s" -c "$WORKERS" -q $(( (RATE + WORKERS - 1) / WORKERS )) "$URL")"
  RPS="$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$OUT")"
  P50="$(awk '/ 50% in/ {printf "%.2f ms", $3 * 1000}' <<<"$OUT")"
  P99="$(awk '/ 99% in/ {printf "%.2f ms", $3 * 1000}' <<<"$OUT")"
  OK="$(awk '/\[200\]/ {print $2}' <<<"$OUT")"
  TOTAL="$(awk '/^  \[[0-9]+\]/ {n += $2} END {print n + 0}' <<<"$OUT")"
  ERRORS="$(awk '/Error distribution/ {e = 1} e && /\[[0-9]+\]/ {n += $1} END {print n + 0}' <<<"$OUT")"
  RSS="$(awk '{printf "%.0f MB", $1 / 1024}' <<<"$(ps -o rss= -p "$SERVER")")"
  echo "| $RATE | $RPS | $P50 | $P99 | $(( TOTAL - ${OK:-0} + ERRORS )) | $RSS |"
done
cat > "$BENCH_DIR/random-user.lua" <<LUA
math.randomseed(42)
request = function()
  return wrk.format("GET", "/v1/users/u" .. math.random(0, $USERS - 1) .. "/recommendations?k=10")
end
LUA
WRK="$(wrk -t 2 -c 16 -d "${SECONDS_PER_RATE}s" --latency -s "$BENCH_DIR/random-user.lua" "http://127.0.0.1:$PORT")"
echo
echo "Most requests per second (wrk, 2 threads, 16 connections, random users): $(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$WRK")," \
  "p50 $(awk '$1 == "50%" {print $2}' <<<"$WRK"), p99 $(awk '$1 == "99%" {print $2}' <<<"$WRK")," \
  "$(awk '/Non-2xx/ {print $4}' <<<"$WRK" | grep . || echo 0) non-2xx; top-k kernel: $(grep -o 'top-k: [a-z-]*' "$BENCH_DIR/serve.log" | head -1 || true)."
