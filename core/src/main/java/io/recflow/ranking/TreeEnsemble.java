package io.recflow.ranking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Set;

/**
 * Scores an XGBoost {@code gbtree} model from its JSON save format ({@code Booster.saveModel(out, "json")} or a path
 * ending in {@code .json}) in plain Java.
 *
 * <p>The serving path must not depend on XGBoost: its JNI library is platform specific (~17 MB per OS/arch) and
 * loading it into a request-serving JVM couples every deploy to the trainer's native build. Scoring a trained
 * ensemble is only tree walks and a sum, so this class reproduces {@code Booster.predict(matrix, outputMargin = true)}
 * bit for bit: float32 thresholds and accumulation, NaN as missing, and the objective's link applied to
 * {@code base_score}.
 *
 * <p>Nodes of all trees live in one int array, four ints a node, so a step of a walk reads one cache line rather than
 * one from each of five arrays (the walks are a quarter of a served request's time). Instances are immutable and safe
 * to share across threads.
 */
public final class TreeEnsemble {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  // base_score is saved in output space (e.g. a probability); XGBoost starts the margin at link(base_score).
  private static final Set<String> IDENTITY = Set.of("rank:ndcg", "rank:pairwise", "rank:map", "reg:squarederror",
      "reg:linear", "reg:squaredlogerror", "reg:pseudohubererror", "reg:absoluteerror", "reg:quantileerror",
      "binary:logitraw", "binary:hinge");
  private static final Set<String> LOGIT = Set.of("binary:logistic", "reg:logistic");
  private static final Set<String> LOG = Set.of("count:poisson", "reg:gamma", "reg:tweedie", "survival:cox",
      "survival:aft");

  private final int featureCount;
  private final float baseMargin;
  private final int[] roots; // offsets into nodes
  /**
   * Per node at offset o: nodes[o] the left child's offset (-1 on a leaf), nodes[o + 1] the right child's,
   * nodes[o + 2] the split feature with bit 31 set when a missing value goes left, nodes[o + 3] the float bits of the
   * threshold, or of the leaf value on a leaf (XGBoost stores both in one field).
   */
  private final int[] nodes;
  private static final int STRIDE = 4;
  private static final int DEFAULT_LEFT = 0x8000_0000;

