#!/usr/bin/env bash
# Load and fault proof: does the system keep its promises while its processes are killed? A small
# synthetic shop (1,000 users, 2,000 items, 50,000 events) is trained once by the nightly job
# (4 to 6 minutes on 2 cores, the first run only: the base warehouse stays in the scratch
# directory and is copied for every run); then bin/recflow stream and bin/recflow serve run as an
# operator runs them, and bench/LoadFaultLoad.java offers a bounded mixed load on loopback for
# SECONDS: recommendation requests at READS/s and event posts at POSTS/s (1 to 3 events each,
# unique event ids, a failed post retried with the same ids), while this script kills the server
# and the stream with SIGKILL at the moments of KILLS and restarts them (the server after 1 s, the
# stream after 2 s, as a supervisor would). When the load has ended and both are back,
# bench/LoadFaultCheck.java waits for the stream to catch up and accounts: every event
# acknowledged (HTTP 2xx) must be in the events Delta table, no event id twice, and the error
# rates of requests outside the kill windows and inside them (server: SIGKILL until the new server
# answers /ready; stream: SIGKILL until the new stream logs its first batch).
# Usage: bench/load-fault.sh [seconds] [reads/s] [posts/s] [kills]
#   kills: comma-separated target@second of the load, target server or stream
#   (default server@15,stream@30,server@55,stream@75,server@110,stream@140: three kills of each,
#   apart, the last ones leaving 40 s of load for the server to serve after its restart)
# Prints markdown tables for docs/benchmarks.md and exits 1 if an acknowledged event was lost or
# duplicated. Scratch data, logs and the timeline go to ${BENCH_DIR:-/tmp/recflow-bench}/load-fault.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
LOAD_SECONDS="${1:-180}"
READS="${2:-50}"
POSTS="${3:-20}"
KILLS="${4:-server@15,stream@30,server@55,stream@75,server@110,stream@140}"
PORT="${BENCH_PORT:-18083}"
BENCH_DIR="${BENCH_DIR:-/tmp/recflow-bench}"
OUT="$BENCH_DIR/load-fault"
BASE="$OUT/wh-base"
WH="$OUT/wh"
RUN_DIR="$OUT/run"
TIMELINE="$RUN_DIR/timeline.log"
USERS=1000
ITEMS=2000
mkdir -p "$OUT"
mvn -B -q -DskipTests install >&2

if [[ ! -d "$BASE/models/_delta_log" ]]; then
  rm -rf "$BASE" "$OUT/data"
  bin/recflow generate --users "$USERS" --items "$ITEMS" --events 50000 --out "$OUT/data" >&2
  bin/recflow batch --input "$OUT/data" --format csv --set recflow.warehouse="$BASE" \
    --set embedding.enabled=false --set eval.protocols=stratified --set sequence.maxMinutes=1 \
    > "$OUT/batch.out" 2>&1
fi
rm -rf "$WH" "$RUN_DIR" "$OUT/snapshots"
cp -a "$BASE" "$WH"
mkdir -p "$RUN_DIR"
RUN="$(date +%s)"

now_ms() { date +%s%3N; }
# mark WHAT TARGET [DETAIL]: a line of the timeline LoadFaultCheck classifies requests by.
mark() { echo "$(now_ms) $*" >> "$TIMELINE"; }

