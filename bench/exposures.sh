#!/usr/bin/env bash
# What recording exposures costs a recommendation request: three servers on copies of one synthetic
# snapshot, with serve.exposures=durable (each list's exposure forced to disk before it is
# answered), written (in the OS before it is answered, forced within a second) and off, loaded in
# turn with hey at fixed rates, ROUNDS times each, so all see the same machine. Prints a markdown
# table of p50 and p99 for docs/benchmarks.md.
# Usage: bench/exposures.sh [rates] [seconds-per-run] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
RATES="${1:-250,500,1000}"
SECONDS_PER_RUN="${2:-15}"
ROUNDS="${3:-2}"
ITEMS=100000
RANK=64
BENCH_DIR="${BENCH_DIR:-/tmp/recflow-bench}"
SNAPSHOTS="$BENCH_DIR/serve-$ITEMS-$RANK"
load_tools
synthetic_snapshot "$SNAPSHOTS" "$ITEMS" 10000 "$RANK"
rm -rf "$BENCH_DIR"/exposures-{durable,written,off}
# Each server opens its snapshot's RocksDB, which takes a lock: the others get copies.
for COPY in written off; do
  rm -rf "$SNAPSHOTS-$COPY" && cp -r "$SNAPSHOTS" "$SNAPSHOTS-$COPY"
done
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null || true' EXIT
start() { # MODE PORT SNAPSHOTS
  mkdir -p "$BENCH_DIR/exposures-$1"
  bin/recflow serve --set serve.snapshotDir="$3" --set recflow.warehouse="$BENCH_DIR/exposures-$1" \
    --set serve.exposures="$1" --set serve.port="$2" --set serve.publicReads=true --set serve.rateLimit=0 \
    > "$BENCH_DIR/exposures-$1.log" 2>&1 &
  PIDS+=($!)
  wait_ready "$2" "$BENCH_DIR/exposures-$1.log"
}
start durable 18081 "$SNAPSHOTS"
start written 18082 "$SNAPSHOTS-written"
start off 18083 "$SNAPSHOTS-off"
# The server's own measure of the recording step (its timer's quantiles over the last seconds):
# what recording adds to a request, without the load generator's noise.
recording() {
  curl -s "http://127.0.0.1:$1/metrics" | awk '/^recflow_exposure_record_seconds\{quantile="0.5"/ {p50 = $2}
    /^recflow_exposure_record_seconds\{quantile="0.99"/ {p99 = $2}
    END {printf "%.3f / %.3f ms", p50 * 1000, p99 * 1000}'
}
for PORT in 18081 18082 18083; do
  hey -z 10s -c 4 "http://127.0.0.1:$PORT/v1/users/u1/recommendations?k=10" > /dev/null # warm-up
done

echo "## Recording exposures ($(date -u +%Y-%m-%d), $(nproc) cores, bench/exposures.sh $RATES $SECONDS_PER_RUN $ROUNDS)"
echo
echo "| offered requests/s | round | durable p50 / p99 | written p50 / p99 | off p50 / p99 | recording, durable: p50 / p99 | recording, written: p50 / p99 |"
echo "|---|---|---|---|---|---|---|"
for RATE in ${RATES//,/ }; do
  WORKERS=$(( RATE / 250 > 2 ? (RATE + 249) / 250 : 2 ))
  for ROUND in $(seq 1 "$ROUNDS"); do
    declare -A P50 P99 REC
    for PORT in 18081 18082 18083; do
      OUT="$(hey -z "${SECONDS_PER_RUN}s" -c "$WORKERS" -q $(( (RATE + WORKERS - 1) / WORKERS )) \
        "http://127.0.0.1:$PORT/v1/users/u1/recommendations?k=10")"
      P50[$PORT]="$(awk '/ 50% in/ {printf "%.2f", $3 * 1000}' <<<"$OUT")"
      P99[$PORT]="$(awk '/ 99% in/ {printf "%.2f", $3 * 1000}' <<<"$OUT")"
      REC[$PORT]="$(recording "$PORT")" # at once: the quantiles cover the last 10 to 20 seconds
    done
    echo "| $RATE | $ROUND | ${P50[18081]} / ${P99[18081]} ms | ${P50[18082]} / ${P99[18082]} ms |" \
      "${P50[18083]} / ${P99[18083]} ms | ${REC[18081]} | ${REC[18082]} |"
  done
done
echo
for MODE in durable written; do
  echo "The $MODE server recorded $(cat "$BENCH_DIR/exposures-$MODE"/landing/exposures/*.jsonl* | wc -l) lists."
done
