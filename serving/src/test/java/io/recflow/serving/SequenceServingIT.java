package io.recflow.serving;

import static io.recflow.serving.Http.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.recflow.core.InterestState;
import io.recflow.sequence.SequenceModel;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sequence model served over real HTTP from the nightly job's snapshot: alone
 * ({@code model=sequence}) it answers exactly what core's model computes for the user's ordered
 * history; anonymous sessions get lists from their {@code recent} items; an event posted to the
 * server changes the user's very next answer; and a corrupt model is refused while the server goes
 * on serving the two-stage ranking. The small test shop's model is served as published whatever
 * its gate said, so that these hold however well it learned.
 */
class SequenceServingIT {
  private static final List<AutoCloseable> OPEN = new ArrayList<>();
  private static ModelSnapshot snapshot;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    SnapshotHolder loaded = new SnapshotHolder(Files.createTempDirectory("recflow-snapshots-seq-"),
        new DeltaReader(NightlyWarehouse.path().toString()), ModelSnapshot.Search.EXACT, ServedRanking.DEFAULTS);
    OPEN.add(loaded);
    assertTrue(loaded.refresh());
    SnapshotHolder published = NightlyWarehouse.editedCopy(lease(loaded), ServedRanking.DEFAULTS, "published",
        db -> db.put(SnapshotKeys.meta(SnapshotKeys.SEQUENCE_STATUS), "published".getBytes(StandardCharsets.UTF_8)));
    snapshot = lease(published);
    http = serve(published);
  }

  private static ModelSnapshot lease(SnapshotHolder h) {
    try (SnapshotHolder.Lease l = h.acquire().orElseThrow()) {
      return l.snapshot();
    }
  }

  private static Http serve(SnapshotHolder h) throws Exception {
    return NightlyWarehouse.serve(h, TestKeys.publicReads(), OPEN);
  }

  @AfterAll
  static void stop() throws Exception {
    for (int i = OPEN.size() - 1; i >= 0; i--) {
      OPEN.get(i).close();
    }
  }

  /** Core's answer: the model's best unseen items after {@code rows} (oldest first) that may be served now. */
  private static List<String> expected(int[] rows, int k) {
    SequenceModel m = snapshot.sequence();
    BitSet seen = new BitSet();
    Arrays.stream(rows).forEach(seen::set);
    long now = System.currentTimeMillis();
    return Arrays.stream(m.items().topK(m.query(rows), k, r -> seen.get(r) || !snapshot.signals().servable(r, now)))
        .mapToObj(r -> snapshot.items().id(r)).toList();
  }

  /** The user's history as the server orders it for the model: oldest first, ties by item id. */
  private static int[] history(String user) throws Exception {
    InterestState st = snapshot.history(user).orElseThrow();
    return st.confidences().keySet().stream()
        .sorted(Comparator.comparingLong(st::itemTs).thenComparing(Comparator.naturalOrder()))
        .mapToInt(snapshot.items()::row).filter(r -> r >= 0).toArray();
  }

  @Test
  void healthSaysTheSequenceModelIsServed() throws Exception {
    assertEquals("published", http.json("/health").get("sequence").asText());
    assertNotNull(snapshot.sequence());
  }

  @Test
  void aloneTheSequenceModelAnswersWhatCoreComputesForTheOrderedHistory() throws Exception {
    JsonNode body = http.json("/v1/users/u3/recommendations?k=10&model=sequence");
    assertEquals("sequence", body.get("model").asText());
    assertEquals("sequence", body.get("ranker").asText());
    assertEquals(expected(history("u3"), 10), ids(body.get("items")));
    body.get("items").forEach(i -> assertEquals("[\"sequence\"]", i.get("sources").toString()));
  }

  @Test
  void anAnonymousSessionGetsListsFromItsRecentItemsInOrder() throws Exception {
    List<String> recent = List.of(snapshot.items().id(5), snapshot.items().id(17), snapshot.items().id(42));
    // recent lists the newest first; the model reads the oldest first.
    int[] oldestFirst = {42, 17, 5};
    JsonNode alone = http.json("/v1/recommendations?k=10&model=sequence&recent=" + String.join(",", recent));
    assertEquals(expected(oldestFirst, 10), ids(alone.get("items")));
    assertTrue(!alone.has("userId"), alone.toString());
    JsonNode reversed = http.json("/v1/recommendations?k=10&model=sequence&recent="
        + String.join(",", List.of(recent.get(2), recent.get(1), recent.get(0))));
    assertEquals(expected(new int[] {5, 17, 42}, 10), ids(reversed.get("items")));
    JsonNode served = http.json("/v1/recommendations?k=50&recent=" + String.join(",", recent));
    assertEquals("served", served.get("model").asText());
    assertEquals("recent", served.get("strategy").asText());
    List<String> sources = new ArrayList<>();
    served.get("items").forEach(i -> i.get("sources").forEach(s -> sources.add(s.asText())));
    assertTrue(sources.contains("sequence"), "the two-stage list holds the sequence model's candidates: " + sources);
    for (String id : ids(served.get("items"))) {
      assertTrue(!recent.contains(id), "a session's own item recommended: " + id);
    }
  }

  @Test
  void badRequestsGetAJsonError() throws Exception {
    HttpResponse<String> none = http.get("/v1/recommendations?k=5");
    assertEquals(400, none.statusCode());
    assertTrue(Http.JSON.readTree(none.body()).get("error").asText().contains("recent is required"), none.body());
    HttpResponse<String> model = http.get("/v1/users/u1/recommendations?model=gpt");
    assertEquals(400, model.statusCode());
    assertTrue(Http.JSON.readTree(model.body()).get("error").asText().contains("served, sequence, als or popular"),
        model.body());
  }

  @Test
  void anEventPostedToTheServerChangesTheUsersNextAnswer() throws Exception {
    int[] before = history("u7");
    List<String> first = ids(http.json("/v1/users/u7/recommendations?k=10&model=sequence").get("items"));
    assertEquals(expected(before, 10), first);
    String next = first.get(0);
    long ts = snapshot.history("u7").orElseThrow().newestTs() + 60_000;
    HttpResponse<String> posted = http.post("/v1/events", TestKeys.secret(), "{\"event_id\":\"seq-1\",\"user_id\":\"u7\","
        + "\"item_id\":\"" + next + "\",\"event_type\":\"view\",\"ts\":" + ts + "}");
    assertEquals(202, posted.statusCode(), posted.body());
    List<String> after = ids(http.json("/v1/users/u7/recommendations?k=10&model=sequence").get("items"));
    int[] withNext = Arrays.copyOf(before, before.length + 1);
    withNext[before.length] = snapshot.items().row(next);
    assertEquals(expected(withNext, 10), after, "the next answer reads the posted event as the newest item");
    assertNotEquals(first, after);
    assertTrue(!after.contains(next), "the item just viewed is not recommended again");
  }

  @Test
  void aCorruptSequenceModelIsRefusedWhileTheServerKeepsServing() throws Exception {
    SnapshotHolder corrupt = NightlyWarehouse.editedCopy(snapshot, ServedRanking.DEFAULTS, "corrupt-sequence",
        db -> db.put(SnapshotKeys.key(SnapshotKeys.SEQUENCE_WEIGHT, "block0.wq"), SnapshotKeys.floats(new float[7])));
    Http h = serve(corrupt);
    JsonNode health = h.json("/health");
    assertEquals("degraded", health.get("status").asText(), health.toString());
    assertTrue(health.get("reasons").get(0).asText().startsWith("the version's sequence model was refused"),
        health.toString());
    String status = health.get("sequence").asText();
    assertTrue(status.startsWith("refused: ") && status.contains("block0.wq"), status);
    JsonNode served = h.json("/v1/users/u1/recommendations?k=10");
    assertEquals(10, served.get("items").size(), served.toString());
    served.get("items").forEach(i -> i.get("sources").forEach(s -> assertNotEquals("sequence", s.asText())));
    HttpResponse<String> alone = h.get("/v1/users/u1/recommendations?model=sequence");
    assertEquals(503, alone.statusCode());
    assertTrue(Http.JSON.readTree(alone.body()).get("error").asText().contains("block0.wq"), alone.body());
  }
}
