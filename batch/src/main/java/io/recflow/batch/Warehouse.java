package io.recflow.batch;

import io.delta.tables.DeltaTable;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The Delta tables under one root directory (or object-store prefix). Tables are addressed by path,
 * not by a metastore, so any reader that knows the root finds them.
 */
public final class Warehouse {
  private final SparkSession spark;
  private final String root;

  public Warehouse(SparkSession spark, String root) {
    this.spark = spark;
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  /** The warehouse a run's configuration names. */
  public static Warehouse of(SparkSession spark, RecflowConfig config) {
    return new Warehouse(spark, config.get(Settings.WAREHOUSE));
  }

  public SparkSession spark() {
    return spark;
  }

  public String root() {
    return root;
  }

  /** Where a table lives. */
  public String path(String table) {
    return root + "/" + table;
  }

  public boolean exists(String table) {
    return DeltaTable.isDeltaTable(spark, path(table));
  }

  /** Creates an empty table with this schema unless it exists. */
  public void ensure(String table, StructType schema, String... partitionBy) {
    if (!exists(table)) {
      spark.createDataFrame(Collections.emptyList(), schema).write().format("delta")
          .partitionBy(partitionBy).mode("ignore").save(path(table));
    }
  }

  /** The current version of a table. */
  public Dataset<Row> read(String table) {
    return spark.read().format("delta").load(path(table));
  }

  /** A table as it was at a Delta version: what a model was trained on. */
  public Dataset<Row> readAt(String table, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(path(table));
  }

  /** The latest Delta version of a table. */
  public long version(String table) {
    return DeltaTable.forPath(spark, path(table)).history(1).select("version").head().getLong(0);
  }

  public DeltaTable delta(String table) {
    return DeltaTable.forPath(spark, path(table));
  }

  /** Appends rows to a table, creating it on first use. */
  public void append(String table, Dataset<Row> rows, String... partitionBy) {
    rows.write().format("delta").mode("append").partitionBy(partitionBy).save(path(table));
  }

  /**
   * Runs a write and returns the operation metrics of the commit it made (numOutputRows,
   * numTargetRowsInserted, ...), or an empty map when it committed nothing, as a MERGE that
   * changes no row does. Metrics come from Delta's own log, not from counting beforehand.
   */
  public Map<String, Long> commitMetrics(String table, Runnable write) {
    long before = version(table);
    write.run();
    if (version(table) == before) {
      return Map.of();
    }
    Map<String, String> m = delta(table).history(1).select("operationMetrics").head().getJavaMap(0);
    Map<String, Long> out = new HashMap<>();
    if (m != null) {
      m.forEach((k, v) -> out.put(k, Long.parseLong(v)));
    }
    return out;
  }
}
