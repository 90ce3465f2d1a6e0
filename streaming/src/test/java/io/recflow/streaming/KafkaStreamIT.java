package io.recflow.streaming;

import static io.recflow.streaming.TrainedWarehouse.relativeDifference;
import static io.recflow.streaming.TrainedWarehouse.vector;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.recflow.core.ErasureRequest;
import io.recflow.core.EventJson;
import io.recflow.core.EventValidator;
import io.recflow.core.RecflowConfig;
import io.recflow.core.TableDef;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.spark.SparkFixture;
import io.recflow.spark.Warehouse;
import io.recflow.streaming.KafkaFeed.Rejected;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream on its Kafka source, against a real broker ({@link KafkaBroker}: Kafka 4, KRaft, a JVM
 * of its own). Bursts of events are produced while a streaming JVM reads the topic; that JVM is
 * killed with SIGKILL once a batch has written to Delta and before the checkpoint commits it; the
 * rest of the feed is produced, and the query restarts from its checkpoint with available-now. Then
 * every accepted event is in {@code events} once, every malformed record in {@code
 * events_quarantine} once with its reason and its Kafka origin, and every touched user's vector
 * equals an uninterrupted run's and the fold-in of all the user's stored events against the nightly
 * model. Last, the landing directory read beside the topic brings a server's posted event and an
 * erasure tombstone into the same query. (Re-delivered late events made this test find that a
 * batch's late event was remembered for de-duplication against too early a clock: see {@code
 * InterestState.add}.)
 */
class KafkaStreamIT {
  private static final String TOPIC = "recflow-events";
  private static final int BURSTS = 6;

  private static final String[] EVENT_FIELDS = {Col.EVENT_ID, Col.USER_ID, Col.ITEM_ID, Col.EVENT_TYPE, Col.VALUE,
      Col.TS};
  private static final String[] QUARANTINE_FIELDS = {Col.RAW, Col.SOURCE, Col.REASON};

  @TempDir
  Path tmp;

