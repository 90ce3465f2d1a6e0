package io.recflow.spark;

import io.recflow.core.RecflowConfig;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Creates the one SparkSession of a recflow JVM, with Delta Lake enabled. */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * Returns the active session or builds one. The master comes from spark-submit when the job is
   * submitted; otherwise from {@code spark.master} in the profile, or {@code local[*]}.
   */
  public static SparkSession getOrCreate(RecflowConfig config) {
    SparkSession.Builder b = SparkSession.builder()
        .appName("recflow")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC");
    for (Map.Entry<String, String> e : config.sparkConf().entrySet()) {
      b.config(e.getKey(), e.getValue());
    }
    if (System.getProperty("spark.master") == null && !config.sparkConf().containsKey("spark.master")) {
      b.master("local[*]");
    }
    SparkSession spark = b.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }
}
