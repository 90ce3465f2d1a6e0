package io.recflow.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.Event;
import io.recflow.core.EventType;
import io.recflow.core.InterestState;
import io.recflow.core.InterestWeighting;
import io.recflow.core.Tables;
import io.recflow.spark.Schemas;
import io.recflow.spark.SparkFixture;
import io.recflow.spark.Warehouse;
import io.recflow.training.InterestModel;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.apache.spark.api.java.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.TestGroupState;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * A user's interest state is one thing, however it is reached: from one event history, the nightly
 * model (Spark, over the events table), the stream's seed (over the same table) and the stream's
 * stateful step (the events arriving live, in one batch, shuffled) all give exactly the state core's
 * {@link InterestState#of} builds, to the bit. The server's snapshot builds its states with the
 * same method from the same table (SnapshotIT and HistoryLoaderTest check that side).
 */
class InterestStateAgreementIT {
  private static final long DAY = 86_400_000L;
  private static final long T0 = 1_767_225_600_000L;

  @Test
  void theNightlyModelTheStreamsSeedAndTheStreamsUpdateBuildIdenticalStates() throws Exception {
    InterestWeighting weighting = InterestWeighting.from(SparkFixture.config(Map.of(
        "interest.halfLifeDays", "30", "interest.rating.neutral", "3")));
    List<Event> history = history();
    Warehouse w = SparkFixture.newWarehouse();
    List<Row> rows = new ArrayList<>();
    for (Event e : history) {
      rows.add(RowFactory.create(e.eventId(), e.userId(), e.itemId(), e.type().wireName(), e.value(),
          new Timestamp(e.tsMillis()), new Timestamp(T0), new Date(T0), null));
    }
    w.append(Tables.EVENTS, SparkFixture.spark().createDataFrame(rows, Schemas.of(Tables.EVENTS)));

    Map<String, Map<String, Double>> expected = new HashMap<>();
    byUser(history).forEach((u, events) -> expected.put(u, InterestState.of(events, weighting, 0).confidences()));
    assertTrue(expected.values().stream().anyMatch(c -> c.values().stream().anyMatch(v -> v < 0)),
        "the history includes a rating below neutral");

    Map<String, Map<String, Double>> nightly = new HashMap<>();
    for (Row r : InterestModel.interactions(w.read(Tables.EVENTS), weighting).collectAsList()) {
      nightly.computeIfAbsent(r.getString(0), u -> new HashMap<>()).put(r.getString(1), r.getDouble(2));
    }
    assertEquals(expected, nightly, "nightly model");

    Map<String, Map<String, Double>> seed = new HashMap<>();
    for (Tuple2<String, byte[]> t : StateSeed.compute(w, weighting, DAY).collectAsList()) {
      seed.put(t._1(), InterestState.fromBytes(t._2()).confidences());
    }
    assertEquals(expected, seed, "the stream's seed");

    Map<String, Map<String, Double>> live = new HashMap<>();
    InterestUpdate update = new InterestUpdate(weighting, DAY);
    byUser(history).forEach((u, events) -> {
      List<Row> batch = new ArrayList<>();
      for (Event e : events) {
        batch.add(RowFactory.create(e.eventId(), e.userId(), e.itemId(), e.type().wireName(), e.value(),
            new Timestamp(e.tsMillis()), null, "{}", "test", null));
      }
      Collections.shuffle(batch, new Random(SparkFixture.SEED));
      Iterator<StreamRecord> out = update.call(u, batch.iterator(), TestGroupState.create(Optional.<byte[]>empty(),
          GroupStateTimeout.NoTimeout(), 0L, Optional.empty(), false));
      out.forEachRemaining(r -> {
        if (r.getKind().equals(StreamRecord.USER)) {
          Map<String, Double> c = new HashMap<>();
          for (int i = 0; i < r.getItems().length; i++) {
            c.put(r.getItems()[i], r.getConfidences()[i]);
          }
          live.put(u, c);
        }
      });
    });
    assertEquals(expected, live, "the stream's stateful step");
  }

  /** Three users, with events out of time order, ties in time, repeats of an item and low ratings. */
  private static List<Event> history() {
    SplittableRandom random = new SplittableRandom(SparkFixture.SEED);
    List<Event> events = new ArrayList<>();
    EventType[] types = EventType.values();
    for (int u = 0; u < 3; u++) {
      for (int n = 0; n < 40; n++) {
        EventType type = types[random.nextInt(types.length)];
        Double value = type == EventType.RATING ? 0.5 * (1 + random.nextInt(10)) : null;
        // Every fifth event shares its time with the one before: the tie is broken by event id.
        long ts = T0 - random.nextLong(200) * DAY - (n % 5 == 0 ? 0 : random.nextInt(1000));
        events.add(new Event("e-" + u + "-" + n, "u" + u, "i" + random.nextInt(12), type, value, ts));
      }
    }
    return events;
  }

  private static Map<String, List<Event>> byUser(List<Event> events) {
    Map<String, List<Event>> m = new HashMap<>();
    events.forEach(e -> m.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e));
    return m;
  }
}
