#!/usr/bin/env bash
# Measures the nightly job's wall time and model quality on 2 cores:
#   1. ml-latest-small (bundled), fresh warehouse;
#   2. a synthetic shop (default 100k users, 100k items, 10M events), fresh warehouse.
# Usage: bench/nightly.sh [--skip-synthetic] [EVENTS]
# Prints a markdown section for docs/benchmarks.md. Scratch data goes to ${BENCH_DIR:-/tmp/recflow-bench}.
set -euo pipefail
cd "$(dirname "$0")/.."
SKIP_SYNTHETIC=0
if [[ "${1:-}" == "--skip-synthetic" ]]; then SKIP_SYNTHETIC=1; shift; fi
EVENTS="${1:-10000000}"
BENCH_DIR="${BENCH_DIR:-/tmp/recflow-bench}"
mkdir -p "$BENCH_DIR"
mvn -B -q -DskipTests install >&2

run() { # name, then bin/recflow arguments; prints seconds
  local name="$1"; shift
  local t0 t1
  t0=$(date +%s%N)
  bin/recflow "$@" > "$BENCH_DIR/$name.out" 2> "$BENCH_DIR/$name.err"
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000000 ))
}

echo "## Nightly job ($(date -u +%Y-%m-%d), $(nproc) cores, $(java -version 2>&1 | head -n1))"
echo
rm -rf "$BENCH_DIR/wh-ml"
secs=$(run ml batch --set recflow.warehouse="$BENCH_DIR/wh-ml")
echo "### ml-latest-small: ${secs} s wall (bin/recflow batch, JVM start and jar check included)"
echo
echo '```'
sed -n '/^recflow nightly job/,/^published\|^rejected/p' "$BENCH_DIR/ml.out"
echo '```'

if [[ $SKIP_SYNTHETIC == 0 ]]; then
  rm -rf "$BENCH_DIR/synthetic" "$BENCH_DIR/wh-syn"
  gen=$(run gen generate --users 100000 --items 100000 --events "$EVENTS" --seed 42 --out "$BENCH_DIR/synthetic")
  secs=$(RECFLOW_JAVA_OPTS="${RECFLOW_JAVA_OPTS:--Xmx12g}" run syn batch --input "$BENCH_DIR/synthetic" --format csv --set recflow.warehouse="$BENCH_DIR/wh-syn" \
    --set eval.maxUsers=5000 --set embedding.enabled=false --set eval.protocols=stratified)
  echo
  echo "### Synthetic, $EVENTS events, 100k users, 100k items, embeddings off, stratified evaluation only: ${secs} s wall (generation: ${gen} s)"
  echo
  echo '```'
  sed -n '/^recflow nightly job/,/^published\|^rejected/p' "$BENCH_DIR/syn.out"
  echo '```'
fi
