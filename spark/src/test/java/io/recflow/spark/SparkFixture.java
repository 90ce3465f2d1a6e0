package io.recflow.spark;

import io.recflow.core.RecflowConfig;
import io.recflow.core.SyntheticData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The shared test fixture: one local Spark session per JVM (Spark allows one, and starting it is
 * the slow part), a fixed seed, and a fresh temporary warehouse for each test that asks for one.
 */
public final class SparkFixture {
  /** The seed every test's data and model use. */
  public static final long SEED = 42;
  private static SparkSession spark;

  private SparkFixture() {}

  /** The session, created on first use with small settings for 2 cores. */
  public static synchronized SparkSession spark() {
    if (spark == null) {
      spark = SparkSessions.getOrCreate(config(Map.of()));
    }
    return spark;
  }

  /** A test configuration: defaults, small Spark settings, a small fast ALS, plus overrides. */
  public static RecflowConfig config(Map<String, String> overrides) {
    Map<String, String> m = new HashMap<>();
    m.put("spark.master", "local[2]");
    m.put("spark.sql.shuffle.partitions", "2");
    m.put("spark.default.parallelism", "2");
    m.put("spark.databricks.delta.snapshotPartitions", "2");
    m.put("als.rank", "16");
    m.put("als.maxIter", "8");
    m.put("als.seed", String.valueOf(SEED));
    m.put("eval.seed", String.valueOf(SEED));
    m.putAll(overrides);
    return RecflowConfig.of(m, "test");
  }

  /** A new empty warehouse directory. */
  public static Warehouse newWarehouse() {
    try {
      Path dir = Files.createTempDirectory("recflow-warehouse-");
      dir.toFile().deleteOnExit();
      return new Warehouse(spark(), dir.toString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes a small synthetic data set (generic csv) and returns its directory. */
  public static Path syntheticData(int users, int items, long events) {
    try {
      Path dir = Files.createTempDirectory("recflow-data-");
      new SyntheticData(users, items, events, SEED).write(dir);
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
