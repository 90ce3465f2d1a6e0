package io.recflow.evaluation;

import io.recflow.core.ItemMatrix;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.core.Tables.Col;
import io.recflow.ranking.Candidate;
import io.recflow.ranking.Exploration;
import io.recflow.ranking.ItemSignals;
import io.recflow.ranking.ListRules;
import io.recflow.ranking.Ranker;
import io.recflow.ranking.RankingPipeline;
import io.recflow.ranking.SequenceSource;
import io.recflow.ranking.UserSignals;
import io.recflow.sequence.SequenceModel;
import io.recflow.training.RankerTrainer;
import io.recflow.training.RankingInputs;
import io.recflow.training.SequenceFit;
import io.recflow.training.SequenceTrainer;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model named {@code served} in evaluations: the server's two-stage pipeline with its
 * exploration, and a ranker trained on the evaluation's training side only (features before, labels
 * from each user's newest interactions within it), never on the test side.
 */
public final class ServedModel {
  /**
   * How a served model is built: the pipeline, its inputs, the ranker's training, the sequence
   * model's training (null when the run has none) and exploration.
   */
  public record Recipe(RankingPipeline pipeline, RankingInputs inputs, RankerTrainer trainer,
                       SequenceTrainer sequence, Exploration exploration, String labelSplit, double labelShare) {
    /** The protocol name under which {@link #fit} trains as the nightly job does (ranker.labelSplit). */
    public static final String NIGHTLY = "time";

    public static Recipe from(RecflowConfig c) {
      RankingPipeline pipeline = RankingPipeline.from(c);
      boolean sequence = c.get(Settings.SEQUENCE_ENABLED)
          && pipeline.sources().stream().anyMatch(s -> s.name().equals(SequenceSource.NAME));
      return new Recipe(pipeline, RankingInputs.from(c), RankerTrainer.from(c),
          sequence ? SequenceTrainer.from(c) : null, Exploration.from(c), c.get(Settings.RANKER_LABEL_SPLIT),
          c.get(Settings.RANKER_HOLDOUT));
    }

    /**
     * Trains the ranker (and the sequence model behind one of its features) on the training side of
     * a {@code protocol} split alone, labelled by a validation split carved from it the same way, or,
     * for {@link #NIGHTLY}, by the newest interactions as the nightly job trains it;
     * {@code embeddings} (item_id, vector) may be null.
     */
    public ServedModel fit(String protocol, Dataset<Row> train, Dataset<Row> embeddings, int seed) {
      Splits.Split inner = protocol.equals(NIGHTLY) ? Splits.forRanker(train, labelSplit, labelShare)
          : Splits.validation(protocol, train, seed);
      SequenceModel model = sequence == null ? null : fitSequence(inner.train(), embeddings);
      RankerTrainer.Trained trained = trainer.fit(inner.train(), inner.test(), embeddings, model, pipeline);
      inner.train().unpersist();
      LOG.info("ranker trained on the training side: {}; {}", trained.metrics(),
          trained.beatsAlsOrder() ? "used" : "not used (it does not beat the ALS order)");
      // Gated as the nightly job gates it: a ranker that loses to the ALS order is not used.
      Ranker ranker = trained.beatsAlsOrder()
          ? Ranker.trained(trained.model(), trained.features(), pipeline.features().names(),
              trained.metrics().get(Ranker.PRIOR_CONTENT_WEIGHT)) : Ranker.ALS_ORDER;
      return new ServedModel(this, ranker, trained, model);
    }

    /**
     * The sequence model of the ranker's side, over every item it or the embeddings name; null when it
     * does not beat popularity.
     */
    private SequenceModel fitSequence(Dataset<Row> before, Dataset<Row> embeddings) {
      Dataset<Row> ids = before.select(Col.ITEM_ID);
      if (embeddings != null) {
        ids = ids.union(embeddings.select(Col.ITEM_ID));
      }
      List<String> catalogIds = ids.distinct().orderBy(Col.ITEM_ID).as(Encoders.STRING()).collectAsList();
      ItemMatrix catalog = new ItemMatrix(catalogIds, java.util.Collections.nCopies(catalogIds.size(), new float[0]));
      SequenceFit.Result fit = SequenceFit.of(sequence, before, catalog,
          embeddings == null ? null : RankingInputs.alignedEmbeddings(embeddings, catalog));
      LOG.info("sequence model trained on the ranker's side: {}; {}", fit.metrics(),
          fit.beatsPopularity() ? "used" : "not used (it does not beat popularity)");
      return fit.usable();
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger("recflow");
  private final Recipe recipe;
  private final Ranker ranker;
  private final RankerTrainer.Trained trained;
  private final SequenceModel sequence;

  private ServedModel(Recipe recipe, Ranker ranker, RankerTrainer.Trained trained, SequenceModel sequence) {
    this.recipe = recipe;
    this.ranker = ranker;
    this.trained = trained;
    this.sequence = sequence;
  }

  /** The sequence model this served model ranks with (pass it to the item signals), or null. */
  public SequenceModel sequence() {
    return sequence;
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
