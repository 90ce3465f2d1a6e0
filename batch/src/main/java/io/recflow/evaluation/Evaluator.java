package io.recflow.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import io.recflow.core.HybridScorer;
import io.recflow.core.ItemMatrix;
import io.recflow.core.MetricSummary;
import io.recflow.core.ModelParams;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.core.Tables.Col;
import io.recflow.core.TopK;
import io.recflow.ranking.ItemSignals;
import io.recflow.ranking.UserSignals;
import io.recflow.spark.Vectors;
import io.recflow.training.AlsTrainer;
import io.recflow.training.RankingInputs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Offline evaluation of ALS, the hybrid and the served two-stage ranking ({@link ServedModel})
 * against the popularity and random baselines on one train/test split.
 * ALS is trained on the training side only; every model ranks the same catalog (items seen in
 * training), items the user interacted with in training are excluded from every list, and the same
 * users are scored for every model. Scoring runs on the driver over a seeded sample of at most
 * {@code maxUsers} test users, which bounds its cost on large data.
 */
public final class Evaluator {
  private final ModelParams params;
  private final int k;
  private final int maxUsers;
  private final int seed;
  private final double hybridWeight;
  private final int recentItems;
  private final ServedModel.Recipe served;

  /** @param served how to build the {@code served} model, or null to leave it out */
  public Evaluator(ModelParams params, int k, int maxUsers, int seed, double hybridWeight, int recentItems,
                   ServedModel.Recipe served) {
    this.params = params;
    this.k = k;
    this.maxUsers = maxUsers;
    this.seed = seed;
    this.hybridWeight = hybridWeight;
    this.recentItems = recentItems;
    this.served = served;
  }

  /** An evaluator with a run's ALS parameters, list length, user sample size, seed and hybrid blend. */
  public static Evaluator from(RecflowConfig c) {
    return new Evaluator(ModelParams.from(c), c.get(Settings.EVAL_K), c.get(Settings.EVAL_MAX_USERS),
        c.get(Settings.EVAL_SEED), c.get(Settings.HYBRID_WEIGHT), c.get(Settings.HYBRID_RECENT),
        ServedModel.Recipe.from(c));
  }

  /** The same evaluator without the {@code served} model, whose ranker training tuning loops do not need. */
  public Evaluator alsOnly() {
    return new Evaluator(params, k, maxUsers, seed, hybridWeight, recentItems, null);
  }

  /** Evaluates ALS and the baselines on a split; {@code attributes} has item_id and attributes. */
  public List<EvalResult> evaluate(Splits.Split split, Dataset<Row> attributes) {
    return evaluate(split, attributes, null);
  }

  /**
   * As {@link #evaluate(Splits.Split, Dataset)}, plus the hybrid ranking when {@code embeddings}
   * (item_id, vector) is given.
   */
  public List<EvalResult> evaluate(Splits.Split split, Dataset<Row> attributes, Dataset<Row> embeddings) {
    AlsTrainer.Factors factors = AlsTrainer.train(split.train(), params);
    ItemMatrix items = Vectors.collectMatrix(factors.items());
    Dataset<Row> users = split.test().select(Col.USER_ID).distinct()
        .join(factors.users(), col(Col.USER_ID).equalTo(factors.users().col(Col.ID)))
        .orderBy(xxhash64(col(Col.USER_ID), lit(seed)), col(Col.USER_ID))
        .limit(maxUsers)
        .select(col(Col.USER_ID), col(Col.VECTOR))
        .cache();
    Map<String, float[]> userVectors = new HashMap<>();
    for (Row r : users.collectAsList()) {
      userVectors.put(r.getString(0), Vectors.toFloats(r.getList(1)));
    }
    Map<String, Set<Integer>> seen = itemsByUser(split.train(), users, items);
    Map<String, int[]> recent = recentRows(split.train(), users, items);
    ItemMatrix content = embeddings == null ? null : RankingInputs.alignedEmbeddings(embeddings, items);
    Map<String, Set<Integer>> relevant = itemsByUser(split.test(), users, items);
    users.unpersist();
    int[] popular = popularityRanking(split.train(), items);
    List<Set<String>> attrs = attributesByRow(attributes, items);

    Map<String, MetricSummary> summaries = new LinkedHashMap<>();
    List<String> models = new ArrayList<>(List.of("als"));
    if (content != null) {
      models.add("hybrid");
    }
    if (served != null) {
      models.add("served");
    }
    models.addAll(List.of("popularity", "random"));
    for (String model : models) {
      summaries.put(model, new MetricSummary(k, items.size(), attrs::get));
    }
    List<String> ordered = new ArrayList<>(userVectors.keySet());
    ordered.sort(null);
    ServedModel servedModel = served == null ? null : served.fit(split.protocol(), split.train(), embeddings, seed);
    long now = RankingInputs.newestMillis(split.train());
    ItemSignals signals = served == null ? null
        : served.inputs().items(split.train(), items, content, servedModel.sequence(), now);
    Map<String, UserSignals> userSignals = served == null ? Map.of()
        : RankingInputs.users(split.train(), ordered, userVectors, items, now);
    for (String user : ordered) {
      Set<Integer> rel = relevant.get(user);
      if (rel == null || rel.isEmpty()) {
        continue;
      }
      Set<Integer> excluded = seen.getOrDefault(user, Set.of());
      summaries.get("als").add(items.topK(userVectors.get(user), k, excluded::contains), rel);
      if (content != null) {
        float[] profile = HybridScorer.profile(content, recent.getOrDefault(user, new int[0]));
        summaries.get("hybrid").add(HybridScorer.topK(userVectors.get(user), items, profile, content, hybridWeight,
            k, excluded::contains), rel);
      }
      if (servedModel != null) {
        summaries.get("served").add(servedModel.rank(userSignals.get(user), signals, k), rel);
      }
      summaries.get("popularity").add(TopK.fromRanking(popular, k, excluded::contains), rel);
      summaries.get("random").add(randomList(items.size(), excluded, new Random(seed * 31L + user.hashCode())), rel);
    }
    List<EvalResult> results = new ArrayList<>();
    summaries.forEach((model, s) -> {
      s.means().forEach((metric, v) -> results.add(new EvalResult(split.protocol(), model, metric, k, v)));
      results.add(new EvalResult(split.protocol(), model, "users", k, s.users()));
    });
    return results;
  }

