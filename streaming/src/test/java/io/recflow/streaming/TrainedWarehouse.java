package io.recflow.streaming;

import static org.apache.spark.sql.functions.col;

import io.recflow.cli.Main;
import io.recflow.core.LandingFile;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.spark.ChildJvm;
import io.recflow.spark.ModelTable;
import io.recflow.spark.SparkFixture;
import io.recflow.spark.Vectors;
import io.recflow.spark.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Row;

/**
 * A warehouse with a published model, built once per test JVM by the real nightly job on a small
 * synthetic shop (with time decay and negative ratings, so the stream has to get both right), and
 * handed to each test as its own copy.
 */
final class TrainedWarehouse {
  private static Path data;
  private static Path template;

  private TrainedWarehouse() {}

  /** The configuration of a test warehouse: small Spark and ALS, no text embeddings, decay on. */
  static RecflowConfig config(Path warehouse, Map<String, String> extra) {
    Map<String, String> m = new HashMap<>();
    m.put("recflow.warehouse", warehouse.toString());
    m.put("input.format", "csv");
    m.put("input.path", data().toString());
    m.put("embedding.enabled", "false");
    m.put("eval.protocols", "stratified");
    m.put("interest.halfLifeDays", "30");
    m.put("interest.rating.neutral", "3");
    m.put("stream.triggerMillis", "200");
    m.putAll(extra);
    return SparkFixture.config(m);
  }

  /** A fresh copy of the trained warehouse (model version 1 published). */
  static synchronized Path copy() {
    try {
      if (template == null) {
        Path dir = Files.createTempDirectory("recflow-trained-");
        train(dir);
        template = dir;
      }
      Path copy = Files.createTempDirectory("recflow-stream-wh-");
      FileUtils.copyDirectory(template.toFile(), copy.toFile());
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs the nightly job on a warehouse through its command line in a JVM of its own, as an
   * operator would, and checks that it published a new version.
   */
  static long train(Path warehouse) {
    return train(warehouse, Map.of());
  }

  /** Like {@link #train(Path)}, with some keys of the test configuration changed. */
  static long train(Path warehouse, Map<String, String> extra) {
    Warehouse w = new Warehouse(SparkFixture.spark(), warehouse.toString());
    long before = new ModelTable(w).latestPublished().orElse(0L);
    List<String> cmd = new ArrayList<>(List.of(Main.class.getName(), "batch"));
    config(warehouse, extra).asMap().forEach((k, v) -> cmd.addAll(List.of("--set", k + "=" + v)));
    try {
      Path log = Files.createTempFile("recflow-train-", ".log");
      Process p = ChildJvm.start("-Xmx2g", System.getProperty("java.class.path"), cmd, log);
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("the nightly job failed:\n" + Files.readString(log));
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot run the nightly job on " + warehouse, e);
    }
    long after = new ModelTable(w).latestPublished().orElse(0L);
    if (after <= before) {
      throw new IllegalStateException("the nightly job did not publish a new test model on " + warehouse);
    }
    return after;
  }

  private static synchronized Path data() {
    if (data == null) {
      data = SparkFixture.syntheticData(120, 240, 8_000);
    }
    return data;
  }

  /** One JSON event line. */
  static String event(String id, String user, String item, String type, Double value, long epochSeconds) {
    return "{\"event_id\":\"" + id + "\",\"user_id\":\"" + user + "\",\"item_id\":\"" + item + "\",\"event_type\":\""
        + type + "\"" + (value == null ? "" : ",\"value\":" + value) + ",\"ts\":" + epochSeconds + "}";
  }

  static Path land(Path warehouse, List<String> lines) {
    try {
      return LandingFile.write(warehouse.resolve("landing/events"), lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The newest row of user_vectors_rt per user: user id to (model_version, vector). */
  static Map<String, Row> latestVectors(Warehouse w) {
    Map<String, Row> out = new HashMap<>();
    if (!w.exists(Tables.USER_VECTORS_RT)) {
      return out;
    }
    List<Row> rows = w.read(Tables.USER_VECTORS_RT).orderBy(col(Col.BATCH_ID)).collectAsList();
    for (Row r : rows) {
      out.put(r.getAs(Col.USER_ID), r);
    }
    return out;
  }

  /** Relative L2 difference of two vectors. */
  static double relativeDifference(float[] expected, float[] actual) {
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < expected.length; i++) {
      diff += (expected[i] - actual[i]) * (double) (expected[i] - actual[i]);
      norm += expected[i] * (double) expected[i];
    }
    return Math.sqrt(diff / Math.max(norm, 1e-30));
  }

  static float[] vector(Row r) {
    return Vectors.toFloats(r.getList(r.fieldIndex(Col.VECTOR)));
  }
}
