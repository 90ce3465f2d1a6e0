import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The load of the load-and-fault benchmark (run by bench/load-fault.sh): recommendation requests
 * and event posts at fixed rates against a server that the script kills and restarts meanwhile.
 *
 * <p>Both loads are open loops: a scheduler issues each request at its due time whatever happened
 * to the ones before, so an outage does not lower the offered rate and a slow answer is timed from
 * when the request was due, not from when a busy thread got to it. Every attempt is logged with
 * its times and outcome (the HTTP status, or the exception's class when there was no answer), for
 * bench/LoadFaultCheck.java to classify against the kill windows.
 *
 * <p>Each event has a unique id ({@code lf-<run>-<n>}). A post that is not answered 2xx is retried
 * with the same events, ids included, until it is or until 60 s after the load ends, as a careful
 * client does; a retry may then land an event a second time (when the server wrote it and died
 * before answering), which the streaming job must drop as a duplicate. Such a death is rare, so
 * every 50th acknowledged request is also posted once more on purpose, as by a client whose answer
 * was lost on the way: the server accepts the copy, and the stream must drop it. Only events
 * answered 2xx count as acknowledged.
 *
 * <p>Arguments: server URL, API key, seconds, recommendation requests/s, event requests/s (each of
 * 1 to 3 events), users, items, run id, output directory (gets reads.log and writes.log). Prints
 * "ms load start" and "ms load end" (the end of the offered load; retries go on after it).
 */
public class LoadFaultLoad {
  private static final String[] TYPES = {"view", "view", "view", "click", "click", "cart", "purchase", "rating"};
  private static final long RETRY_AFTER_END_MS = 60_000;
  /** Every so many acknowledged requests is posted once more, as by a client whose answer was lost. */
  private static final int RESEND_EVERY = 50;

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String key = args[1];
    int seconds = Integer.parseInt(args[2]);
    int readRate = Integer.parseInt(args[3]);
    int writeRate = Integer.parseInt(args[4]);
    int users = Integer.parseInt(args[5]);
    int items = Integer.parseInt(args[6]);
    String run = args[7];
    Path out = Path.of(args[8]);
    Files.createDirectories(out);
    try (PrintWriter reads = log(out.resolve("reads.log")); PrintWriter writes = log(out.resolve("writes.log"))) {
      // Threads mostly wait on sockets or on a retry's pause; enough of them that an outage of a
      // few seconds does not make requests queue behind each other.
      ExecutorService readPool = Executors.newFixedThreadPool(16);
      ExecutorService writePool = Executors.newFixedThreadPool(48);
      ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
      long start = System.currentTimeMillis();
      long end = start + seconds * 1000L;
      // For the script's timeline (this JVM's stdout goes there), by which kills are scheduled.
      System.out.println(start + " load start");
      System.out.flush();
      long retryDeadline = end + RETRY_AFTER_END_MS;
      AtomicLong eventNo = new AtomicLong();
      AtomicLong requestNo = new AtomicLong();
      AtomicLong acked = new AtomicLong();
      AtomicLong readErrors = new AtomicLong();
      schedule(clock, readRate, end, due -> readPool.execute(() -> {
        if (read(url, users, due, reads) != 200) {
          readErrors.incrementAndGet();
        }
      }));
      schedule(clock, writeRate, end, due -> writePool.execute(() -> {
        List<String> ids = new ArrayList<>();
        StringBuilder body = new StringBuilder("[");
        int n = 1 + ThreadLocalRandom.current().nextInt(3);
        for (int i = 0; i < n; i++) {
          String id = "lf-" + run + "-" + eventNo.incrementAndGet();
          ids.add(id);
          body.append(i == 0 ? "" : ",").append(event(id, users, items));
        }
        String request = body.append(']').toString();
        if (post(url, key, request, ids, due, retryDeadline, writes)) {
          acked.addAndGet(n);
          if (requestNo.incrementAndGet() % RESEND_EVERY == 0) {
            post(url, key, request, ids, System.currentTimeMillis(), retryDeadline, writes);
          }
        }
      }));
      Thread.sleep(Math.max(0, end - System.currentTimeMillis()));
      System.out.println(end + " load end");
      System.out.flush();
      clock.shutdown();
      clock.awaitTermination(5, TimeUnit.SECONDS);
      readPool.shutdown();
      writePool.shutdown();
      readPool.awaitTermination(30, TimeUnit.SECONDS);
      writePool.awaitTermination(RETRY_AFTER_END_MS + 30_000, TimeUnit.MILLISECONDS);
      System.err.printf("load: %d events posted, %d acknowledged; %d recommendation errors%n", eventNo.get(),
          acked.get(), readErrors.get());
    }
  }

  /** Calls {@code task} with each due time, {@code rate} times a second, until {@code end}. */
  private static void schedule(ScheduledExecutorService clock, int rate, long end, LongConsumer task) {
    if (rate <= 0) {
      return;
    }
    long periodMicros = 1_000_000L / rate;
    clock.scheduleAtFixedRate(() -> {
      long now = System.currentTimeMillis();
      if (now < end) {
        task.accept(now);
      }
    }, 0, periodMicros, TimeUnit.MICROSECONDS);
  }

  /** One recommendation request for a random user; logs and returns its status (-1 without an answer). */
  private static int read(String url, int users, long due, PrintWriter log) {
    String user = "u" + ThreadLocalRandom.current().nextInt(users);
    HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/v1/users/" + user + "/recommendations?k=10"))
        .timeout(Duration.ofSeconds(5)).build();
    long sent = System.currentTimeMillis();
    String outcome;
    int status = -1;
    try {
      status = HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
      outcome = String.valueOf(status);
    } catch (IOException e) {
      outcome = e.getClass().getSimpleName();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = "interrupted";
    }
    line(log, due + " " + sent + " " + System.currentTimeMillis() + " " + outcome);
    return status;
  }

  /**
   * Posts a request of events until it is answered 2xx or the deadline passes, pausing 250 ms
   * after each failure; logs every attempt. Returns whether the events were acknowledged.
   */
  private static boolean post(String url, String key, String body, List<String> ids, long due, long deadline,
                              PrintWriter log) {
    String idList = String.join(",", ids);
    while (true) {
      HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/v1/events"))
          .header("X-Api-Key", key).header("Content-Type", "application/json")
          .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
      long sent = System.currentTimeMillis();
      String outcome;
      boolean ok = false;
      try {
        int status = HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        ok = status / 100 == 2;
        outcome = String.valueOf(status);
      } catch (IOException e) {
        outcome = e.getClass().getSimpleName();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      line(log, due + " " + sent + " " + System.currentTimeMillis() + " " + outcome + " " + idList);
      if (ok) {
        return true;
      }
      if (System.currentTimeMillis() > deadline) {
        return false;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private static String event(String id, int users, int items) {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    String type = TYPES[rnd.nextInt(TYPES.length)];
    return "{\"event_id\":\"" + id + "\",\"user_id\":\"u" + rnd.nextInt(users) + "\",\"item_id\":\"i"
        + rnd.nextInt(items) + "\",\"event_type\":\"" + type + "\""
        + (type.equals("rating") ? ",\"value\":" + (1 + rnd.nextInt(5)) : "") + ",\"ts\":"
        + System.currentTimeMillis() + "}";
  }

  private static PrintWriter log(Path file) {
    try {
      return new PrintWriter(new BufferedWriter(Files.newBufferedWriter(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void line(PrintWriter log, String text) {
    synchronized (log) {
      log.println(text);
    }
  }
}
