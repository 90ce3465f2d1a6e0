package io.recflow.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.RecflowConfig;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.experiment.Analysis;
import io.recflow.experiment.Counterfactual;
import io.recflow.ranking.Features;
import io.recflow.ranking.Ranker;
import io.recflow.spark.Schemas;
import io.recflow.spark.SparkFixture;
import io.recflow.spark.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** Attribution and the experiment report on real Delta tables of hand-made exposures and events. */
class AttributionIT {
  private static final long T = 1_765_000_000_000L;
  private static final long MINUTE = 60_000;

  private static Row shown(String request, String user, String item, int position, String variant, long ts) {
    return RowFactory.create(request, user, item, position, new String[] {"als"}, 1.0, "e", variant, 1L, "served",
        "trained", new Timestamp(ts), new Timestamp(ts), new Date(ts), null, null, null);
  }

  /** A randomised slot: {@code pool[shown]} drawn uniformly among the pool, whose popularity features are given. */
  private static Row drawn(String request, String user, String[] pool, float[] popularity, int shown, long ts) {
    Float[][] features = new Float[pool.length][];
    for (int j = 0; j < pool.length; j++) {
      features[j] = new Float[Features.COMMON.size()];
      java.util.Arrays.fill(features[j], Float.NaN);
      features[j][POPULARITY] = popularity[j];
    }
    return RowFactory.create(request, user, pool[shown], 2, new String[] {"als"}, 1.0 / pool.length, "e", "a", 1L,
        "served", "trained", new Timestamp(ts), new Timestamp(ts), new Date(ts), pool, features,
        Features.COMMON.toArray(String[]::new));
  }

  private static final int POPULARITY = Features.COMMON.indexOf("popularity");

  /** One tree: popularity below 0.5 scores -1, else +1 (XGBoost's JSON, as the nightly job stores it). */
  private static final String BY_POPULARITY = """
      {"learner": {"gradient_booster": {"name": "gbtree", "model": {"trees": [{"left_children": [1, -1, -1],
        "right_children": [2, -1, -1], "split_indices": [%d, 0, 0], "split_conditions": [0.5, -1.0, 1.0],
        "default_left": [0, 0, 0]}]}},
       "learner_model_param": {"num_feature": "%d", "base_score": "0.5"}, "objective": {"name": "rank:ndcg"}}}
      """.formatted(POPULARITY, Features.COMMON.size());

  private static Row event(String id, String user, String item, String type, long ts, String request) {
    return RowFactory.create(id, user, item, type, null, new Timestamp(ts), new Timestamp(ts), new Date(ts), request);
  }

  private static Warehouse warehouse(List<Row> exposures, List<Row> events) {
    Warehouse w = SparkFixture.newWarehouse();
    w.append(Tables.EXPOSURES, SparkFixture.spark().createDataFrame(exposures, Schemas.of(Tables.EXPOSURES)));
    w.append(Tables.EVENTS, SparkFixture.spark().createDataFrame(events, Schemas.of(Tables.EVENTS)));
    return w;
  }

  @Test
  void eventsGoToTheListTheyNameElseTheLatestWithinTheWindow() {
    Warehouse w = warehouse(List.of(
        shown("r1", "u1", "a", 0, "x", T), shown("r1", "u1", "b", 1, "x", T),
        shown("r2", "u1", "a", 3, "x", T + 10 * MINUTE),
        shown("r3", "u2", "c", 0, "y", T),
        shown("r4", null, "a", 0, null, T)),
        List.of(
            event("by-request", "u1", "a", "click", T + 30 * MINUTE, "r1"), // names r1, though r2 is later
            event("latest", "u1", "a", "purchase", T + 20 * MINUTE, null), // r2, the latest before it
            event("named-but-not-shown", "u1", "b", "cart", T + 5 * MINUTE, "r2"), // r2 never showed b: window, r1
            event("too-late", "u2", "c", "click", T + 61 * MINUTE, null),
            event("before-shown", "u2", "c", "click", T - MINUTE, null),
            event("a-view", "u1", "a", "view", T + MINUTE, "r1"),
            event("organic", "u3", "a", "click", T + MINUTE, null)));
    RecflowConfig config = SparkFixture.config(Map.of("recflow.warehouse", w.root()));
    Attribution.Report report = Attribution.run(w, config, new Timestamp(T + 100 * MINUTE));
    assertEquals(1, report.byRequest());
    assertEquals(2, report.byWindow());
    Map<String, String> attributed = new HashMap<>();
    for (Row r : w.read(Tables.ATTRIBUTED_EVENTS).select(Col.EVENT_ID, Col.REQUEST_ID, Col.ATTRIBUTED_BY,
        Col.POSITION, Col.VARIANT).collectAsList()) {
      attributed.put(r.getString(0), r.getString(1) + "/" + r.getString(2) + "/" + r.getInt(3) + "/" + r.getString(4));
    }
    assertEquals(Map.of("by-request", "r1/request/0/x", "latest", "r2/window/3/x",
        "named-but-not-shown", "r1/window/1/x"), attributed);
  }

