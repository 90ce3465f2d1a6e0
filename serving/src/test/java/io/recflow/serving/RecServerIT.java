package io.recflow.serving;

import static io.recflow.serving.Http.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.recflow.core.InterestState;
import io.recflow.core.ItemMatrix;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every route of the HTTP API over real HTTP, on a snapshot of a warehouse the nightly job wrote
 * (its ranker removed).
 */
class RecServerIT {
  private static final String KEY = TestKeys.secret();
  private static SnapshotHolder holder;
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    // Without the version's ranker these tests see the first stage's order (ALS, fold-in, popular)
    // and can recompute it exactly; RankingIT covers the ranker.
    Path snapshots = Files.createTempDirectory("recflow-snapshots-");
    NightlyWarehouse.snapshotOfVersion1WithoutRanker(snapshots);
    holder = new SnapshotHolder(snapshots, new DeltaReader(NightlyWarehouse.path().toString()));
    assertEquals(1, holder.openExisting());
    server = TestServer.start(holder, TestKeys.publicReads(), 20_000);
    http = server.http();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static ModelSnapshot snapshot() {
    try (SnapshotHolder.Lease l = holder.acquire().orElseThrow()) {
      return l.snapshot();
    }
  }

  private static Map<Integer, Double> history(String user) throws Exception {
    Map<Integer, Double> rows = new HashMap<>();
    InterestState s = snapshot().history(user).orElseThrow();
    s.confidences().forEach((id, c) -> rows.put(snapshot().items().row(id), c));
    return rows;
  }

  private static List<String> topK(float[] vector, int k, Set<Integer> excluded) {
    ItemMatrix items = snapshot().items();
    return java.util.Arrays.stream(new ExactTopK(items).topK(vector, k, excluded::contains)).mapToObj(items::id)
        .toList();
  }

  @Test
  void aKnownUserGetsTheModelsTopKUnseenItems() throws Exception {
    JsonNode body = http.json("/v1/users/u1/recommendations?k=5");
    assertEquals("als", body.get("strategy").asText());
    assertEquals(1, body.get("modelVersion").asLong());
    assertEquals(topK(snapshot().userVector("u1").orElseThrow(), 5, history("u1").keySet()), ids(body.get("items")));
    Set<String> seen = snapshot().history("u1").orElseThrow().confidences().keySet();
    ids(body.get("items")).forEach(id -> assertFalse(seen.contains(id), "seen item " + id + " recommended"));
    assertTrue(body.get("items").get(0).get("title").asText().endsWith(" " + ids(body.get("items")).get(0).substring(1)));
    JsonNode withSeen = http.json("/v1/users/u1/recommendations?k=5&excludeSeen=false");
    assertEquals(topK(snapshot().userVector("u1").orElseThrow(), 5, Set.of()), ids(withSeen.get("items")));
  }

  @Test
  void anUnknownUserGetsThePopularItems() throws Exception {
    JsonNode body = http.json("/v1/users/someone-new/recommendations?k=3&explore=false");
    assertEquals("popular", body.get("strategy").asText());
    int[] popular = snapshot().signals().popularOrder();
    assertEquals(List.of(snapshot().items().id(popular[0]), snapshot().items().id(popular[1]),
        snapshot().items().id(popular[2])), ids(body.get("items")));
  }

  @Test
  void aNewUserWithRecentItemsGetsTheFoldInOfThoseItems() throws Exception {
    // i1, i21 and i41 are all of the synthetic shop's category 1.
    JsonNode body = http.json("/v1/users/someone-new/recommendations?k=10&recent=i1,i21,i41&explore=false");
    assertEquals("recent", body.get("strategy").asText());
    ModelSnapshot s = snapshot();
    Map<Integer, Double> recent = Map.of(s.items().row("i1"), 1.0, s.items().row("i21"), 1.0, s.items().row("i41"), 1.0);
    assertEquals(topK(s.foldIn().solve(recent), 10, recent.keySet()), ids(body.get("items")));
    long sameCategory = ids(body.get("items")).stream().filter(id -> Integer.parseInt(id.substring(1)) % 20 == 1).count();
    assertTrue(sameCategory >= 6, "only " + sameCategory + " of 10 from the recent items' category: " + body);
  }

  @Test
  void anAttributeFilterKeepsOnlyItemsThatCarryIt() throws Exception {
    String category = snapshot().info("i3").orElseThrow().attributes().get(0);
    JsonNode body = http.json("/v1/users/u1/recommendations?k=5&attribute=" + category);
    assertEquals(5, body.get("items").size());
    for (String id : ids(body.get("items"))) {
      assertTrue(snapshot().info(id).orElseThrow().attributes().contains(category), id + " lacks " + category);
    }
    JsonNode none = http.json("/v1/users/u1/recommendations?k=5&attribute=no-such-attribute");
    assertEquals(0, none.get("items").size());
  }

