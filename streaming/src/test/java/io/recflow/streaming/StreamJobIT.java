package io.recflow.streaming;

import static io.recflow.streaming.TrainedWarehouse.event;
import static io.recflow.streaming.TrainedWarehouse.land;
import static io.recflow.streaming.TrainedWarehouse.relativeDifference;
import static io.recflow.streaming.TrainedWarehouse.vector;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.FoldIn;
import io.recflow.core.InterestWeighting;
import io.recflow.core.ItemMatrix;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.core.TableDef;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.spark.Schemas;
import io.recflow.spark.SparkFixture;
import io.recflow.spark.Vectors;
import io.recflow.spark.Warehouse;
import io.recflow.training.InterestModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The streaming job against a warehouse the nightly job trained: each test gets its own copy,
 * runs the real query (RocksDB state store, Delta sinks) over files it lands, and checks the
 * vectors against the nightly model and against an independent batch computation.
 */
class StreamJobIT {
  /** Older than every synthetic event, so it is nobody's newest and decay leaves the history as it was. */
  private static final long OLD_TS = 1_735_689_600L;
  private static final long LATE_TS = 1_767_000_000L;

  private static void runToCompletion(RecflowConfig config) throws Exception {
    StreamJob.start(SparkFixture.spark(), config, true).awaitTermination();
  }

  @Test
  void aUsersFullHistoryFoldedInReproducesTheirNightlyFactor() throws Exception {
    Path dir = TrainedWarehouse.copy();
    RecflowConfig config = TrainedWarehouse.config(dir, Map.of());
    Warehouse w = new Warehouse(SparkFixture.spark(), dir.toString());
    // A view of an item the model has never seen: the stream must fold in the user's whole history
    // (seeded from the warehouse), and only that, since the new item has no factor.
    List<String> users = List.of("u1", "u2", "u3", "u5", "u8", "u13", "u21", "u34", "u55", "u89");
    List<String> lines = new ArrayList<>();
    for (String u : users) {
      lines.add(event("new-" + u, u, "brand-new-item", "view", null, OLD_TS));
    }
    land(dir, lines);
    runToCompletion(config);

    Map<String, Row> live = TrainedWarehouse.latestVectors(w);
    Map<String, float[]> nightly = new HashMap<>();
    for (Row r : w.read(Tables.USER_FACTORS).filter(col(Col.MODEL_VERSION).equalTo(1)).collectAsList()) {
      nightly.put(r.getAs(Col.ID), vector(r));
    }
    assertEquals(users.size(), live.size());
    double worst = 0;
    for (String u : users) {
      assertEquals(1L, live.get(u).<Long>getAs(Col.MODEL_VERSION));
      worst = Math.max(worst, relativeDifference(nightly.get(u), vector(live.get(u))));
    }
    assertTrue(worst <= 1e-3, "max relative difference to the nightly factor " + worst);
  }

