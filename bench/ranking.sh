#!/usr/bin/env bash
# Measures the two-stage ranking over real HTTP against the ALS-only ranking, in one run on one
# snapshot: ITEMS items x RANK factors with TEXT-dimensional text embeddings, item stats,
# co-visitation and a published ranker of 150 trees of depth 6 (bench/serving.sh's synthetic shop).
# The two-stage server uses the defaults (six sources, the ranker, exploration); the ALS-only server
# is the same build with ranking.sources=als and exploration off, which ranks the ALS top-k as recflow
# did before the ranker. Latency (p50, p99) at RATE requests/s with hey, the most requests per second
# with wrk (random users), errors and resident memory.
# Usage: bench/ranking.sh [items] [rate] [seconds] [rank] [text-dim] [--set key=value ...]; the
# settings after the fifth argument go to the two-stage server only (e.g. ranking.candidatesPerSource).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
ITEMS="${1:-100000}"
RATE="${2:-500}"
SECONDS_PER_RUN="${3:-30}"
RANK="${4:-64}"
TEXT="${5:-384}"
USERS=10000
PORT="${BENCH_PORT:-18081}"
BENCH_DIR="${BENCH_DIR:-/tmp/recflow-bench}"
SNAPSHOTS="$BENCH_DIR/ranking-$ITEMS-$RANK-$TEXT"
load_tools
SERVING_CP="$(ls serving/target/recflow-serving-*-SNAPSHOT.jar):$(cat serving/target/classpath.txt)"
if [[ ! -d "$SNAPSHOTS/model-1" ]]; then
  mkdir -p "$SNAPSHOTS"
  java -Xmx4g -cp "$SERVING_CP" io.recflow.serving.SyntheticSnapshot "$SNAPSHOTS/model-1" "$ITEMS" "$USERS" "$RANK" \
    42 "$TEXT" >&2
fi
cat > "$BENCH_DIR/random-user.lua" <<LUA
math.randomseed(42)
request = function()
  return wrk.format("GET", "/v1/users/u" .. math.random(0, $USERS - 1) .. "/recommendations?k=10")
end
LUA

# measure NAME ARGS...: starts a server with ARGS, prints one table row.
measure() {
  local name="$1"
  shift
  bin/recflow serve --set serve.snapshotDir="$SNAPSHOTS" --set recflow.warehouse="$BENCH_DIR/no-warehouse" \
    --set serve.port="$PORT" --set serve.publicReads=true --set serve.rateLimit=0 "$@" \
    > "$BENCH_DIR/serve-$name.log" 2>&1 &
  local server=$!
  wait_ready "$PORT" "$BENCH_DIR/serve-$name.log"
  local ranker
  ranker="$(curl -s "http://127.0.0.1:$PORT/health" | grep -o '"ranker":"[^"]*"' | cut -d'"' -f4 | cut -c1-40)"
  local url="http://127.0.0.1:$PORT/v1/users/u1/recommendations?k=10"
  wrk -t 2 -c 8 -d 10s -s "$BENCH_DIR/random-user.lua" "http://127.0.0.1:$PORT" > /dev/null  # warm-up: JIT
  # Each hey worker waits for its answer before the next request, so a worker can offer at most
  # 1 / latency: at 63 requests/s a worker (one every 16 ms) an answer slower than 5 ms no longer
  # lowers the offered rate, as it did with two workers of 250.
  local workers=$(( (RATE + 62) / 63 ))
  local out
  out="$(hey -z "${SECONDS_PER_RUN}s" -c "$workers" -q $(( (RATE + workers - 1) / workers )) "$url")"
  local ok total errors
  ok="$(awk '/\[200\]/ {print $2}' <<<"$out")"
  total="$(awk '/^  \[[0-9]+\]/ {n += $2} END {print n + 0}' <<<"$out")"
  errors="$(awk '/Error distribution/ {e = 1} e && /\[[0-9]+\]/ {n += $1} END {print n + 0}' <<<"$out")"
  local wrk_out
  wrk_out="$(wrk -t 2 -c 16 -d "${SECONDS_PER_RUN}s" --latency -s "$BENCH_DIR/random-user.lua" "http://127.0.0.1:$PORT")"
  echo "| $name ($ranker) | $(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out") |" \
    "$(awk '/ 50% in/ {printf "%.2f ms", $3 * 1000}' <<<"$out") | $(awk '/ 99% in/ {printf "%.2f ms", $3 * 1000}' <<<"$out") |" \
    "$(( total - ${ok:-0} + errors )) | $(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$wrk_out") |" \
    "$(awk '$1 == "50%" {print $2}' <<<"$wrk_out") / $(awk '$1 == "99%" {print $2}' <<<"$wrk_out") |" \
    "$(awk '/Non-2xx/ {print $4}' <<<"$wrk_out" | grep . || echo 0) |" \
    "$(awk '{printf "%.0f MB", $1 / 1024}' <<<"$(ps -o rss= -p "$server")") |"
  kill "$server"
  wait "$server" 2>/dev/null || true
}

echo "## Two-stage ranking: $ITEMS items x $RANK factors, $TEXT-d text ($(date -u +%Y-%m-%d), $(nproc) cores," \
  "bench/ranking.sh $ITEMS $RATE $SECONDS_PER_RUN $RANK $TEXT)"
echo
echo "| server | served requests/s at $RATE offered | p50 | p99 | non-200 | most requests/s (wrk, random users) | wrk p50 / p99 | wrk non-2xx | RSS |"
echo "|---|---|---|---|---|---|---|---|---|"
measure "ALS only" --set ranking.sources=als --set ranking.exploration.share=0
measure "two-stage${6:+ (${*:6})}" "${@:6}"
