package io.recflow.cli;

import io.recflow.core.ModelParams;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.evaluation.EvalResult;
import io.recflow.evaluation.EvalTable;
import io.recflow.evaluation.Evaluator;
import io.recflow.evaluation.Splits;
import io.recflow.ingest.Input;
import io.recflow.spark.ConfigOptions;
import io.recflow.spark.SparkSessions;
import io.recflow.spark.Warehouse;
import io.recflow.training.ItemEmbeddings;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code recflow tune}: a grid search over the ALS hyperparameters. The test side of the stratified
 * split is never looked at while choosing: each candidate is scored on a validation split carved
 * out of the training side, and only the winner is scored once on the test side.
 */
@Command(name = "tune", description = "Grid-search ALS rank, regParam and alpha on a validation split.")
final class TuneCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Option(names = "--data", required = true, paramLabel = "DIR")
  String data;

  @Option(names = "--format", defaultValue = "movielens")
  String format;

  @Option(names = "--ranks", split = ",", defaultValue = "32,64,128")
  List<Integer> ranks;

  @Option(names = "--regs", split = ",", defaultValue = "0.01,0.05,0.2")
  List<Double> regs;

  @Option(names = "--alphas", split = ",", defaultValue = "1,5,20")
  List<Double> alphas;

  @Option(names = "--hybrid-weights", split = ",", description = "Also tune hybrid.contentWeight over these values "
      + "(embeds the catalog first), e.g. 0,0.1,0.2,0.3,0.5.")
  List<Double> hybridWeights = List.of();

  @Override
  public Integer call() {
    RecflowConfig base = options.load(Map.of());
    SparkSession spark = SparkSessions.getOrCreate(base);
    int seed = base.get(Settings.EVAL_SEED);
    Input input = Input.read(spark, format, data);
    Dataset<Row> interactions = EvalCommand.interactions(input, base);
    Dataset<Row> attributes = input.items();
    Splits.Split outer = Splits.stratifiedByItem(interactions, 0.75, seed);
    Splits.Split inner = Splits.stratifiedByItem(outer.train(), 0.75, seed + 1);
    String metric = base.get(Settings.GATE_METRIC);
    double best = Double.NEGATIVE_INFINITY;
    RecflowConfig bestConfig = base;
    System.out.printf("%6s %8s %8s %12s%n", "rank", "regParam", "alpha", "val " + metric);
    for (int rank : ranks) {
      for (double reg : regs) {
        for (double alpha : alphas) {
          RecflowConfig c = base.with(Map.of(Settings.ALS_RANK.name(), String.valueOf(rank),
              Settings.ALS_REG.name(), String.valueOf(reg), Settings.ALS_ALPHA.name(), String.valueOf(alpha)));
          double v = alsValue(c, inner, attributes, metric);
          System.out.printf(Locale.ROOT, "%6d %8.3f %8.2f %12.4f%n", rank, reg, alpha, v);
          if (v > best) {
            best = v;
            bestConfig = c;
          }
        }
      }
    }
    System.out.println("\nBest on validation: " + ModelParams.from(bestConfig).toMap()
        + String.format(Locale.ROOT, " (%s@%d %.4f).", metric, base.get(Settings.EVAL_K), best));
    Dataset<Row> embeddings = null;
    if (!hybridWeights.isEmpty()) {
      embeddings = ItemEmbeddings.embedCatalog(Warehouse.of(spark, base), attributes,
          base.get(Settings.EMBEDDING_TEMPLATE));
      double bestHybrid = Double.NEGATIVE_INFINITY;
      RecflowConfig alsConfig = bestConfig;
      System.out.printf("%n%8s %12s%n", "weight", "val " + metric);
      for (double w : hybridWeights) {
        RecflowConfig c = alsConfig.with(Map.of(Settings.HYBRID_WEIGHT.name(), String.valueOf(w)));
        double v = value(Evaluator.from(c).alsOnly().evaluate(inner, attributes, embeddings), "hybrid", metric);
        System.out.printf(Locale.ROOT, "%8.2f %12.4f%n", w, v);
        if (v > bestHybrid) {
          bestHybrid = v;
          bestConfig = c;
        }
      }
      System.out.println("Best hybrid.contentWeight on validation: " + bestConfig.get(Settings.HYBRID_WEIGHT));
    }
    System.out.println("On the held-out test split:");
    System.out.print(EvalTable.text(Evaluator.from(bestConfig).evaluate(outer, attributes, embeddings)));
    spark.stop();
    return 0;
  }

  private static double alsValue(RecflowConfig c, Splits.Split split, Dataset<Row> attributes, String metric) {
    return value(Evaluator.from(c).alsOnly().evaluate(split, attributes), "als", metric);
  }

  private static double value(List<EvalResult> results, String model, String metric) {
    return results.stream().filter(r -> r.model().equals(model) && r.metric().equals(metric))
        .mapToDouble(EvalResult::value).findFirst().orElseThrow();
  }
}
