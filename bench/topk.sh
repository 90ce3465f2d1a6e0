#!/usr/bin/env bash
# Exact top-10 over ITEMS x RANK float factors, one thread: core's scalar loop against the server's
# vector-API kernel, with the selection steps apart. Usage: bench/topk.sh [items] [rank]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
ITEMS="${1:-100000}"
RANK="${2:-64}"
mvn -B -q -DskipTests install >&2
echo "## Exact top-10 kernels: $ITEMS items x $RANK ($(date -u +%Y-%m-%d), bench/topk.sh $ITEMS $RANK)"
echo
run_serving_class bench/TopKBench.java io.recflow.serving.TopKBench "$ITEMS" "$RANK"