  /** Reads a model; throws {@link IllegalArgumentException} saying what is wrong and how to fix it. */
  public static TreeEnsemble parse(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      String why = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
      throw fail("bytes are not JSON (" + why + ")", "Booster.saveModel(OutputStream) and paths not ending in .json "
          + "write binary UBJSON", "save with saveModel(out, \"json\") or a \"model.json\" path");
    }
    JsonNode learner = require(root, "learner");
    JsonNode booster = require(learner, "gradient_booster");
    String boosterName = booster.path("name").asText();
    if (!"gbtree".equals(boosterName)) {
      throw fail("booster is '" + boosterName + "', only 'gbtree' is supported", "gblinear has no trees and dart "
          + "rescales trees at predict time", "retrain with booster=gbtree (the default)");
    }
    JsonNode params = require(learner, "learner_model_param");
    int features = params.path("num_feature").asInt(0);
    if (features <= 0) {
      throw fail("learner_model_param.num_feature is missing or 0", "the model is truncated or was never trained",
          "save the model after XGBoost.train returns");
    }
    if (params.path("num_class").asInt(0) > 1 || params.path("num_target").asInt(1) > 1) {
      throw fail("model has num_class=" + params.path("num_class").asText() + ", num_target="
          + params.path("num_target").asText(), "this scorer produces one margin per row",
          "train a single-output objective such as rank:ndcg or binary:logistic");
    }
    String objective = require(learner, "objective").path("name").asText();
    float base = parseBaseScore(require(params, "base_score").asText());
    if (LOGIT.contains(objective)) {
      float p = Math.min(Math.max(base, 1e-6f), 1f - 1e-6f);
      base = (float) -Math.log(1f / p - 1f); // same float steps as XGBoost's common::Logit
    } else if (LOG.contains(objective)) {
      base = (float) Math.log(base);
    } else if (!IDENTITY.contains(objective)) {
      throw fail("objective '" + objective + "' is not supported", "its base_score link is unknown here",
          "use a single-output ranking, regression or binary objective, or extend TreeEnsemble");
    }
    JsonNode trees = require(require(booster, "model"), "trees");
    if (!trees.isArray()) throw fail("'trees' is not an array", "the JSON is corrupt", "re-export the model");
    return new TreeEnsemble(features, base, trees);
  }

  private TreeEnsemble(int featureCount, float baseMargin, JsonNode trees) {
    this.featureCount = featureCount;
    this.baseMargin = baseMargin;
    int total = 0;
    for (JsonNode tree : trees) total += require(tree, "left_children").size();
    roots = new int[trees.size()];
    nodes = new int[total * STRIDE];
    int offset = 0;
    for (int t = 0; t < trees.size(); t++) {
      JsonNode tree = trees.get(t);
      if (tree.path("tree_param").path("size_leaf_vector").asInt(1) > 1) {
        throw fail("tree " + t + " has vector leaves", "it was trained with multi_strategy=multi_output_tree",
            "train with the default one_output_per_tree strategy");
      }
      JsonNode l = tree.get("left_children");
      int n = l.size();
      if (n == 0 || !l.isArray()) throw corrupt(t, "left_children is empty or not an array");
      JsonNode r = array(tree, "right_children", n, t);
      JsonNode idx = array(tree, "split_indices", n, t);
      JsonNode cond = array(tree, "split_conditions", n, t);
      JsonNode dflt = array(tree, "default_left", n, t);
      JsonNode types = tree.path("split_type");
      roots[t] = offset * STRIDE;
      for (int i = 0; i < n; i++) {
        int k = (offset + i) * STRIDE;
        if (!cond.get(i).isNumber()) throw corrupt(t, "split_conditions[" + i + "] is not a number");
        // Decimal -> float directly: going through double can round twice and move a threshold by one ulp.
        nodes[k + 3] = Float.floatToRawIntBits(Float.parseFloat(cond.get(i).asText()));
        int li = l.get(i).asInt();
        int ri = r.get(i).asInt();
        if (li == -1) {
          nodes[k] = -1;
          continue;
        }
        // XGBoost appends children after parents; enforcing it also rules out cycles that would hang score().
        if (li <= i || ri <= i || li >= n || ri >= n) throw corrupt(t, "node " + i + " has children " + li + "/" + ri);
        if (types.path(i).asInt(0) != 0) {
          throw fail("tree " + t + " has a categorical split", "categorical features need category sets, not "
              + "thresholds", "train with enable_categorical=false or one-hot encode");
        }
        int feature = idx.get(i).asInt();
        if (feature < 0 || feature >= featureCount) throw corrupt(t, "split on feature " + feature);
        nodes[k] = (offset + li) * STRIDE;
        nodes[k + 1] = (offset + ri) * STRIDE;
        // 0/1 in 1.x+ JSON; asBoolean also accepts true/false
        nodes[k + 2] = feature | (dflt.get(i).asBoolean() ? DEFAULT_LEFT : 0);
      }
      offset += n;
    }
  }

  /**
   * Raw margin for one row, equal to {@code Booster.predict(m, true, 0)}. {@code NaN} means missing. The sum is kept
   * in float32 in tree order because that is how XGBoost accumulates, so results match exactly rather than closely.
   */
  public double score(float[] features) {
    return score(features, roots.length);
  }

  /**
   * The margin of the first {@code trees} trees only, what the model would score had it been
   * trained for that many rounds: how a trainer picks the number of rounds by validation.
   */
  public double score(float[] features, int trees) {
    if (features.length != featureCount) {
      throw new IllegalArgumentException("Expected " + featureCount + " features, got " + features.length
          + "; the feature vector must use the column order the model was trained with");
    }
    float sum = baseMargin;
    for (int t = 0; t < Math.min(trees, roots.length); t++) {
      int node = roots[t];
      while (nodes[node] >= 0) {
        int split = nodes[node + 2];
        float x = features[split & ~DEFAULT_LEFT];
        // x != x is the NaN test: a missing value takes the learned default branch.
        boolean goLeft = x != x ? split < 0 : x < Float.intBitsToFloat(nodes[node + 3]);
        node = goLeft ? nodes[node] : nodes[node + 1];
      }
      sum += Float.intBitsToFloat(nodes[node + 3]);
    }
    return sum;
  }

  public int featureCount() {
    return featureCount;
  }

  public int trees() {
    return roots.length;
  }

  private static float parseBaseScore(String text) {
    // XGBoost 2.x+ writes a vector "[5E-1]" (one entry per target); 1.x wrote a bare "5E-1".
    String s = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    try {
      return Float.parseFloat(s.trim());
    } catch (NumberFormatException e) {
      throw fail("base_score '" + text + "' is not one number", "the model has several targets or is corrupt",
          "train a single-output objective");
    }
  }

  private static JsonNode require(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      throw fail("field '" + field + "' is missing", "the JSON is not an XGBoost model saved by Booster.saveModel",
          "pass the file written by saveModel(out, \"json\")");
    }
    return node;
  }

  private static JsonNode array(JsonNode tree, String field, int length, int t) {
    JsonNode node = require(tree, field);
    if (!node.isArray() || node.size() != length) throw corrupt(t, field + " is not an array of " + length + " nodes");
    return node;
  }

  private static IllegalArgumentException corrupt(int tree, String problem) {
    return fail("tree " + tree + ": " + problem, "the JSON was truncated or edited after XGBoost wrote it",
        "re-export it with saveModel(out, \"json\")");
  }

  private static IllegalArgumentException fail(String problem, String cause, String fix) {
    return new IllegalArgumentException("Not a scorable XGBoost model: " + problem + ". Cause: " + cause + ". Fix: "
        + fix + ".");
  }
}
