package io.recflow.spark;

import io.delta.tables.DeltaTable;
import io.recflow.core.ColumnDef;
import io.recflow.core.ColumnType;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.core.TableDef;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The Delta tables under one root directory (or object-store prefix). Tables are addressed by path,
 * not by a metastore, so any reader that knows the root finds them.
 */
public final class Warehouse {
  private static final String STATS_COLUMNS = "delta.dataSkippingStatsColumns";
  private static final Set<ColumnType> STATS_TYPES = EnumSet.of(ColumnType.STRING, ColumnType.INT, ColumnType.LONG,
      ColumnType.DOUBLE, ColumnType.TIMESTAMP, ColumnType.DATE);

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
  public String path(TableDef table) {
    return root + "/" + table.name();
  }

  public boolean exists(TableDef table) {
    return DeltaTable.isDeltaTable(spark, path(table));
  }

  /**
   * Creates the table, empty, with its contract's schema and partitioning, unless it exists. A table
   * written under an older contract gets the optional columns added since (null in its old rows), so
   * a warehouse upgrades in place on the next write instead of failing it.
   *
   * <p>A table holding personal data keeps Delta statistics only of its other columns: the log
   * holds each file's minimum and maximum in plain text, outside any row an erasure can delete.
   */
  public void ensure(TableDef table) {
    String stats = statsColumns(table);
    if (!exists(table)) {
      // Nullable on disk, as a DataFrame write creates it: the contract's "never null" is checked by
      // the writers and the tests, not as a Delta NOT NULL constraint that old tables do not have.
      var create = DeltaTable.createIfNotExists(spark).location(path(table))
          .addColumns((StructType) nullable(Schemas.of(table)))
          .partitionedBy(table.partitionBy().toArray(String[]::new));
      if (stats != null) {
        create = create.property(STATS_COLUMNS, stats);
      }
      create.execute();
      return;
    }
    if (stats != null && !stats.equals(delta(table).detail().select("properties").head().getJavaMap(0)
        .get(STATS_COLUMNS))) {
      // Files written before keep their statistics in the log until Delta's log retention expires them.
      spark.sql("ALTER TABLE delta.`" + path(table) + "` SET TBLPROPERTIES ('" + STATS_COLUMNS + "' = '" + stats + "')");
    }
    Set<String> present = Set.of(read(table).columns());
    List<ColumnDef> missing = table.columns().stream().filter(c -> !present.contains(c.name())).toList();
    for (ColumnDef c : missing) {
      if (!c.nullable()) {
        throw new IllegalStateException("Table " + path(table) + " has no column " + c.name() + ", which the contract"
            + " requires and old rows cannot supply. Rebuild the table with this version of recflow (run the nightly"
            + " job on a new recflow.warehouse), or write it with the version that created it.");
      }
    }
    if (!missing.isEmpty()) {
      StructType schema = Schemas.of(table);
      String columns = missing.stream().map(c -> "`" + c.name() + "` " + schema.apply(c.name()).dataType().sql())
          .collect(Collectors.joining(", "));
      spark.sql("ALTER TABLE delta.`" + path(table) + "` ADD COLUMNS (" + columns + ")");
    }
  }

  /**
   * The columns Delta may keep statistics of, for a table with personal columns (null for others,
   * which keep Delta's default): the contract's non-personal columns of a type statistics cover,
   * partition columns excepted (Delta keeps their values in the log anyway).
   */
  static String statsColumns(TableDef table) {
    if (table.statsColumns().size() == table.columns().size()) {
      return null;
    }
    return table.columns().stream()
        .filter(c -> table.statsColumns().contains(c.name()) && !table.partitionBy().contains(c.name())
            && STATS_TYPES.contains(c.type()))
        .map(ColumnDef::name).collect(Collectors.joining(","));
  }

  /** The type with every field, array element and map value nullable, all the way down. */
  private static DataType nullable(DataType t) {
    if (t instanceof StructType s) {
      return new StructType(Arrays.stream(s.fields())
          .map(f -> new StructField(f.name(), nullable(f.dataType()), true, f.metadata())).toArray(StructField[]::new));
    }
    if (t instanceof ArrayType a) {
      return DataTypes.createArrayType(nullable(a.elementType()), true);
    }
    if (t instanceof MapType m) {
      return DataTypes.createMapType(m.keyType(), nullable(m.valueType()), true);
    }
    return t;
  }

  /** The current version of a table. */
  public Dataset<Row> read(TableDef table) {
    return spark.read().format("delta").load(path(table));
  }

  /** A table as it was at a Delta version: what a model was trained on. */
  public Dataset<Row> readAt(TableDef table, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(path(table));
  }

  /** The latest Delta version of a table. */
  public long version(TableDef table) {
    return DeltaTable.forPath(spark, path(table)).history(1).select("version").head().getLong(0);
  }

  public DeltaTable delta(TableDef table) {
    return DeltaTable.forPath(spark, path(table));
  }

  /**
   * Appends rows to a table, creating it on first use; the rows are put in the contract's column
   * order and partitioning, so a writer cannot create a table of another shape.
   */
  public void append(TableDef table, Dataset<Row> rows) {
    ensure(table);
    conform(table, rows).write().format("delta").mode("append")
        .partitionBy(table.partitionBy().toArray(String[]::new)).save(path(table));
  }

  /** The rows with exactly the table's columns, in its order. */
  public static Dataset<Row> conform(TableDef table, Dataset<Row> rows) {
    return rows.select(table.columnNames().stream().map(functions::col).toArray(Column[]::new));
  }

  /**
   * Runs a write and returns the operation metrics of the commit it made (numOutputRows,
   * numTargetRowsInserted, ...), or an empty map when it committed nothing, as a MERGE that
   * changes no row does. Metrics come from Delta's own log, not from counting beforehand.
   */
  public Map<String, Long> commitMetrics(TableDef table, Runnable write) {
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
