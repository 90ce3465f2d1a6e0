#!/usr/bin/env bash
# The sequence model's training recipe judged over several seeds on ml-latest-small's next-item
# split, without Spark or text (about MINUTES a run): with and without the co-occurrence sketch.
# One split resolves about 0.007 nDCG@10 (docs/evaluation.md), so look for the same sign in every
# seed. Usage: bench/sequence-training.sh [minutes] [seeds...]
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES="${1:-4}"
shift || true
SEEDS=("${@:-1 2 3}")
mvn -B -q -DskipTests install >&2
echo "## Sequence model training, next-item on ml-latest-small ($(date -u +%Y-%m-%d)," \
  "bench/sequence-training.sh $MINUTES ${SEEDS[*]})"
echo
echo "| co-occurrence sketch | seed | validation nDCG@10 | test nDCG@10 | test HR@10 | best epoch | training |"
echo "|---|---|---|---|---|---|---|"
for seed in ${SEEDS[*]}; do
  for sketch in false true; do
    OMP_WAIT_POLICY=PASSIVE java -Xmx4g -Dai.djl.offline=true \
      -Dlog4j2.configurationFile="$PWD/conf/log4j2.properties" -cp "$(cat app/target/classpath.txt)" \
      bench/SequenceTraining.java data/ml-latest-small/ratings.csv "$MINUTES" "$seed" "$sketch" 2>/dev/null \
      | grep '^|'
  done
done
