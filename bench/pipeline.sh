#!/usr/bin/env bash
# Where a two-stage request's time goes, per stage, one thread, without HTTP, on bench/ranking.sh's
# synthetic snapshot (ITEMS items x RANK factors, TEXT-d text, co-visitation, a 150-tree ranker).
# Usage: bench/pipeline.sh [items] [rank] [text-dim] [candidates-per-source]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
ITEMS="${1:-100000}"
RANK="${2:-64}"
TEXT="${3:-384}"
PER_SOURCE="${4:-100}"
BENCH_DIR="${BENCH_DIR:-/tmp/recflow-bench}"
SNAPSHOTS="$BENCH_DIR/ranking-$ITEMS-$RANK-$TEXT"
mvn -B -q -DskipTests install >&2
SERVING_CP="$(ls serving/target/recflow-serving-*-SNAPSHOT.jar):$(cat serving/target/classpath.txt)"
if [[ ! -d "$SNAPSHOTS/model-1" ]]; then
  mkdir -p "$SNAPSHOTS"
  java -Xmx4g -cp "$SERVING_CP" io.recflow.serving.SyntheticSnapshot "$SNAPSHOTS/model-1" "$ITEMS" 10000 "$RANK" \
    42 "$TEXT" >&2
fi
echo "## Two-stage ranking per stage: $ITEMS items x $RANK factors, $TEXT-d text, $PER_SOURCE candidates per source" \
  "($(date -u +%Y-%m-%d), bench/pipeline.sh $ITEMS $RANK $TEXT $PER_SOURCE)"
echo
run_serving_class bench/PipelineBench.java io.recflow.serving.PipelineBench "$SNAPSHOTS/model-1" 2000 "$PER_SOURCE" \
  | grep -v ' INFO \| WARN '