  /** The items of each sampled user as matrix rows; items without a row get distinct negative ids. */
  private static Map<String, Set<Integer>> itemsByUser(Dataset<Row> pairs, Dataset<Row> users, ItemMatrix items) {
    Map<String, Set<Integer>> out = new HashMap<>();
    Map<String, Integer> unknown = new HashMap<>();
    Dataset<Row> rows = pairs.join(functions.broadcast(users.select(Col.USER_ID)), Col.USER_ID)
        .select(Col.USER_ID, Col.ITEM_ID);
    for (Row r : rows.collectAsList()) {
      int row = items.row(r.getString(1));
      if (row < 0) {
        row = unknown.computeIfAbsent(r.getString(1), x -> -1 - unknown.size());
      }
      out.computeIfAbsent(r.getString(0), u -> new HashSet<>()).add(row);
    }
    return out;
  }

  /** Each sampled user's most recent training items, newest first, as matrix rows. */
  private Map<String, int[]> recentRows(Dataset<Row> train, Dataset<Row> users, ItemMatrix items) {
    Map<String, List<Integer>> rows = new HashMap<>();
    Dataset<Row> pairs = train.join(functions.broadcast(users.select(Col.USER_ID)), Col.USER_ID)
        .filter(col(Col.CONFIDENCE).gt(0))
        .orderBy(col(Col.USER_ID), col(Col.TS).desc(), col(Col.ITEM_ID)).select(Col.USER_ID, Col.ITEM_ID);
    for (Row r : pairs.collectAsList()) {
      List<Integer> l = rows.computeIfAbsent(r.getString(0), u -> new ArrayList<>());
      int row = items.row(r.getString(1));
      if (row >= 0 && l.size() < recentItems) {
        l.add(row);
      }
    }
    Map<String, int[]> out = new HashMap<>();
    rows.forEach((u, l) -> out.put(u, l.stream().mapToInt(Integer::intValue).toArray()));
    return out;
  }

  /** Item rows by their number of positive training interactions, most first. */
  static int[] popularityRanking(Dataset<Row> train, ItemMatrix items) {
    List<Row> rows = train.filter(col(Col.CONFIDENCE).gt(0)).groupBy(Col.ITEM_ID).agg(count(lit(1)).as("n"))
        .orderBy(col("n").desc(), col(Col.ITEM_ID)).collectAsList();
    return rows.stream().mapToInt(r -> items.row(r.getString(0))).filter(i -> i >= 0).toArray();
  }

  private static List<Set<String>> attributesByRow(Dataset<Row> attributes, ItemMatrix items) {
    List<Set<String>> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      out.add(Set.of());
    }
    for (Row r : attributes.select(Col.ITEM_ID, Col.ATTRIBUTES).collectAsList()) {
      int row = items.row(r.getString(0));
      if (row >= 0 && !r.isNullAt(1)) {
        out.set(row, new HashSet<>(r.getList(1)));
      }
    }
    return out;
  }

  /** k distinct random items the user has not seen; fewer only when the catalog runs out. */
  private int[] randomList(int catalog, Set<Integer> excluded, Random rnd) {
    int available = catalog - (int) excluded.stream().filter(i -> i >= 0).count();
    int n = Math.max(0, Math.min(k, available));
    Set<Integer> picked = new java.util.LinkedHashSet<>();
    while (picked.size() < n) {
      int i = rnd.nextInt(catalog);
      if (!excluded.contains(i)) {
        picked.add(i);
      }
    }
    return picked.stream().mapToInt(Integer::intValue).toArray();
  }
}
