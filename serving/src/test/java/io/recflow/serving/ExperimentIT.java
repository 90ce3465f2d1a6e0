package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.recflow.core.ConfigException;
import io.recflow.core.EventValidator;
import io.recflow.core.RecflowConfig;
import io.recflow.experiment.Assignment;
import io.recflow.experiment.ExperimentPlan;
import io.recflow.experiment.Exposure;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Experiments over real HTTP on a synthetic snapshot (with a trained ranker, without a sequence
 * model): request ids and durable exposures, sticky assignment, what a variant changes, the
 * listing, the per-variant metrics and a bad plan refused at start-up.
 */
class ExperimentIT {
  private static final String PLAN = """
      {"salt": "it", "holdout": 0.2, "experiments": [
        {"name": "order", "start": "2026-01-01T00:00:00Z", "slice": [0, 0.6],
         "variants": [{"name": "control"}, {"name": "als", "ranker": "als-order"}]},
        {"name": "seq", "start": "2026-01-01T00:00:00Z", "stop": "2098-01-01T00:00:00Z", "slice": [0.6, 1],
         "variants": [{"name": "control"}, {"name": "sequence", "model": "sequence", "share": 2}]},
        {"name": "later", "start": "2099-01-01T00:00:00Z", "slice": [0.6, 1],
         "variants": [{"name": "a"}, {"name": "b"}]}
      ]}""";
  private static ExperimentPlan plan;
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    Path root = Files.createTempDirectory("recflow-snapshots-exp-");
    SyntheticSnapshot.write(root.resolve("model-1"), 2_000, 300, 16, 42, 32);
    SnapshotHolder holder = new SnapshotHolder(root, new DeltaReader(root.resolve("no-warehouse").toString()));
    assertEquals(1, holder.openExisting());
    plan = ExperimentPlan.parse(PLAN, "test");
    server = TestServer.start(holder, TestKeys.publicReads(), 20_000, plan);
    http = server.http();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static Map<String, Exposure> exposures() throws Exception {
    Map<String, Exposure> byId = new HashMap<>();
    for (String line : server.exposureLines()) {
      Exposure e = Exposure.parse(line).orElseThrow(() -> new AssertionError("not an exposure: " + line));
      byId.put(e.requestId(), e);
    }
    return byId;
  }

  /** A user the plan puts in {@code experiment}/{@code variant}, searched for among u0..u299. */
  private static String userIn(String experiment, String variant) {
    for (int u = 0; u < 300; u++) {
      Assignment a = plan.assign("u" + u, Instant.now());
      if (experiment.equals(a.experiment()) && variant.equals(a.variantName())) {
        return "u" + u;
      }
    }
    throw new AssertionError("no synthetic user is in " + experiment + "/" + variant);
  }

  @Test
  void aRandomisedSlotLogsItsPoolAndProbabilityAndThePageKeepsItsItems() throws Exception {
    ServedRanking randomised = ServedRanking.from(RecflowConfig.defaults().with(Map.of("ranking.randomise.share",
        "1")));
    // The same snapshot again (the generator is seeded): a server's RocksDB is its own.
    Path again = Files.createTempDirectory("recflow-snapshots-exp-");
    SyntheticSnapshot.write(again.resolve("model-1"), 2_000, 300, 16, 42, 32);
    SnapshotHolder holder = new SnapshotHolder(again, new DeltaReader(again.resolve("no-warehouse").toString()),
        ModelSnapshot.Search.EXACT, randomised);
    assertEquals(1, holder.openExisting());
    // the control of "order" is served as configured: the ranker's order, nothing randomised
    String path = "/v1/users/" + userIn("order", "control") + "/recommendations?k=10";
    List<String> ranked = Http.ids(http.json(path).path("items"));
    Set<List<String>> orders = new HashSet<>();
    try (TestServer r = TestServer.start(holder, TestKeys.publicReads(), 20_000)) {
      for (int i = 0; i < 20; i++) {
        JsonNode body = r.http().json(path);
        List<String> ids = Http.ids(body.path("items"));
        assertEquals(new HashSet<>(ranked), new HashSet<>(ids), "a randomised page keeps its items");
        orders.add(ids);
      }
      List<Exposure> logged = r.exposureLines().stream().map(l -> Exposure.parse(l).orElseThrow()).toList();
      assertEquals(20, logged.size());
      for (Exposure e : logged) {
        List<Exposure.Shown> drawn = e.items().stream().filter(x -> !x.pool().isEmpty()).toList();
        assertEquals(1, drawn.size(), "one randomised slot per list: " + e.toJson());
        Exposure.Shown d = drawn.get(0);
        List<String> pool = d.pool().stream().map(Exposure.Drawn::itemId).toList();
        assertEquals(1.0 / pool.size(), d.propensity());
        assertTrue(pool.contains(d.itemId()), e.toJson());
        assertEquals(pool, ranked.stream().filter(pool::contains).toList(), "the pool is in the ranker's order");
        assertEquals(holder.ranking().pipeline().features().names(), e.features());
        d.pool().forEach(x -> assertEquals(e.features().size(), x.features().length));
        assertTrue(e.items().stream().filter(x -> x != d).allMatch(x -> x.propensity() == 1 && x.pool().isEmpty()));
      }
    }
    assertTrue(orders.size() > 1, "twenty draws gave one order: " + orders);
  }

