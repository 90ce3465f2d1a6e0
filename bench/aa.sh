#!/usr/bin/env bash
# A/A tests through the whole loop: EXPERIMENTS experiments on disjoint slices of USERS synthetic
# users, each with two identical variants, served by a real server (bin/recflow serve); the users
# (bench/AaClient.java) ask for LISTS lists each and click with chances that ignore the variant,
# posting their clicks with request ids; the real stream writes Delta and bin/recflow experiments
# report judges each experiment. A sound analysis declares a difference in about alpha (0.05) of
# them and finds the split broken (p < 0.001) in about 0.1%. Prints a markdown summary for
# docs/benchmarks.md.
# Usage: bench/aa.sh [experiments] [users] [lists-per-user]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
EXPERIMENTS="${1:-40}"
USERS="${2:-20000}"
LISTS="${3:-2}"
BENCH_DIR="${BENCH_DIR:-/tmp/recflow-bench}"
DIR="$BENCH_DIR/aa-$EXPERIMENTS-$USERS"
PORT=18090
mvn -B -q -DskipTests install >&2
rm -rf "$DIR" && mkdir -p "$DIR"
synthetic_snapshot "$DIR/snapshots" 2000 "$USERS" 16
python3 - "$EXPERIMENTS" > "$DIR/plan.json" <<'PY'
import json, sys
n = int(sys.argv[1])
print(json.dumps({"salt": "aa-bench", "experiments": [
    {"name": "aa%d" % i, "start": "2026-01-01T00:00:00Z", "slice": [i / n, (i + 1) / n],
     "variants": [{"name": "a"}, {"name": "b"}]} for i in range(n)]}))
PY
KEYS="$(bin/recflow keys new --name bench --scopes write)"
KEY="$(awk '/^  rf_/ {print $1}' <<<"$KEYS")"
ENTRY="$(awk '/^  bench:/ {print $1}' <<<"$KEYS")"
SETTINGS=(--set recflow.warehouse="$DIR/warehouse" --set experiments.file="$DIR/plan.json")
bin/recflow serve "${SETTINGS[@]}" --set serve.snapshotDir="$DIR/snapshots" --set serve.port=$PORT \
  --set serve.keys="$ENTRY" --set serve.publicReads=true --set serve.rateLimit=0 > "$DIR/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
wait_ready $PORT "$DIR/serve.log"
START=$(date +%s)
TRAFFIC="$(java bench/AaClient.java $PORT "$USERS" "$LISTS" "$KEY" 7)"
kill $SERVER && wait $SERVER 2>/dev/null || true # a clean stop publishes the open exposure segment
bin/recflow stream --available-now "${SETTINGS[@]}" > "$DIR/stream.log" 2>&1
NAMES=()
for I in $(seq 0 $((EXPERIMENTS - 1))); do NAMES+=("aa$I"); done
# One JSON line per experiment, all in one Spark session.
bin/recflow experiments report "${NAMES[@]}" --json "${SETTINGS[@]}" 2>/dev/null | grep '^{"analysis"' \
  | python3 -c '
import json, sys
for line in sys.stdin:
    a = json.loads(line)["analysis"]
    print(a["experiment"] + ": " + a["verdict"])' > "$DIR/verdicts.txt"
[[ $(wc -l < "$DIR/verdicts.txt") -eq $EXPERIMENTS ]] || { echo "reports missing: $DIR/verdicts.txt" >&2; exit 1; }
BROKEN=$(grep -c "assignment is broken" "$DIR/verdicts.txt" || true)
DIFFERENT=$(grep -v -c "no detectable difference\|assignment is broken" "$DIR/verdicts.txt" || true)
echo "## A/A tests through a running server ($(date -u +%Y-%m-%d), $(nproc) cores, bench/aa.sh $EXPERIMENTS $USERS $LISTS)"
echo
echo "$TRAFFIC; $(( $(date +%s) - START )) s from the first request to the last report."
echo
echo "| A/A experiments | users each | declared a difference | expected at alpha 0.05 | assignment declared broken |"
echo "|---|---|---|---|---|"
echo "| $EXPERIMENTS | $((USERS / EXPERIMENTS)) | $DIFFERENT | $(python3 -c "print(round($EXPERIMENTS * 0.05, 1))") | $BROKEN |"
echo
echo "Each experiment's verdict: $DIR/verdicts.txt"
