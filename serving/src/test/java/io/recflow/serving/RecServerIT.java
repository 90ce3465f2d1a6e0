package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP API over real HTTP, on a snapshot of a warehouse the nightly job wrote. */
class RecServerIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ModelSnapshot snapshot;
  private static Javalin app;

  @BeforeAll
  static void start() throws Exception {
    SnapshotLoader loader = new SnapshotLoader(new DeltaReader(NightlyWarehouse.path().toString()));
    Path dir = Files.createTempDirectory("recflow-snapshot-").resolve("v1");
    loader.load(loader.latestPublished(), dir);
    snapshot = ModelSnapshot.open(dir);
    app = new RecServer(() -> snapshot).app().start(0);
  }

  @AfterAll
  static void stop() {
    app.stop();
    snapshot.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> ids(JsonNode items) {
    List<String> out = new ArrayList<>();
    items.forEach(n -> out.add(n.get("itemId").asText()));
    return out;
  }

  @Test
  void aKnownUserGetsTheModelsTopKUnseenItems() throws Exception {
    HttpResponse<String> r = get("/v1/users/u1/recommendations?k=5");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode body = JSON.readTree(r.body());
    assertEquals("als", body.get("strategy").asText());
    assertEquals(1, body.get("modelVersion").asLong());
    List<String> expected = snapshot.recommend(snapshot.userVector("u1").orElseThrow(), snapshot.seen("u1"), 5)
        .stream().map(ModelSnapshot.Scored::itemId).toList();
    assertEquals(expected, ids(body.get("items")));
    for (String id : ids(body.get("items"))) {
      assertTrue(!snapshot.seen("u1").contains(id), "seen item " + id + " recommended");
    }
  }

  @Test
  void anUnknownUserGetsThePopularItems() throws Exception {
    JsonNode body = JSON.readTree(get("/v1/users/someone-new/recommendations?k=3").body());
    assertEquals("popular", body.get("strategy").asText());
    assertEquals(snapshot.popular(3).stream().map(ModelSnapshot.Scored::itemId).toList(), ids(body.get("items")));
    assertEquals(3, body.get("items").size());
  }

  @Test
  void badRequestsGetAJsonErrorWithTheRightStatus() throws Exception {
    for (String path : List.of("/v1/users/u1/recommendations?k=0", "/v1/users/u1/recommendations?k=100000",
        "/v1/users/u1/recommendations?k=ten")) {
      HttpResponse<String> r = get(path);
      assertEquals(400, r.statusCode(), path + ": " + r.body());
      assertEquals(400, JSON.readTree(r.body()).get("status").asInt(), r.body());
    }
    HttpResponse<String> missing = get("/v1/nothing-here");
    assertEquals(404, missing.statusCode());
    assertTrue(JSON.readTree(missing.body()).get("error").asText().contains("/v1/nothing-here"), missing.body());
  }

  @Test
  void healthNamesTheServedModelVersion() throws Exception {
    HttpResponse<String> r = get("/health");
    assertEquals(200, r.statusCode());
    assertEquals(1, JSON.readTree(r.body()).get("modelVersion").asLong());
  }
}