  @Test
  void afterNewEventsTheStreamedVectorEqualsAFoldInOfAllTheUsersEvents() throws Exception {
    Path dir = TrainedWarehouse.copy();
    RecflowConfig config = TrainedWarehouse.config(dir, Map.of());
    Warehouse w = new Warehouse(SparkFixture.spark(), dir.toString());
    Random rnd = new Random(SparkFixture.SEED);
    String[] types = {"view", "click", "cart", "purchase", "rating"};
    // Two batches of new events, some newer than anything before (so older events decay), some
    // ratings below neutral (negative preferences).
    List<Path> landed = new ArrayList<>();
    for (int batch = 0; batch < 2; batch++) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        String type = types[rnd.nextInt(types.length)];
        lines.add(event("b" + batch + "-" + i, "u" + rnd.nextInt(40), "i" + rnd.nextInt(240), type,
            type.equals("rating") ? 0.5 + rnd.nextInt(10) * 0.5 : null, LATE_TS + batch * 86_400L + rnd.nextInt(86_400)));
      }
      landed.add(land(dir, lines));
      runToCompletion(config);
    }
    // stream.cleanSource=delete: the first file's batch was committed before the second ran, so it is gone.
    long deadline = System.currentTimeMillis() + 10_000;
    while (Files.exists(landed.get(0)) && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertFalse(Files.exists(landed.get(0)), "a consumed landing file was kept");

    Map<String, float[]> expected = batchFoldIn(w, config, 1);
    Map<String, Row> live = TrainedWarehouse.latestVectors(w);
    assertTrue(live.size() >= 35, "most of the 40 users got events: " + live.size());
    double worst = 0;
    for (Map.Entry<String, Row> e : live.entrySet()) {
      worst = Math.max(worst, relativeDifference(expected.get(e.getKey()), vector(e.getValue())));
    }
    assertTrue(worst <= 1e-5, "max relative difference to a batch fold-in of all events " + worst);
  }

  /** Each user's vector computed the batch way: aggregate every stored event, fold in against a version. */
  static Map<String, float[]> batchFoldIn(Warehouse w, RecflowConfig config, long version) {
    ItemMatrix items = Vectors.collectMatrix(w.read(Tables.ITEM_FACTORS).filter(col(Col.MODEL_VERSION).equalTo(version)));
    FoldIn foldIn = new FoldIn(items, config.get(Settings.ALS_ALPHA), config.get(Settings.ALS_REG));
    Map<String, Map<String, Double>> conf = new HashMap<>();
    for (Row r : InterestModel.interactions(w.read(Tables.EVENTS), InterestWeighting.from(config))
        .select(Col.USER_ID, Col.ITEM_ID, Col.CONFIDENCE).collectAsList()) {
      conf.computeIfAbsent(r.getString(0), u -> new HashMap<>()).put(r.getString(1), r.getDouble(2));
    }
    Map<String, float[]> out = new HashMap<>();
    conf.forEach((u, c) -> out.put(u, foldIn.solveByItemId(c)));
    return out;
  }

  @Test
  void badInputIsQuarantinedWithReasonsDuplicatesCountOnceAndTheQueryKeepsRunning() throws Exception {
    Path dir = TrainedWarehouse.copy();
    RecflowConfig config = TrainedWarehouse.config(dir, Map.of());
    Warehouse w = new Warehouse(SparkFixture.spark(), dir.toString());
    long eventsBefore = w.read(Tables.EVENTS).count();
    long quarantineBefore = w.read(Tables.EVENTS_QUARANTINE).count();
    land(dir, List.of(
        "{not json at all",
        "{\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"teleport\",\"ts\":" + LATE_TS + "}",
        "{\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":" + LATE_TS + "}",
        "{\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"rating\",\"value\":1e9,\"ts\":" + LATE_TS + "}",
        "{\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":\"3000-01-01T00:00:00Z\"}",
        event("dup-1", "u1", "i2", "purchase", null, LATE_TS),
        event("dup-1", "u1", "i2", "purchase", null, LATE_TS),
        "{\"user_id\":\"u2\",\"item_id\":\"i3\",\"event_type\":\"click\",\"ts\":" + LATE_TS + "}",
        "{\"user_id\":\"u2\",\"item_id\":\"i3\",\"event_type\":\"click\",\"ts\":" + LATE_TS + "}"));
    runToCompletion(config);
    // The same event delivered again in a later batch, and a good one beside it.
    land(dir, List.of(event("dup-1", "u1", "i2", "purchase", null, LATE_TS),
        event("fresh-1", "u3", "i4", "cart", null, LATE_TS)));
    runToCompletion(config);

    List<String> reasons = w.read(Tables.EVENTS_QUARANTINE).select(Col.REASON).collectAsList().stream()
        .map(r -> r.getString(0)).toList();
    assertEquals(quarantineBefore + 5, reasons.size(), reasons.toString());
    for (String expected : List.of("not valid JSON", "unknown event_type 'teleport'", "missing user_id",
        "outside [0.5, 5.0]", "in the future")) {
      assertTrue(reasons.stream().anyMatch(r -> r.contains(expected)), expected + " not among " + reasons);
    }
    assertEquals(eventsBefore + 3, w.read(Tables.EVENTS).count(), "dup-1, the id-less click and fresh-1, once each");
    assertEquals(1, w.read(Tables.EVENTS).filter(col(Col.EVENT_ID).equalTo("dup-1")).count());
    Map<String, Row> live = TrainedWarehouse.latestVectors(w);
    assertEquals(Map.of("u1", 1L, "u2", 1L, "u3", 1L).keySet(), live.keySet());
    Map<String, float[]> expected = batchFoldIn(w, config, 1);
    for (String u : live.keySet()) {
      assertTrue(relativeDifference(expected.get(u), vector(live.get(u))) <= 1e-5, u);
    }
    for (TableDef t : List.of(Tables.EVENTS, Tables.EVENTS_QUARANTINE, Tables.USER_VECTORS_RT)) {
      assertEquals(Schemas.of(t).asNullable().treeString(), w.read(t).schema().treeString(), "the stream's " + t);
    }
  }

  @Test
  void publishingANewModelSwitchesTheRunningQueryAtTheNextBatch() throws Exception {
    Path dir = TrainedWarehouse.copy();
    RecflowConfig config = TrainedWarehouse.config(dir, Map.of());
    Warehouse w = new Warehouse(SparkFixture.spark(), dir.toString());
    var query = StreamJob.start(SparkFixture.spark(), config, false);
    try {
      land(dir, List.of(event("s1", "u7", "i7", "purchase", null, LATE_TS)));
      Row first = await(w, "u7", 1L);
      long v2 = TrainedWarehouse.train(dir);
      assertEquals(2L, v2);
      land(dir, List.of(event("s2", "u7", "i8", "purchase", null, LATE_TS + 60),
          event("s3", "u9", "i9", "view", null, LATE_TS + 60)));
      Row second = await(w, "u7", 2L);
      assertTrue(second.<Long>getAs(Col.BATCH_ID) > first.<Long>getAs(Col.BATCH_ID));
      assertTrue(query.isActive(), "the switch needed no restart");
      Map<String, float[]> expected = batchFoldIn(w, config, 2);
      assertTrue(relativeDifference(expected.get("u7"), vector(second)) <= 1e-5,
          "the vector is in the new model's space");
    } finally {
      query.stop();
    }
    assertFalse(query.exception().isDefined(), () -> query.exception().get().toString());
  }

  @Test
  void aModelThatWeightsEventsDifferentlyIsNotMixedIntoTheStreamsState() throws Exception {
    Path dir = TrainedWarehouse.copy();
    Warehouse w = new Warehouse(SparkFixture.spark(), dir.toString());
    // The profile says otherwise, but a new checkpoint takes the published model's weighting.
    RecflowConfig config = TrainedWarehouse.config(dir, Map.of("interest.weight.view", "3"));
    var query = StreamJob.start(SparkFixture.spark(), config, false);
    try {
      land(dir, List.of(event("w1", "u7", "i7", "purchase", null, LATE_TS)));
      await(w, "u7", 1L);
      assertEquals(2L, TrainedWarehouse.train(dir, Map.of("interest.weight.purchase", "20")));
      land(dir, List.of(event("w2", "u8", "i8", "view", null, LATE_TS + 60)));
      Row kept = await(w, "u8", 1L);
      assertEquals(1L, kept.<Long>getAs(Col.MODEL_VERSION), "the stream keeps the version its state matches");
      Map<String, float[]> expected = batchFoldIn(w, TrainedWarehouse.config(dir, Map.of()), 1);
      assertTrue(relativeDifference(expected.get("u8"), vector(kept)) <= 1e-5, "computed with the model's weighting");
      assertTrue(query.isActive());
    } finally {
      query.stop();
    }
  }

  /** Waits up to two minutes for a live vector of {@code user} under {@code version}. */
  private static Row await(Warehouse w, String user, long version) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      Row r = TrainedWarehouse.latestVectors(w).get(user);
      if (r != null && r.<Long>getAs(Col.MODEL_VERSION) == version) {
        return r;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no live vector of " + user + " under model version " + version + " within 2 minutes");
  }
}
