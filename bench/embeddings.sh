#!/usr/bin/env bash
# Measures the embedding stage on ml-latest-small, 2 cores: a first night on a fresh warehouse
# (every item text embedded) and a second night on the same data (nothing changed, nothing embedded).
# Usage: bench/embeddings.sh. Prints a markdown section for docs/benchmarks.md.
# Scratch data goes to ${BENCH_DIR:-/tmp/recflow-bench}.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR="${BENCH_DIR:-/tmp/recflow-bench}"
mkdir -p "$BENCH_DIR"
mvn -B -q -DskipTests install >&2
rm -rf "$BENCH_DIR/wh-emb"

night() { # name; prints wall seconds
  local t0 t1
  t0=$(date +%s%N)
  bin/recflow batch --set recflow.warehouse="$BENCH_DIR/wh-emb" > "$BENCH_DIR/$1.out" 2> "$BENCH_DIR/$1.err"
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000000 ))
}

first=$(night emb-first)
second=$(night emb-second)
echo "## Embedding stage on ml-latest-small ($(date -u +%Y-%m-%d), $(nproc) cores)"
echo
echo "| night | job wall time | embed stage |"
echo "|---|---|---|"
echo "| first (fresh warehouse) | ${first} s | $(grep -E '^  embed ' "$BENCH_DIR/emb-first.out" | sed 's/^  embed *//') |"
echo "| second (catalog unchanged) | ${second} s | $(grep -E '^  embed ' "$BENCH_DIR/emb-second.out" | sed 's/^  embed *//') |"
