import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;

import io.recflow.core.RecflowConfig;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.spark.SparkSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The accounting of the load-and-fault benchmark (run by bench/load-fault.sh, after
 * bench/LoadFaultLoad.java): waits for the streaming job to catch up, then holds the warehouse to
 * the server's promise that an event answered 2xx is durable: every acknowledged event must be in
 * the {@code events} Delta table, and no event id may be there twice, whatever the kills did.
 *
 * <p>Catching up means: every acknowledged event is in {@code events}, and the table has then had
 * no new commit for 20 s (so a retried copy still in the landing directory would have been written
 * by then, had the stream failed to drop it). A time-out leaves the missing events counted as lost.
 *
 * <p>It also classifies each request by the kill windows in the script's timeline: a server window
 * runs from its SIGKILL until the restarted server answers /ready, a stream window from its SIGKILL
 * until the restarted stream logs its first batch. A request counts as inside a window when the
 * time from its due moment to its answer overlaps it, so a request cut off by a kill is not taken
 * for an error of a healthy server.
 *
 * <p>Prints markdown tables for docs/benchmarks.md; writes the evidence of any lost or duplicated
 * event (each one's attempts from writes.log, its rows in the table) to lost.txt and duplicates.txt
 * in the output directory, and exits 1 when there is any.
 * Arguments: warehouse, run id, output directory (reads.log, writes.log, timeline.log), catch-up
 * time-out in seconds.
 */
public class LoadFaultCheck {
  private static final long QUIET_MS = 20_000;
  private static final Pattern BATCH_LINE = Pattern.compile("BatchWriter: batch (\\d+): Counts\\[.*duplicates=(\\d+)");

  /** One request attempt from a load log: due, sent and answered (epoch ms), outcome, event ids. */
  record Attempt(long due, long sent, long done, String outcome, List<String> ids) {
    boolean ok() {
      return outcome.length() == 3 && outcome.charAt(0) == '2';
    }
  }

  /** A kill window of a process: from its SIGKILL to its restarted self serving again (or never). */
  record Window(String target, int number, long from, long to) {}

  public static void main(String[] args) throws Exception {
    Path warehouse = Path.of(args[0]).toAbsolutePath();
    String run = args[1];
    Path dir = Path.of(args[2]);
    long timeoutMs = Long.parseLong(args[3]) * 1000;
    Map<String, Long> marks = new HashMap<>();
    List<Window> windows = windows(dir.resolve("timeline.log"), marks);
    List<Attempt> reads = attempts(dir.resolve("reads.log"));
    List<Attempt> writes = attempts(dir.resolve("writes.log"));

    Set<String> acked = new HashSet<>();
    Set<String> posted = new HashSet<>();
    Set<String> retried = new HashSet<>();
    Set<String> resent = new HashSet<>();
    Set<String> failed = new HashSet<>();
    for (Attempt a : writes) {
      posted.addAll(a.ids());
      for (String id : a.ids()) {
        if (acked.contains(id)) {
          resent.add(id);
        } else if (failed.contains(id)) {
          retried.add(id);
        }
      }
      (a.ok() ? acked : failed).addAll(a.ids());
    }

    RecflowConfig config = RecflowConfig.load(Path.of("conf/local.properties"),
        Map.of("recflow.warehouse", warehouse.toString()));
    SparkSession spark = SparkSessions.getOrCreate(config);
    String events = warehouse.resolve(Tables.EVENTS.name()).toString();
    Map<String, long[]> found = awaitCatchUp(spark, warehouse, run, acked, timeoutMs);

    List<String> lost = acked.stream().filter(id -> !found.containsKey(id)).sorted().toList();
    List<String> twice = found.entrySet().stream().filter(e -> e.getValue()[0] > 1).map(Map.Entry::getKey)
        .sorted().toList();
    long unackedWritten = found.keySet().stream().filter(id -> !acked.contains(id)).count();
    long foreign = found.keySet().stream().filter(id -> !posted.contains(id)).count();
    long tableDuplicates = spark.read().format("delta").load(events).groupBy(Col.EVENT_ID).count()
        .filter(col("count").gt(1)).count();
    Path quarantine = warehouse.resolve(Tables.EVENTS_QUARANTINE.name());
    long quarantined = !Files.isDirectory(quarantine.resolve("_delta_log")) ? 0
        : spark.read().format("delta").load(quarantine.toString()).filter(col(Col.RAW).contains("lf-" + run + "-"))
            .count();
    long lastAckedCommit = acked.stream().filter(found::containsKey).mapToLong(id -> found.get(id)[1]).max()
        .orElse(0);
    long loadEnd = marks.getOrDefault("load end", 0L);
    evidence(dir, lost, twice, writes, spark, events);
    spark.stop();

    Path landing = warehouse.resolve("landing/events");
    long visible = 0;
    long partial = 0;
    if (Files.isDirectory(landing)) {
      try (Stream<Path> files = Files.list(landing)) {
        for (Path p : files.toList()) {
          if (p.getFileName().toString().startsWith(".")) {
            partial += p.getFileName().toString().endsWith(".tmp") ? 1 : 0;
          } else {
            visible++;
          }
        }
      }
    }

    System.out.println("| SIGKILL | at (load time) | down for |");
    System.out.println("|---|---|---|");
    long loadStart = marks.getOrDefault("load start", 0L);
    for (Window w : windows) {
      String again = windows.stream().filter(o -> o.target().equals(w.target()) && o.from() > w.from()
          && o.from() < w.to()).map(o -> String.format("; killed again at %.1f s meanwhile",
              (o.from() - loadStart) / 1000.0)).collect(Collectors.joining());
      System.out.printf("| %s %d | %.1f s | %s |%n", w.target(), w.number(), (w.from() - loadStart) / 1000.0,
          w.to() == Long.MAX_VALUE ? "never back" : String.format("%.1f s (until %s%s)", (w.to() - w.from()) / 1000.0,
              w.target().equals("server") ? "it answers /ready" : "its first batch", again));
    }
    System.out.println();
    System.out.println("| events | count |");
    System.out.println("|---|---|");
    row("event requests (attempts, retries included)", writes.size());
    row("events posted (distinct ids)", posted.size());
    row("events acknowledged (2xx)", acked.size());
    row("events retried after a failed attempt", retried.size());
    row("acknowledged events posted again on purpose (as by a client whose answer was lost)", resent.size());
    row("acknowledged events in `events` (distinct)", acked.stream().filter(found::containsKey).count());
    row("**acknowledged events lost**", lost.size());
    row("**event ids in `events` more than once** (this run / whole table)", twice.size() + " / " + tableDuplicates);
    row("unacknowledged events in `events` (written, answer lost or retries given up)", unackedWritten);
    row("this run's events in `events_quarantine`", quarantined);
    row("ids in `events` this run never posted", foreign);
    row("copies the stream dropped as duplicates (its log, per batch)", droppedDuplicates(dir));
    row("partial landing files left by killed servers (hidden, never acknowledged)", partial);
    System.out.printf("| last acknowledged event committed, after the load ended | %.1f s |%n",
        Math.max(0, lastAckedCommit - loadEnd) / 1000.0);
    System.out.println();
    System.out.println("| requests | window | requests | errors | error rate | p50 | p99 | errors by outcome |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    table("recommendations", reads, windows);
    table("event posts", writes, windows);
    System.err.printf("check: %d visible landing files left (the last batch's, deleted when the next one runs)%n",
        visible);
    if (!lost.isEmpty() || !twice.isEmpty() || tableDuplicates > 0) {
      System.out.println();
      System.out.println("**FAILED**: " + lost.size() + " acknowledged events lost, " + twice.size()
          + " of this run's event ids (" + tableDuplicates + " in the whole table) more than once; evidence in "
          + dir.resolve("lost.txt") + " and " + dir.resolve("duplicates.txt"));
      System.exit(1);
    }
  }

  /**
   * Polls the table until every acknowledged event is in it and it has had no commit for
   * {@link #QUIET_MS}, or until the time-out; returns this run's events as found last.
   */
  private static Map<String, long[]> awaitCatchUp(SparkSession spark, Path warehouse, String run, Set<String> acked,
                                                  long timeoutMs) throws Exception {
    String events = warehouse.resolve(Tables.EVENTS.name()).toString();
    long waitStart = System.currentTimeMillis();
    long lastCommits = -1;
    long quietSince = waitStart;
    while (true) {
      long commits = commits(warehouse.resolve(Tables.EVENTS.name()));
      if (commits != lastCommits) {
        lastCommits = commits;
        quietSince = System.currentTimeMillis();
      }
      Map<String, long[]> found = runEvents(spark, events, run);
      long missing = acked.stream().filter(id -> !found.containsKey(id)).count();
      long now = System.currentTimeMillis();
      if (missing == 0 && now - quietSince >= QUIET_MS) {
        return found;
      }
      if (now - waitStart > timeoutMs) {
        System.err.println("check: gave up waiting after " + timeoutMs / 1000 + " s with " + missing
            + " acknowledged events not in the table");
        return found;
      }
      System.err.println(missing > 0 ? "check: " + missing + " acknowledged events not in the table yet"
          : "check: every acknowledged event is in the table; waiting for " + QUIET_MS / 1000 + " s without a commit");
      Thread.sleep(3000);
    }
  }

  /** This run's events in the table: id to {rows, newest ingested_at in epoch ms}. */
  private static Map<String, long[]> runEvents(SparkSession spark, String events, String run) {
    Map<String, long[]> out = new HashMap<>();
    Dataset<Row> rows = spark.read().format("delta").load(events)
        .filter(col(Col.EVENT_ID).startsWith("lf-" + run + "-"))
        .groupBy(Col.EVENT_ID).agg(count("*"), max(Col.INGESTED_AT));
    for (Row r : rows.collectAsList()) {
      out.put(r.getString(0), new long[] {r.getLong(1), r.getTimestamp(2).getTime()});
    }
    return out;
  }

  /**
   * The duplicates the stream's batches dropped, from the BatchWriter lines of its logs
   * (stream-N.log in the output directory), each batch counted once even if a restart ran it again.
   */
  private static long droppedDuplicates(Path dir) throws IOException {
    Map<Long, Long> byBatch = new HashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path log : files.filter(p -> p.getFileName().toString().matches("stream-\\d+\\.log")).toList()) {
        for (String line : Files.readAllLines(log)) {
          Matcher m = BATCH_LINE.matcher(line);
          if (m.find()) {
            byBatch.put(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
          }
        }
      }
    }
    return byBatch.values().stream().mapToLong(Long::longValue).sum();
  }

  /** How many commits the table's log holds (a listing: cheap enough to poll). */
  private static long commits(Path table) throws IOException {
    Path log = table.resolve("_delta_log");
    if (!Files.isDirectory(log)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(log)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".json")).count();
    }
  }

  /** The attempts of a load log: "due sent done outcome [ids]" per line. */
  private static List<Attempt> attempts(Path file) throws IOException {
    List<Attempt> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      String[] f = line.split(" ");
      out.add(new Attempt(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), f[3],
          f.length > 4 ? List.of(f[4].split(",")) : List.of()));
    }
    return out;
  }

  /**
   * The kill windows of the script's timeline ("ms kill|start|ready|up target ..." per line, and
   * "ms load start|end", which go to {@code marks}): each kill lasts until the target's first
   * ready (server) or up (stream) after it, so a kill that lands while the target is still coming
   * back from the previous one lies inside that one's window.
   */
  private static List<Window> windows(Path timeline, Map<String, Long> marks) throws IOException {
    List<long[]> kills = new ArrayList<>();
    List<String> killed = new ArrayList<>();
    Map<String, List<Long>> back = new HashMap<>();
    for (String line : Files.readAllLines(timeline)) {
      String[] f = line.split(" ");
      long ms = Long.parseLong(f[0]);
      String what = f[1];
      String target = f[2];
      if (what.equals("load")) {
        marks.put("load " + target, ms);
      } else if (what.equals("kill")) {
        kills.add(new long[] {ms});
        killed.add(target);
      } else if (what.equals("ready") || what.equals("up")) {
        back.computeIfAbsent(target, t -> new ArrayList<>()).add(ms);
      }
    }
    List<Window> out = new ArrayList<>();
    Map<String, Integer> numbers = new HashMap<>();
    for (int i = 0; i < kills.size(); i++) {
      String target = killed.get(i);
      long from = kills.get(i)[0];
      long to = back.getOrDefault(target, List.of()).stream().filter(ms -> ms > from).min(Long::compare)
          .orElse(Long.MAX_VALUE);
      out.add(new Window(target, numbers.merge(target, 1, Integer::sum), from, to));
    }
    return out;
  }

  private static boolean overlaps(Attempt a, Window w) {
    return a.due() <= w.to() && a.done() >= w.from();
  }

  /** Rows of the requests table for one kind of request: outside every window, in server windows, in stream ones. */
  private static void table(String kind, List<Attempt> attempts, List<Window> windows) {
    Map<String, List<Attempt>> groups = new LinkedHashMap<>();
    groups.put("outside every kill window", new ArrayList<>());
    groups.put("overlapping a server kill window", new ArrayList<>());
    groups.put("overlapping only a stream kill window", new ArrayList<>());
    for (Attempt a : attempts) {
      boolean server = windows.stream().anyMatch(w -> w.target().equals("server") && overlaps(a, w));
      boolean stream = windows.stream().anyMatch(w -> w.target().equals("stream") && overlaps(a, w));
      groups.get(server ? "overlapping a server kill window" : stream ? "overlapping only a stream kill window"
          : "outside every kill window").add(a);
    }
    groups.forEach((window, list) -> {
      List<Attempt> errors = list.stream().filter(a -> !a.ok()).toList();
      long[] millis = list.stream().filter(Attempt::ok).mapToLong(a -> a.done() - a.due()).sorted().toArray();
      Map<String, Long> byOutcome = new TreeMap<>(errors.stream()
          .collect(Collectors.groupingBy(Attempt::outcome, Collectors.counting())));
      System.out.printf("| %s | %s | %,d | %,d | %s | %s | %s | %s |%n", kind, window, list.size(), errors.size(),
          list.isEmpty() ? "-" : String.format("%.2f%%", 100.0 * errors.size() / list.size()),
          pct(millis, 0.50), pct(millis, 0.99), byOutcome.isEmpty() ? "-" : byOutcome.entrySet().stream()
              .map(e -> e.getKey() + " × " + e.getValue()).collect(Collectors.joining(", ")));
    });
  }

  private static String pct(long[] sorted, double q) {
    return sorted.length == 0 ? "-"
        : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] + " ms";
  }

  private static void row(String what, Object value) {
    System.out.println("| " + what + " | " + (value instanceof Long || value instanceof Integer
        ? String.format("%,d", value) : value) + " |");
  }

  /** Each lost event's attempts, and each duplicated event's rows, for a person to read. */
  private static void evidence(Path dir, List<String> lost, List<String> twice, List<Attempt> writes,
                               SparkSession spark, String events) throws IOException {
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(dir.resolve("lost.txt")))) {
      for (String id : lost) {
        out.println(id + ":");
        writes.stream().filter(a -> a.ids().contains(id)).forEach(a -> out.println("  due " + a.due() + " sent "
            + a.sent() + " answered " + a.done() + " " + a.outcome() + " " + String.join(",", a.ids())));
      }
    }
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(dir.resolve("duplicates.txt")))) {
      if (!twice.isEmpty()) {
        for (Row r : spark.read().format("delta").load(events).filter(col(Col.EVENT_ID).isin(twice.toArray()))
            .orderBy(Col.EVENT_ID, Col.INGESTED_AT).collectAsList()) {
          out.println(r.mkString(" "));
        }
      }
    }
  }
}
