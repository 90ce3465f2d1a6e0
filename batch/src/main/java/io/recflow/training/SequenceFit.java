package io.recflow.training;

import io.recflow.core.ItemMatrix;
import io.recflow.core.RankingMetrics;
import io.recflow.core.TopK;
import io.recflow.sequence.SequenceModel;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The sequence model fitted to a table of interactions and judged, as the nightly job and the
 * evaluator's {@code served} model both train it: every user's history in order, the newest item of
 * each user with at least three held out for early stopping, and the result compared with ranking
 * those same items by popularity. A model that does not beat popularity is not used.
 */
public final class SequenceFit {
  private static final int K = 10;

  /** A trained model, its figures (the trainer's and {@code popularity_validation_ndcg}) and the verdict. */
  public record Result(SequenceModel model, Map<String, Double> metrics, BitSet textOnly) {
    /** Whether the model's validation nDCG@10 beats the popularity ranking's on the same items. */
    public boolean beatsPopularity() {
      return metrics.get("validation_ndcg") > metrics.get("popularity_validation_ndcg");
    }

    /** The model when it may be used, else null. */
    public SequenceModel usable() {
      return beatsPopularity() ? model : null;
    }
  }

  private SequenceFit() {}

  /**
   * @param interactions user_id, item_id, ts (and other columns)
   * @param catalog the items the model ranks (ids only are read)
   * @param text text embeddings aligned with {@code catalog}, or null
   */
  public static Result of(SequenceTrainer trainer, Dataset<Row> interactions, ItemMatrix catalog, ItemMatrix text) {
    Map<String, int[]> train = new HashMap<>();
    Map<String, Integer> validation = new HashMap<>();
    Sequences.of(interactions, catalog).forEach((user, history) -> {
      boolean holdOut = history.length >= 3;
      train.put(user, holdOut ? Arrays.copyOf(history, history.length - 1) : history);
      if (holdOut) {
        validation.put(user, history[history.length - 1]);
      }
    });
    SequenceTrainer.Trained trained = trainer.fit(catalog, text, train, validation);
    Map<String, Double> metrics = new LinkedHashMap<>(trained.metrics());
    metrics.put("popularity_validation_ndcg", popularityNdcg(catalog.size(), train, validation));
    return new Result(trained.model(), metrics, trained.textOnly());
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
