package io.recflow.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import io.recflow.core.FoldIn;
import io.recflow.core.ItemMatrix;
import io.recflow.core.MetricSummary;
import io.recflow.core.ModelParams;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.core.Tables.Col;
import io.recflow.core.TopK;
import io.recflow.ranking.CoVisitationSource;
import io.recflow.ranking.ItemSignals;
import io.recflow.ranking.UserSignals;
import io.recflow.sequence.SequenceModel;
import io.recflow.spark.Vectors;
import io.recflow.training.AlsTrainer;
import io.recflow.training.RankingInputs;
import io.recflow.training.SequenceTrainer;
import io.recflow.training.Sequences;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Protocol {@code next-item}: what does each user do next? Of every user with at least three
 * interactions the newest is the test item and the one before it the validation item
 * ({@link Splits#nextItem}); every model trains on the rest. Each model then ranks the whole
 * catalogue (no sampled negatives, which flatter models) for the test item, knowing the user's
 * history up to it, validation item included, as a server that saw that event would: ALS folds it
 * into the user's vector exactly as the live path does, {@code transitions} follows it. The user's
 * earlier items are excluded from every list. With one relevant item, recall@k is the hit rate.
 *
 * <p>Models: {@code popularity}; {@code als}; {@code transitions}, the served co-visitation table
 * (which items followed the user's newest items in others' histories) ranked alone and topped up by
 * popularity, the strong simple baseline of sequential recommendation; {@code sequence}, the
 * Transformer sequence model trained on the training side and stopped early on the validation
 * items; and {@code served}, the two-stage pipeline with a ranker trained on the training side only.
 */
public final class NextItemEvaluator {
  public static final String PROTOCOL = "next-item";
  private static final Logger LOG = LoggerFactory.getLogger("recflow");
  private final ModelParams params;
  private final int k;
  private final int maxUsers;
  private final int seed;
  private final RankingInputs inputs;
  private final SequenceTrainer sequence;
  private final ServedModel.Recipe served;

  /**
   * @param sequence how to train the {@code sequence} model, or null to leave it out
   * @param served how to build the {@code served} model, or null to leave it out
   */
  public NextItemEvaluator(ModelParams params, int k, int maxUsers, int seed, RankingInputs inputs,
                           SequenceTrainer sequence, ServedModel.Recipe served) {
    this.params = params;
    this.k = k;
    this.maxUsers = maxUsers;
    this.seed = seed;
    this.inputs = inputs;
    this.sequence = sequence;
    this.served = served;
  }

  public static NextItemEvaluator from(RecflowConfig c) {
    return new NextItemEvaluator(ModelParams.from(c), c.get(Settings.EVAL_K), c.get(Settings.EVAL_MAX_USERS),
        c.get(Settings.EVAL_SEED), RankingInputs.from(c), SequenceTrainer.from(c), ServedModel.Recipe.from(c));
  }

  /**
   * @param interactions user_id, item_id, confidence, ts
   * @param embeddings item_id, vector (text embeddings), or null: the served model then ranks without them
   */
  public List<EvalResult> evaluate(Dataset<Row> interactions, Dataset<Row> embeddings) {
    Splits.NextItem split = Splits.nextItem(interactions);
    Dataset<Row> train = split.train();
    Dataset<Row> context = split.context();
    AlsTrainer.Factors factors = AlsTrainer.train(train, params);
    ItemMatrix items = Vectors.collectMatrix(factors.items());
    List<String> users = split.test().select(Col.USER_ID).distinct()
        .orderBy(xxhash64(col(Col.USER_ID), lit(seed)), col(Col.USER_ID)).limit(maxUsers)
        .as(Encoders.STRING()).collectAsList();
    Map<String, Integer> testRow = new HashMap<>();
    Map<String, Integer> unknown = new HashMap<>();
    for (Row r : split.test().select(Col.USER_ID, Col.ITEM_ID).collectAsList()) {
      int row = items.row(r.getString(1));
      // A test item ALS never saw cannot be ranked: a distinct negative id makes it a miss for everyone.
      testRow.put(r.getString(0), row >= 0 ? row : unknown.computeIfAbsent(r.getString(1), x -> -1 - unknown.size()));
    }
    long now = RankingInputs.newestMillis(context);
    Map<String, float[]> vectors = foldedIn(context, users, items);
    Map<String, UserSignals> signals = RankingInputs.users(context, users, vectors, items, now);
    ItemMatrix text = embeddings == null ? null : RankingInputs.alignedEmbeddings(embeddings, items);
    SequenceModel sequenceModel = sequence == null ? null : trainSequence(split, items, text);
    Map<String, int[]> histories = sequenceModel == null ? Map.of() : Sequences.of(context, items);
    int[] popular = Evaluator.popularityRanking(train, items);
    ServedModel model = served == null ? null : served.fit(ServedModel.Recipe.NIGHTLY, train, embeddings, seed);
    // With the served model's own sequence model, trained before its ranker's cutoff as the nightly
    // job's is (the transitions baseline reads only the co-visitation).
    ItemSignals itemSignals = inputs.items(train, items, text, model == null ? null : model.sequence(), now);
    split.train().unpersist();

    Map<String, MetricSummary> summaries = new LinkedHashMap<>();
    List<String> models = new ArrayList<>(List.of("popularity", "als", "transitions"));
    if (sequenceModel != null) {
      models.add("sequence");
    }
    if (model != null) {
      models.add("served");
    }
    models.forEach(m -> summaries.put(m, new MetricSummary(k, items.size(), i -> Set.of())));
    List<String> ordered = new ArrayList<>(users);
    ordered.sort(null);
    for (String user : ordered) {
      UserSignals u = signals.get(user);
      Set<Integer> rel = Set.of(testRow.get(user));
      summaries.get("popularity").add(TopK.fromRanking(popular, k, u.seen()::get), rel);
      summaries.get("als").add(items.topK(vectors.get(user), k, u.seen()::get), rel);
      summaries.get("transitions").add(transitions(u, itemSignals, popular), rel);
      if (sequenceModel != null) {
        float[] query = sequenceModel.query(histories.getOrDefault(user, new int[0]));
        summaries.get("sequence").add(query == null ? TopK.fromRanking(popular, k, u.seen()::get)
            : sequenceModel.items().topK(query, k, u.seen()::get), rel);
      }
      if (model != null) {
        summaries.get("served").add(model.rank(u, itemSignals, k), rel);
      }
    }
    List<EvalResult> results = new ArrayList<>();
    summaries.forEach((m, s) -> {
      s.means().forEach((metric, v) -> results.add(new EvalResult(PROTOCOL, m, metric, k, v)));
      results.add(new EvalResult(PROTOCOL, m, "users", k, s.users()));
    });
    return results;
  }

  /** The sequence model trained on the training side, stopped early on the validation items. */
  private SequenceModel trainSequence(Splits.NextItem split, ItemMatrix items, ItemMatrix text) {
    Map<String, Integer> validation = new HashMap<>();
    for (Row r : split.validation().select(Col.USER_ID, Col.ITEM_ID).collectAsList()) {
      int row = items.row(r.getString(1));
      if (row >= 0) {
        validation.put(r.getString(0), row);
      }
    }
    SequenceTrainer.Trained trained = sequence.fit(items, text, Sequences.of(split.train(), items), validation);
    LOG.info("sequence model trained on the training side: {}", trained.metrics());
    return trained.model();
  }

  /** The co-visitation source's list alone, best follow-ups of the newest items first, then popular items. */
  private int[] transitions(UserSignals user, ItemSignals items, int[] popular) {
    List<Integer> list = new ArrayList<>(k);
    new CoVisitationSource().retrieve(user, items, k, user.seen()::get, (row, score) -> list.add(row));
    for (int i = 0; i < popular.length && list.size() < k; i++) {
      if (!user.seen().get(popular[i]) && !list.contains(popular[i])) {
        list.add(popular[i]);
      }
    }
    return list.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Each user's vector given everything before the test item, by the exact fold-in the server
   * applies to a new event: the trained vector with the validation item added.
   */
  private Map<String, float[]> foldedIn(Dataset<Row> context, List<String> users, ItemMatrix items) {
    FoldIn foldIn = new FoldIn(items, params.alpha(), params.regParam());
    Dataset<Row> chosen = context.sparkSession().createDataset(users, Encoders.STRING()).toDF(Col.USER_ID);
    Map<String, Map<String, Double>> confidences = new HashMap<>();
    for (Row r : context.join(functions.broadcast(chosen), Col.USER_ID)
        .select(Col.USER_ID, Col.ITEM_ID, Col.CONFIDENCE).collectAsList()) {
      confidences.computeIfAbsent(r.getString(0), u -> new HashMap<>()).put(r.getString(1), r.getDouble(2));
    }
    Map<String, float[]> out = new HashMap<>();
    users.forEach(u -> out.put(u, foldIn.solveByItemId(confidences.getOrDefault(u, Map.of()))));
    return out;
  }
}
