package io.recflow.cli;

import io.recflow.core.EventValidator;
import io.recflow.core.RecflowConfig;
import io.recflow.ingest.CatalogIngest;
import io.recflow.ingest.Ingest;
import io.recflow.ingest.IngestReport;
import io.recflow.ingest.Input;
import io.recflow.spark.ConfigOptions;
import io.recflow.spark.SparkSessions;
import io.recflow.spark.Warehouse;
import java.sql.Timestamp;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code recflow ingest}: the nightly job's first step alone, validating an input into
 * {@code events}, {@code items} and the quarantine without training: for loading data that
 * arrives more often than models are trained, or checking a new feed's records.
 */
@Command(name = "ingest",
    description = "Validate an input into the warehouse (events, items, quarantine); no training.")
final class IngestCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Mixin
  InputOptions inputOptions;

  @Override
  public Integer call() {
    RecflowConfig config = options.load(inputOptions.overrides());
    SparkSession spark = SparkSessions.getOrCreate(config);
    Warehouse warehouse = Warehouse.of(spark, config);
    Input in = Input.read(spark, config);
    Timestamp now = new Timestamp(System.currentTimeMillis());
    IngestReport events = new Ingest(warehouse, EventValidator.from(config)).run(in, now);
    CatalogIngest.Report items = new CatalogIngest(warehouse).run(in, now);
    System.out.println("recflow ingest into " + warehouse.root() + ":");
    System.out.println("  events:  " + events);
    System.out.println("  catalog: " + items);
    return 0;
  }
}
