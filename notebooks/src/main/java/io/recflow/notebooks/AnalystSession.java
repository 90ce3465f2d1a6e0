package io.recflow.notebooks;

import io.recflow.core.RecflowConfig;
import io.recflow.core.TableDef;
import io.recflow.core.Tables;
import io.recflow.spark.ModelTable;
import io.recflow.spark.SparkSessions;
import io.recflow.spark.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A notebook's view of one recflow warehouse: a local SparkSession in the kernel's JVM with every
 * table of the warehouse registered as a SQL view under its own name ({@code events},
 * {@code eval_runs}, ...), so that cells are plain Spark SQL. The views show each table as it was
 * when the session was opened; open it again to see what later runs committed.
 *
 * <p>The warehouse is the one named by the {@code RECFLOW_WAREHOUSE} environment variable, else
 * {@code ../warehouse}: where {@code bin/recflow demo} and {@code bin/recflow batch} write with the
 * local profile, seen from the notebooks directory.
 */
public final class AnalystSession {
  /** The environment variable that points the notebooks at a warehouse. */
  public static final String WAREHOUSE_ENV = "RECFLOW_WAREHOUSE";

  private final Warehouse warehouse;
  private final List<TableDef> views;

  private AnalystSession(Warehouse warehouse, List<TableDef> views) {
    this.warehouse = warehouse;
    this.views = views;
  }

  /** Opens the warehouse named by {@value #WAREHOUSE_ENV}, or {@code ../warehouse}. */
  public static AnalystSession open() {
    String named = System.getenv(WAREHOUSE_ENV);
    return open(named == null || named.isBlank() ? "../warehouse" : named);
  }

  /** Opens the warehouse at {@code location} (a directory, or an object-store prefix Spark can read). */
  public static AnalystSession open(String location) {
    boolean local = !location.contains("://");
    String root = local ? Path.of(location).toAbsolutePath().normalize().toString() : location;
    if (local && !Files.isDirectory(Path.of(root, Tables.MODELS.name()))) {
      throw new IllegalStateException("No recflow warehouse at " + root + ": it has no '" + Tables.MODELS
          + "' table. The notebooks read what the nightly job writes. Run 'bin/recflow demo' or 'bin/recflow batch'"
          + " first, or set " + WAREHOUSE_ENV + " to a warehouse before starting Jupyter.");
    }
    // Spark's code generation fails inside the kernel unless the root JUL logger is configured first.
    Logger.getLogger("").setLevel(Level.INFO);
    RecflowConfig config = RecflowConfig.of(Map.of(
        "recflow.warehouse", root,
        "spark.master", "local[*]",
        "spark.sql.shuffle.partitions", "4",
        "spark.databricks.delta.snapshotPartitions", "2"), "notebook session");
    SparkSession spark = SparkSessions.getOrCreate(config);
    spark.sparkContext().setLogLevel("ERROR");
    Warehouse warehouse = new Warehouse(spark, root);
    List<TableDef> views = new ArrayList<>();
    for (TableDef table : Tables.ALL) {
      if (warehouse.exists(table)) {
        warehouse.read(table).createOrReplaceTempView(table.name());
        views.add(table);
      }
    }
    return new AnalystSession(warehouse, List.copyOf(views));
  }

  /** Runs a Spark SQL query over the views. */
  public Dataset<Row> sql(String query) {
    return warehouse.spark().sql(query);
  }

  /** The session, for the DataFrame API and Spark ML. */
  public SparkSession spark() {
    return warehouse.spark();
  }

  /** Where the warehouse is. */
  public String location() {
    return warehouse.root();
  }

  /** The tables this warehouse holds, each registered as a view of that name. */
  public List<String> views() {
    return views.stream().map(TableDef::name).toList();
  }

  /** The newest published model version: the one the server answers with. */
  public long publishedVersion() {
    return new ModelTable(warehouse).latestPublished().orElseThrow(() -> new IllegalStateException(
        "The warehouse at " + location() + " has no published model version: every version so far was"
            + " rejected by the gate, failed or withdrawn. See 'bin/recflow models list' and each version's note."));
  }

  /** One line per view with its row count and Delta version, for the top of a notebook. */
  public String describe() {
    StringBuilder b = new StringBuilder("warehouse " + location() + "\n");
    for (TableDef view : views) {
      b.append(String.format("  %-18s %,12d rows   Delta version %d%n", view.name(),
          sql("SELECT * FROM " + view.name()).count(), warehouse.version(view)));
    }
    return b.toString();
  }
}
