package io.recflow.ranking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TreeEnsembleTest {
  private static final int GROUPS = 200;
  private static final int ROWS_PER_GROUP = 20;
  private static final int FEATURES = 12;
  private static final int ROWS = GROUPS * ROWS_PER_GROUP;

  /** Seeded rows: ~15% NaN, relevance 0..4 driven by a few features so trees have real structure. */
  private static final class Data {
    final float[] x = new float[ROWS * FEATURES];
    final float[] relevance = new float[ROWS];

    Data(long seed) {
      Random random = new Random(seed);
      for (int i = 0; i < ROWS; i++) {
        for (int j = 0; j < FEATURES; j++) {
          // Coarse values repeat, so many rows sit exactly on the split thresholds XGBoost picks.
          float v = j % 3 == 0 ? Math.round(random.nextGaussian() * 4) / 4f : (float) random.nextGaussian();
          x[i * FEATURES + j] = random.nextDouble() < 0.15 ? Float.NaN : v;
        }
        double signal = nan0(x[i * FEATURES]) + 0.7 * nan0(x[i * FEATURES + 1]) - 0.5 * nan0(x[i * FEATURES + 4])
            + (Float.isNaN(x[i * FEATURES + 2]) ? 1 : 0) + 0.5 * random.nextGaussian();
        relevance[i] = (float) Math.max(0, Math.min(4, Math.floor(signal + 2)));
      }
    }

    float[] row(int i) {
      return Arrays.copyOfRange(x, i * FEATURES, (i + 1) * FEATURES);
    }

    static double nan0(float v) {
      return Float.isNaN(v) ? 0 : v;
    }
  }

  @Test
  void lambdaMartMarginsMatchXgboost() throws Exception {
    Data data = new Data(42);
    DMatrix train = rankingMatrix(data);
    Map<String, Object> params = baseParams("rank:ndcg");
    params.put("eval_metric", "ndcg@10");
    params.put("verbose_eval", 0); // read by XGBoost4J only: metrics land in ndcg instead of the build log
    float[][] ndcg = new float[1][50];
    Booster booster = XGBoost.train(train, params, 50, Map.of("train", train), ndcg, null, null, 0);
    assertTrue(ndcg[0][49] > ndcg[0][0], "training should improve ndcg@10: " + Arrays.toString(ndcg[0]));

    byte[] json = saveJson(booster);
    TreeEnsemble ensemble = TreeEnsemble.parse(json);
    assertEquals(FEATURES, ensemble.featureCount());
    assertMarginsMatch(booster, ensemble, withProbes(data, json));
  }

  @Test
  void theFirstTreesScoreAsAModelTrainedForThatManyRounds() throws Exception {
    Data data = new Data(11);
    DMatrix train = rankingMatrix(data);
    TreeEnsemble thirty = TreeEnsemble.parse(saveJson(XGBoost.train(train, baseParams("rank:ndcg"), 30, Map.of(),
        null, null)));
    TreeEnsemble ten = TreeEnsemble.parse(saveJson(XGBoost.train(train, baseParams("rank:ndcg"), 10, Map.of(),
        null, null)));
    assertEquals(30, thirty.trees());
    boolean differ = false;
    for (int r = 0; r < ROWS; r++) {
      float[] x = Arrays.copyOfRange(data.x, r * FEATURES, (r + 1) * FEATURES);
      assertEquals(ten.score(x), thirty.score(x, 10), 0.0, "row " + r); // boosting is sequential: same first trees
      assertEquals(thirty.score(x), thirty.score(x, 30), 0.0);
      assertEquals(ten.score(x, 0), thirty.score(x, 0), 0.0, "no tree: the base margin");
      differ |= thirty.score(x, 10) != thirty.score(x);
    }
    assertTrue(differ, "the last twenty trees changed no margin");
  }

  /** How RankerTrainer stores "no tree helps": one tree trained with learning rate 0 changes no margin. */
  @Test
  void oneTreeAtLearningRateZeroLeavesEveryMarginAtTheBase() throws Exception {
    Data data = new Data(13);
    DMatrix train = rankingMatrix(data);
    Map<String, Object> params = baseParams("rank:ndcg");
    params.put("eta", 0.0);
    TreeEnsemble none = TreeEnsemble.parse(saveJson(XGBoost.train(train, params, 1, Map.of(), null, null)));
    assertEquals(1, none.trees());
    for (int r = 0; r < ROWS; r++) {
      float[] x = Arrays.copyOfRange(data.x, r * FEATURES, (r + 1) * FEATURES);
      assertEquals(none.score(x, 0), none.score(x), 0.0, "row " + r);
    }
  }

  @Test
  void binaryLogisticMarginsMatchXgboost() throws Exception {
    Data data = new Data(7);
    float[] labels = new float[ROWS];
    for (int i = 0; i < ROWS; i++) labels[i] = data.relevance[i] >= 2 ? 1 : 0;
    DMatrix train = new DMatrix(data.x, ROWS, FEATURES, Float.NaN);
    train.setLabel(labels);
    Booster booster = XGBoost.train(train, baseParams("binary:logistic"), 50, Map.of(), null, null);

    byte[] json = saveJson(booster);
    String baseScore = new ObjectMapper().readTree(json).at("/learner/learner_model_param/base_score").asText();
    assertTrue(!baseScore.equals("[0E0]") && !baseScore.equals("[5E-1]"), "expected a fitted intercept: " + baseScore);
    assertMarginsMatch(booster, TreeEnsemble.parse(json), withProbes(data, json));
  }

  /** Other single-output objectives differ only in the base_score link; a few rounds on small data cover each. */
  @ParameterizedTest
  @ValueSource(strings = {"reg:squarederror", "reg:logistic", "binary:logitraw", "count:poisson", "reg:gamma",
      "reg:tweedie", "reg:absoluteerror", "reg:pseudohubererror"})
  void otherObjectivesMatchXgboost(String objective) throws Exception {
    Data data = new Data(11);
    float[] labels = new float[ROWS];
    for (int i = 0; i < ROWS; i++) labels[i] = 0.05f + data.relevance[i] / 4.5f; // inside (0, 1): valid for all
    DMatrix train = new DMatrix(data.x, ROWS, FEATURES, Float.NaN);
    train.setLabel(labels);
    Booster booster = XGBoost.train(train, baseParams(objective), 10, Map.of(), null, null);
    byte[] json = saveJson(booster);
    assertMarginsMatch(booster, TreeEnsemble.parse(json), withProbes(data, json));
  }

  @Test
  void rejectsInputsThatAreNotScorableModels() throws Exception {
    assertRejected("not json".getBytes(StandardCharsets.UTF_8), "not JSON");
    assertRejected("{}".getBytes(StandardCharsets.UTF_8), "'learner' is missing");
    assertRejected("{\"learner\": []}".getBytes(StandardCharsets.UTF_8), "'gradient_booster' is missing");

    Data data = new Data(3);
    DMatrix train = new DMatrix(data.x, ROWS, FEATURES, Float.NaN);
    train.setLabel(data.relevance);
    Booster ranker = XGBoost.train(train, baseParams("rank:pairwise"), 2, Map.of(), null, null);
    ByteArrayOutputStream ubj = new ByteArrayOutputStream();
    ranker.saveModel(ubj); // default format is UBJSON, the most likely mistake
    assertRejected(ubj.toByteArray(), "saveModel(out, \"json\")");

    Map<String, Object> linear = baseParams("reg:squarederror");
    linear.put("booster", "gblinear");
    assertRejected(saveJson(XGBoost.train(train, linear, 2, Map.of(), null, null)), "booster is 'gblinear'");

    Map<String, Object> multi = baseParams("multi:softprob");
    multi.put("num_class", 5);
    assertRejected(saveJson(XGBoost.train(train, multi, 2, Map.of(), null, null)), "num_class=5");

    ObjectMapper mapper = new ObjectMapper();
    ObjectNode truncated = (ObjectNode) mapper.readTree(saveJson(ranker));
    ((ObjectNode) truncated.at("/learner/gradient_booster/model/trees/0")).remove("split_conditions");
    assertRejected(mapper.writeValueAsBytes(truncated), "'split_conditions' is missing");
    ObjectNode cyclic = (ObjectNode) mapper.readTree(saveJson(ranker));
    ((com.fasterxml.jackson.databind.node.ArrayNode) cyclic.at("/learner/gradient_booster/model/trees/0/left_children"))
        .set(0, 0);
    assertRejected(mapper.writeValueAsBytes(cyclic), "has children 0/");
  }

  private static void assertRejected(byte[] json, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TreeEnsemble.parse(json));
    assertTrue(e.getMessage().contains(expected), () -> "message lacks '" + expected + "': " + e.getMessage());
    assertTrue(e.getMessage().contains("Cause:") && e.getMessage().contains("Fix:"), e.getMessage());
  }

  /** The data as query groups of {@value #ROWS_PER_GROUP} rows, labelled by relevance. */
  private static DMatrix rankingMatrix(Data data) throws Exception {
    DMatrix train = new DMatrix(data.x, ROWS, FEATURES, Float.NaN);
    train.setLabel(data.relevance);
    int[] groups = new int[GROUPS];
    Arrays.fill(groups, ROWS_PER_GROUP);
    train.setGroup(groups);
    return train;
  }

  private static Map<String, Object> baseParams(String objective) {
    Map<String, Object> params = new HashMap<>();
    params.put("objective", objective);
    params.put("nthread", 2);
    params.put("max_depth", 6);
    params.put("eta", 0.1);
    params.put("seed", 17);
    params.put("verbosity", 0); // keeps per-round eval lines and deprecation warnings out of the build log
    return params;
  }

  private static byte[] saveJson(Booster booster) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    booster.saveModel(out, "json");
    return out.toByteArray();
  }

  /**
   * Training rows plus probes placed exactly on, one ulp below and one ulp above every split threshold: those are the
   * rows a double comparison or a mis-parsed threshold would send the wrong way.
   */
  private static float[][] withProbes(Data data, byte[] json) throws Exception {
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) rows.add(data.row(i));
    Random random = new Random(99);
    for (JsonNode tree : new ObjectMapper().readTree(json).at("/learner/gradient_booster/model/trees")) {
      for (int n = 0; n < tree.get("left_children").size(); n++) {
        if (tree.get("left_children").get(n).asInt() == -1) continue;
        float threshold = Float.parseFloat(tree.get("split_conditions").get(n).asText());
        int feature = tree.get("split_indices").get(n).asInt();
        for (float v : new float[] {threshold, Math.nextDown(threshold), Math.nextUp(threshold)}) {
          float[] row = data.row(random.nextInt(ROWS));
          row[feature] = v;
          rows.add(row);
        }
      }
    }
    return rows.toArray(new float[0][]);
  }

  private static void assertMarginsMatch(Booster booster, TreeEnsemble ensemble, float[][] rows) throws Exception {
    float[] flat = new float[rows.length * FEATURES];
    for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * FEATURES, FEATURES);
    // A fresh matrix, so XGBoost walks the trees instead of returning its training-time prediction cache.
    float[][] expected = booster.predict(new DMatrix(flat, rows.length, FEATURES, Float.NaN), true, 0);
    double worst = 0;
    int exact = 0;
    for (int i = 0; i < rows.length; i++) {
      double actual = ensemble.score(rows[i]);
      double diff = Math.abs(actual - expected[i][0]);
      worst = Math.max(worst, diff);
      if (diff == 0) exact++;
      double tolerance = 1e-5 * Math.max(1, Math.abs(expected[i][0]));
      int row = i;
      assertTrue(diff <= tolerance, () -> "row " + row + ": expected " + expected[row][0] + " got " + actual);
    }
    System.out.printf("%d rows, %d bit-exact, max |diff| %.3g%n", rows.length, exact, worst);
  }
}