  @Test
  void everyListCarriesARequestIdWhoseExposureIsOnDiskWhenTheListArrives() throws Exception {
    String user = userIn("order", "control");
    JsonNode body = http.json("/v1/users/" + user + "/recommendations?k=5&offset=3");
    String requestId = body.path("requestId").asText();
    assertFalse(requestId.isEmpty(), body.toString());
    // Read at once, with no wait: the response was sent after the exposure was durable.
    Exposure e = exposures().get(requestId);
    assertNotNull(e, "no exposure for " + requestId);
    assertEquals(user, e.userId());
    assertEquals("order", e.experiment());
    assertEquals("control", e.variant());
    assertEquals(body.path("modelVersion").asLong(), e.modelVersion());
    assertEquals(body.path("ranker").asText(), e.ranker());
    assertEquals(Http.ids(body.path("items")), e.items().stream().map(Exposure.Shown::itemId).toList());
    assertEquals(List.of(3, 4, 5, 6, 7), e.items().stream().map(Exposure.Shown::position).toList());
    for (int i = 0; i < 5; i++) {
      assertEquals(Http.JSON.convertValue(body.path("items").get(i).path("sources"), List.class),
          e.items().get(i).sources());
      assertEquals(1.0, e.items().get(i).propensity());
    }

    JsonNode session = http.json("/v1/recommendations?recent=i1,i2&k=3");
    Exposure anonymous = exposures().get(session.path("requestId").asText());
    assertNotNull(anonymous, session.toString());
    assertEquals(null, anonymous.userId());
    assertEquals(null, anonymous.variant());
    assertFalse(session.has("variant"));
    assertEquals(3, anonymous.items().size());

    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      ids.add(http.json("/v1/users/" + user + "/recommendations?k=2").path("requestId").asText());
    }
    assertEquals(20, ids.size(), "request ids must be unique");
    assertTrue(exposures().keySet().containsAll(ids));
  }

  @Test
  void aUserKeepsTheirVariantAndTheVariantDecidesTheRanker() throws Exception {
    Map<String, Integer> seen = new HashMap<>();
    for (int u = 0; u < 120; u++) {
      String user = "u" + u;
      Assignment expected = plan.assign(user, Instant.now());
      HttpResponse<String> first = http.get("/v1/users/" + user + "/recommendations?k=3");
      HttpResponse<String> again = http.get("/v1/users/" + user + "/recommendations?k=3");
      if ("sequence".equals(expected.variantName())) {
        // This snapshot has no sequence model: the variant's users are refused, and no exposure is recorded.
        assertEquals(503, first.statusCode(), first.body());
        seen.merge("seq/sequence", 1, Integer::sum);
        continue;
      }
      JsonNode a = Http.JSON.readTree(first.body());
      JsonNode b = Http.JSON.readTree(again.body());
      assertEquals(expected.variantName(), a.has("variant") ? a.path("variant").asText() : null, user);
      assertEquals(a.path("variant"), b.path("variant"), user + " changed variant between requests");
      assertEquals(a.path("experiment"), b.path("experiment"));
      String ranker = a.path("ranker").asText();
      assertEquals("als".equals(expected.variantName()) ? "als-order" : "trained", ranker, user);
      seen.merge(expected.holdout() ? "holdout" : expected.experiment() + "/" + expected.variantName(), 1,
          Integer::sum);
    }
    assertEquals(Set.of("holdout", "order/control", "order/als", "seq/control", "seq/sequence"), seen.keySet(),
        "120 users should fall in every arm: " + seen);
  }

  @Test
  void anExplicitModelParameterWinsOverTheVariant() throws Exception {
    String user = userIn("seq", "sequence");
    JsonNode body = http.json("/v1/users/" + user + "/recommendations?k=3&model=served");
    assertEquals("served", body.path("model").asText());
    assertEquals("sequence", body.path("variant").asText());
    assertEquals("served", exposures().get(body.path("requestId").asText()).model());
  }

  @Test
  void aSingleModelServesItsSourceAloneInItsOwnOrder() throws Exception {
    for (String model : List.of("popular", "als")) {
      JsonNode body = http.json("/v1/users/u7/recommendations?k=5&model=" + model);
      assertEquals(model, body.path("model").asText());
      assertEquals(model, body.path("ranker").asText());
      double previous = Double.POSITIVE_INFINITY;
      for (JsonNode item : body.path("items")) {
        assertEquals(List.of(model), Http.JSON.convertValue(item.path("sources"), List.class), body.toString());
        assertTrue(item.path("score").asDouble() <= previous, body.toString());
        previous = item.path("score").asDouble();
      }
      assertEquals(5, body.path("items").size());
    }
  }

  @Test
  void theListingShowsThePlanWithoutItsSalt() throws Exception {
    JsonNode body = http.json("/v1/experiments");
    assertEquals(0.2, body.path("holdout").asDouble());
    assertFalse(body.toString().contains("\"it\""), "the salt must not be shown: " + body);
    JsonNode seq = body.path("experiments").get(1);
    assertEquals("seq", seq.path("name").asText());
    assertTrue(seq.path("running").asBoolean());
    assertEquals(1 / 3.0, seq.path("variants").get(0).path("share").asDouble(), 1e-12);
    assertTrue(seq.path("variants").get(0).path("control").asBoolean());
    assertEquals("sequence", seq.path("variants").get(1).path("model").asText());
    assertFalse(body.path("experiments").get(2).path("running").asBoolean());
  }

  @Test
  void metricsCountExposuresAndPostedEventsPerVariant() throws Exception {
    String user = userIn("order", "als");
    http.json("/v1/users/" + user + "/recommendations?k=2");
    HttpResponse<String> posted = http.post("/v1/events", TestKeys.secret(), "{\"user_id\": \"" + user
        + "\", \"item_id\": \"i5\", \"event_type\": \"click\", \"ts\": \"" + Instant.now() + "\"}");
    assertEquals(202, posted.statusCode(), posted.body());
    String metrics = http.get("/metrics").body();
    assertTrue(metric(metrics, "recflow_exposures_total{experiment=\"order\",variant=\"als\"}").orElse(0.0) >= 1,
        metrics);
    assertTrue(metric(metrics, "recflow_experiment_events_total{event_type=\"click\",experiment=\"order\","
        + "variant=\"als\"}").orElse(0.0) >= 1, metrics);
  }

  private static Optional<Double> metric(String scrape, String series) {
    return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(series.length() + 1)));
  }

  @Test
  void withExposuresOffListsCarryNoRequestIdAndNothingIsRecorded() throws Exception {
    Path landing = Files.createTempDirectory("recflow-landing-");
    Path snapshots = Files.createTempDirectory("recflow-snapshots-");
    SyntheticSnapshot.write(snapshots.resolve("model-1"), 2_000, 300, 16, 42, 32);
    try (SnapshotHolder h = new SnapshotHolder(snapshots, new DeltaReader(snapshots.resolve("none").toString()));
         EventIntake intake = new EventIntake(landing, null, true, EventValidator.from(RecflowConfig.defaults()), 10)) {
      assertEquals(1, h.openExisting());
      var app = new RecServer(h, intake, plan, TestServer.backlog(landing), TestKeys.publicReads(), TestServer.WIDE,
          20_000).app().start(0);
      try {
        JsonNode body = new Http(app.port()).json("/v1/users/" + userIn("order", "als") + "/recommendations?k=3");
        assertFalse(body.has("requestId"), body.toString());
        assertEquals("als", body.path("variant").asText(), "the variant still applies");
        assertFalse(Files.exists(TestServer.exposures(landing)));
      } finally {
        app.stop();
      }
    }
  }

  @Test
  void aServerWithABadPlanDoesNotStart() throws Exception {
    Path bad = Files.writeString(Files.createTempFile("experiments-", ".json"), """
        {"experiments": [{"name": "x", "start": "2026-01-01T00:00:00Z", "variants": [{"name": "only"}]}]}""");
    RecflowConfig config = RecflowConfig.defaults().with(Map.of("experiments.file", bad.toString(),
        "serve.port", "0", "serve.snapshotDir", Files.createTempDirectory("recflow-unused-").toString()));
    ConfigException e = assertThrows(ConfigException.class, () -> ServeCommand.Server.start(config).close());
    assertTrue(e.getMessage().contains("needs at least two variants"), e.getMessage());
    assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
  }
}
