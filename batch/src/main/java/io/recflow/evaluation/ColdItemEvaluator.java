package io.recflow.evaluation;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.xxhash64;

import io.recflow.core.ItemMatrix;
import io.recflow.core.MetricSummary;
import io.recflow.core.ModelParams;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.core.SphericalKMeans;
import io.recflow.core.Tables.Col;
import io.recflow.ranking.ItemSignals;
import io.recflow.ranking.UserSignals;
import io.recflow.spark.Vectors;
import io.recflow.training.AlsTrainer;
import io.recflow.training.AttributeVectors;
import io.recflow.training.ContentProjection;
import io.recflow.training.Popularity;
import io.recflow.training.RankingInputs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Protocol {@code cold-items}: how well are items ranked that nobody had touched at training time?
 * A seeded tenth of the items and all their interactions are held out; ALS trains on the rest;
 * the held-out items get factors from their text (content projection) or from their attributes
 * alone (attribute projection), and for every user who interacted with them, the held-out items
 * are ranked among themselves, and (reported as {@value #IN_CATALOG}) among the whole catalogue.
 * Random ranking is the floor. Popularity of the held-out items is reported as
 * {@code popularity-oracle}: it peeks at the held-out interactions, so it is an upper reference,
 * not a baseline. Every figure is the mean over several seeded splits ({@code eval.coldSplits}),
 * since which items one split holds out moves them a lot.
 */
public final class ColdItemEvaluator {
  public static final String PROTOCOL = "cold-items";
  /** The same held-out items ranked among the whole catalogue, reported under this protocol name. */
  public static final String IN_CATALOG = "cold-in-catalog";
  private final ModelParams params;
  private final int k;
  private final int maxUsers;
  private final int seed;
  private final int splits;
  private final double lambda;
  private final ServedModel.Recipe served;

  /**
   * @param seed the first split's seed; split i uses seed + i
   * @param splits how many seeded item splits the figures are averaged over
   * @param served how to build the {@code served} model ranked under cold-in-catalog, or null to leave it out
   */
  public ColdItemEvaluator(ModelParams params, int k, int maxUsers, int seed, int splits, double lambda,
                           ServedModel.Recipe served) {
    this.params = params;
    this.k = k;
    this.maxUsers = maxUsers;
    this.seed = seed;
    this.splits = splits;
    this.lambda = lambda;
    this.served = served;
  }

  public static ColdItemEvaluator from(RecflowConfig c) {
    return new ColdItemEvaluator(ModelParams.from(c), c.get(Settings.EVAL_K), c.get(Settings.EVAL_MAX_USERS),
        c.get(Settings.EVAL_SEED), c.get(Settings.EVAL_COLD_SPLITS), c.get(Settings.PROJECTION_LAMBDA),
        ServedModel.Recipe.from(c));
  }

  /**
   * @param interactions user_id, item_id, confidence, ts
   * @param embeddings item_id, vector (text embeddings)
   * @param attributes item_id, attributes (array of strings)
   * @return the mean over the splits of every figure, with {@link SplitMeans standard errors} when
   *     there are several
   */
  public List<EvalResult> evaluate(Dataset<Row> interactions, Dataset<Row> embeddings, Dataset<Row> attributes) {
    List<List<EvalResult>> bySplit = new ArrayList<>();
    for (int i = 0; i < splits; i++) {
      bySplit.add(evaluate(interactions, embeddings, attributes, seed + i));
    }
    return SplitMeans.of(bySplit);
  }

  private List<EvalResult> evaluate(Dataset<Row> interactions, Dataset<Row> embeddings, Dataset<Row> attributes,
      int splitSeed) {
    Splits.Split split = Splits.byItem(interactions, splitSeed);
    Dataset<Row> train = split.train();
    Dataset<Row> test = split.test();
    AlsTrainer.Factors factors = AlsTrainer.train(train, params);
    List<String> coldIds = test.select(Col.ITEM_ID).distinct().orderBy(Col.ITEM_ID).as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList();
    Map<String, ItemMatrix> projected = new LinkedHashMap<>();
    projected.put("content", coldMatrix(ContentProjection.fit(factors.items(), embeddings, lambda), coldIds));
    Dataset<Row> oneHot = AttributeVectors.oneHot(attributes);
    if (oneHot != null) {
      projected.put("attributes", coldMatrix(ContentProjection.fit(factors.items(), oneHot, lambda), coldIds));
    }
    Dataset<Row> users = test.select(Col.USER_ID).distinct()
        .join(factors.users(), col(Col.USER_ID).equalTo(factors.users().col(Col.ID)))
        .orderBy(xxhash64(col(Col.USER_ID), lit(splitSeed)), col(Col.USER_ID)).limit(maxUsers)
        .select(Col.USER_ID, Col.VECTOR);
    Map<String, float[]> vectors = new HashMap<>();
    users.collectAsList().forEach(r -> vectors.put(r.getString(0), Vectors.toFloats(r.getList(1))));
    Map<String, Integer> rowOf = new HashMap<>();
    for (int i = 0; i < coldIds.size(); i++) {
      rowOf.put(coldIds.get(i), i);
    }
    Map<String, Set<Integer>> relevant = new HashMap<>();
    for (Row r : test.select(Col.USER_ID, Col.ITEM_ID).collectAsList()) {
      if (vectors.containsKey(r.getString(0))) {
        relevant.computeIfAbsent(r.getString(0), u -> new HashSet<>()).add(rowOf.get(r.getString(1)));
      }
    }
    int[] oracle = test.groupBy(Col.ITEM_ID).agg(count(lit(1)).as("n")).orderBy(col("n").desc(), col(Col.ITEM_ID))
        .collectAsList().stream().mapToInt(r -> rowOf.get(r.getString(0))).toArray();
    test.unpersist();

    Map<String, MetricSummary> summaries = new LinkedHashMap<>();
    projected.keySet().forEach(m -> summaries.put(m, new MetricSummary(k, coldIds.size(), i -> Set.of())));
    summaries.put("random", new MetricSummary(k, coldIds.size(), i -> Set.of()));
    summaries.put("popularity-oracle", new MetricSummary(k, coldIds.size(), i -> Set.of()));
    List<String> ordered = new ArrayList<>(relevant.keySet());
    ordered.sort(null);
    for (String user : ordered) {
      Set<Integer> rel = relevant.get(user);
      projected.forEach((m, matrix) -> summaries.get(m).add(matrix.topK(vectors.get(user), k, i -> false), rel));
      summaries.get("random").add(randomOrder(coldIds.size(), new Random(splitSeed * 31L + user.hashCode())), rel);
      summaries.get("popularity-oracle").add(oracle, rel);
    }
    List<EvalResult> results = new ArrayList<>();
    report(PROTOCOL, summaries, results);
    report(IN_CATALOG, inCatalog(train, factors.items(), projected, vectors, relevant, embeddings, splitSeed), results);
    return results;
  }

  private void report(String protocol, Map<String, MetricSummary> summaries, List<EvalResult> results) {
    summaries.forEach((model, s) -> {
      Map<String, Double> means = s.means();
      for (String metric : List.of("precision", "recall", "ndcg", "map")) {
        results.add(new EvalResult(protocol, model, metric, k, means.get(metric)));
      }
      results.add(new EvalResult(protocol, model, "users", k, s.users()));
    });
  }

  /**
   * The held-out items ranked among every item, as the server ranks them: warm items by their ALS
   * factors, held-out items by their projected ones, each user's training items excluded. Projected
   * factors that all lean one way show here (and not among the held-out items alone), because the
   * held-out items must then beat warm items to be recommended at all.
   */
  private Map<String, MetricSummary> inCatalog(Dataset<Row> train, Dataset<Row> warmFactors,
      Map<String, ItemMatrix> projected, Map<String, float[]> users, Map<String, Set<Integer>> relevantCold,
      Dataset<Row> embeddings, int splitSeed) {
    List<String> ids = new ArrayList<>();
    List<float[]> warm = new ArrayList<>();
    for (Row r : warmFactors.select(Col.ID, Col.VECTOR).orderBy(Col.ID).collectAsList()) {
      ids.add(r.getString(0));
      warm.add(Vectors.toFloats(r.getList(1)));
    }
    ItemMatrix warmItems = new ItemMatrix(ids, warm);
    Dataset<Row> chosen = train.sparkSession().createDataset(new ArrayList<>(users.keySet()),
        org.apache.spark.sql.Encoders.STRING()).toDF(Col.USER_ID);
    Map<String, Set<Integer>> seen = new HashMap<>();
    for (Row r : train.join(broadcast(chosen), Col.USER_ID).select(Col.USER_ID, Col.ITEM_ID).collectAsList()) {
      int row = warmItems.row(r.getString(1));
      if (row >= 0) {
        seen.computeIfAbsent(r.getString(0), u -> new HashSet<>()).add(row);
      }
    }
    // Held-out items follow the warm ones in the catalogue, so their rows shift by the warm count.
    Map<String, Set<Integer>> relevant = new TreeMap<>();
    relevantCold.forEach((user, rows) -> {
      Set<Integer> shifted = new HashSet<>();
      rows.forEach(c -> shifted.add(warmItems.size() + c));
      relevant.put(user, shifted);
    });
    int rank = warmItems.rank();
    Map<String, MetricSummary> summaries = new LinkedHashMap<>();
    projected.forEach((model, cold) -> {
      List<String> allIds = new ArrayList<>(ids);
      List<float[]> all = new ArrayList<>(warm);
      for (int i = 0; i < cold.size(); i++) {
        allIds.add(cold.id(i));
        // An item the projection could not place (no text) scores 0 everywhere, as among the held-out items.
        all.add(cold.rank() == rank ? SphericalKMeans.row(cold.values(), i, rank) : new float[rank]);
      }
      ItemMatrix catalog = new ItemMatrix(allIds, all);
      MetricSummary summary = new MetricSummary(k, catalog.size(), i -> Set.of());
      relevant.forEach((user, rel) -> {
        Set<Integer> excluded = seen.getOrDefault(user, Set.of());
        summary.add(catalog.topK(users.get(user), k, excluded::contains), rel);
      });
      summaries.put(model, summary);
    });
    if (served != null) {
      summaries.put("served", servedInCatalog(train, ids, warm, projected.get("content"), users, relevant, embeddings,
          splitSeed));
    }
    return summaries;
  }

  /**
   * The served pipeline over the whole catalogue, the held-out items placed by their text as the
   * nightly job places new items; its ranker is trained on the training side alone, as the nightly
   * job trains it. The held-out items have no interactions, so they are fresh: the fresh source and
   * exploration can show them.
   */
  private MetricSummary servedInCatalog(Dataset<Row> train, List<String> warmIds, List<float[]> warm,
      ItemMatrix cold, Map<String, float[]> users, Map<String, Set<Integer>> relevant, Dataset<Row> embeddings,
      int splitSeed) {
    List<String> allIds = new ArrayList<>(warmIds);
    List<float[]> all = new ArrayList<>(warm);
    int rank = warm.get(0).length;
    for (int i = 0; i < cold.size(); i++) {
      allIds.add(cold.id(i));
      all.add(cold.rank() == rank ? SphericalKMeans.row(cold.values(), i, rank) : new float[rank]);
    }
    ItemMatrix catalog = new ItemMatrix(allIds, all);
    // Trained as the nightly job trains the served ranker (a time split of the training side), not on
    // held-out items: a ranker taught that only new items are relevant would answer this protocol's
    // question well and serve everyone badly.
    ServedModel model = served.fit(ServedModel.Recipe.NIGHTLY, train, embeddings, splitSeed);
    long now = RankingInputs.newestMillis(train);
    ItemSignals signals = served.inputs().items(train, catalog, RankingInputs.alignedEmbeddings(embeddings, catalog),
        model.sequence(), now);
    Map<String, UserSignals> signalsOf = RankingInputs.users(train, relevant.keySet(), users, catalog, now);
    MetricSummary summary = new MetricSummary(k, catalog.size(), i -> Set.of());
    relevant.forEach((user, rel) -> summary.add(model.rank(signalsOf.get(user), signals, k), rel));
    return summary;
  }

  /** The projected factors of the cold items, in {@code ids} order; an item without one scores 0. */
  private static ItemMatrix coldMatrix(ContentProjection.Result projection, List<String> ids) {
    Map<String, float[]> byId = new HashMap<>();
    projection.coldFactors().select(Col.ID, Col.VECTOR).collectAsList()
        .forEach(r -> byId.put(r.getString(0), Vectors.toFloats(r.getList(1))));
    int rank = byId.values().stream().findFirst().map(v -> v.length).orElse(1);
    List<float[]> vectors = new ArrayList<>();
    ids.forEach(id -> vectors.add(byId.getOrDefault(id, new float[rank])));
    return new ItemMatrix(ids, vectors);
  }

  private int[] randomOrder(int n, Random rnd) {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(i);
    }
    java.util.Collections.shuffle(all, rnd);
    return all.subList(0, Math.min(k, n)).stream().mapToInt(Integer::intValue).toArray();
  }
}
