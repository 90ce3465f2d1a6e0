#!/usr/bin/env bash
# bin/recflow demo: the whole system on the bundled MovieLens data, on this machine. Runs the
# nightly job, starts the streaming job and the server, shows a user's recommendations, posts a few
# of that user's ratings through the server, and shows how the recommendations follow: the sequence
# model's at once, the two-stage list once the stream has updated the user's vector. Then it
# leaves both running and tells how to query them; Ctrl-C stops everything.
# Options: --port N (default 8080), --no-wait (stop after showing the change, for tests), and any
# --set key=value, passed to every job.
set -euo pipefail
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$HOME_DIR"
PORT=8080
WAIT=true
# The sequence model trains three times in a nightly run (the stage, and the served model of each
# of the two evaluation protocols); two minutes each keep the demo's first run near a quarter of an
# hour. A --set on the command line comes later and wins.
SETS=(--set sequence.maxMinutes=2)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) PORT="$2"; shift 2 ;;
    --no-wait) WAIT=false; shift ;;
    --set) SETS+=(--set "$2"); shift 2 ;;
    *) echo "recflow demo: unknown option $1 (options: --port N, --no-wait, --set key=value)" >&2; exit 2 ;;
  esac
done
USER_ID=189
LOGS="$HOME_DIR/logs"
mkdir -p "$LOGS"
BASE="http://127.0.0.1:$PORT"
PIDS=()
stop() {
  if [[ ${#PIDS[@]} -gt 0 ]]; then
    echo "recflow demo: stopping the server and the streaming job..."
    kill "${PIDS[@]}" 2>/dev/null || true
    wait "${PIDS[@]}" 2>/dev/null || true
  fi
}
trap stop EXIT
trap 'exit 130' INT TERM

get() {
  # A read with the demo's key: the server answers reads only to keys with the read scope.
  curl -sf -H "X-Api-Key: $KEY" "$@"
}

titles() {
  # The titles of a recommendations answer, numbered; the answer is compact JSON from the server.
  grep -o '"title":"[^"]*"' | sed 's/"title":"//; s/"$//' | nl -w3 -s'. '
}

echo "== 1/4 The nightly job: ingest, embeddings, ALS, ranker, sequence model, evaluation, publication (first run about 15 minutes)"
bin/recflow batch "${SETS[@]}" | tail -n 25

echo
echo "== 2/4 Starting the streaming job and the server (logs in $LOGS)"
bin/recflow stream "${SETS[@]}" > "$LOGS/stream.log" 2>&1 &
PIDS+=($!)
# A key for this demo: the server's profile holds only its salted hash (serve.keys).
{ read -r KEY; read -r KEY_ENTRY; } < <(bin/recflow keys new --name demo --scopes read+write --entry-only)
bin/recflow serve "${SETS[@]}" --set serve.port="$PORT" --set serve.keys="$KEY_ENTRY" > "$LOGS/serve.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 240); do
  curl -sf "$BASE/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf "$BASE/ready" >/dev/null || { echo "the server did not start; see $LOGS/serve.log" >&2; exit 1; }

echo
echo "== 3/4 User $USER_ID's recommendations now (GET /v1/users/$USER_ID/recommendations):"
BEFORE="$(get "$BASE/v1/users/$USER_ID/recommendations?k=10")"
titles <<<"$BEFORE"
SEQUENCE=false
if curl -sf "$BASE/health" | grep -q '"sequence":"published"'; then
  SEQUENCE=true
  echo "... and what the sequence model alone predicts they watch next (?model=sequence):"
  titles < <(get "$BASE/v1/users/$USER_ID/recommendations?k=10&model=sequence")
else
  echo "(this version has no sequence model to serve: $(curl -sf "$BASE/health" | grep -o '"sequence":"[^"]*"'))"
fi

echo
echo "== 4/4 User $USER_ID rates six Pixar and Ghibli films 5 stars (POST /v1/events) ..."
NOW="$(date +%s)"
EVENTS="["
for MOVIE in 6377 68954 60069 50872 4886 5618; do
  EVENTS+="{\"user_id\":\"$USER_ID\",\"item_id\":\"$MOVIE\",\"event_type\":\"rating\",\"value\":5,\"ts\":$NOW},"
done
EVENTS="${EVENTS%,}]"
curl -sf -H "X-Api-Key: $KEY" -H 'Content-Type: application/json' -d "$EVENTS" "$BASE/v1/events"
echo
if [[ "$SEQUENCE" == true ]]; then
  # The server applied the events to the user's history when it accepted them: the very next
  # request reads them, before the streaming job has done anything.
  POSTED_NS="$(date +%s%N)"
  NEXT="$(get "$BASE/v1/users/$USER_ID/recommendations?k=10&model=sequence")"
  MS=$(( ($(date +%s%N) - POSTED_NS) / 1000000 ))
  echo "The sequence model's list on the next request, answered ${MS} ms after the events were accepted:"
  titles <<<"$NEXT"
fi
echo "... the streaming job folds them into the user's vector; waiting for the server to see it."
AFTER=""
for _ in $(seq 1 300); do
  AFTER="$(get "$BASE/v1/users/$USER_ID/recommendations?k=10")"
  grep -q '"strategy":"live"' <<<"$AFTER" && break
  sleep 0.5
done
if ! grep -q '"strategy":"live"' <<<"$AFTER"; then
  echo "the live vector did not arrive in 150 s; see $LOGS/stream.log" >&2
  exit 1
fi
echo "User $USER_ID's recommendations after those ratings:"
titles <<<"$AFTER"

echo
echo "The server listens on $BASE; this demo's key (read and write) is $KEY. Try:"
echo "  K='X-Api-Key: $KEY'"
echo "  curl -H \"\$K\" '$BASE/v1/users/$USER_ID/recommendations?k=5&explain=true'    # because you liked ..."
echo "  curl -H \"\$K\" '$BASE/v1/users/someone-new/recommendations?recent=6377,4886'  # a new user's first clicks"
echo "  curl -H \"\$K\" '$BASE/v1/recommendations?recent=4886,6377&model=sequence'       # an anonymous session"
echo "  curl -H \"\$K\" '$BASE/v1/items/6377/similar?by=content'                      # films like Finding Nemo"
echo "  curl -H \"\$K\" -H 'Content-Type: application/json' -d '{\"user_id\":\"$USER_ID\",\"item_id\":\"1\",\"event_type\":\"view\",\"ts\":$NOW}' $BASE/v1/events"
echo "  curl $BASE/metrics | grep recflow_                                  # Prometheus metrics"
echo "API: $BASE/openapi.json; how it works: docs/serving.md."
echo "The warehouse is in ./warehouse; to look at it in the analyst notebooks: notebooks/install-kernel.sh,"
echo "then jupyter notebook notebooks/ (docs/notebooks.md)."
if [[ "$WAIT" == true ]]; then
  echo "Press Ctrl-C to stop."
  wait
fi
