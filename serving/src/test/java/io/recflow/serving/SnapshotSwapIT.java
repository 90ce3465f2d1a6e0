package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.recflow.core.RecflowConfig;
import io.recflow.experiment.ExperimentPlan;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model versions replace each other under load: a newly published version is loaded beside the
 * served one and swapped in without a failed request; a version whose files are broken is refused
 * while the old one goes on serving; a restarted server serves its snapshot at once.
 */
class SnapshotSwapIT {
  /** A warehouse with versions 1 and 2 published, shared by the tests (which do not change it). */
  private static Path twoNights;

  @TempDir
  Path tmp;

  @BeforeAll
  static void secondNight() throws Exception {
    twoNights = NightlyWarehouse.copy();
    NightlyWarehouse.nightly(twoNights);
  }

  private Javalin serve(SnapshotHolder holder) throws Exception {
    EventIntake intake = TestServer.intake(tmp.resolve("landing"), 10);
    return new RecServer(holder, intake, ExperimentPlan.NONE, TestServer.backlog(tmp.resolve("landing")),
        TestKeys.publicReads(), TestServer.WIDE, 100_000).app().start(0);
  }

  @Test
  void aNewVersionIsSwappedInUnderConcurrentRequestsWithoutAFailure() throws Exception {
    Path root = tmp.resolve("snapshots");
    Path v1 = NightlyWarehouse.snapshotOfVersion1(root);
    SnapshotHolder holder = new SnapshotHolder(root, new DeltaReader(twoNights.toString()));
    assertEquals(1, holder.openExisting());
    Javalin app = serve(holder);
    Http http = new Http(app.port());
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger answered = new AtomicInteger();
    Map<String, String> failures = new ConcurrentHashMap<>();
    Set<Long> versions = ConcurrentHashMap.newKeySet();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    List<Future<?>> running = Stream.of("u1", "u2", "nobody", "u3").map(user -> clients.submit(() -> {
      while (!stop.get()) {
        try {
          HttpResponse<String> r = http.get("/v1/users/" + user + "/recommendations?k=10&explain=true");
          JsonNode body = Http.JSON.readTree(r.body());
          if (r.statusCode() != 200 || body.get("items").size() != 10) {
            failures.put(user, r.statusCode() + " " + r.body());
          }
          versions.add(body.get("modelVersion").asLong());
          answered.incrementAndGet();
        } catch (Exception e) {
          failures.put(user, e.toString());
        }
      }
      return null;
    })).<Future<?>>map(f -> f).toList();
    Thread.sleep(500);
    assertTrue(holder.refresh(), "version 2 was not loaded");
    int atSwap = answered.get();
    long deadline = System.currentTimeMillis() + 120_000;
    while (answered.get() < atSwap + 200 && failures.isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    stop.set(true);
    for (Future<?> f : running) {
      f.get();
    }
    clients.shutdown();
    assertTrue(failures.isEmpty(), failures.toString());
    assertEquals(Set.of(1L, 2L), versions, "answers before and after the swap");
    assertEquals(2, http.json("/health").get("modelVersion").asLong());
    assertFalse(Files.exists(v1), "the old snapshot is removed once its last request ends");
    app.stop();
    holder.close();
  }

  @Test
  void anOperatorsRollbackIsServedAtTheNextPoll() throws Exception {
    Path warehouse = tmp.resolve("rollback");
    NightlyWarehouse.copyTree(twoNights, warehouse);
    SnapshotHolder holder = new SnapshotHolder(tmp.resolve("snapshots"), new DeltaReader(warehouse.toString()));
    assertTrue(holder.refresh());
    try (SnapshotHolder.Lease l = holder.acquire().orElseThrow()) {
      assertEquals(2, l.snapshot().version());
    }
    String out = NightlyWarehouse.models(warehouse, "publish", "1");
    assertTrue(out.contains("Model version 1 is published"), out);
    assertTrue(NightlyWarehouse.models(warehouse, "list").contains("withdrawn"));
    assertTrue(holder.refresh(), "the rollback to version 1 was not served");
    try (SnapshotHolder.Lease l = holder.acquire().orElseThrow()) {
      assertEquals(1, l.snapshot().version());
    }
    holder.close();
  }

  @Test
  void aBrokenVersionIsRefusedWhileTheServedOneKeepsServingAndIsServedOnceRepaired() throws Exception {
    Path broken = tmp.resolve("broken");
    NightlyWarehouse.copyTree(twoNights, broken);
    Path parquet;
    try (Stream<Path> files = Files.walk(broken.resolve("item_factors/model_version=2"))) {
      parquet = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    Path aside = Files.move(parquet, tmp.resolve("aside.parquet"));
    Path root = tmp.resolve("snapshots");
    NightlyWarehouse.snapshotOfVersion1(root);
    // Retried at every refresh, as if serve.retrySeconds had passed each time.
    SnapshotHolder holder = new SnapshotHolder(root, new DeltaReader(broken.toString()), ModelSnapshot.Search.EXACT,
        ServedRanking.DEFAULTS, 0);
    assertEquals(1, holder.openExisting());
    assertFalse(holder.refresh());
    assertEquals(2, holder.refusal().orElseThrow().version());
    assertFalse(Files.exists(root.resolve("model-2")), "the refused load leaves nothing behind");
    Javalin app = serve(holder);
    Http http = new Http(app.port());
    JsonNode health = http.json("/health");
    assertEquals("degraded", health.get("status").asText());
    assertEquals(1, health.get("modelVersion").asLong());
    assertEquals(2, health.get("refused").get("modelVersion").asLong());
    assertTrue(health.get("reasons").get(0).asText().startsWith("model version 2 was refused"), health.toString());
    assertFalse(health.toString().contains(tmp.toString()), "/health shows a path to anyone: " + health);
    JsonNode forAdmin = Http.JSON.readTree(http.get("/health", TestKeys.ADMIN.secret()).body());
    assertEquals(holder.refusal().orElseThrow().reason(), forAdmin.get("refused").get("reason").asText(),
        "an operator's key sees the reason unredacted");
    JsonNode recs = http.json("/v1/users/u1/recommendations");
    assertEquals(1, recs.get("modelVersion").asLong());
    assertEquals(10, recs.get("items").size());
    assertTrue(http.get("/metrics").body().contains("recflow_model_refused 1.0"));

    Files.move(aside, parquet);
    assertTrue(holder.refresh(), "the repaired version was not served");
    assertEquals(2, http.json("/v1/users/u1/recommendations").get("modelVersion").asLong());
    health = http.json("/health");
    assertEquals("ok", health.get("status").asText(), health.toString());
    assertEquals(0, health.get("reasons").size());
    app.stop();
    holder.close();
  }

  @Test
  void healthSaysStartingThenDegradedWithTheReasonWhenTheWarehouseHasNoModel() throws Exception {
    SnapshotHolder holder = new SnapshotHolder(tmp.resolve("snapshots"),
        new DeltaReader(tmp.resolve("no-warehouse-here").toString()));
    Javalin app = serve(holder);
    Http http = new Http(app.port());
    assertEquals("starting", http.json("/health").get("status").asText());
    assertFalse(holder.refresh());
    JsonNode health = http.json("/health");
    assertEquals("degraded", health.get("status").asText(), health.toString());
    assertTrue(health.get("reasons").get(0).asText().contains("no model version is published"), health.toString());
    assertEquals(503, http.get("/ready").statusCode());
    app.stop();
    holder.close();
  }

  @Test
  void aRestartedServerServesItsSnapshotAtOnceWithoutLoadingItAgain() throws Exception {
    Path root = tmp.resolve("snapshots");
    RecflowConfig config = RecflowConfig.defaults().with(Map.of("recflow.warehouse", twoNights.toString(),
        "serve.snapshotDir", root.toString(), "serve.port", "0"));
    try (ServeCommand.Server first = ServeCommand.Server.start(config)) {
      Http http = new Http(first.port());
      long deadline = System.currentTimeMillis() + 60_000;
      while (http.get("/ready").statusCode() != 200 && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(2, http.json("/ready").get("modelVersion").asLong());
    }
    String identity = Files.readString(root.resolve("model-2/IDENTITY"));
    try (ServeCommand.Server second = ServeCommand.Server.start(config)) {
      // Ready as soon as start returns: the snapshot on disk was opened, nothing was loaded.
      HttpResponse<String> ready = new Http(second.port()).get("/ready");
      assertEquals(200, ready.statusCode(), ready.body());
      assertEquals(2, Http.JSON.readTree(ready.body()).get("modelVersion").asLong());
      assertEquals(identity, Files.readString(root.resolve("model-2/IDENTITY")), "the snapshot was re-created");
    }
  }
}
