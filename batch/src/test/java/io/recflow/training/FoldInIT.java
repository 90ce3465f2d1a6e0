package io.recflow.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.FoldIn;
import io.recflow.core.InterestWeighting;
import io.recflow.core.ItemMatrix;
import io.recflow.core.ModelParams;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Tables.Col;
import io.recflow.ingest.Ingest;
import io.recflow.ingest.Input;
import io.recflow.spark.SparkFixture;
import io.recflow.spark.Vectors;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The fold-in in core reproduces Spark's own implicit ALS user factors: the last half-iteration
 * of ALS solves each user against the final item factors, which is exactly what FoldIn computes.
 */
class FoldInIT {
  @Test
  void foldingInAUsersFullHistoryReproducesTheTrainedFactor() {
    RecflowConfig config = SparkFixture.config(Map.of("als.rank", "12", "als.alpha", "2.0", "als.regParam", "0.3",
        "interest.rating.neutral", "3"));
    Input input = Input.read(SparkFixture.spark(), "csv", SparkFixture.syntheticData(150, 300, 12_000).toString());
    Dataset<Row> events = Ingest.acceptedEvents(input, io.recflow.core.EventValidator.from(config),
        Timestamp.from(Instant.parse("2026-01-02T00:00:00Z")));
    Dataset<Row> interactions = InterestModel.interactions(events, InterestWeighting.from(config)).cache();
    assertTrue(interactions.filter(interactions.col(Col.CONFIDENCE).lt(0)).count() > 0,
        "the data should exercise negative preferences too");
    ModelParams params = ModelParams.from(config);
    AlsTrainer.Factors factors = AlsTrainer.train(interactions, params);
    ItemMatrix items = Vectors.collectMatrix(factors.items());
    FoldIn foldIn = new FoldIn(items, params.alpha(), params.regParam());

    Map<String, Map<Integer, Double>> history = new HashMap<>();
    for (Row r : interactions.select(Col.USER_ID, Col.ITEM_ID, Col.CONFIDENCE).collectAsList()) {
      history.computeIfAbsent(r.getString(0), u -> new HashMap<>()).put(items.row(r.getString(1)), r.getDouble(2));
    }
    double worst = 0;
    int users = 0;
    for (Row r : factors.users().collectAsList()) {
      float[] trained = Vectors.toFloats(r.getList(1));
      float[] folded = foldIn.solve(history.get(r.getString(0)));
      double diff = 0;
      double norm = 0;
      for (int f = 0; f < trained.length; f++) {
        diff += (trained[f] - folded[f]) * (trained[f] - folded[f]);
        norm += trained[f] * trained[f];
      }
      if (norm > 0) {
        worst = Math.max(worst, Math.sqrt(diff / norm));
        users++;
      }
    }
    assertEquals(150, users);
    assertTrue(worst <= 1e-3, "max relative difference " + worst);
  }
}
