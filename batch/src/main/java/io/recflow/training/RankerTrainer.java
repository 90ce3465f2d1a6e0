package io.recflow.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import io.recflow.core.ItemMatrix;
import io.recflow.core.ModelParams;
import io.recflow.core.RankingMetrics;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.core.Tables.Col;
import io.recflow.ranking.Candidate;
import io.recflow.ranking.Features;
import io.recflow.ranking.ItemSignals;
import io.recflow.ranking.ListRules;
import io.recflow.ranking.Ranker;
import io.recflow.ranking.TreeEnsemble;
import io.recflow.ranking.RankingPipeline;
import io.recflow.ranking.UserSignals;
import io.recflow.sequence.SequenceModel;
import io.recflow.spark.Vectors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Trains the ranker: a LambdaMART tree ensemble (XGBoost, {@code rank:ndcg}) on the driver. The
 * features are computed as of a cutoff, from the interactions before it (ALS retrained on those),
 * and each user's candidates are labelled by the items they interacted with after it; users are
 * the queries. The trees correct the hybrid prior ({@link Ranker#prior}). Two folds over users
 * compare the trained order with the ALS order on the same candidates, the figure its gate reads,
 * and choose how many trees to keep. The model is stored as XGBoost's JSON, which core's
 * {@code TreeEnsemble} scores without XGBoost.
 */
public final class RankerTrainer {
  /** Lists (users with a label among their candidates) below which no ranker is trained. */
  public static final int MIN_LISTS = 20;

  /** A trained ranker (null when there were too few lists to train one), the features it reads and its figures. */
  public record Trained(byte[] model, List<String> features, Map<String, Double> metrics) {
    /** Whether a ranker was trained and its order beat the ALS order in cross-validation (nDCG@10). */
    public boolean beatsAlsOrder() {
      return model != null && metrics.get("ndcg_ranker") > metrics.get("ndcg_als_order");
    }
  }

  private static final int K = 10;
  private final ModelParams als;
  private final RankingInputs inputs;
  private final int rounds;
  private final int depth;
  private final double eta;
  private final int maxUsers;
  private final int seed;
  private final String objective;
  private final double minChildWeight;
  private final double projectionLambda;
  private final double contentWeight;

  /**
   * @param contentWeight the prior's content weight (hybrid.contentWeight): the trees correct
   *     (1 − w)·z(ALS) + w·z(content), the hybrid order tuned on validation
   */
  public RankerTrainer(ModelParams als, RankingInputs inputs, String objective, int rounds, int depth, double eta,
                       double minChildWeight, int maxUsers, int seed, double projectionLambda, double contentWeight) {
    this.projectionLambda = projectionLambda;
    this.contentWeight = contentWeight;
    this.objective = objective;
    this.minChildWeight = minChildWeight;
    this.als = als;
    this.inputs = inputs;
    this.rounds = rounds;
    this.depth = depth;
    this.eta = eta;
    this.maxUsers = maxUsers;
    this.seed = seed;
  }

  public static RankerTrainer from(RecflowConfig c) {
    return new RankerTrainer(ModelParams.from(c), RankingInputs.from(c), c.get(Settings.RANKER_OBJECTIVE),
        c.get(Settings.RANKER_ROUNDS), c.get(Settings.RANKER_DEPTH), c.get(Settings.RANKER_ETA),
        c.get(Settings.RANKER_MIN_CHILD_WEIGHT), c.get(Settings.RANKER_MAX_USERS), c.get(Settings.EVAL_SEED),
        c.get(Settings.PROJECTION_LAMBDA), c.get(Settings.HYBRID_WEIGHT));
  }

  /**
   * @param before interactions the features are computed from
   * @param after interactions after the cutoff: the labels
   * @param embeddings item_id, vector text embeddings, or null
   * @param sequence the sequence model trained on {@code before} alone (any item order), or null
   */
  public Trained fit(Dataset<Row> before, Dataset<Row> after, Dataset<Row> embeddings, SequenceModel sequence,
                     RankingPipeline pipeline) {
    AlsTrainer.Factors factors = AlsTrainer.train(before, als);
    // The catalog as the server holds it: items nobody touched before the cutoff are placed by their
    // text, so the lists can hold new items and the labels can teach the ranker when one deserves a place.
    Dataset<Row> catalog = embeddings == null ? factors.items().select(Col.ID, Col.VECTOR)
        : factors.items().select(Col.ID, Col.VECTOR).unionByName(ContentProjection.fit(factors.items(), embeddings,
            projectionLambda).coldFactors().select(Col.ID, Col.VECTOR));
    ItemMatrix items = Vectors.collectMatrix(catalog);
    Map<String, float[]> vectors = new HashMap<>();
    for (Row r : after.select(Col.USER_ID).distinct()
        .join(factors.users(), col(Col.USER_ID).equalTo(factors.users().col(Col.ID)))
        .orderBy(xxhash64(col(Col.USER_ID), lit(seed)), col(Col.USER_ID)).limit(maxUsers)
        .select(Col.USER_ID, Col.VECTOR).collectAsList()) {
      vectors.put(r.getString(0), Vectors.toFloats(r.getList(1)));
    }
    long now = RankingInputs.newestMillis(before);
    ItemSignals signals = inputs.items(before, items,
        embeddings == null ? null : RankingInputs.alignedEmbeddings(embeddings, items), sequence, now);
    Map<String, UserSignals> users = RankingInputs.users(before, vectors.keySet(), vectors, items, now);
    Map<String, Set<Integer>> labels = new HashMap<>();
    for (Row r : after.select(Col.USER_ID, Col.ITEM_ID).collectAsList()) {
      int row = items.row(r.getString(1));
      if (row >= 0 && users.containsKey(r.getString(0))) {
        labels.computeIfAbsent(r.getString(0), u -> new HashSet<>()).add(row);
      }
    }
    Lists[] folds = {new Lists(), new Lists()};
    List<String> ordered = new ArrayList<>(labels.keySet());
    ordered.sort(null);
    for (String user : ordered) {
      UserSignals u = users.get(user);
      List<Candidate> candidates = pipeline.retrieve(u, signals, pipeline.perSource(),
          ListRules.top(K).skip(u, signals));
      folds[Math.floorMod((user + seed).hashCode(), 2)].add(candidates, pipeline.features().forUser(u, signals),
          labels.get(user));
    }
    int lists = folds[0].groups.size() + folds[1].groups.size();
    if (folds[0].groups.isEmpty() || folds[1].groups.isEmpty() || lists < MIN_LISTS) {
      return new Trained(null, pipeline.features().names(), Map.of("lists", (double) lists));
    }
    try {
      // Two-fold cross-validation: each half is ranked by a model trained on the other half, so every
      // list counts in the validation figures. They also choose how many of the trees to keep (none:
      // the prior alone), as early stopping would; the model kept is then trained on both halves.
      int[] grid = IntStream.of(0, rounds / 8, rounds / 4, rounds / 2, rounds).distinct().toArray();
      double[] byTrees = new double[grid.length];
      double alsOrder = 0;
      for (int f = 0; f < 2; f++) {
        Lists held = folds[f];
        TreeEnsemble m = TreeEnsemble.parse(train(folds[1 - f], rounds, eta));
        for (int g = 0; g < grid.length; g++) {
          int trees = grid[g];
          byTrees[g] += held.ndcgSum(x -> Ranker.prior(x, contentWeight) + m.score(x, trees));
        }
        alsOrder += held.ndcgSum(Ranker.ALS_ORDER::score);
      }
      int best = 0;
      for (int g = 1; g < grid.length; g++) {
        best = byTrees[g] > byTrees[best] ? g : best;
      }
      Lists all = folds[0].plus(folds[1]);
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("lists", (double) lists);
      metrics.put("candidates", (double) all.rows.size());
      metrics.put("ndcg_ranker", byTrees[best] / lists);
      metrics.put("ndcg_als_order", alsOrder / lists);
      metrics.put("trees", (double) grid[best]);
      metrics.put(Ranker.PRIOR_CONTENT_WEIGHT, contentWeight);
      // No tree at all is stored as one tree with a learning rate of 0: every leaf 0, the prior's order.
      byte[] model = grid[best] == 0 ? train(all, 1, 0) : train(all, grid[best], eta);
      return new Trained(model, pipeline.features().names(), metrics);
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost could not train the ranker: " + e.getMessage(), e);
    }
  }

  private byte[] train(Lists lists, int trees, double learningRate) throws XGBoostError {
    DMatrix matrix = lists.matrix(contentWeight);
    Booster booster = XGBoost.train(matrix, params(learningRate), trees, Map.of(), null, null);
    byte[] model = booster.toByteArray("json");
    booster.dispose();
    matrix.dispose();
    return model;
  }

  private Map<String, Object> params(double learningRate) {
    Map<String, Object> p = new HashMap<>();
    p.put("objective", objective);
    p.put("min_child_weight", minChildWeight);
    p.put("verbosity", 0);
    p.put("eta", learningRate);
    p.put("max_depth", depth);
    p.put("nthread", 2);
    p.put("seed", seed);
    return p;
  }

  /** Candidate lists with their feature rows and labels, one list per user (a query group). */
  private static final class Lists {
    private final List<float[]> rows = new ArrayList<>();
    private final List<Float> labels = new ArrayList<>();
    private final List<Integer> groups = new ArrayList<>();
    private final List<Set<Integer>> relevant = new ArrayList<>();

    void add(List<Candidate> candidates, Features.Extractor extractor, Set<Integer> positives) {
      if (candidates.stream().noneMatch(c -> positives.contains(c.row()))) {
        return; // a list without a positive teaches the ranker nothing
      }
      float[][] features = extractor.of(candidates);
      for (int i = 0; i < features.length; i++) {
        rows.add(features[i]);
        labels.add(positives.contains(candidates.get(i).row()) ? 1f : 0f);
      }
      groups.add(candidates.size());
      relevant.add(positives);
    }

    DMatrix matrix(double contentWeight) throws XGBoostError {
      int width = rows.get(0).length;
      float[] flat = new float[rows.size() * width];
      float[] y = new float[rows.size()];
      float[] prior = new float[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        System.arraycopy(rows.get(i), 0, flat, i * width, width);
        y[i] = labels.get(i);
        prior[i] = Ranker.prior(rows.get(i), contentWeight);
      }
      DMatrix m = new DMatrix(flat, rows.size(), width, Float.NaN);
      m.setLabel(y);
      m.setBaseMargin(prior);
      m.setGroup(groups.stream().mapToInt(Integer::intValue).toArray());
      return m;
    }

    Lists plus(Lists other) {
      Lists both = new Lists();
      for (Lists l : List.of(this, other)) {
        both.rows.addAll(l.rows);
        both.labels.addAll(l.labels);
        both.groups.addAll(l.groups);
        both.relevant.addAll(l.relevant);
      }
      return both;
    }

    /** Summed nDCG@K of the lists ordered by {@code score} (relevant items outside a list count as missed). */
    double ndcgSum(ToDoubleFunction<float[]> score) {
      double sum = 0;
      int start = 0;
      for (int g = 0; g < groups.size(); g++) {
        int n = groups.get(g);
        Integer[] order = new Integer[n];
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
          order[i] = i;
          s[i] = score.applyAsDouble(rows.get(start + i));
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -s[i]).thenComparingInt(i -> i));
        int[] ranked = new int[Math.min(K, n)];
        Set<Integer> rel = new HashSet<>();
        for (int i = 0; i < n; i++) {
          if (labels.get(start + i) > 0) {
            rel.add(i);
          }
        }
        for (int i = 0; i < ranked.length; i++) {
          ranked[i] = order[i];
        }
        // Relevant items no source retrieved can never be ranked; they count in the ideal list all the same.
        int missing = relevant.get(g).size() - rel.size();
        for (int m = 0; m < missing; m++) {
          rel.add(-1 - m);
        }
        sum += RankingMetrics.score(ranked, rel, K).ndcg();
        start += n;
      }
      return sum;
    }
  }
}
