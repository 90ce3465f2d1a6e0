package io.recflow.cli;

import io.recflow.core.RecflowConfig;
import io.recflow.publish.ModelRegistry;
import io.recflow.spark.ConfigOptions;
import io.recflow.spark.ModelTable;
import io.recflow.spark.SparkSessions;
import io.recflow.spark.Warehouse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code recflow models list | publish VERSION}: the model registry for operators. Publishing an
 * earlier version is a rollback: the versions after it are withdrawn, and the server and the
 * streaming job switch to it at their next poll (docs/operations.md).
 */
@Command(name = "models", description = "List model versions, or publish one (roll back or forward).",
    subcommands = {ModelsCommand.ListVersions.class, ModelsCommand.Publish.class})
final class ModelsCommand {
  private ModelsCommand() {}

  private static Warehouse warehouse(ConfigOptions options) {
    RecflowConfig config = options.load(Map.of());
    return Warehouse.of(SparkSessions.getOrCreate(config), config);
  }

  @Command(name = "list", description = "Every model version, newest first, with its status.")
  static final class ListVersions implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() {
      List<Row> rows = new ModelTable(warehouse(options)).list();
      System.out.printf("%-8s %-10s %-20s %-20s %s%n", "version", "status", "created", "published", "note");
      for (Row r : rows) {
        System.out.printf("%-8d %-10s %-20s %-20s %s%n", r.getLong(0), r.getString(1), time(r, 2), time(r, 3),
            r.isNullAt(4) ? "" : r.getString(4));
      }
      return rows.isEmpty() ? 1 : 0;
    }

    private static String time(Row r, int i) {
      return r.isNullAt(i) ? "-" : r.getTimestamp(i).toInstant().toString().substring(0, 19).replace('T', ' ');
    }
  }

  @Command(name = "publish", description = "Serve VERSION: newer published versions are withdrawn (a rollback).")
  static final class Publish implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Parameters(paramLabel = "VERSION")
    long version;

    @Option(names = "--force", description = "Also publish a version the gate rejected.")
    boolean force;

    @Override
    public Integer call() {
      new ModelRegistry(warehouse(options)).publish(version, force);
      System.out.println("Model version " + version + " is published; newer versions are withdrawn. The server and "
          + "the streaming job switch to it at their next poll.");
      return 0;
    }
  }
}