  @Test
  void theReportReplaysTheNewestRankerOnTheRandomisedSlots() throws Exception {
    List<Row> exposures = new ArrayList<>();
    List<Row> events = new ArrayList<>();
    // 60 users, one randomised slot each: pool x (served first), y (the popular one), z; the shown one
    // cycles. Users click y whenever it is shown, x for even users, never z.
    double servedClicks = 0;
    int servedSlots = 0;
    for (int u = 0; u < 60; u++) {
      String user = "u" + u;
      String[] pool = {"x" + u, "y" + u, "z" + u};
      int shown = u % 3;
      exposures.add(drawn("r" + u, user, pool, new float[] {0.1f, 0.9f, 0.2f}, shown, T));
      boolean click = shown == 1 || (shown == 0 && u % 2 == 0);
      if (click) {
        events.add(event("c" + u, user, pool[shown], "click", T + MINUTE, "r" + u));
      }
      if (shown == 0) {
        servedSlots++;
        servedClicks += click ? 1 : 0;
      }
    }
    Warehouse w = warehouse(exposures, events);
    w.append(Tables.RANKERS, SparkFixture.spark().createDataFrame(List.of(RowFactory.create(3L,
        Tables.Status.REJECTED, Features.COMMON.toArray(String[]::new), BY_POPULARITY,
        Map.of(Ranker.PRIOR_CONTENT_WEIGHT, 0.0),
        new Timestamp(T))), Schemas.of(Tables.RANKERS)));
    Path plan = Files.writeString(Files.createTempFile("plan-", ".json"), "{\"experiments\": [{\"name\": \"e\", "
        + "\"start\": \"2025-01-01T00:00:00Z\", \"variants\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}]}");
    RecflowConfig config = SparkFixture.config(Map.of("recflow.warehouse", w.root(), "experiments.file",
        plan.toString()));

    Replay replay = ExperimentReport.of(w, config, "e").counterfactual();
    assertEquals("ranker", replay.policy());
    Counterfactual.Result r = replay.result();
    assertEquals(60, r.slots());
    assertEquals(servedSlots, r.served().matched());
    assertEquals(servedClicks / servedSlots, r.served().clickThrough().value(), 1e-12);
    assertEquals(20, r.alternative().matched(), "the ranker picks y, shown to every third user");
    assertEquals(1.0, r.alternative().clickThrough().value(), 1e-12);
    assertTrue(r.lift().low() > 0, "the ranker is better than the served order: " + r.lift());

    Replay unknown = ExperimentReport.of(w, config.with(Map.of("experiments.counterfactual.policy",
        "feature:nope")), "e").counterfactual();
    assertEquals(null, unknown.result());
    assertEquals(60, unknown.unreadable());
    assertTrue(unknown.note().contains("no feature nope"), unknown.note());
  }

  @Test
  void theReportCountsListsAndAttributedOutcomesPerUser() throws Exception {
    List<Row> exposures = new ArrayList<>();
    List<Row> events = new ArrayList<>();
    // 40 users, alternately in a and b (the report reads the variant from the exposures); b's users click
    // twice as often. Users u0 and u1 also saw a list of the other variant and are left out.
    for (int u = 0; u < 40; u++) {
      String variant = u % 2 == 0 ? "a" : "b";
      for (int l = 0; l < 4; l++) {
        exposures.add(shown("r" + u + "-" + l, "u" + u, "i" + l, 0, variant, T + l * MINUTE));
      }
      int clicks = variant.equals("a") ? 1 + u % 3 : 2 + 2 * (u % 3);
      for (int c = 0; c < Math.min(clicks, 4); c++) {
        events.add(event("e" + u + "-" + c, "u" + u, "i" + c, "click", T + 30 * MINUTE, "r" + u + "-" + c));
      }
      if (u % 5 == 0) {
        events.add(event("p" + u, "u" + u, "i0", "purchase", T + 31 * MINUTE, null));
      }
    }
    exposures.add(shown("odd0", "u0", "z", 0, "b", T));
    exposures.add(shown("odd1", "u1", "z", 0, "a", T));
    Warehouse w = warehouse(exposures, events);
    Path plan = Files.writeString(Files.createTempFile("plan-", ".json"), "{\"experiments\": [{\"name\": \"e\", "
        + "\"start\": \"2025-01-01T00:00:00Z\", \"variants\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}]}");
    RecflowConfig config = SparkFixture.config(Map.of("recflow.warehouse", w.root(), "experiments.file",
        plan.toString()));
    ExperimentReport report = ExperimentReport.of(w, config, "e");
    assertEquals(2, report.usersInSeveralVariants());
    Analysis.Arm a = report.analysis().arms().get(0);
    Analysis.Arm b = report.analysis().arms().get(1);
    assertEquals(19, a.users());
    assertEquals(19, b.users());
    assertEquals(76, a.lists());
    // a's users u2, u4, ..., u38 click 1 + u % 3 times; b's u3, ..., u39 click min(4, 2 + 2 (u % 3)) times.
    double aClicks = 0;
    double bClicks = 0;
    double aPurchases = 0;
    for (int u = 2; u < 40; u++) {
      if (u % 2 == 0) {
        aClicks += 1 + u % 3;
        aPurchases += u % 5 == 0 ? 1 : 0;
      } else {
        bClicks += Math.min(4, 2 + 2 * (u % 3));
      }
    }
    assertEquals(aClicks / 76, a.clickThrough().value(), 1e-12);
    assertEquals(bClicks / 76, b.clickThrough().value(), 1e-12);
    assertEquals(aPurchases / 76, a.conversion().value(), 1e-12);
    assertTrue(report.analysis().verdict().startsWith("b is better than a"), report.analysis().verdict());
  }
}