  @Test
  void aKafkaStreamKilledMidBatchAndRestartedStoresEveryEventOnceAndFoldsEveryUserInExactly() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start(Path.of(System.getProperty("kafka.broker.lib")), tmp.resolve("kafka"))) {
      broker.createTopic(TOPIC, 2);
      Map<String, String> kafka = Map.of("stream.source", "kafka", "stream.kafka.bootstrapServers", broker.bootstrap(),
          "stream.kafka.topic", TOPIC);
      Path crashed = TrainedWarehouse.copy();
      RecflowConfig config = TrainedWarehouse.config(crashed, kafka);
      Warehouse a = new Warehouse(SparkFixture.spark(), crashed.toString());
      long history = a.read(Tables.EVENTS).count();
      List<String> items = a.read(Tables.ITEM_FACTORS).filter(col(Col.MODEL_VERSION).equalTo(1)).select(Col.ID)
          .orderBy(Col.ID).as(Encoders.STRING()).collectAsList();
      try (KafkaFeed feed = new KafkaFeed(broker.bootstrap(), TOPIC, items, BURSTS, 120)) {
        StreamProcess stream = new StreamProcess(tmp, config);
        long killed = killMidBatch(stream, feed);
        while (feed.remaining() > 0) {
          feed.produceNext();
        }
        // Restarted in this JVM, whose Spark session is up: a new JVM would only add its start-up.
        StreamJob.start(SparkFixture.spark(), config, true).awaitTermination();
        assertTrue(stream.logged("commits", killed), "the restarted stream committed the killed batch");

        Path reference = TrainedWarehouse.copy();
        StreamJob.start(SparkFixture.spark(), TrainedWarehouse.config(reference, kafka), true).awaitTermination();
        Warehouse b = new Warehouse(SparkFixture.spark(), reference.toString());
        assertEventsOnce(a, b, history, feed);
        assertQuarantined(a, b, feed, config);
        assertVectors(a, b, feed, config);
        assertLandingReadBesideTopic(a, crashed, config, feed, items);
      }
    }
  }

  /**
   * Produces bursts into a running stream, each read and committed before the next, until a batch
   * is caught in flight: from the second burst on, the stream is killed as soon as the batch reading
   * the burst has committed a Delta write, if the checkpoint has not committed the batch. A kill
   * that comes too late (the commit won the race) restarts the stream for the next burst.
   */
  private static long killMidBatch(StreamProcess stream, KafkaFeed feed) throws Exception {
    String name = "first";
    Process p = stream.start(false, name);
    while (feed.remaining() > 2) {
      if (!p.isAlive()) {
        name = "first-" + feed.produced();
        p = stream.start(false, name);
      }
      long versions = stream.deltaCommits();
      long records = feed.produceNext();
      stream.await(() -> stream.kafkaRecordsRead(stream.latest("offsets")) >= records, p, name);
      long batch = stream.latest("offsets");
      if (feed.produced() >= 2) {
        stream.await(() -> stream.deltaCommits() > versions || stream.logged("commits", batch), p, name);
        if (!stream.logged("commits", batch)) {
          p.destroyForcibly();
          assertTrue(p.waitFor(30, TimeUnit.SECONDS));
          assertEquals(137, p.exitValue(), "killed by SIGKILL");
          if (!stream.logged("commits", batch)) {
            return batch;
          }
          continue;
        }
      }
      stream.await(() -> stream.logged("commits", batch), p, name);
    }
    return fail("no batch could be caught in flight: " + stream.log(name));
  }

  private static void assertEventsOnce(Warehouse a, Warehouse b, long history, KafkaFeed feed) {
    List<Row> stored = rows(a, Tables.EVENTS, EVENT_FIELDS);
    Set<String> ids = stored.stream().map(r -> r.getString(0)).collect(Collectors.toSet());
    assertEquals(stored.size(), ids.size(), "no event is stored twice");
    assertEquals(history + feed.acceptedIds().size(), stored.size(), "the history and each accepted event");
    assertTrue(ids.containsAll(feed.acceptedIds()), "every accepted event is stored");
    assertSameRows(rows(b, Tables.EVENTS, EVENT_FIELDS), stored, "events");
  }

  private static void assertQuarantined(Warehouse a, Warehouse b, KafkaFeed feed, RecflowConfig config) {
    List<Row> rows = a.read(Tables.EVENTS_QUARANTINE).filter(col(Col.SOURCE).startsWith("kafka:"))
        .selectExpr(QUARANTINE_FIELDS).collectAsList();
    assertEquals(feed.rejected().size(), rows.size(), "the malformed records, nothing else: " + rows);
    EventValidator validator = EventValidator.from(config);
    for (Rejected r : feed.rejected()) {
      String reason = validator.validate(EventJson.parse(r.origin(), r.raw()), System.currentTimeMillis()).reason();
      assertNotNull(reason, "core's reader and validator reject " + r.raw());
      List<Row> found = rows.stream().filter(q -> q.getString(1).equals(r.origin())).toList();
      assertEquals(1, found.size(), "quarantined once under its origin " + r.origin() + ": " + rows);
      assertEquals(r.raw(), found.get(0).getString(0));
      assertEquals(reason, found.get(0).getString(2), "the reason of " + r.raw());
    }
    assertSameRows(rows(b, Tables.EVENTS_QUARANTINE, QUARANTINE_FIELDS),
        rows(a, Tables.EVENTS_QUARANTINE, QUARANTINE_FIELDS), "quarantined records");
  }

  private static void assertVectors(Warehouse a, Warehouse b, KafkaFeed feed, RecflowConfig config) {
    Map<String, Row> actual = TrainedWarehouse.latestVectors(a);
    Map<String, Row> uninterrupted = TrainedWarehouse.latestVectors(b);
    assertEquals(feed.users(), actual.keySet(), "a vector for each user with events (all items are known)");
    assertEquals(uninterrupted.keySet(), actual.keySet());
    Map<String, float[]> foldIn = StreamJobIT.batchFoldIn(a, config, 1);
    double worstToRun = 0;
    double worstToFoldIn = 0;
    for (String user : actual.keySet()) {
      assertEquals(1L, actual.get(user).<Long>getAs(Col.MODEL_VERSION));
      float[] v = vector(actual.get(user));
      worstToRun = Math.max(worstToRun, relativeDifference(vector(uninterrupted.get(user)), v));
      worstToFoldIn = Math.max(worstToFoldIn, relativeDifference(foldIn.get(user), v));
    }
    assertTrue(worstToRun <= 1e-6, "max relative difference to the uninterrupted run " + worstToRun);
    assertTrue(worstToFoldIn <= 1e-5, "max relative difference to a fold-in of the stored events " + worstToFoldIn);
    assertEquals(0, a.read(Tables.USER_VECTORS_RT).groupBy(Col.USER_ID, Col.BATCH_ID).count()
        .filter(col("count").gt(1)).count(), "no batch wrote a user twice");
  }

  /**
   * Servers write posted events and erasure tombstones to the landing directory, whatever the
   * stream's source: a Kafka stream stores a landed event, and after a landed tombstone the erased
   * user's next Kafka event starts a new user, whose vector equals that of another user with the
   * same single event.
   */
  private static void assertLandingReadBesideTopic(Warehouse a, Path warehouse, RecflowConfig config, KafkaFeed feed,
      List<String> items) throws Exception {
    String erased = feed.users().iterator().next();
    long ts = feed.afterBursts();
    TrainedWarehouse.land(warehouse, List.of(TrainedWarehouse.event("posted-1", "u-posted", items.get(0), "purchase",
        null, ts), ErasureRequest.now(erased, "test").toJson()));
    StreamJob.start(SparkFixture.spark(), config, true).awaitTermination();
    assertEquals(1, a.read(Tables.EVENTS).filter(col(Col.EVENT_ID).equalTo("posted-1")).count(),
        "the landed event is stored");
    assertEquals(1, a.read(Tables.ERASURES).filter(col(Col.USER_ID).equalTo(erased)).count(),
        "the landed erasure is recorded");

    feed.produceOne(erased, TrainedWarehouse.event("after-erasure", erased, items.get(0), "purchase", null, ts));
    StreamJob.start(SparkFixture.spark(), config, true).awaitTermination();
    Map<String, Row> vectors = TrainedWarehouse.latestVectors(a);
    double difference = relativeDifference(vector(vectors.get("u-posted")), vector(vectors.get(erased)));
    assertTrue(difference <= 1e-6, "the erased user starts anew from one event, like u-posted: " + difference);
  }

  private static List<Row> rows(Warehouse w, TableDef table, String... fields) {
    return w.read(table).selectExpr(fields).collectAsList();
  }

  /** The same rows, as many times each, as an uninterrupted run stored; the message shows a few that differ. */
  private static void assertSameRows(List<Row> uninterrupted, List<Row> actual, String what) {
    Map<Row, Long> expected = uninterrupted.stream().collect(Collectors.groupingBy(r -> r, Collectors.counting()));
    Map<Row, Long> found = actual.stream().collect(Collectors.groupingBy(r -> r, Collectors.counting()));
    List<Row> missing = expected.keySet().stream().filter(r -> !expected.get(r).equals(found.get(r))).limit(5).toList();
    List<Row> extra = found.keySet().stream().filter(r -> !found.get(r).equals(expected.get(r))).limit(5).toList();
    assertTrue(missing.isEmpty() && extra.isEmpty(), what + " differ from an uninterrupted run's: it has " + missing
        + ", this has " + extra);
  }
}
