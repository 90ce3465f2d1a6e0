#!/usr/bin/env bash
# The IVF index on unstructured data (its worst case): recall@10 against exact search and query
# time for several probe counts. Usage: bench/ivf-recall.sh [items] [rank] [probes,...]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
ITEMS="${1:-1000000}"
RANK="${2:-64}"
PROBES="${3:-24,64,128,256}"
mvn -B -q -DskipTests install >&2
echo "## IVF index on isotropic Gaussian vectors: $ITEMS items x $RANK ($(date -u +%Y-%m-%d), $(nproc) cores, bench/ivf-recall.sh $ITEMS $RANK $PROBES)"
echo
run_serving_class bench/IvfRecall.java io.recflow.serving.IvfRecall "$ITEMS" "$RANK" "$PROBES"
