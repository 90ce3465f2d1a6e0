package io.recflow.serving;

import static io.recflow.serving.Http.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.recflow.core.ItemMatrix;
import io.recflow.core.RecflowConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDBException;

/**
 * The two-stage ranking over real HTTP: sources and their reasons, exploration on and off,
 * exclusions, paging, and a ranker that is missing or corrupt. Items with fewer than 40
 * interactions count as fresh here, so that the synthetic shop has new items to explore.
 */
class RankingIT {
  private static final ServedRanking RANKING = ServedRanking.from(RecflowConfig.defaults().with(Map.of(
      "ranking.fresh.maxInteractions", "40")));
  private static final List<AutoCloseable> OPEN = new ArrayList<>();
  private static Http http;
  private static SnapshotHolder holder;

  @BeforeAll
  static void start() throws Exception {
    holder = new SnapshotHolder(Files.createTempDirectory("recflow-snapshots-"),
        new DeltaReader(NightlyWarehouse.path().toString()), ModelSnapshot.Search.EXACT, RANKING);
    assertTrue(holder.refresh());
    http = serve(holder);
  }

  private static Http serve(SnapshotHolder h) throws Exception {
    return NightlyWarehouse.serve(h, TestKeys.publicReads(), OPEN);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : OPEN) {
      c.close();
    }
  }

  private static ModelSnapshot snapshot(SnapshotHolder h) {
    try (SnapshotHolder.Lease l = h.acquire().orElseThrow()) {
      return l.snapshot();
    }
  }

  @Test
  void healthSaysWhichRankerOrdersTheLists() throws Exception {
    String ranker = http.json("/health").get("ranker").asText();
    System.out.println("ranker of the test warehouse: " + ranker);
    assertEquals(snapshot(holder).rankerStatus(), ranker);
    assertEquals(snapshot(holder).ranker().trained() ? "trained" : "als-order",
        http.json("/v1/users/u1/recommendations").get("ranker").asText());
  }

  @Test
  void everyItemNamesTheSourcesThatFoundItAndExplainsEach() throws Exception {
    JsonNode body = http.json("/v1/users/u1/recommendations?k=20&explain=true");
    Set<String> history = snapshot(holder).history("u1").orElseThrow().confidences().keySet();
    Set<String> sources = new HashSet<>();
    for (JsonNode item : body.get("items")) {
      assertTrue(item.get("sources").size() >= 1, item.toString());
      Set<String> explained = new HashSet<>();
      for (JsonNode reason : item.get("reasons")) {
        explained.add(reason.get("source").asText());
        assertFalse(reason.get("text").asText().isBlank(), reason.toString());
        if (reason.get("source").asText().equals("co-visitation")) {
          assertTrue(history.contains(reason.get("itemId").asText()), "evidence outside the history: " + reason);
          assertTrue(reason.get("text").asText().startsWith("people who viewed "), reason.toString());
        }
      }
      item.get("sources").forEach(src -> {
        sources.add(src.asText());
        assertTrue(explained.contains(src.asText()), src + " has no reason in " + item);
      });
    }
    assertTrue(sources.containsAll(List.of("als", "co-visitation")), "sources seen: " + sources);
  }

  @Test
  void everySourceGivesItsReasonInWords() throws Exception {
    // The test warehouse is built without the text model; a copy gets one text vector per item
    // category (the generator puts item iN in category N % 20), enough for the content source.
    ModelSnapshot s = snapshot(holder);
    SnapshotHolder withText = NightlyWarehouse.editedCopy(s, RANKING, "text", db -> {
      for (int row = 0; row < s.items().size(); row++) {
        float[] e = new float[20];
        e[Integer.parseInt(s.items().id(row).substring(1)) % 20] = 1;
        e[(row * 7) % 20] += 0.3f; // items of one category differ a little
        db.put(SnapshotKeys.key(SnapshotKeys.EMBEDDING, s.items().id(row)), SnapshotKeys.floats(e));
      }
    });
    Http h = serve(withText);
    Set<String> history = s.history("u1").orElseThrow().confidences().keySet();
    Map<String, String> said = new java.util.HashMap<>();
    int likedBecause = 0;
    for (JsonNode item : h.json("/v1/users/u1/recommendations?k=200&explain=true").get("items")) {
      for (JsonNode reason : item.get("reasons")) {
        said.putIfAbsent(reason.get("source").asText(), reason.get("text").asText());
        if (reason.get("source").asText().equals("content") && reason.has("itemId")) {
          // The evidence is the user's own item closest in text, named by its title.
          assertTrue(history.contains(reason.get("itemId").asText()), "evidence outside the history: " + reason);
          assertEquals("because you liked " + reason.get("title").asText(), reason.get("text").asText());
          likedBecause++;
        }
      }
    }
    assertTrue(likedBecause > 0, "no content reason named the item behind it: " + said);
    assertTrue(said.get("co-visitation").startsWith("people who viewed "), said.toString());
    assertEquals("matches your taste", said.get("als"), said.toString());
    assertEquals("new arrival close to what you watch", said.get("fresh"), said.toString());
    assertTrue(said.get("exploration").startsWith("new arrival close to what you watch, shown so"), said.toString());
    assertEquals("popular with everyone", said.get("popular"), said.toString());
    // Someone the model has never seen gets the popular items, each saying so.
    for (JsonNode item : h.json("/v1/users/nobody-at-all/recommendations?k=5&explain=true").get("items")) {
      assertEquals("popular", item.get("sources").get(0).asText(), item.toString());
      assertEquals("popular with everyone", item.get("reasons").get(0).get("text").asText(), item.toString());
    }
  }

  @Test
  void anItemGainingInteractionsNowSaysItIsTrending() throws Exception {
    ModelSnapshot s = snapshot(holder);
    Set<String> history = s.history("u2").orElseThrow().confidences().keySet();
    String hot = java.util.Arrays.stream(s.signals().popularOrder()).mapToObj(s.items()::id)
        .filter(id -> !history.contains(id)).reduce((a, b) -> b).orElseThrow(); // the least popular unseen item
    long now = System.currentTimeMillis();
    for (int i = 0; i < 30; i++) {
      s.signals().trending().add(s.items().row(hot), now - i * 1000L);
    }
    JsonNode body = http.json("/v1/users/u2/recommendations?k=500&explain=true&explore=false");
    JsonNode item = find(body, hot);
    assertNotNull(item, hot + " not listed: " + body);
    assertTrue(texts(item.get("sources")).contains("trending"), item.toString());
    assertTrue(texts(item.get("reasons")).contains("trending now"), item.toString());
  }

  @Test
  void everyTenthSlotGoesToAFreshItemUnlessExplorationIsOff() throws Exception {
    ModelSnapshot s = snapshot(holder);
    JsonNode items = http.json("/v1/users/u3/recommendations?k=20").get("items");
    for (int i = 0; i < items.size(); i++) {
      boolean slot = i == 9 || i == 19;
      assertEquals(slot, items.get(i).has("explored"), "position " + i + ": " + items.get(i));
      if (slot) {
        int row = s.items().row(items.get(i).get("itemId").asText());
        assertTrue(texts(items.get(i).get("sources")).contains("fresh"), items.get(i).toString());
        assertTrue(s.signals().interactions(row) < 40, "not fresh: " + s.signals().interactions(row));
        assertTrue(s.signals().exposures(row) >= 1, "the exposure was not counted");
      }
    }
    JsonNode off = http.json("/v1/users/u3/recommendations?k=20&explore=false").get("items");
    off.forEach(item -> assertFalse(item.has("explored"), item.toString()));
    assertEquals(ids(items).subList(0, 9), ids(off).subList(0, 9), "slots before the first exploration slot move");
  }

  @Test
  void excludedItemsAreNeverListed() throws Exception {
    List<String> base = ids(http.json("/v1/users/u4/recommendations?k=10&explore=false").get("items"));
    String exclude = base.get(0) + "," + base.get(3);
    List<String> without = ids(http.json("/v1/users/u4/recommendations?k=10&explore=false&exclude=" + exclude)
        .get("items"));
    assertFalse(without.contains(base.get(0)) || without.contains(base.get(3)), without.toString());
    List<String> expected = new ArrayList<>(base);
    expected.remove(3);
    expected.remove(0);
    assertEquals(expected, without.subList(0, 8));
    assertEquals(400, http.get("/v1/users/u4/recommendations?exclude=" + "x,".repeat(QueryParams.MAX_EXCLUDE + 1))
        .statusCode());
  }

  @Test
  void pagesByOffsetAreSlicesOfOneList() throws Exception {
    List<String> whole = ids(http.json("/v1/users/u5/recommendations?k=30&explore=false").get("items"));
    List<String> paged = new ArrayList<>();
    for (int offset = 0; offset < 30; offset += 10) {
      JsonNode page = http.json("/v1/users/u5/recommendations?k=10&explore=false&offset=" + offset);
      assertEquals(offset + 10, page.get("nextOffset").asInt());
      paged.addAll(ids(page.get("items")));
    }
    assertEquals(whole, paged);
  }

  @Test
  void pagesByCursorNeverRepeatOrSkipAnItemWhileExplorationLearns() throws Exception {
    List<String> whole = ids(http.json("/v1/users/u6/recommendations?k=30&explore=false").get("items"));
    List<String> paged = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < 3; page++) {
      JsonNode body = http.json("/v1/users/u6/recommendations?k=10" + (cursor == null ? "" : "&cursor=" + cursor));
      List<String> ids = ids(body.get("items"));
      assertEquals(10, ids.size());
      assertTrue(body.get("items").get(9).has("explored"), "the 10th, 20th and 30th slots explore: " + body);
      paged.addAll(ids);
      cursor = body.get("cursor").asText();
    }
    assertEquals(30, new HashSet<>(paged).size(), "an item was repeated: " + paged);
    // Without the explored items, the pages hold the ranked list in order: nothing skipped.
    List<String> ranked = new ArrayList<>(paged);
    ranked.remove(29);
    ranked.remove(19);
    ranked.remove(9);
    List<String> expected = new ArrayList<>(whole);
    expected.removeAll(List.of(paged.get(9), paged.get(19), paged.get(29)));
    assertEquals(expected.subList(0, 27), ranked);
    assertEquals(400, http.get("/v1/users/u6/recommendations?cursor=not-a-cursor").statusCode());
    assertEquals(400, http.get("/v1/users/u6/recommendations?cursor=" + cursor + "&offset=10").statusCode());
  }

  @Test
  void withoutAUsableRankerTheServerRanksByAlsAndSaysSo() throws Exception {
    ModelSnapshot s = snapshot(holder);
    for (String kind : List.of("missing", "corrupt")) {
      SnapshotHolder edited = copyWithRanker(s, kind);
      Http h = serve(edited);
      String status = h.json("/health").get("ranker").asText();
      assertTrue(status.startsWith("als-order: "), status);
      assertTrue(kind.equals("missing") ? status.contains("has no ranker") : status.contains("cannot be used"),
          status);
      JsonNode body = h.json("/v1/users/u1/recommendations?k=5&explore=false");
      assertEquals("als-order", body.get("ranker").asText());
      Set<Integer> seen = new HashSet<>();
      s.history("u1").orElseThrow().confidences().keySet().forEach(id -> seen.add(s.items().row(id)));
      ItemMatrix items = s.items();
      List<String> alsTop = java.util.Arrays.stream(new ExactTopK(items).topK(s.userVector("u1").orElseThrow(), 5,
          seen::contains)).mapToObj(items::id).toList();
      assertEquals(alsTop, ids(body.get("items")));
    }
  }

  @Test
  void aPublishedRankerOrdersTheList() throws Exception {
    SnapshotHolder edited = copyWithRanker(snapshot(holder), "published");
    Http h = serve(edited);
    assertEquals("trained", h.json("/health").get("ranker").asText());
    JsonNode body = h.json("/v1/users/u1/recommendations?k=10&explore=false");
    assertEquals("trained", body.get("ranker").asText());
    List<Double> scores = new ArrayList<>();
    body.get("items").forEach(item -> scores.add(item.get("score").asDouble()));
    for (int i = 1; i < scores.size(); i++) {
      assertTrue(scores.get(i - 1) >= scores.get(i), "not in the ranker's order: " + scores);
    }
  }

  @Test
  void theCatalogsWithdrawnAndExpiredItemsAreNeverServed() throws Exception {
    // The generator withdraws every 50th item from i7 and lets every 50th from i13 expire; i7 and
    // i13 are the most popular items of their categories, so without the rule they would be listed.
    ModelSnapshot s = snapshot(holder);
    long now = System.currentTimeMillis();
    Set<String> banned = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      boolean out = i % 50 == 7 || i % 50 == 13;
      assertEquals(!out, s.servable("i" + i, now), "i" + i);
      if (out) {
        banned.add("i" + i);
      }
    }
    assertTrue(s.items().row("i7") >= 0 && s.items().row("i13") >= 0, "the test needs them in the model");
    for (int u = 0; u < 100; u++) {
      for (String query : List.of("k=50", "k=50&excludeSeen=false")) {
        List<String> listed = ids(http.json("/v1/users/u" + u + "/recommendations?" + query).get("items"));
        assertTrue(listed.stream().noneMatch(banned::contains), "u" + u + " " + query + ": " + listed);
      }
    }
    for (String item : List.of("i27", "i33", "i57")) {
      List<String> similar = ids(http.json("/v1/items/" + item + "/similar?by=cf&k=50").get("items"));
      assertFalse(similar.isEmpty());
      assertTrue(similar.stream().noneMatch(banned::contains), item + ": " + similar);
    }
  }

  @Test
  void anItemLeavesTheListsWhenWithdrawnOrExpiredAndStaysUntilItExpires() throws Exception {
    ModelSnapshot s = snapshot(holder);
    SnapshotHolder alsOrder = copyWithRanker(s, "missing");
    List<String> top = ids(serve(alsOrder).json("/v1/users/u7/recommendations?k=10&explore=false").get("items"));
    long now = System.currentTimeMillis();
    SnapshotHolder edited = NightlyWarehouse.editedCopy(s, RANKING, "availability", db -> {
      db.delete(SnapshotKeys.meta(SnapshotKeys.RANKER_MODEL));
      db.delete(SnapshotKeys.meta(SnapshotKeys.RANKER_STATUS));
      db.put(SnapshotKeys.key(SnapshotKeys.AVAILABILITY, top.get(0)), SnapshotKeys.longs(1, Long.MAX_VALUE));
      db.put(SnapshotKeys.key(SnapshotKeys.AVAILABILITY, top.get(1)), SnapshotKeys.longs(0, now - 60_000));
      db.put(SnapshotKeys.key(SnapshotKeys.AVAILABILITY, top.get(2)), SnapshotKeys.longs(0, now + 3_600_000));
    });
    Http h = serve(edited);
    List<String> served = ids(h.json("/v1/users/u7/recommendations?k=10&explore=false").get("items"));
    assertEquals(top.subList(2, 10), served.subList(0, 8), "withdrawn " + top.get(0) + ", expired " + top.get(1));
    // Similar items leave out the same two.
    String withNeighbours = java.util.Arrays.stream(s.signals().popularOrder()).mapToObj(s.items()::id)
        .filter(id -> {
          try {
            return s.neighbors("cf", id).stream().anyMatch(n -> n.itemId().equals(top.get(0)));
          } catch (RocksDBException e) {
            throw new IllegalStateException(e);
          }
        }).findFirst().orElseThrow();
    List<String> similar = ids(h.json("/v1/items/" + withNeighbours + "/similar?by=cf&k=50").get("items"));
    assertFalse(similar.contains(top.get(0)) || similar.contains(top.get(1)), similar.toString());
    assertEquals(ids(http.json("/v1/items/" + withNeighbours + "/similar?by=cf&k=50").get("items")).stream()
        .filter(id -> !id.equals(top.get(0)) && !id.equals(top.get(1))).toList(), similar);
  }

  @Test
  void aWithdrawalInTheCatalogTakesEffectWithoutANewSnapshot() throws Exception {
    Path warehouse = NightlyWarehouse.copy();
    SnapshotHolder h = new SnapshotHolder(Files.createTempDirectory("recflow-snapshots-catalog-"),
        new DeltaReader(warehouse.toString()), ModelSnapshot.Search.EXACT, RANKING);
    assertTrue(h.refresh());
    Http served = serve(h);
    List<String> before = ids(served.json("/v1/users/u8/recommendations?k=10&explore=false").get("items"));
    String withdrawn = before.get(0);
    Path input = Files.createTempDirectory("recflow-catalog-");
    Files.write(input.resolve("events.csv"), List.of("user_id,item_id,event_type,ts"));
    Files.write(input.resolve("items.csv"), List.of("item_id,title,category,description,available",
        withdrawn + ",Withdrawn thing,toys,gone,false"));
    NightlyWarehouse.run("io.recflow.cli.Main", "ingest", "--input", input.toString(), "--format", "csv",
        "--set", "recflow.warehouse=" + warehouse, "--set", "spark.master=local[2]");
    assertEquals(before, ids(served.json("/v1/users/u8/recommendations?k=10&explore=false").get("items")),
        "nothing changes before the server catches up");
    h.catchUp();
    List<String> after = ids(served.json("/v1/users/u8/recommendations?k=10&explore=false").get("items"));
    assertFalse(after.contains(withdrawn), after.toString());
    assertEquals(10, after.size());
    assertEquals(1, snapshot(h).version(), "still the same snapshot");
  }

  /** A copy of the snapshot whose ranker is removed, corrupted, or marked published; served by a new holder. */
  private static SnapshotHolder copyWithRanker(ModelSnapshot s, String kind) throws Exception {
    return NightlyWarehouse.editedCopy(s, RANKING, kind, db -> {
      switch (kind) {
        case "missing" -> {
          db.delete(SnapshotKeys.meta(SnapshotKeys.RANKER_MODEL));
          db.delete(SnapshotKeys.meta(SnapshotKeys.RANKER_STATUS));
        }
        case "corrupt" -> {
          db.put(SnapshotKeys.meta(SnapshotKeys.RANKER_STATUS), "published".getBytes());
          db.put(SnapshotKeys.meta(SnapshotKeys.RANKER_MODEL), "{\"learner\": {\"truncated".getBytes());
        }
        default -> db.put(SnapshotKeys.meta(SnapshotKeys.RANKER_STATUS), "published".getBytes());
      }
    });
  }

  private static JsonNode find(JsonNode body, String itemId) {
    for (JsonNode item : body.get("items")) {
      if (item.get("itemId").asText().equals(itemId)) {
        return item;
      }
    }
    return null;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.isObject() ? n.get("text").asText() : n.asText()));
    return out;
  }
}
