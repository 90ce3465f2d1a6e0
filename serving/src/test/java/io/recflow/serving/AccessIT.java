package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.ApiKey;
import io.recflow.core.ApiKey.Scope;
import io.recflow.core.ErasureRequest;
import io.recflow.core.RecflowConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Who may call what, over real HTTP: reads need a key unless opened, explanations always do, each
 * key acts within its scopes, and a caller past its rate gets 429 with Retry-After. The server has
 * no model, so a request that passes the checks gets 503: the status tells which side it fell on.
 */
class AccessIT {
  private static final String VIEW = "{\"user_id\":\"u7\",\"item_id\":\"i9\",\"event_type\":\"view\",\"ts\":1767300000}";
  private static final ApiKey.Created READER = ApiKey.create("reader", Set.of(Scope.READ), new SecureRandom());
  private static final ApiKey.Created WRITER = ApiKey.create("writer", Set.of(Scope.WRITE), new SecureRandom());
  private static final String ENTRIES = READER.key().entry() + "," + WRITER.key().entry() + ","
      + TestKeys.ADMIN.key().entry();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    open.clear();
  }

  private TestServer server;

  private Http serve(Access access) throws Exception {
    server = TestServer.start(TestServer.empty(), access, 100_000);
    open.add(server);
    return Http.withoutKey(server.app().port());
  }

  private static Access configured(Map<String, String> settings) {
    return Access.from(RecflowConfig.defaults().with(settings));
  }

  private static int status(HttpResponse<String> r) throws Exception {
    assertEquals(r.statusCode(), Http.JSON.readTree(r.body()).get("status").asInt(), r.body());
    return r.statusCode();
  }

  @Test
  void readsNeedAKeyUnlessTheOperatorOpensThem() throws Exception {
    Http http = serve(configured(Map.of("serve.keys", ENTRIES)));
    HttpResponse<String> anonymous = http.get("/v1/users/u1/recommendations");
    assertEquals(401, status(anonymous));
    assertTrue(anonymous.body().contains("read scope"), anonymous.body());
    assertEquals(401, status(http.get("/v1/items/i1/similar")));
    assertEquals(401, status(http.get("/v1/recommendations?recent=i1")));
    assertEquals(401, status(http.get("/v1/users/u1/recommendations", "rf_not-a-key")));
    assertEquals(503, status(http.get("/v1/users/u1/recommendations", READER.secret())));
    assertEquals(200, http.get("/health").statusCode(), "health is open");
    assertEquals(200, http.get("/metrics").statusCode(), "metrics are open");
    assertEquals(503, status(http.get("/ready")));
  }

  @Test
  void publicReadsServeListsButNotTheHistoryInExplanations() throws Exception {
    Http http = serve(configured(Map.of("serve.keys", ENTRIES, "serve.publicReads", "true")));
    assertEquals(503, status(http.get("/v1/users/u1/recommendations")));
    HttpResponse<String> explain = http.get("/v1/users/u1/recommendations?explain=true");
    assertEquals(401, status(explain));
    assertTrue(explain.body().contains("explain=true"), explain.body());
    assertEquals(503, status(http.get("/v1/users/u1/recommendations?explain=true", READER.secret())));
  }

  @Test
  void eachKeyActsOnlyWithinItsScopes() throws Exception {
    Http http = serve(configured(Map.of("serve.keys", ENTRIES)));
    HttpResponse<String> readerWrites = http.post("/v1/events", READER.secret(), VIEW);
    assertEquals(403, status(readerWrites));
    assertTrue(readerWrites.body().contains("'reader' lacks the write scope"), readerWrites.body());
    assertEquals(403, status(http.get("/v1/users/u1/recommendations", WRITER.secret())));
    assertEquals(202, http.post("/v1/events", WRITER.secret(), VIEW).statusCode());
    assertEquals(202, http.post("/v1/events", TestKeys.ADMIN.secret(), VIEW).statusCode(), "admin may do all");
    assertEquals(503, status(http.get("/v1/users/u1/recommendations", TestKeys.ADMIN.secret())));
    assertEquals(401, status(http.post("/v1/events", WRITER.secret() + "x", VIEW)));
  }

  @Test
  void withoutKeysEveryGuardedRouteIsClosedAndSaysHowToOpenIt() throws Exception {
    Http http = serve(configured(Map.of()));
    HttpResponse<String> post = http.post("/v1/events", "anything", VIEW);
    assertEquals(401, status(post), "a key nobody configured is not a key");
    HttpResponse<String> keyless = http.post("/v1/events", null, VIEW);
    assertEquals(403, status(keyless));
    assertTrue(keyless.body().contains("bin/recflow keys new --scopes write") && keyless.body().contains("serve.keys"),
        keyless.body());
  }

  @Test
  void aCallerPastItsRateGets429WithRetryAfterAndOthersDoNot() throws Exception {
    Http http = serve(new Access(List.of(READER.key(), WRITER.key()), false, 5));
    int passed = 0;
    HttpResponse<String> last = null;
    for (int i = 0; i < 20; i++) {
      last = http.get("/v1/users/u1/recommendations", READER.secret());
      if (last.statusCode() == 429) {
        break;
      }
      passed++;
    }
    assertEquals(429, status(last));
    assertTrue(passed >= 5 && passed < 10, passed + " requests passed a limit of 5 a second");
    long retryAfter = Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);
    assertEquals(202, http.post("/v1/events", WRITER.secret(), VIEW).statusCode(), "another key has its own bucket");
  }

  @Test
  void onlyAnAdminKeyErasesAUserAndTheTombstoneIsDurableBeforeTheAnswer() throws Exception {
    Http http = serve(configured(Map.of("serve.keys", ENTRIES)));
    assertEquals(401, status(http.delete("/v1/users/u7", null)));
    assertEquals(403, status(http.delete("/v1/users/u7", READER.secret())));
    assertEquals(403, status(http.delete("/v1/users/u7", WRITER.secret())));
    assertEquals(0, server.landedFiles(), "a refused erasure was written");
    assertEquals(400, status(http.delete("/v1/users/" + "u".repeat(300), TestKeys.ADMIN.secret())));
    HttpResponse<String> erased = http.delete("/v1/users/u7", TestKeys.ADMIN.secret());
    assertEquals(202, erased.statusCode(), erased.body());
    String erasureId = Http.JSON.readTree(erased.body()).get("erasureId").asText();
    List<String> lines;
    try (Stream<Path> files = Files.list(server.landing())) {
      lines = files.flatMap(f -> {
        try {
          return Files.readAllLines(f).stream();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).toList();
    }
    assertEquals(1, lines.size(), lines.toString());
    ErasureRequest tombstone = ErasureRequest.parse(lines.get(0)).orElseThrow();
    assertEquals(List.of(erasureId, "u7", "operator"),
        List.of(tombstone.erasureId(), tombstone.userId(), tombstone.requestedBy()));
  }
}
