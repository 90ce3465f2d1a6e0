package io.recflow.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.Tables.Col;
import io.recflow.spark.SparkFixture;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The next-item protocol on histories that follow chains: what comes next is knowable only from order. */
class NextItemEvaluatorIT {
  private static final StructType SCHEMA = new StructType().add(Col.USER_ID, DataTypes.StringType)
      .add(Col.ITEM_ID, DataTypes.StringType).add(Col.CONFIDENCE, DataTypes.DoubleType)
      .add(Col.TS, DataTypes.TimestampType);
  private static final int CHAINS = 10;
  private static final int LENGTH = 12;
  private static final int USERS = 300;

  /**
   * Item c*LENGTH + j is followed by c*LENGTH + (j + 1) mod LENGTH in every history: each user walks
   * 4 to 8 steps around one cycle from a random start, one step a minute. Cycles rather than chains,
   * so every step is somebody's training step (a chain's last items would only ever be test items).
   */
  private static List<Row> chainWalks() {
    Random rnd = new Random(SparkFixture.SEED);
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      int chain = rnd.nextInt(CHAINS);
      int steps = 4 + rnd.nextInt(5);
      int start = rnd.nextInt(LENGTH);
      for (int s = 0; s < steps; s++) {
        rows.add(RowFactory.create("u" + u, "i" + (chain * LENGTH + (start + s) % LENGTH), 1.0,
            new Timestamp(1_700_000_000_000L + (u * 100L + s) * 60_000)));
      }
    }
    return rows;
  }

  @Test
  void transitionsAndTheSequenceModelPredictTheNextStepWherePopularityCannot() {
    // A small sequence model: the rule needs no more, and it keeps the test quick.
    List<EvalResult> results = NextItemEvaluator.from(SparkFixture.config(Map.of("sequence.length", "10",
            "sequence.dim", "16", "sequence.learningRate", "0.01", "sequence.epochs", "30")))
        .evaluate(SparkFixture.spark().createDataFrame(chainWalks(), SCHEMA), null);

    results.forEach(r -> assertEquals(NextItemEvaluator.PROTOCOL, r.protocol()));
    for (String model : List.of("popularity", "als", "transitions", "sequence", "served")) {
      assertEquals(USERS, value(results, model, "users"), model + ": every user has at least three interactions");
    }
    double transitions = value(results, "transitions", "recall");
    double popularity = value(results, "popularity", "recall");
    // The test item always follows the validation item, and every chain step is seen in training.
    assertTrue(transitions > 0.9, "transitions hit rate " + transitions);
    assertTrue(popularity < 0.5, "popularity hit rate " + popularity);
    assertTrue(value(results, "sequence", "recall") > 0.9, "the sequence model learns the rule too: " + results);
    assertTrue(value(results, "served", "recall") > popularity,
        "the served pipeline has the transitions as a source: " + results);
  }

  private static double value(List<EvalResult> results, String model, String metric) {
    return results.stream().filter(r -> r.model().equals(model) && r.metric().equals(metric))
        .mapToDouble(EvalResult::value).findFirst().orElseThrow(() -> new AssertionError(model + " " + metric));
  }
}
