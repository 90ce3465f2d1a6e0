package io.recflow.cli;

import io.recflow.core.RecflowConfig;
import io.recflow.spark.ConfigOptions;
import io.recflow.spark.SparkSessions;
import io.recflow.spark.Warehouse;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code recflow recommend}: a user's top-k from the newest published model. */
@Command(name = "recommend", description = "Print a user's top-k from the newest published model.")
final class RecommendCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Option(names = "--user", required = true, paramLabel = "ID")
  String user;

  @Option(names = "--k", defaultValue = "10")
  int k;

  @Override
  public Integer call() {
    RecflowConfig config = options.load(java.util.Map.of());
    SparkSession spark = SparkSessions.getOrCreate(config);
    Warehouse warehouse = Warehouse.of(spark, config);
    Recommender rec = Recommender.latest(warehouse).orElseThrow(() -> new IllegalArgumentException(
        "No published model in " + warehouse.root() + ". Run 'bin/recflow batch' first."));
    List<Recommender.Item> items = rec.recommend(user, k);
    if (items.isEmpty()) {
      System.out.println("User " + user + " is not in model version " + rec.version() + ".");
      return 1;
    }
    System.out.println("Top-" + k + " for user " + user + " (model version " + rec.version() + "):");
    System.out.print(Recommender.format(items));
    spark.stop();
    return 0;
  }
}
