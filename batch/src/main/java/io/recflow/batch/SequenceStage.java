package io.recflow.batch;

import io.recflow.core.ItemMatrix;
import io.recflow.core.RankingMetrics;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.core.Tables.Source;
import io.recflow.core.Tables.Status;
import io.recflow.core.TopK;
import io.recflow.sequence.SequenceModel;
import io.recflow.spark.Schemas;
import io.recflow.spark.Vectors;
import io.recflow.spark.Warehouse;
import io.recflow.training.RankingInputs;
import io.recflow.training.SequenceTrainer;
import io.recflow.training.Sequences;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The nightly job's sequence stage: every user's history, their newest item held out for
 * validation (users with at least three items), trains the sequence model over the version's item
 * catalog; the model is stored as {@code published} only if its validation nDCG@10 beats the
 * popularity ranking's on the same items, else as {@code rejected} (the server then does without it,
 * and the rest of the version is unaffected).
 */
final class SequenceStage {
  private static final int K = 10;
  private final Warehouse warehouse;
  private final RecflowConfig config;

  SequenceStage(Warehouse warehouse, RecflowConfig config) {
    this.warehouse = warehouse;
    this.config = config;
  }

  /** What the stage stored: the decision and the figures behind it. */
  record Result(String status, Map<String, Double> metrics) {}

  /**
   * @param interactions user_id, item_id, confidence, ts of the version
   * @param itemFactors the version's item factors (id, vector): the catalog the model ranks
   * @param embeddings item_id, vector, or null for a model of id vectors only
   */
  Result run(Dataset<Row> interactions, Dataset<Row> itemFactors, Dataset<Row> embeddings, long version,
             Timestamp now) {
    ItemMatrix catalog = Vectors.collectMatrix(itemFactors.select(Col.ID, Col.VECTOR));
    ItemMatrix text = embeddings == null ? null : RankingInputs.alignedEmbeddings(embeddings, catalog);
    Map<String, int[]> train = new HashMap<>();
    Map<String, Integer> validation = new HashMap<>();
    Sequences.of(interactions, catalog).forEach((user, history) -> {
      boolean holdOut = history.length >= 3;
      train.put(user, holdOut ? Arrays.copyOf(history, history.length - 1) : history);
      if (holdOut) {
        validation.put(user, history[history.length - 1]);
      }
    });
    SequenceTrainer.Trained trained = SequenceTrainer.from(config).fit(catalog, text, train, validation);
    Map<String, Double> metrics = new LinkedHashMap<>(trained.metrics());
    metrics.put("popularity_validation_ndcg", popularityNdcg(catalog.size(), train, validation));
    String status = metrics.get("validation_ndcg") > metrics.get("popularity_validation_ndcg") ? Status.PUBLISHED
        : Status.REJECTED;
    write(trained, metrics, status, version, now);
    return new Result(status, metrics);
  }

  private void write(SequenceTrainer.Trained trained, Map<String, Double> metrics, String status, long version,
                     Timestamp now) {
    SequenceModel model = trained.model();
    List<Row> weights = new ArrayList<>();
    model.weights().forEach((name, values) -> weights.add(RowFactory.create(version, name, Vectors.toSeq(values))));
    warehouse.append(Tables.SEQUENCE_WEIGHTS, warehouse.spark().createDataFrame(weights,
        Schemas.of(Tables.SEQUENCE_WEIGHTS)));
    List<Row> items = new ArrayList<>(model.items().size());
    int d = model.items().rank();
    for (int r = 0; r < model.items().size(); r++) {
      float[] v = Arrays.copyOfRange(model.items().values(), r * d, (r + 1) * d);
      items.add(RowFactory.create(version, model.items().id(r), Vectors.toSeq(v),
          trained.textOnly().get(r) ? Source.CONTENT : Source.SEQUENCE));
    }
    warehouse.append(Tables.SEQUENCE_ITEMS, warehouse.spark().createDataFrame(items,
        Schemas.of(Tables.SEQUENCE_ITEMS)));
    // The model row last: a reader that finds it finds the weights and items complete.
    Row row = RowFactory.create(version, status, model.params().toMap(), metrics, now);
    warehouse.append(Tables.SEQUENCE_MODELS, warehouse.spark().createDataFrame(List.of(row),
        Schemas.of(Tables.SEQUENCE_MODELS)));
  }

  /** nDCG@10 of ranking every validation item by its training popularity, the user's history excluded. */
  static double popularityNdcg(int items, Map<String, int[]> train, Map<String, Integer> validation) {
    float[] count = new float[items];
    train.values().forEach(h -> Arrays.stream(h).forEach(r -> count[r]++));
    int[] ranking = TopK.byScore(count, items, r -> false);
    double ndcg = 0;
    for (Map.Entry<String, Integer> e : validation.entrySet()) {
      BitSet seen = new BitSet();
      Arrays.stream(train.get(e.getKey())).forEach(seen::set);
      ndcg += RankingMetrics.score(TopK.fromRanking(ranking, K, seen::get), Set.of(e.getValue()), K).ndcg();
    }
    return validation.isEmpty() ? 0 : ndcg / validation.size();
  }
}
