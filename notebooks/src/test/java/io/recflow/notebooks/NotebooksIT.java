package io.recflow.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The notebooks as an analyst meets them: the kernel installed by {@code install-kernel.sh}, every
 * notebook executed headless by {@code execute.sh} against a warehouse that the real nightly job
 * wrote (two nights on a synthetic shop, embeddings on), each chart a PNG in the notebook and in its
 * HTML. The executed notebooks and their HTML stay in {@code target/executed} for people to open.
 */
class NotebooksIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path root;
  private static Path warehouse;
  private static Map<String, String> env;
  private static Path plan;

  @BeforeAll
  static void warehouseAndKernel() throws Exception {
    root = Files.createTempDirectory("recflow-notebooks-");
    warehouse = root.resolve("warehouse");
    Path data = root.resolve("data");
    recflow("generate", "--users", "150", "--items", "400", "--events", "6000", "--out", data.toString());
    plan = root.resolve("experiments.json");
    for (String rank : List.of("8", "16")) {
      recflow("batch", "--input", data.toString(), "--format", "csv", "--conf", "../conf/local.properties",
          "--set", "recflow.warehouse=" + warehouse, "--set", "spark.master=local[2]", "--set", "als.rank=" + rank,
          "--set", "eval.protocols=stratified,chronological,cold-items", "--set", "eval.coldSplits=1");
      if (rank.equals("8")) {
        // Between the nights, an experiment's traffic goes through the stream; the second night attributes it.
        Path exposures = root.resolve("landing-exposures");
        Path events = root.resolve("landing");
        List<String> touched = Files.readAllLines(data.resolve("events.csv")).stream().skip(1)
            .map(l -> l.split(",")[1]).distinct().sorted().toList();
        ExperimentTraffic.write(plan, exposures, events, 150, touched, Instant.now());
        recflowMain("io.recflow.streaming.StreamCommand", "--available-now", "--conf", "../conf/local.properties",
            "--set", "recflow.warehouse=" + warehouse, "--set", "spark.master=local[2]",
            "--set", "stream.landingDir=" + events, "--set", "stream.exposureDir=" + exposures);
      }
    }
    env = Map.of("JUPYTER_DATA_DIR", root.resolve("jupyter").toString(), "RECFLOW_WAREHOUSE", warehouse.toString());
    String installed = run(env, 5, "./install-kernel.sh");
    assertTrue(installed.contains("kernel 'recflow' installed"), installed);
  }

  @Test
  void everyNotebookRunsOnAFreshWarehouseAndDrawsItsCharts() throws Exception {
    Path out = Path.of("target/executed").toAbsolutePath();
    String log = run(env, 20, "./execute.sh", "--out", out.toString());
    List<Path> notebooks = notebooks();
    assertTrue(notebooks.size() >= 4, "data exploration, experiments, model quality and embeddings notebooks: "
        + notebooks);

    AnalystSession session = AnalystSession.open(warehouse.toString());
    String described = session.describe();
    for (Path notebook : notebooks) {
      String name = notebook.getFileName().toString().replace(".ipynb", "");
      assertTrue(log.contains("execute: " + name + " ok"), log);
      JsonNode executed = JSON.readTree(out.resolve(name + ".ipynb").toFile());
      List<String> pngs = pngs(executed);
      assertEquals(displays(JSON.readTree(notebook.toFile())), pngs.size(),
          name + ": every display(...) call leaves one PNG chart");
      assertEquals(0, count(executed, "error"), name + " has no failed cell");
      String text = text(executed);
      assertTrue(text.startsWith(described), name + " reads the warehouse it was pointed at:\n" + text);
      String html = Files.readString(out.resolve(name + ".html")).replaceAll("\\s", "");
      for (String png : pngs) {
        assertTrue(html.contains("data:image/png;base64," + png), name + ".html embeds every chart");
      }
    }

    long published = session.publishedVersion();
    Row gate = session.sql("SELECT MAX(IF(model = 'als', value, NULL)), MAX(k) FROM eval_runs WHERE protocol = "
        + "'stratified' AND metric = 'ndcg' AND model_version = " + published).head();
    assertEquals(2, published);
    assertTrue(text(JSON.readTree(out.resolve("model-quality.ipynb").toFile())).contains(String.format(
        "version %d, stratified: ALS nDCG@%d = %.4f", published, gate.getInt(1), gate.getDouble(0))));

    List<String> cold = session.sql("SELECT i.title FROM item_factors f JOIN items i ON i.item_id = f.id WHERE "
        + "f.source = 'content' AND f.model_version = " + published + " ORDER BY f.id LIMIT 3").as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertFalse(cold.isEmpty(), "the synthetic shop has items nobody touched");
    String embeddings = text(JSON.readTree(out.resolve("item-embeddings.ipynb").toFile()));
    cold.forEach(title -> assertTrue(embeddings.contains(title), "cold item " + title + " is shown"));

    // The experiments notebook's last cumulative point is the report's verdict on the same tables.
    String report = recflow("experiments", "report", ExperimentTraffic.NAME, "--json", "--conf",
        "../conf/local.properties", "--set", "recflow.warehouse=" + warehouse, "--set", "spark.master=local[2]",
        "--set", "experiments.file=" + plan);
    JsonNode lift = JSON.readTree(report.lines().filter(l -> l.startsWith("{\"analysis\"")).findFirst().orElseThrow())
        .path("analysis").path("comparisons").get(0).path("clickThrough");
    String experiments = text(JSON.readTree(out.resolve("experiments.ipynb").toFile()));
    String last = String.format(java.util.Locale.ROOT, "treatment against control after %d days: click-through "
        + "%+.1f%% [%+.1f%%, %+.1f%%]", ExperimentTraffic.DAYS, lift.path("value").asDouble() * 100,
        lift.path("low").asDouble() * 100, lift.path("high").asDouble() * 100);
    assertTrue(experiments.contains(last), "expected \"" + last + "\" in:\n" + experiments);
  }

  @Test
  void aFailingCellFailsTheRun() throws Exception {
    Path broken = root.resolve("broken.ipynb");
    Files.writeString(broken, """
        {"cells": [{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [],
                    "source": ["throw new IllegalStateException(\\"broken on purpose\\");"]}],
         "metadata": {"kernelspec": {"name": "recflow", "display_name": "Java 17 (recflow)", "language": "java"}},
         "nbformat": 4, "nbformat_minor": 4}""");
    Finished run = exec(env, 10, "./execute.sh", "--out", root.resolve("broken-out").toString(), broken.toString());
    assertNotEquals(0, run.exit(), run.output());
    assertTrue(run.output().contains("execute: broken FAILED") && run.output().contains("broken on purpose"),
        run.output());
  }

  private static List<Path> notebooks() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("."))) {
      return files.filter(f -> f.toString().endsWith(".ipynb")).sorted().toList();
    }
  }

  /** How many code cells' lines call display(...) in a notebook's source. */
  private static int displays(JsonNode notebook) {
    int n = 0;
    for (JsonNode cell : notebook.get("cells")) {
      for (JsonNode line : cell.get("source")) {
        n += line.asText().contains("= display(") ? 1 : 0;
      }
    }
    return n;
  }

  /** Outputs of one output_type, e.g. "error". */
  private static int count(JsonNode notebook, String outputType) {
    int n = 0;
    for (JsonNode cell : notebook.get("cells")) {
      for (JsonNode output : cell.path("outputs")) {
        n += outputType.equals(output.path("output_type").asText()) ? 1 : 0;
      }
    }
    return n;
  }

  /** The charts' PNGs, base64 without line breaks. */
  private static List<String> pngs(JsonNode notebook) {
    List<String> pngs = new ArrayList<>();
    for (JsonNode cell : notebook.get("cells")) {
      for (JsonNode output : cell.path("outputs")) {
        if (output.path("data").has("image/png")) {
          pngs.add(output.path("data").path("image/png").asText().replaceAll("\\s", ""));
        }
      }
    }
    return pngs;
  }

  /** Everything the cells printed to standard output, in order (log lines go to standard error). */
  private static String text(JsonNode notebook) {
    StringBuilder b = new StringBuilder();
    for (JsonNode cell : notebook.get("cells")) {
      for (JsonNode output : cell.path("outputs")) {
        if ("stdout".equals(output.path("name").asText())) {
          output.path("text").forEach(line -> b.append(line.asText()));
        }
      }
    }
    return b.toString();
  }

  /** Runs a recflow command in a JVM with the app module's classpath, as bin/recflow does; fails if it fails. */
  private static String recflow(String... args) throws Exception {
    return recflowMain("io.recflow.cli.Main", args);
  }

  /** Runs {@code main} as {@link #recflow} runs the batch launcher; returns its output. */
  private static String recflowMain(String main, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx2g", "-Dlog4j2.configurationFile=../conf/log4j2.properties"));
    cmd.addAll(Files.readAllLines(Path.of("../conf/jvm.flags")).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#")).toList());
    cmd.addAll(List.of("-cp", Files.readString(Path.of("../app/target/classpath.txt")).trim(), main));
    cmd.addAll(Arrays.asList(args));
    return run(Map.of("SPARK_LOCAL_IP", "127.0.0.1"), 10, cmd.toArray(String[]::new));
  }

  /** Runs a command to completion; fails the test unless it exits with 0. Returns its output. */
  private static String run(Map<String, String> env, int minutes, String... cmd) throws Exception {
    Finished f = exec(env, minutes, cmd);
    assertEquals(0, f.exit(), String.join(" ", cmd) + " failed:\n" + f.output());
    return f.output();
  }

  private record Finished(int exit, String output) {}

  private static Finished exec(Map<String, String> env, int minutes, String... cmd) throws Exception {
    Path log = Files.createTempFile(root, "cmd-", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish in " + minutes + " minutes:\n"
          + Files.readString(log));
    }
    return new Finished(p.exitValue(), Files.readString(log));
  }
}
