#!/usr/bin/env bash
# Measures how long the server takes to load a model from a real warehouse into an empty snapshot
# directory, and its resident memory: the peak while loading (VmHWM) and what it holds once ready
# (VmRSS), both from /proc/PID/status. The warehouse is a synthetic shop of EVENTS events (200k
# users, 100k items) trained by the nightly job, with text embeddings off (a first embedding of
# 100k item texts would add about 35 minutes on 2 cores) and the stratified evaluation only; it is
# kept in the scratch directory and reused by later runs. The server is bin/recflow serve with
# RECFLOW_SERVE_JAVA_OPTS="-Xmx<heap> -XX:+ExitOnOutOfMemoryError", one fresh start per heap size.
# Usage: bench/server-load.sh [events] [heaps] [baseline-commit]
#   heaps: comma-separated -Xmx values to run the server with (default 4g,512m; 4g is bin/recflow's)
#   baseline-commit: also measure the server built from that commit (exported with git archive and
#     built in the scratch directory), on the same warehouse, so before and after come from one run
# Prints a markdown table for docs/benchmarks.md. Scratch data goes to ${BENCH_DIR:-/tmp/recflow-bench}.
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS="${1:-10000000}"
HEAPS="${2:-4g,512m}"
BASELINE="${3:-}"
PORT="${BENCH_PORT:-18080}"
BENCH_DIR="${BENCH_DIR:-/tmp/recflow-bench}"
SHOP="$BENCH_DIR/shop-$EVENTS"
WAREHOUSE="$BENCH_DIR/wh-load-$EVENTS"
mkdir -p "$BENCH_DIR"
rm -f "$BENCH_DIR"/serve-load-*.log
mvn -B -q -DskipTests install >&2

if [[ ! -d "$WAREHOUSE/models" ]]; then
  rm -rf "$SHOP" "$WAREHOUSE"
  bin/recflow generate --users 200000 --items 100000 --events "$EVENTS" --seed 42 --out "$SHOP" >&2
  t0=$(date +%s)
  RECFLOW_JAVA_OPTS="${RECFLOW_JAVA_OPTS:--Xmx12g}" bin/recflow batch --set recflow.warehouse="$WAREHOUSE" \
    --set input.path="$SHOP" --set input.format=csv --set embedding.enabled=false \
    --set eval.protocols=stratified --set eval.maxUsers=5000 > "$BENCH_DIR/load-batch.out" 2>&1
  echo "nightly job: $(( $(date +%s) - t0 )) s" > "$BENCH_DIR/load-batch.time"
fi

if [[ -n "$BASELINE" ]]; then
  BASE_DIR="$BENCH_DIR/baseline-$BASELINE"
  if [[ ! -f "$BASE_DIR/serving/target/classpath.txt" ]]; then
    rm -rf "$BASE_DIR" && mkdir -p "$BASE_DIR"
    git archive "$BASELINE" | tar -x -C "$BASE_DIR"
    # package, not install: the baseline's jars must not replace this checkout's in ~/.m2.
    (cd "$BASE_DIR" && mvn -B -q -DskipTests -pl serving -am package >&2)
  fi
fi

# measure NAME HEAP [BASELINE_DIR]: starts the server with an empty snapshot directory, waits (at
# most 30 minutes) until it serves the model or its JVM ends, and prints a table row.
measure() {
  local name="$1" heap="$2" base="${3:-}" snapshots="$BENCH_DIR/load-snapshots" log="$BENCH_DIR/serve-load-$1-$2.log"
  rm -rf "$snapshots"
  # An OutOfMemoryError ends the JVM, so that a load that does not fit the heap fails at once
  # instead of leaving a server that is never ready.
  local opts="-Xmx$heap -XX:+ExitOnOutOfMemoryError"
  local args=(--set recflow.warehouse="$WAREHOUSE" --set serve.snapshotDir="$snapshots" --set serve.port="$PORT")
  if [[ -z "$base" ]]; then
    # Keyless reads at the full rate: the load measures serving, not access control.
    RECFLOW_SERVE_JAVA_OPTS="$opts" bin/recflow serve "${args[@]}" --set serve.publicReads=true \
      --set serve.rateLimit=0 > "$log" 2>&1 &
  else
    # The baseline has only its serving module built: bin/recflow serve's java line, run by hand.
    (cd "$base" && exec java $opts --add-modules jdk.incubator.vector \
      -cp "$(ls serving/target/recflow-serving-*-SNAPSHOT.jar):$(cat serving/target/classpath.txt)" \
      io.recflow.serving.ServeCommand "${args[@]}") > "$log" 2>&1 &
  fi
  local pid=$! outcome="not ready after 30 minutes"
  for _ in $(seq 1 3600); do
    if curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1; then outcome=ready; break; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      outcome="JVM ended: $(grep -o -m1 'OutOfMemoryError[^"]*' "$log" || tail -n 1 "$log")"
      break
    fi
    sleep 0.5
  done
  local hwm="-" rss="-" load disk="-"
  if [[ -r "/proc/$pid/status" ]]; then
    hwm="$(awk '/^VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$pid/status")"
    rss="$(awk '/^VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$pid/status")"
  fi
  load="$(grep -o 'loaded in [0-9]* ms' "$log" | awk '{printf "%.1f s", $3 / 1000}' || true)"
  if [[ $outcome == ready ]]; then disk="$(du -sm "$snapshots" | awk '{print $1 " MB"}')"; fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "| $name | $heap | ${load:--} | $hwm | $rss | $disk | $outcome |"
}

echo "## Server load: $EVENTS events ($(date -u +%Y-%m-%d), $(nproc) cores, bench/server-load.sh $*)"
echo
echo "Warehouse: $(cat "$BENCH_DIR/load-batch.time" 2>/dev/null || echo 'reused'); $(grep -m1 -o 'model version [0-9]* published in .*' "$BENCH_DIR/load-batch.out" 2>/dev/null || true)"
echo
echo "| loader | -Xmx | load time | peak RSS (VmHWM) | RSS when ready (VmRSS) | snapshot on disk | outcome |"
echo "|---|---|---|---|---|---|---|"
for HEAP in ${HEAPS//,/ }; do
  if [[ -n "$BASELINE" ]]; then measure "$BASELINE" "$HEAP" "$BASE_DIR"; fi
  measure "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- serving || echo '+changes')" "$HEAP"
done
echo
grep -h 'interest states of' "$BENCH_DIR"/serve-load-*.log 2>/dev/null | sed 's/^.*HistoryLoader - /    /' || true
