import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The A/A bench's users (bench/aa.sh): users u0 … u(N−1) each ask a running server for LISTS lists
 * and click each shown item with a chance that depends on the user and the item only, never on the
 * variant, posting the clicks with the list's request id. JDK only, launched from source.
 *
 * <p>Usage: java bench/AaClient.java PORT USERS LISTS WRITE_KEY SEED
 */
public class AaClient {
  private static final Pattern ITEM = Pattern.compile("\"itemId\":\"([^\"]+)\"");
  private static final Pattern REQUEST = Pattern.compile("\"requestId\":\"([^\"]+)\"");

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int users = Integer.parseInt(args[1]);
    int lists = Integer.parseInt(args[2]);
    String key = args[3];
    long seed = Long.parseLong(args[4]);
    HttpClient http = HttpClient.newHttpClient();
    AtomicLong shown = new AtomicLong();
    AtomicLong clicks = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> done = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      String user = "u" + u;
      SplittableRandom random = new SplittableRandom(seed * 1_000_003 + u);
      done.add(pool.submit(() -> {
        double appetite = 0.5 + random.nextDouble();
        for (int l = 0; l < lists; l++) {
          String body = send(http, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/users/" + user
              + "/recommendations?k=10")).GET().build(), 200);
          Matcher request = REQUEST.matcher(body);
          if (!request.find()) {
            throw new IllegalStateException("a list without a request id: " + body);
          }
          List<String> events = new ArrayList<>();
          Matcher item = ITEM.matcher(body);
          while (item.find()) {
            shown.incrementAndGet();
            double appeal = (item.group(1).hashCode() & 0xffff) / 65_535.0;
            if (random.nextDouble() < appetite * (0.02 + 0.1 * appeal)) {
              events.add("{\"user_id\":\"" + user + "\",\"item_id\":\"" + item.group(1) + "\",\"event_type\":\"click\","
                  + "\"ts\":\"" + Instant.now() + "\",\"request_id\":\"" + request.group(1) + "\"}");
            }
          }
          if (!events.isEmpty()) {
            clicks.addAndGet(events.size());
            send(http, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
                .header("Content-Type", "application/json").header("X-Api-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("[" + String.join(",", events) + "]")).build(), 202);
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    System.out.println(users + " users, " + (long) users * lists + " lists, " + shown + " items shown, " + clicks
        + " clicks");
  }

  private static String send(HttpClient http, HttpRequest request, int expected) throws Exception {
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected) {
      throw new IllegalStateException(request.uri() + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }
}
