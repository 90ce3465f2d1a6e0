#!/usr/bin/env bash
# What the sequence model adds to a request on this machine: the plain-Java forward pass over a full
# history (L items, d dimensions, the nightly defaults), alone and followed by the exact top-10 over
# ITEMS items, with one and two request threads, with the vector API (as the server runs) and with
# the scalar loops. Usage:
# bench/sequence.sh [items] [length] [dim] [blocks] [heads] [requests per thread]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
ITEMS="${1:-9742}"
LENGTH="${2:-50}"
DIM="${3:-64}"
BLOCKS="${4:-2}"
HEADS="${5:-1}"
REQUESTS="${6:-20000}"
mvn -B -q -DskipTests install >&2
echo "## Sequence model per request: L = $LENGTH, d = $DIM, $BLOCKS blocks, $HEADS head(s), $ITEMS items" \
  "($(date -u +%Y-%m-%d), bench/sequence.sh $*)"
echo
echo "| kernels | step | concurrent requests | p50 | p99 | mean |"
echo "|---|---|---|---|---|---|"
# The server's JVM has the vector API; Spark's do not (the trainer's validation runs the scalar loops).
for scalar in 0 1; do
  BENCH_SCALAR=$scalar run_serving_class bench/SequenceBench.java io.recflow.serving.SequenceBench "$ITEMS" "$LENGTH" \
    "$DIM" "$BLOCKS" "$HEADS" "$REQUESTS"
done
