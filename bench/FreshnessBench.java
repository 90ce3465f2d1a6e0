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
 * server and polls the user's recommendations every 10 ms until they come from the streaming
 * job's live vector (strategy "live"), i.e. the event went landing file, stream micro-batch,
 * user_vectors_rt commit, server tail. Prints p50, p95 and max of that time.
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
    for (int p = 0; p < probes; p++) {
      String user = "u" + (firstUser + p);
      if (!get(url + "/v1/users/" + user + "/recommendations?k=10").contains("\"strategy\":\"als\"")) {
        throw new IllegalStateException(user + " is not a nightly user, or already live");
      }
      String event = "{\"user_id\":\"" + user + "\",\"item_id\":\"i" + rnd.nextInt(1000)
          + "\",\"event_type\":\"purchase\",\"ts\":" + System.currentTimeMillis() + "}";
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/events"))
          .header("X-Api-Key", key).POST(HttpRequest.BodyPublishers.ofString(event)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 202) {
        throw new IllegalStateException("POST answered " + r.statusCode() + ": " + r.body());
      }
      long accepted = System.nanoTime();
      long deadline = System.currentTimeMillis() + 60_000;
      while (!get(url + "/v1/users/" + user + "/recommendations?k=10").contains("\"strategy\":\"live\"")) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("no live vector for " + user + " after 60 s");
        }
        Thread.sleep(10);
      }
      millis.add((System.nanoTime() - accepted) / 1_000_000);
      // Land probes at random phases of the stream's trigger and the server's tail.
      Thread.sleep(200 + rnd.nextInt(800));
    }
    Collections.sort(millis);
    System.out.printf("| %d | %.2f s | %.2f s | %.2f s |%n", probes, pct(millis, 0.50) / 1000.0,
        pct(millis, 0.95) / 1000.0, millis.get(millis.size() - 1) / 1000.0);
  }

  private static long pct(List<Long> sorted, double q) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
  }

  private static String get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
