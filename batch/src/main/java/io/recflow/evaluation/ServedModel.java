package io.recflow.evaluation;

import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.ranking.Candidate;
import io.recflow.ranking.Exploration;
import io.recflow.ranking.ItemSignals;
import io.recflow.ranking.ListRules;
import io.recflow.ranking.Ranker;
import io.recflow.ranking.RankingPipeline;
import io.recflow.ranking.UserSignals;
import io.recflow.training.RankerTrainer;
import io.recflow.training.RankingInputs;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model named {@code served} in evaluations: the server's two-stage pipeline with its
 * exploration, and a ranker trained on the evaluation's training side only (features before, labels
 * from each user's newest interactions within it), never on the test side.
 */
public final class ServedModel {
  /** How a served model is built: the pipeline, its inputs, the ranker's training and exploration. */
  public record Recipe(RankingPipeline pipeline, RankingInputs inputs, RankerTrainer trainer, Exploration exploration,
                       double labelShare) {
    /** The protocol name under which {@link #fit} trains as the nightly job does: on a time split. */
    public static final String NIGHTLY = "time";

    public static Recipe from(RecflowConfig c) {
      return new Recipe(RankingPipeline.from(c), RankingInputs.from(c), RankerTrainer.from(c), Exploration.from(c),
          c.get(Settings.RANKER_HOLDOUT));
    }

    /**
     * Trains the ranker on the training side of a {@code protocol} split alone, labelled by a
     * validation split carved from it the same way, or, for {@link #NIGHTLY}, by the newest
     * interactions as the nightly job trains it; {@code embeddings} (item_id, vector) may be null.
     */
    public ServedModel fit(String protocol, Dataset<Row> train, Dataset<Row> embeddings, int seed) {
      Splits.Split inner = protocol.equals(NIGHTLY) ? Splits.byTime(train, labelShare)
          : Splits.validation(protocol, train, seed);
      RankerTrainer.Trained trained = trainer.fit(inner.train(), inner.test(), embeddings, pipeline);
      inner.train().unpersist();
      LOG.info("ranker trained on the training side: {}; {}", trained.metrics(),
          trained.beatsAlsOrder() ? "used" : "not used (it does not beat the ALS order)");
      // Gated as the nightly job gates it: a ranker that loses to the ALS order is not used.
      Ranker ranker = trained.beatsAlsOrder()
          ? Ranker.trained(trained.model(), trained.features(), pipeline.features(),
              trained.metrics().get(Ranker.PRIOR_CONTENT_WEIGHT)) : Ranker.ALS_ORDER;
      return new ServedModel(this, ranker, trained);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger("recflow");
  private final Recipe recipe;
  private final Ranker ranker;
  private final RankerTrainer.Trained trained;

  private ServedModel(Recipe recipe, Ranker ranker, RankerTrainer.Trained trained) {
    this.recipe = recipe;
    this.ranker = ranker;
    this.trained = trained;
  }

  /** The user's first page of {@code k} items, as the server would list them. */
  public int[] rank(UserSignals user, ItemSignals items, int k) {
    List<Candidate> page = recipe.pipeline().rank(user, items, ranker, recipe.exploration(), ListRules.top(k));
    return page.stream().mapToInt(Candidate::row).toArray();
  }

  /** The ranker's training figures (validation nDCG of the ranker and of the ALS order). */
  public RankerTrainer.Trained trained() {
    return trained;
  }

  public boolean usesTrainedRanker() {
    return ranker.trained();
  }
}
