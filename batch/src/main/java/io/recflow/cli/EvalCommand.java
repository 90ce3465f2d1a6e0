package io.recflow.cli;

import io.recflow.core.ConfigException;
import io.recflow.core.EventValidator;
import io.recflow.core.InterestWeighting;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.evaluation.ColdItemEvaluator;
import io.recflow.evaluation.EvalResult;
import io.recflow.evaluation.EvalTable;
import io.recflow.evaluation.Evaluator;
import io.recflow.evaluation.NextItemEvaluator;
import io.recflow.evaluation.Splits;
import io.recflow.ingest.Ingest;
import io.recflow.ingest.Input;
import io.recflow.spark.ConfigOptions;
import io.recflow.spark.Launcher;
import io.recflow.spark.SparkSessions;
import io.recflow.spark.Warehouse;
import io.recflow.training.InterestModel;
import io.recflow.training.ItemEmbeddings;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code recflow eval}: evaluates ALS and the baselines on any data set in a supported format,
 * without touching a warehouse, e.g. {@code --data ml-1m --format movielens --protocol stratified}.
 */
@Command(name = "eval", description = "Evaluate ALS against popularity and random on a data set.")
public final class EvalCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Option(names = "--data", required = true, paramLabel = "DIR")
  String data;

  @Option(names = "--format", defaultValue = "movielens", description = "movielens, csv or jsonl.")
  String format;

  @Option(names = "--protocol", defaultValue = "stratified",
      description = "stratified, chronological, cold-items or next-item; several separated by commas. The "
          + "catalog's texts are embedded first (minutes for thousands of items).")
  String protocol;

  @Option(names = "--k", defaultValue = "10")
  int k;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    RecflowConfig config = options.load(Map.of(Settings.EVAL_K.name(), String.valueOf(k)));
    SparkSession spark = SparkSessions.getOrCreate(config);
    List<EvalResult> results = evaluate(spark, config, Input.read(spark, format, data),
        Arrays.stream(protocol.split(",")).map(String::trim).toList());
    Launcher.dataOut().println(json ? EvalTable.json(results) : EvalTable.text(results));
    spark.stop();
    return 0;
  }

  /** The (cached) interest model of an input's valid events, built without a warehouse. */
  public static Dataset<Row> interactions(Input input, RecflowConfig config) {
    Dataset<Row> events = Ingest.acceptedEvents(input, EventValidator.from(config),
        new Timestamp(System.currentTimeMillis()));
    return InterestModel.interactions(events, InterestWeighting.from(config)).cache();
  }

  /**
   * Validates the input, builds the interest model and evaluates every protocol. The catalog's texts
   * are embedded first (reusing the warehouse's vectors for unchanged texts): the served model's
   * content and fresh sources and the cold-item protocols need them.
   */
  static List<EvalResult> evaluate(SparkSession spark, RecflowConfig config, Input input, List<String> protocols) {
    Dataset<Row> interactions = interactions(input, config);
    Dataset<Row> embeddings = config.get(Settings.EMBEDDING_ENABLED) ? ItemEmbeddings.embedCatalog(
        Warehouse.of(spark, config), input.items(), config.get(Settings.EMBEDDING_TEMPLATE)) : null;
    Evaluator evaluator = Evaluator.from(config);
    List<EvalResult> results = new ArrayList<>();
    for (String p : protocols) {
      if (p.equals(ColdItemEvaluator.PROTOCOL)) {
        if (embeddings == null) {
          throw new ConfigException("protocol cold-items needs the item embeddings, but embedding.enabled is false. "
              + "Enable embeddings or drop cold-items.");
        }
        results.addAll(ColdItemEvaluator.from(config).evaluate(interactions, embeddings, input.items()));
      } else if (p.equals(NextItemEvaluator.PROTOCOL)) {
        results.addAll(NextItemEvaluator.from(config).evaluate(interactions, embeddings));
      } else {
        results.addAll(evaluator.evaluate(Splits.of(p, interactions, config.get(Settings.EVAL_SEED)), input.items(),
            embeddings));
      }
    }
    if (embeddings != null) {
      embeddings.unpersist();
    }
    interactions.unpersist();
    return results;
  }
}
