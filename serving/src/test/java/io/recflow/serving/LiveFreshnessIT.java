package io.recflow.serving;

import static io.recflow.serving.Http.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.recflow.core.RecflowConfig;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop, end to end: events posted to the server land in the streaming job's landing
 * directory, the streaming job (a real spark job in its own JVM) folds them into the user's
 * vector and appends it to user_vectors_rt, the server picks the vector up and the user's
 * recommendations change, without the items just bought.
 */
class LiveFreshnessIT {
  private static final String KEY = TestKeys.secret();

  @TempDir
  Path tmp;

  @Test
  void postedEventsChangeTheUsersRecommendationsThroughTheStream() throws Exception {
    Path warehouse = NightlyWarehouse.copy();
    RecflowConfig config = RecflowConfig.defaults().with(Map.of("recflow.warehouse", warehouse.toString(),
        "serve.snapshotDir", tmp.resolve("snapshots").toString(), "serve.port", "0", "serve.keys", TestKeys.entries(),
        "serve.publicReads", "true", "serve.liveTailMillis", "200"));
    Process stream = NightlyWarehouse.start(tmp.resolve("stream.log"), "io.recflow.streaming.StreamCommand",
        "--conf", "../conf/local.properties", "--set", "recflow.warehouse=" + warehouse,
        "--set", "spark.master=local[2]");
    try (ServeCommand.Server server = ServeCommand.Server.start(config)) {
      Http http = new Http(server.port());
      await(() -> http.get("/ready").statusCode() == 200, 60, "the server never became ready");
      JsonNode before = http.json("/v1/users/u1/recommendations?k=10");
      assertEquals("als", before.get("strategy").asText());
      List<String> bought = ids(before.get("items")).subList(0, 3);
      StringBuilder events = new StringBuilder("[");
      long now = System.currentTimeMillis();
      for (int i = 0; i < bought.size(); i++) {
        events.append(i == 0 ? "" : ",").append("{\"user_id\":\"u1\",\"item_id\":\"").append(bought.get(i))
            .append("\",\"event_type\":\"purchase\",\"ts\":").append(now + i).append('}');
      }
      HttpResponse<String> posted = http.post("/v1/events", KEY, events.append(']').toString());
      assertEquals(202, posted.statusCode(), posted.body());
      long postedAt = System.nanoTime();
      JsonNode[] after = new JsonNode[1];
      await(() -> {
        after[0] = http.json("/v1/users/u1/recommendations?k=10");
        return after[0].get("strategy").asText().equals("live");
      }, 180, "no live vector reached the server; stream log:\n" + tail(tmp.resolve("stream.log")));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - postedAt);
      System.out.println("LiveFreshnessIT: event to changed answer in " + millis + " ms (includes the stream's "
          + "start-up when it was still starting)");
      List<String> now10 = ids(after[0].get("items"));
      assertNotEquals(ids(before.get("items")), now10);
      bought.forEach(id -> assertTrue(!now10.contains(id), "bought item " + id + " still recommended: " + now10));
    } finally {
      stream.destroy();
      stream.waitFor(60, TimeUnit.SECONDS);
    }
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static void await(Check check, int seconds, String failure) throws Exception {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (!check.ok()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(failure);
      }
      Thread.sleep(100);
    }
  }

  private static String tail(Path log) throws Exception {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
