package io.recflow.cli;

import io.recflow.batch.NightlyJob;
import io.recflow.core.RecflowConfig;
import io.recflow.evaluation.EvalTable;
import io.recflow.ingest.Input;
import io.recflow.spark.ConfigOptions;
import io.recflow.spark.SparkSessions;
import io.recflow.spark.Warehouse;
import java.sql.Timestamp;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code recflow batch}: the nightly job, then a summary and a sample user's top-10. */
@Command(name = "batch", description = "Run the nightly job: ingest, train, evaluate, publish.")
final class BatchCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Mixin
  InputOptions inputOptions;

  @Option(names = "--sample-user", paramLabel = "ID", description = "Print this user's top-10 at the end.")
  String sampleUser;

  @Override
  public Integer call() {
    RecflowConfig config = options.load(inputOptions.overrides());
    SparkSession spark = SparkSessions.getOrCreate(config);
    Warehouse warehouse = Warehouse.of(spark, config);
    NightlyJob.Report r = new NightlyJob(warehouse, config)
        .run(Input.read(spark, config), new Timestamp(System.currentTimeMillis()));
    System.out.println();
    System.out.println("recflow nightly job: model version " + r.modelVersion() + " " + r.status()
        + " in " + String.format("%.1f", r.seconds()) + " s (warehouse " + warehouse.root() + ")");
    r.stages().forEach(System.out::println);
    System.out.println();
    System.out.print(EvalTable.text(r.results()));
    System.out.println(r.note());
    Recommender.latest(warehouse).ifPresentOrElse(rec -> {
      String user = sampleUser != null ? sampleUser : rec.sampleUser();
      System.out.println();
      System.out.println("Top-10 for user " + user + " (model version " + rec.version() + "):");
      System.out.print(Recommender.format(rec.recommend(user, 10)));
    }, () -> System.out.println("No published model yet: nothing to recommend from."));
    spark.stop();
    return r.status().equals("published") ? 0 : 3;
  }
}
