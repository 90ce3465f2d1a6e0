#!/usr/bin/env bash
# Installs the Jupyter kernel "recflow": Java 17 (the rapaio kernel) with the JVM flags Spark needs
# (conf/jvm.flags) and recflow, Spark, Delta and JFreeChart on the notebooks' classpath.
# Cells run inside the kernel's JVM, so a notebook can open a local SparkSession.
#
#   notebooks/install-kernel.sh      then: jupyter notebook notebooks/   (or jupyter lab)
#
# The kernelspec goes to Jupyter's user data directory (JUPYTER_DATA_DIR if set). Re-run it after
# changing the project's dependencies: the classpath is written into the kernelspec.
set -euo pipefail
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$HOME_DIR"
KERNEL_NAME=recflow
PACKAGES=(jupyter-nbconvert jupyter-client fontconfig fonts-dejavu-core)

# Jupyter itself comes from Debian. The fonts are for the text in the charts (headless AWT).
if ! command -v jupyter-kernelspec >/dev/null || ! command -v jupyter-nbconvert >/dev/null \
    || ! fc-list 2>/dev/null | grep -q .; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "install-kernel: installing ${PACKAGES[*]} with apt-get..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${PACKAGES[@]}" >/dev/null
  else
    echo "install-kernel: Jupyter or fonts are missing. Install them first, e.g." >&2
    echo "  sudo apt-get install ${PACKAGES[*]}    (or: pip install nbconvert jupyter_client notebook)" >&2
    exit 1
  fi
fi

JAR=$(ls notebooks/target/recflow-notebooks-*.jar 2>/dev/null | head -n 1 || true)
if [[ -z "$JAR" || ! -f notebooks/target/classpath.txt || ! -f notebooks/target/kernel/rapaio-jupyter-kernel.jar ]]; then
  echo "install-kernel: building the notebooks' jars (needs Maven and Maven Central)..." >&2
  mvn -B -q -DskipTests install -pl notebooks -am >&2
  JAR=$(ls notebooks/target/recflow-notebooks-*.jar | head -n 1)
fi

SPEC="$(mktemp -d)/$KERNEL_NAME"
mkdir -p "$SPEC"
trap 'rm -rf "$(dirname "$SPEC")"' EXIT
cp notebooks/target/kernel/rapaio-jupyter-kernel.jar "$SPEC/"

# kernel.json: the JVM flags go before -jar; {resource_dir} is the installed kernelspec directory.
# The kernel reads its classpath from RJK_CLASSPATH, entries separated by ';'.
CLASSPATH_ENTRIES="$HOME_DIR/$JAR;$(tr ':' ';' < notebooks/target/classpath.txt)"
python3 - "$SPEC/kernel.json" "$CLASSPATH_ENTRIES" "$HOME_DIR/conf/log4j2.properties" conf/jvm.flags <<'PY'
import json, sys
out, classpath, log4j, flags_file = sys.argv[1:5]
flags = [l.strip() for l in open(flags_file) if l.strip() and not l.startswith("#")]
json.dump({
    "argv": ["java", "-Xmx3g", "-Djava.awt.headless=true", "-Dlog4j2.configurationFile=" + log4j, *flags,
             "-jar", "{resource_dir}/rapaio-jupyter-kernel.jar", "{connection_file}"],
    "display_name": "Java 17 (recflow)",
    "language": "java",
    "interrupt_mode": "message",
    "env": {
        "RJK_CLASSPATH": classpath,
        "RJK_COMPILER_OPTIONS": "",
        "RJK_INIT_SCRIPT": "",
        "RJK_TIMEOUT_MILLIS": "-1",
        "RJK_MIMA_CACHE": "mima_cache",
        "SPARK_LOCAL_IP": "127.0.0.1",
    },
}, open(out, "w"), indent=2)
PY
jupyter kernelspec install --user --replace --name "$KERNEL_NAME" "$SPEC" >&2
echo "install-kernel: kernel '$KERNEL_NAME' installed; open notebooks/*.ipynb in Jupyter and pick it." >&2
if ! command -v jupyter-notebook >/dev/null && ! command -v jupyter-lab >/dev/null; then
  echo "install-kernel: to open them interactively, install a Jupyter front end, e.g." \
    "'apt-get install jupyter-notebook' or 'pip install jupyterlab'; notebooks/execute.sh runs them without one." >&2
fi
