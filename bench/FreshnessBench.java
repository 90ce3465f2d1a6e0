import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Freshness benchmark (run by bench/freshness.sh): for one user at a time, POSTs a purchase to the
 * server and times two paths from the moment the POST is sent: until the sequence model's list
 * ({@code model=sequence}) differs from the one before the POST (the server applies posted events
 * at once; polled without pause), and until the two-stage list comes from the streaming job's live
 * vector (strategy "live", polled every 10 ms), i.e. the event went landing file, stream
 * micro-batch, user_vectors_rt commit, server tail. Prints p50, p95 and max of each.
 * Arguments: server URL, API key, probes, first user number.
 */
public class FreshnessBench {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String key = args[1];
    int probes = Integer.parseInt(args[2]);
    int firstUser = Integer.parseInt(args[3]);
    Random rnd = new Random(42);
    List<Long> millis = new ArrayList<>();
    List<Double> sequenceMillis = new ArrayList<>();
    boolean sequence = get(key, url + "/health").contains("\"sequence\":\"published\"");
    for (int p = 0; p < probes; p++) {
      String user = "u" + (firstUser + p);
      if (!get(key, url + "/v1/users/" + user + "/recommendations?k=10").contains("\"strategy\":\"als\"")) {
        throw new IllegalStateException(user + " is not a nightly user, or already live");
      }
      String sequenceUrl = url + "/v1/users/" + user + "/recommendations?k=10&model=sequence";
      String before = sequence ? items(get(key, sequenceUrl)) : null;
      long sent = System.nanoTime();
      String event = "{\"user_id\":\"" + user + "\",\"item_id\":\"i" + rnd.nextInt(1000)
          + "\",\"event_type\":\"purchase\",\"ts\":" + System.currentTimeMillis() + "}";
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/events"))
          .header("X-Api-Key", key).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(event)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 202) {
        throw new IllegalStateException("POST answered " + r.statusCode() + ": " + r.body());
      }
      if (sequence) {
        while (items(get(key, sequenceUrl)).equals(before)) {
          if (System.nanoTime() - sent > 10_000_000_000L) {
            throw new IllegalStateException("the sequence model's list for " + user + " did not change in 10 s");
          }
        }
        sequenceMillis.add((System.nanoTime() - sent) / 1e6);
      }
      long deadline = System.currentTimeMillis() + 60_000;
      while (!get(key, url + "/v1/users/" + user + "/recommendations?k=10").contains("\"strategy\":\"live\"")) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("no live vector for " + user + " after 60 s");
        }
        Thread.sleep(10);
      }
      millis.add((System.nanoTime() - sent) / 1_000_000);
      // Land probes at random phases of the stream's trigger and the server's tail.
      Thread.sleep(200 + rnd.nextInt(800));
    }
    Collections.sort(sequenceMillis);
    if (sequence) {
      System.out.printf("| POST → this server's sequence-model list changed | %d | %.1f ms | %.1f ms | %.1f ms |%n",
          probes, pct(sequenceMillis, 0.50), pct(sequenceMillis, 0.95), sequenceMillis.get(probes - 1));
    } else {
      System.out.println("| POST → sequence-model list | - | the served version has no sequence model | | |");
    }
    List<Double> seconds = millis.stream().sorted().map(m -> m / 1000.0).toList();
    System.out.printf("| POST → stream → live vector → two-stage list | %d | %.2f s | %.2f s | %.2f s |%n", probes,
        pct(seconds, 0.50), pct(seconds, 0.95), seconds.get(probes - 1));
  }

  private static double pct(List<Double> sorted, double q) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
  }

  /** The item ids of a recommendations answer, in order (the scores and timings left out). */
  private static String items(String body) {
    return String.join(",", body.replaceAll("\"itemId\":\"([^\"]*)\"|.", "$1 ").trim().split("\\s+"));
  }

  private static String get(String key, String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("X-Api-Key", key).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
