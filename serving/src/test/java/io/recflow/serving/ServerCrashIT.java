package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.recflow.experiment.Exposure;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A server process killed with SIGKILL while clients fetch lists and post events loses nothing it
 * acknowledged: every request id a client received has its exposure on disk, visible to the stream
 * once the next writer recovers the dead one's open segment, and every event id answered 202 is in
 * the landing directory.
 */
class ServerCrashIT {
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

  @Test
  void acknowledgedExposuresAndEventsSurviveAKill() throws Exception {
    Path dir = Files.createTempDirectory("recflow-crash-");
    SyntheticSnapshot.write(Files.createDirectories(dir.resolve("snapshots")).resolve("model-1"), 1_000, 200, 16, 42,
        32);
    Path warehouse = Files.createDirectories(dir.resolve("warehouse"));
    Path log = dir.resolve("serve.log");
    // The server as bin/recflow serve runs it: its own JVM, this module's classpath (no Spark).
    Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), ServeCommand.class.getName(),
        "--set", "serve.snapshotDir=" + dir.resolve("snapshots"), "--set", "recflow.warehouse=" + warehouse,
        "--set", "serve.port=0", "--set", "serve.publicReads=true", "--set", "serve.keys=" + TestKeys.entries(),
        "--set", "serve.rateLimit=0").redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Http http = new Http(port(server, log));
      Set<String> requestIds = ConcurrentHashMap.newKeySet();
      Set<String> eventIds = ConcurrentHashMap.newKeySet();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> clients = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int client = t;
        Thread c = new Thread(() -> {
          for (int i = 0; !stop.get(); i++) {
            try {
              String user = "u" + ((client * 50 + i) % 200);
              if (client == 0) {
                HttpResponse<String> r = http.post("/v1/events", TestKeys.secret(), "{\"user_id\": \"" + user
                    + "\", \"item_id\": \"i" + i + "\", \"event_type\": \"click\", \"ts\": \"" + Instant.now() + "\"}");
                if (r.statusCode() == 202) {
                  Http.JSON.readTree(r.body()).path("eventIds").forEach(id -> eventIds.add(id.asText()));
                }
              } else {
                HttpResponse<String> r = http.get("/v1/users/" + user + "/recommendations?k=5");
                JsonNode body = r.statusCode() == 200 ? Http.JSON.readTree(r.body()) : null;
                if (body != null && body.has("requestId")) {
                  requestIds.add(body.path("requestId").asText());
                }
              }
            } catch (Exception killed) {
              return; // the server is gone
            }
          }
        });
        c.start();
        clients.add(c);
      }
      Thread.sleep(1_500);
      server.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertTrue(server.waitFor(30, TimeUnit.SECONDS));
      stop.set(true);
      for (Thread c : clients) {
        c.join(10_000);
      }
      assertTrue(requestIds.size() > 20 && eventIds.size() > 5, "too little traffic before the kill: "
          + requestIds.size() + " lists, " + eventIds.size() + " events");

      // A server started again finds the dead one's open segment and makes it visible, as this writer does.
      new SegmentWriter(warehouse.resolve("landing/exposures"), "recovery", true).close();
      Set<String> exposed = new HashSet<>();
      for (String line : lines(warehouse.resolve("landing/exposures"))) {
        exposed.add(Exposure.parse(line).orElseThrow().requestId());
      }
      Set<String> lostLists = new HashSet<>(requestIds);
      lostLists.removeAll(exposed);
      assertEquals(Set.of(), lostLists, "acknowledged lists whose exposure was lost, of " + requestIds.size());
      Set<String> landed = new HashSet<>();
      for (String line : lines(warehouse.resolve("landing/events"))) {
        landed.add(Http.JSON.readTree(line).path("event_id").asText());
      }
      Set<String> lostEvents = new HashSet<>(eventIds);
      lostEvents.removeAll(landed);
      assertEquals(Set.of(), lostEvents, "acknowledged events lost, of " + eventIds.size());
    } finally {
      server.destroyForcibly();
    }
  }

  private static int port(Process server, Path log) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline && server.isAlive()) {
      Matcher m = LISTENING.matcher(Files.exists(log) ? Files.readString(log) : "");
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the server did not start:\n" + Files.readString(log));
  }

  /** Every line of the directory's complete landing files (hidden temporary files are not yet written). */
  private static List<String> lines(Path dir) throws Exception {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
        out.addAll(Files.readAllLines(f));
      }
    }
    return out;
  }
}