{ read -r KEY; read -r KEY_ENTRY; } < <(bin/recflow keys new --name bench --scopes read+write --entry-only)
SERVER=""
STREAM=""
LOAD=""
SERVE_N=0
STREAM_N=0
cleanup() {
  for pid in $LOAD $SERVER $STREAM; do kill "$pid" 2>/dev/null || true; done
  for pid in $LOAD $SERVER $STREAM; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# start_server: bin/recflow serve (reads open, no rate limit: the load measures availability, not
# access control), and a watcher that marks when it answers /ready.
start_server() {
  SERVE_N=$((SERVE_N + 1))
  bin/recflow serve --set recflow.warehouse="$WH" --set serve.snapshotDir="$OUT/snapshots" \
    --set serve.port="$PORT" --set serve.keys="$KEY_ENTRY" --set serve.publicReads=true \
    --set serve.rateLimit=0 > "$RUN_DIR/serve-$SERVE_N.log" 2>&1 &
  SERVER=$!
  mark start server "$SERVER"
  local pid=$SERVER
  (
    while kill -0 "$pid" 2>/dev/null; do
      if curl -sf -m 1 "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1; then mark ready server "$pid"; exit 0; fi
      sleep 0.1
    done
  ) &
}

# start_stream: bin/recflow stream from its checkpoint, and a watcher that marks its first batch
# (the BatchWriter's log line, written once the batch's Delta commits are done).
start_stream() {
  STREAM_N=$((STREAM_N + 1))
  local log="$RUN_DIR/stream-$STREAM_N.log"
  bin/recflow stream --set recflow.warehouse="$WH" > "$log" 2>&1 &
  STREAM=$!
  mark start stream "$STREAM"
  local pid=$STREAM
  (
    while kill -0 "$pid" 2>/dev/null; do
      if grep -q 'BatchWriter: batch [0-9]*:' "$log" 2>/dev/null; then mark up stream "$pid"; exit 0; fi
      sleep 0.1
    done
  ) &
}

# kill_now TARGET: SIGKILL, no warning, as a crash or the OOM killer would.
kill_now() {
  local pid
  if [[ "$1" == server ]]; then pid=$SERVER; else pid=$STREAM; fi
  mark kill "$1" "$pid"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
}

# await MARK TARGET SECONDS: waits until the timeline's last start of TARGET has been followed by MARK.
await() {
  for _ in $(seq 1 $(($3 * 10))); do
    if tail -n 1 <(grep " $2 " "$TIMELINE" | grep -v ' kill ') | grep -q " $1 $2 "; then return 0; fi
    sleep 0.1
  done
  echo "load-fault: $2 not $1 after $3 s" >&2
  return 1
}

start_stream
start_server
wait_ready "$PORT" "$RUN_DIR/serve-1.log"
# A first event makes the stream run its first batch (it seeds its state from the warehouse then).
curl -sf -o /dev/null -H "X-Api-Key: $KEY" -H 'Content-Type: application/json' \
  -d "{\"event_id\":\"warmup-$RUN\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":$(now_ms)}" \
  "http://127.0.0.1:$PORT/v1/events"
await up stream 300

java bench/LoadFaultLoad.java "http://127.0.0.1:$PORT" "$KEY" "$LOAD_SECONDS" "$READS" "$POSTS" "$USERS" \
  "$ITEMS" "$RUN" "$RUN_DIR" >> "$TIMELINE" 2> "$RUN_DIR/load.err" &
LOAD=$!
for _ in $(seq 1 600); do grep -q ' load start' "$TIMELINE" && break; sleep 0.1; done
LOAD_START="$(awk '$2 == "load" && $3 == "start" {print $1}' "$TIMELINE")"
LOADAVG_START="$(cut -d' ' -f1 /proc/loadavg)"
for kill in ${KILLS//,/ }; do
  target="${kill%@*}"
  delay=$(( LOAD_START + ${kill#*@} * 1000 - $(now_ms) ))
  (( delay > 0 )) && sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill_now "$target"
  if [[ "$target" == server ]]; then
    sleep 1
    start_server
  else
    sleep 2
    start_stream
  fi
done
wait "$LOAD"
LOAD=""
LOADAVG_END="$(cut -d' ' -f1 /proc/loadavg)"
cat "$RUN_DIR/load.err" >&2
await ready server 300
await up stream 300

JVM_FLAGS=()
while IFS= read -r flag; do
  [[ -n "$flag" && "$flag" != \#* ]] && JVM_FLAGS+=("$flag")
done < conf/jvm.flags
echo "## Load and faults ($(date -u +%F), $(nproc) cores, bench/load-fault.sh $LOAD_SECONDS $READS $POSTS $KILLS)"
echo
echo "Load average (1 min) when the load started and when it ended: $LOADAVG_START, $LOADAVG_END."
echo
status=0
SPARK_LOCAL_IP=127.0.0.1 java -Xmx2g "${JVM_FLAGS[@]}" -Dlog4j2.configurationFile="$PWD/conf/log4j2.properties" \
  -cp "$(cat app/target/classpath.txt)" bench/LoadFaultCheck.java "$WH" "$RUN" "$RUN_DIR" 300 \
  2> "$RUN_DIR/check.err" || status=$?
grep '^check:' "$RUN_DIR/check.err" >&2 || true
exit "$status"
