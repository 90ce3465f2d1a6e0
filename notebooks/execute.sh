#!/usr/bin/env bash
# Runs every notebook headless on the "recflow" kernel (notebooks/install-kernel.sh) and writes each
# executed notebook and its HTML, charts inside, to OUT (default notebooks/target/executed).
# The warehouse is RECFLOW_WAREHOUSE's, else ./warehouse. Fails if any cell fails.
#
#   RECFLOW_WAREHOUSE=/path/to/warehouse notebooks/execute.sh [--out DIR] [NOTEBOOK.ipynb ...]
set -uo pipefail
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$HOME_DIR/notebooks/target/executed"
NOTEBOOKS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) OUT="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    *.ipynb) NOTEBOOKS+=("$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"); shift ;;
    *) echo "execute: unknown argument $1 (usage: execute.sh [--out DIR] [NOTEBOOK.ipynb ...])" >&2; exit 2 ;;
  esac
done
[[ ${#NOTEBOOKS[@]} -gt 0 ]] || NOTEBOOKS=("$HOME_DIR"/notebooks/*.ipynb)
export RECFLOW_WAREHOUSE="${RECFLOW_WAREHOUSE:-$HOME_DIR/warehouse}"
mkdir -p "$OUT"

# The kernel sometimes binds its sockets but never answers the first request (about one start in
# eight here), or dies right after binding them (seen once in a CI run). A healthy start answers in
# about 2 s, so a start that has not answered in 20 s, or whose kernel died before its first reply,
# is abandoned and tried again; a failing cell is not retried (no cell has run before that reply).
run() {
  local nb="$1" name log rc
  name="$(basename "$nb" .ipynb)"
  log="$OUT/$name.log"
  for attempt in 1 2 3 4 5 6; do
    timeout -k 10 1200 jupyter nbconvert --to notebook --execute \
      --ExecutePreprocessor.kernel_name=recflow \
      --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.startup_timeout=20 \
      --output-dir "$OUT" --output "$name" "$nb" >"$log" 2>&1
    rc=$?
    if [[ $rc -eq 0 ]]; then
      jupyter nbconvert --to html --output-dir "$OUT" "$OUT/$name.ipynb" >>"$log" 2>&1 || return 1
      echo "execute: $name ok ($OUT/$name.html)" >&2
      return 0
    fi
    if [[ $rc -ne 124 ]] && ! grep -q -e "Kernel didn't respond" -e "Kernel died before replying" "$log"; then
      break
    fi
    echo "execute: $name: the kernel did not start (attempt $attempt), retrying" >&2
  done
  echo "execute: $name FAILED; its log, $log, ends with:" >&2
  grep -v -E "Parsing classpath|to classpath$" "$log" | tail -n 40 >&2
  return 1
}

failed=0
for nb in "${NOTEBOOKS[@]}"; do
  run "$nb" || failed=1
done
exit $failed
