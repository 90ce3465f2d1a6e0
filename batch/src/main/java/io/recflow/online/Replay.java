package io.recflow.online;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.recflow.core.ConfigException;
import io.recflow.core.EventType;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.experiment.Counterfactual;
import io.recflow.experiment.ReplayPolicy;
import io.recflow.ranking.Ranker;
import io.recflow.spark.Warehouse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.collection.Seq;

/**
 * Replays the configured alternative ({@code experiments.counterfactual.policy}) on an
 * experiment's randomised slots ({@link Counterfactual}): gathers each slot's pool and features
 * from {@code exposures}, whether its item was clicked from that list (as the report attributed it), and the
 * alternative's ranker from {@code rankers}. Slots are a small share of the traffic (those of
 * ranking.randomise.share), so they are replayed on the driver.
 *
 * @param policy the alternative replayed
 * @param result the estimates; null when there was nothing to replay ({@code note} says why)
 * @param unreadable slots left out because the policy cannot read their features (logged under
 *     another feature list)
 * @param note why there is no result, or null
 */
public record Replay(String policy, Counterfactual.Result result, long unreadable, String note) {

  /**
   * The replay of the experiment's randomised slots among {@code exposures}, with the events
   * attributed to them ({@link Attribution#attribute}; null when there are no events).
   */
  static Replay of(Warehouse warehouse, RecflowConfig config, Dataset<Row> exposures, Dataset<Row> attributed) {
    ReplayPolicy policy = ReplayPolicy.parse(config.get(Settings.EXPERIMENTS_POLICY));
    List<Row> rows = exposures.filter(col(Col.POOL_ITEMS).isNotNull().and(col(Col.PROPENSITY).lt(1)))
        .select(Col.USER_ID, Col.REQUEST_ID, Col.ITEM_ID, Col.PROPENSITY, Col.POOL_ITEMS, Col.POOL_FEATURES,
            Col.FEATURES).collectAsList();
    if (rows.isEmpty()) {
      return new Replay(policy.toString(), null, 0, "no randomised slots among the experiment's lists: servers "
          + "randomise one slot in a share of lists when ranking.randomise.share is above 0 (only two-stage lists)");
    }
    Set<String> clicked = new HashSet<>(); // request id and item, as "request\0item"
    if (attributed != null) {
      attributed.filter(col(Col.EVENT_TYPE).equalTo(lit(EventType.CLICK.wireName())))
          .select(Col.REQUEST_ID, Col.ITEM_ID).distinct().collectAsList()
          .forEach(r -> clicked.add(r.getString(0) + '\u0000' + r.getString(1)));
    }
    Function<List<String>, Ranker> rankers;
    try {
      rankers = rankerFor(warehouse, policy);
    } catch (ConfigException e) {
      return new Replay(policy.toString(), null, rows.size(), e.getMessage());
    }
    // Servers with other ranking.sources log other feature lists: one ranker per list, or the reason there is none.
    Map<List<String>, Optional<Ranker>> byNames = new HashMap<>();
    String problem = null;
    List<Counterfactual.Slot> slots = new ArrayList<>();
    long unreadable = 0;
    for (Row r : rows) {
      List<String> names = r.getList(6);
      if (!byNames.containsKey(names)) {
        try {
          byNames.put(names, Optional.of(rankers.apply(names)));
        } catch (IllegalArgumentException e) {
          byNames.put(names, Optional.empty());
          problem = problem == null ? e.getMessage() : problem;
        }
      }
      Optional<Ranker> ranker = byNames.get(names);
      int shown = r.<String>getList(4).indexOf(r.getString(2));
      if (ranker.isEmpty() || shown < 0) {
        unreadable++;
        continue;
      }
      slots.add(new Counterfactual.Slot(r.getString(0), shown,
          Counterfactual.best(ranker.get(), features(r.getList(5))), r.getDouble(3),
          clicked.contains(r.getString(1) + '\u0000' + r.getString(2))));
    }
    if (slots.isEmpty()) {
      return new Replay(policy.toString(), null, unreadable, "the policy " + policy + " can read none of the "
          + unreadable + " randomised slots: " + problem);
    }
    return new Replay(policy.toString(), Counterfactual.of(slots, policy.toString(),
        config.get(Settings.EXPERIMENTS_CLIP), config.get(Settings.EXPERIMENTS_ALPHA)), unreadable, null);
  }

  /** The policy as a ranker of features named so; it throws IllegalArgumentException when it cannot read them. */
  private static Function<List<String>, Ranker> rankerFor(Warehouse warehouse, ReplayPolicy policy) {
    if (policy.kind() == ReplayPolicy.Kind.FEATURE) {
      return names -> Ranker.byFeature(policy.feature(), names);
    }
    if (!warehouse.exists(Tables.RANKERS)) {
      throw new ConfigException("experiments.counterfactual.policy is " + policy + " but the warehouse has no "
          + "rankers table; run bin/recflow batch to train one, or replay a feature (feature:NAME).");
    }
    Dataset<Row> rankers = warehouse.read(Tables.RANKERS);
    rankers = policy.version() > 0 ? rankers.filter(col(Col.MODEL_VERSION).equalTo(policy.version()))
        : rankers.orderBy(col(Col.MODEL_VERSION).desc()).limit(1);
    List<Row> found = rankers.select(Col.MODEL_JSON, Col.FEATURES, Col.METRICS).collectAsList();
    if (found.isEmpty()) {
      throw new ConfigException("experiments.counterfactual.policy is " + policy + " but the rankers table has no "
          + "such ranker; name a version bin/recflow models lists, or use ranker for the newest.");
    }
    Row row = found.get(0);
    byte[] json = row.getString(0).getBytes(StandardCharsets.UTF_8);
    List<String> trainedOn = row.getList(1);
    Map<String, Double> metrics = row.isNullAt(2) ? Map.of() : row.getJavaMap(2);
    double weight = metrics.getOrDefault(Ranker.PRIOR_CONTENT_WEIGHT, 0.0);
    return names -> Ranker.trained(json, trainedOn, names, weight);
  }

  private static float[][] features(List<Seq<Float>> pool) {
    float[][] out = new float[pool.size()][];
    for (int j = 0; j < out.length; j++) {
      Seq<Float> f = pool.get(j);
      out[j] = new float[f.size()];
      for (int k = 0; k < out[j].length; k++) {
        out[j][k] = f.apply(k);
      }
    }
    return out;
  }
}
