package io.recflow.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.cli.EvalCommand;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Tables.Col;
import io.recflow.ingest.Input;
import io.recflow.spark.SparkFixture;
import io.recflow.training.EmbeddingModel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The cold-items protocol on a synthetic shop whose item texts carry their category's words. */
class ColdItemEvaluatorIT {
  @Test
  void textProjectionRanksHeldOutItemsFarBetterThanChance() {
    RecflowConfig config = SparkFixture.config(Map.of("eval.coldSplits", "2"));
    Input input = Input.read(SparkFixture.spark(), "csv", SparkFixture.syntheticData(300, 400, 30_000).toString());
    Dataset<Row> interactions = EvalCommand.interactions(input, config);
    Dataset<Row> embeddings = EmbeddingModel.load(SparkFixture.newWarehouse())
        .embed(input.items().select(Col.ITEM_ID, Col.TEXT)).select(Col.ITEM_ID, Col.VECTOR).cache();
    List<EvalResult> results = ColdItemEvaluator.from(config).evaluate(interactions, embeddings, input.items());

    double content = value(results, "content", "ndcg");
    double random = value(results, "random", "ndcg");
    double oracle = value(results, "popularity-oracle", "ndcg");
    assertTrue(content > 2 * random, "content " + content + " vs random " + random);
    assertTrue(oracle > random, "the oracle peeks, so it must beat chance: " + oracle);
    assertTrue(value(results, "attributes", "ndcg") > random, "categories alone carry signal here too");
    assertTrue(value(results, "content", "users") > 50);
    assertEquals(value(results, "content", "users"), value(results, "random", "users"));
    results.forEach(r -> assertTrue(Set.of(ColdItemEvaluator.PROTOCOL, ColdItemEvaluator.IN_CATALOG)
        .contains(r.protocol()), r.toString()));

    // Among the whole catalogue a held-out item can only rank lower than among the held-out items.
    for (String model : List.of("content", "attributes")) {
      double among = value(results, ColdItemEvaluator.PROTOCOL, model, "ndcg");
      double all = value(results, ColdItemEvaluator.IN_CATALOG, model, "ndcg");
      assertTrue(all <= among + 1e-9, model + ": " + all + " in the catalogue vs " + among + " among held-out");
      assertEquals(value(results, ColdItemEvaluator.PROTOCOL, model, "users"),
          value(results, ColdItemEvaluator.IN_CATALOG, model, "users"));
    }
    assertTrue(value(results, ColdItemEvaluator.IN_CATALOG, "content", "ndcg") > 0,
        "content placement lets held-out items into some users' top-k among warm items");
    // Two splits: each figure is their mean, and the ranking metrics carry their spread.
    double se = value(results, "content", "ndcg_se");
    assertTrue(se >= 0 && se < content, "standard error " + se + " of a mean nDCG of " + content);
  }

  private static double value(List<EvalResult> results, String model, String metric) {
    return value(results, ColdItemEvaluator.PROTOCOL, model, metric);
  }

  private static double value(List<EvalResult> results, String protocol, String model, String metric) {
    return results.stream().filter(r -> r.protocol().equals(protocol) && r.model().equals(model)
            && r.metric().equals(metric))
        .mapToDouble(EvalResult::value).findFirst().orElseThrow(() -> new AssertionError(model + " " + metric));
  }
}
