# Shared by the bench scripts: source it, then call its functions.

# wait_ready PORT LOG: waits (at most 5 minutes) for a server started by bin/recflow serve to answer
# /ready; on time-out prints its log and fails.
wait_ready() {
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$1/ready" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "the server on port $1 never became ready:" >&2
  cat "$2" >&2
  return 1
}

# run_serving_class FILE CLASS ARGS...: compiles a bench class of package io.recflow.serving (with
# bench/RandomItems.java) against the serving jar and runs it with the vector API (or, with
# BENCH_SCALAR=1, without it: the scalar loops, for a comparison in the same run). Compiled, not
# launched from source: the source launcher's class loader would not share the package with the
# jar, and the kernels are package-private.
run_serving_class() {
  local file="$1" class="$2"
  shift 2
  local cp classes
  cp="$(ls serving/target/recflow-serving-*-SNAPSHOT.jar):$(cat serving/target/classpath.txt)"
  classes="${BENCH_DIR:-/tmp/recflow-bench}/classes-$class"
  mkdir -p "$classes"
  javac -nowarn --add-modules jdk.incubator.vector -d "$classes" -cp "$cp" "$file" bench/RandomItems.java 2>/dev/null
  local modules=(--add-modules jdk.incubator.vector)
  [[ "${BENCH_SCALAR:-}" == 1 ]] && modules=()
  java -Xmx8g "${modules[@]}" -cp "$classes:$cp" "$class" "$@" 2>&1 | grep -v 'incubator'
}

# load_tools: installs the HTTP load generators (Debian's hey and wrk) when missing, then builds
# the jars the server runs from.
load_tools() {
  if ! command -v hey >/dev/null || ! command -v wrk >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hey wrk) >&2
  fi
  mvn -B -q -DskipTests install >&2
}

# synthetic_snapshot DIR ITEMS USERS RANK: writes a synthetic model snapshot (SyntheticSnapshot)
# under DIR/model-1 unless one is there, for the server benches.
synthetic_snapshot() {
  local cp
  if [[ ! -d "$1/model-1" ]]; then
    mkdir -p "$1"
    cp="$(ls serving/target/recflow-serving-*-SNAPSHOT.jar):$(cat serving/target/classpath.txt)"
    java -Xmx4g -cp "$cp" io.recflow.serving.SyntheticSnapshot "$1/model-1" "$2" "$3" "$4" >&2
  fi
}
