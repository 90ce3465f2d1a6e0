package io.recflow.batch;

import io.recflow.core.ItemMatrix;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Source;
import io.recflow.core.Tables.Status;
import io.recflow.sequence.SequenceModel;
import io.recflow.spark.Schemas;
import io.recflow.spark.Vectors;
import io.recflow.spark.Warehouse;
import io.recflow.training.RankingInputs;
import io.recflow.training.SequenceFit;
import io.recflow.training.SequenceTrainer;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The nightly job's sequence stage. The model is trained on the interactions before the ranker's
 * label window, the same side the ranker's features are computed from, so that the ranker learns
 * how far to trust a sequence model that has not seen what it is asked to predict; the server runs
 * that same model over each user's full, live history. Every user's newest item (users with at
 * least three) is held out for early stopping; the model is stored as {@code published} only if it
 * then beats the popularity ranking on those items, else as {@code rejected} (the server and the
 * ranker then do without it, and the rest of the version is unaffected).
 */
final class SequenceStage {
  private final Warehouse warehouse;
  private final RecflowConfig config;

  SequenceStage(Warehouse warehouse, RecflowConfig config) {
    this.warehouse = warehouse;
    this.config = config;
  }

  /**
   * @param before user_id, item_id, confidence, ts: the interactions before the ranker's cutoff
   * @param itemFactors the version's item factors (id, vector): the catalog the model ranks
   * @param embeddings item_id, vector, or null for a model of id vectors only
   */
  SequenceFit.Result run(Dataset<Row> before, Dataset<Row> itemFactors, Dataset<Row> embeddings, long version,
                         Timestamp now) {
    ItemMatrix catalog = Vectors.collectMatrix(itemFactors);
    ItemMatrix text = embeddings == null ? null : RankingInputs.alignedEmbeddings(embeddings, catalog);
    SequenceFit.Result fit = SequenceFit.of(SequenceTrainer.from(config), before, catalog, text);
    write(fit, fit.beatsPopularity() ? Status.PUBLISHED : Status.REJECTED, version, now);
    return fit;
  }

  private void write(SequenceFit.Result fit, String status, long version, Timestamp now) {
    SequenceModel model = fit.model();
    List<Row> weights = new ArrayList<>();
    model.weights().forEach((name, values) -> weights.add(RowFactory.create(version, name, Vectors.toSeq(values))));
    warehouse.append(Tables.SEQUENCE_WEIGHTS, warehouse.spark().createDataFrame(weights,
        Schemas.of(Tables.SEQUENCE_WEIGHTS)));
    List<Row> items = new ArrayList<>(model.items().size());
    int d = model.items().rank();
    for (int r = 0; r < model.items().size(); r++) {
      float[] v = Arrays.copyOfRange(model.items().values(), r * d, (r + 1) * d);
      items.add(RowFactory.create(version, model.items().id(r), Vectors.toSeq(v),
          fit.textOnly().get(r) ? Source.CONTENT : Source.SEQUENCE));
    }
    warehouse.append(Tables.SEQUENCE_ITEMS, warehouse.spark().createDataFrame(items,
        Schemas.of(Tables.SEQUENCE_ITEMS)));
    // The model row last: a reader that finds it finds the weights and items complete.
    Row row = RowFactory.create(version, status, model.params().toMap(), fit.metrics(), now);
    warehouse.append(Tables.SEQUENCE_MODELS, warehouse.spark().createDataFrame(List.of(row),
        Schemas.of(Tables.SEQUENCE_MODELS)));
  }
}