  @Test
  void diversityTradesScoreForLessSimilarItems() throws Exception {
    List<String> plain = ids(http.json("/v1/users/u1/recommendations?k=10").get("items"));
    List<String> diverse = ids(http.json("/v1/users/u1/recommendations?k=10&diversity=0.7").get("items"));
    assertNotEquals(plain, diverse);
    assertEquals(plain.get(0), diverse.get(0), "MMR keeps the best item first");
    assertTrue(meanPairwiseCosine(diverse) < meanPairwiseCosine(plain),
        meanPairwiseCosine(diverse) + " vs " + meanPairwiseCosine(plain));
  }

  private static double meanPairwiseCosine(List<String> ids) {
    ItemMatrix m = snapshot().items();
    double sum = 0;
    int n = 0;
    for (int a = 0; a < ids.size(); a++) {
      for (int b = a + 1; b < ids.size(); b++) {
        sum += cosine(m, m.row(ids.get(a)), m.row(ids.get(b)));
        n++;
      }
    }
    return sum / n;
  }

  private static double cosine(ItemMatrix m, int a, int b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    float[] v = m.values();
    for (int f = 0; f < m.rank(); f++) {
      dot += v[a * m.rank() + f] * v[b * m.rank() + f];
      na += v[a * m.rank() + f] * v[a * m.rank() + f];
      nb += v[b * m.rank() + f] * v[b * m.rank() + f];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void explanationsNameTheHistoryItemsWithTheLargestShares() throws Exception {
    JsonNode body = http.json("/v1/users/u1/recommendations?k=5&explain=true");
    Map<Integer, Double> history = history("u1");
    ModelSnapshot s = snapshot();
    for (JsonNode item : body.get("items")) {
      JsonNode because = item.get("because");
      assertTrue(because.size() >= 1 && because.size() <= Recommendations.BECAUSE, item.toString());
      List<io.recflow.core.Explainer.Contribution> expected =
          s.foldIn().explainer(history).contributions(s.items().row(item.get("itemId").asText()));
      for (int i = 0; i < because.size(); i++) {
        assertEquals(s.items().id(expected.get(i).row()), because.get(i).get("itemId").asText());
        assertEquals(expected.get(i).value(), because.get(i).get("contribution").asDouble(), 1e-9);
        assertTrue(history.containsKey(s.items().row(because.get(i).get("itemId").asText())));
      }
    }
  }

  @Test
  void similarItemsComeFromTheNightlyNeighbours() throws Exception {
    JsonNode body = http.json("/v1/items/i5/similar?k=5&by=cf");
    assertEquals(snapshot().neighbors("cf", "i5").subList(0, 5).stream().map(ModelSnapshot.Scored::itemId).toList(),
        ids(body.get("items")));
    assertFalse(ids(body.get("items")).contains("i5"));
    assertEquals(404, http.get("/v1/items/no-such-item/similar").statusCode());
    assertEquals(400, http.get("/v1/items/i5/similar?by=taste").statusCode());
    // This warehouse was built without text embeddings: no content neighbours, an empty list.
    assertEquals(0, http.json("/v1/items/i5/similar?by=content").get("items").size());
  }

  @Test
  void postedEventsAreDurableInTheLandingDirectoryBeforeTheAnswer() throws Exception {
    String events = "[{\"user_id\":\"u7\",\"item_id\":\"i9\",\"event_type\":\"purchase\",\"ts\":1767300000},"
        + "{\"event_id\":\"e-2\",\"user_id\":\"u7\",\"item_id\":\"i10\",\"event_type\":\"rating\",\"value\":4.5,"
        + "\"ts\":\"2026-01-02T10:00:00Z\"}]";
    HttpResponse<String> r = http.post("/v1/events", KEY, events);
    assertEquals(202, r.statusCode(), r.body());
    JsonNode body = Http.JSON.readTree(r.body());
    assertEquals(2, body.get("accepted").asInt());
    assertEquals("e-2", body.get("eventIds").get(1).asText());
    List<String> lines = landedLines();
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"event_id\":\"e-2\"") && l.contains("\"value\":4.5")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.contains(body.get("eventIds").get(0).asText())), lines.toString());
  }

  private static List<String> landedLines() throws Exception {
    try (Stream<Path> files = Files.list(server.landing())) {
      return files.filter(f -> !f.getFileName().toString().startsWith(".")).flatMap(f -> {
        try {
          return Files.readAllLines(f).stream();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
  }

  @Test
  void eventsNeedAValidApiKeyAndValidFieldsAndNothingInvalidIsWritten() throws Exception {
    String one = "{\"user_id\":\"u7\",\"item_id\":\"i9\",\"event_type\":\"view\",\"ts\":1767300000}";
    assertEquals(401, http.post("/v1/events", null, one).statusCode());
    assertEquals(401, http.post("/v1/events", "wrong", one).statusCode());
    int before = landedLines().size();
    String mixed = "[" + one + ",{\"user_id\":\"u7\",\"item_id\":\"i9\",\"event_type\":\"teleport\",\"ts\":1767300000},"
        + "{\"user_id\":\"u7\",\"event_type\":\"view\",\"ts\":1767300000},"
        + "{\"user_id\":\"u7\",\"item_id\":\"i9\",\"event_type\":\"rating\",\"value\":99,\"ts\":1767300000},"
        + "{\"user_id\":\"u7\",\"item_id\":\"i9\",\"event_type\":\"view\",\"ts\":1767300000,\"colour\":\"red\"}, 7]";
    HttpResponse<String> r = http.post("/v1/events", KEY, mixed);
    assertEquals(400, r.statusCode(), r.body());
    JsonNode problems = Http.JSON.readTree(r.body()).get("problems");
    assertEquals(List.of(1, 2, 3, 4, 5), java.util.stream.StreamSupport.stream(problems.spliterator(), false)
        .map(p -> p.get("index").asInt()).toList());
    assertTrue(problems.get(0).get("reason").asText().contains("teleport"), problems.toString());
    assertTrue(problems.get(1).get("reason").asText().contains("item_id"), problems.toString());
    assertTrue(problems.get(2).get("reason").asText().contains("outside"), problems.toString());
    assertTrue(problems.get(3).get("reason").asText().contains("colour"), problems.toString());
    assertEquals(before, landedLines().size(), "a rejected request wrote events");
    assertEquals(400, http.post("/v1/events", KEY, "{\"user_id\": ").statusCode());
    assertEquals(400, http.post("/v1/events", KEY, "[]").statusCode());
    HttpResponse<String> big = http.post("/v1/events", KEY, "[" + (one + ",").repeat(400) + one + "]");
    assertEquals(413, big.statusCode(), big.body());
    assertEquals(413, Http.JSON.readTree(big.body()).get("status").asInt());
  }

  @Test
  void badRequestsGetAJsonErrorWithTheRightStatus() throws Exception {
    for (String path : List.of("/v1/users/u1/recommendations?k=0", "/v1/users/u1/recommendations?k=100000",
        "/v1/users/u1/recommendations?k=ten", "/v1/users/u1/recommendations?diversity=2",
        "/v1/users/u1/recommendations?explain=maybe", "/v1/items/i1/similar?k=-1")) {
      HttpResponse<String> r = http.get(path);
      assertEquals(400, r.statusCode(), path + ": " + r.body());
      assertEquals(400, Http.JSON.readTree(r.body()).get("status").asInt(), r.body());
    }
    HttpResponse<String> missing = http.get("/v1/nothing-here");
    assertEquals(404, missing.statusCode());
    assertTrue(Http.JSON.readTree(missing.body()).get("error").asText().contains("/v1/nothing-here"), missing.body());
  }

  @Test
  void healthReadinessMetricsAndTheApiDocumentAreServed() throws Exception {
    JsonNode health = http.json("/health");
    assertEquals("ok", health.get("status").asText());
    assertEquals(1, health.get("modelVersion").asLong());
    assertEquals(200, http.get("/ready").statusCode());
    http.get("/v1/users/u1/recommendations");
    String metrics = http.get("/metrics").body();
    assertTrue(metrics.contains("recflow_snapshot_model_version 1.0"), metrics);
    assertTrue(metrics.contains("recflow_http_requests_seconds_bucket{method=\"GET\",route=\"/v1/users/{id}/recommendations\""),
        metrics);
    JsonNode api = http.json("/openapi.json");
    for (String path : List.of("/v1/users/{id}/recommendations", "/v1/recommendations", "/v1/items/{id}/similar",
        "/v1/events", "/v1/users/{id}", "/v1/experiments", "/health", "/ready", "/metrics")) {
      assertTrue(api.get("paths").has(path), "openapi.json lacks " + path);
    }
  }
}
