import io.recflow.core.LandingFile;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Tables;
import io.recflow.spark.SparkSessions;
import io.recflow.streaming.StreamJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * Streaming benchmark (run by bench/streaming.sh): feeds the running stream JSON-lines files at
 * fixed event rates, ten files a second, and measures for each file the time from its landing
 * (visible in the landing directory) to the Delta commit of user_vectors_rt that holds the vector
 * of the file's probe user (the mtime of that commit's log file). Then a drain: a backlog landed
 * at once, to measure the most events per second the stream processes.
 * Arguments: warehouse, users, items, comma-separated rates, seconds per rate, backlog events.
 */
public class StreamBench {
  /** Makes ids unique per run, so a re-run on the same warehouse is not taken for re-delivery. */
  private static final String RUN = Long.toString(System.currentTimeMillis(), 36);
  private static final Pattern TXN = Pattern.compile("\"txn\":\\{\"appId\":\"[^\"]*\",\"version\":(\\d+)");

  record Landed(int file, String probe, long landedAt, int events) {}

  public static void main(String[] args) throws Exception {
    Path warehouse = Path.of(args[0]).toAbsolutePath();
    int users = Integer.parseInt(args[1]);
    String[] rates = args[3].split(",");
    int seconds = Integer.parseInt(args[4]);
    int backlog = Integer.parseInt(args[5]);
    RecflowConfig config = RecflowConfig.load(Path.of("conf/local.properties"),
        Map.of("recflow.warehouse", warehouse.toString()));
    SparkSession spark = SparkSessions.getOrCreate(config);
    List<String> items = spark.read().format("delta").load(warehouse.resolve(Tables.ITEM_FACTORS.name()).toString())
        .select("id").distinct().collectAsList().stream().map(r -> r.getString(0)).toList();
    StreamingQuery query = StreamJob.start(spark, config, false);
    Path landing = warehouse.resolve("landing/events");
    Random rnd = new Random(42);
    int[] fileNo = {0};
    System.out.println("| offered events/s | events | processed events/s | p50 latency | p95 latency | max latency |");
    System.out.println("|---|---|---|---|---|---|");
    phase(spark, query, warehouse, landing, rnd, items, users, 20, 5, fileNo); // warm-up, not reported
    for (String r : rates) {
      int rate = Integer.parseInt(r.trim());
      List<Landed> landed = phase(spark, query, warehouse, landing, rnd, items, users, rate, seconds, fileNo);
      report(String.valueOf(rate), landed, commitTimes(spark, warehouse, landed));
      System.err.println("rate " + rate + ": mean ms per batch " + breakdown(query));
    }
    List<Landed> drain = new ArrayList<>();
    int perFile = 20_000;
    for (int i = 0; i < backlog / perFile; i++) {
      drain.add(land(landing, rnd, items, users, perFile, fileNo[0]++));
    }
    awaitProbes(spark, warehouse, drain, 600_000);
    report("backlog of " + backlog, drain, commitTimes(spark, warehouse, drain));
    query.stop();
    spark.stop();
  }

  private static List<Landed> phase(SparkSession spark, StreamingQuery q, Path warehouse, Path landing, Random rnd,
                                    List<String> items, int users, int rate, int seconds, int[] fileNo)
      throws Exception {
    List<Landed> landed = new ArrayList<>();
    long start = System.currentTimeMillis();
    for (int tick = 0; tick < seconds * 10; tick++) {
      long due = start + tick * 100L;
      long wait = due - System.currentTimeMillis();
      if (wait > 0) {
        Thread.sleep(wait);
      }
      landed.add(land(landing, rnd, items, users, Math.max(1, rate / 10), fileNo[0]++));
      if (!q.isActive()) {
        throw new IllegalStateException("the stream stopped: " + q.exception());
      }
    }
    awaitProbes(spark, warehouse, landed, 300_000);
    return landed;
  }

  private static Landed land(Path landing, Random rnd, List<String> items, int users, int events, int file)
      throws Exception {
    String[] types = {"view", "view", "view", "click", "click", "cart", "purchase", "rating"};
    List<String> lines = new ArrayList<>(events + 1);
    String probe = "probe-" + RUN + "-" + file;
    lines.add(line("p" + RUN + file, probe, items.get(rnd.nextInt(items.size())), "purchase", null));
    for (int i = 1; i < events; i++) {
      String type = types[rnd.nextInt(types.length)];
      lines.add(line("b" + RUN + file + "-" + i, "u" + rnd.nextInt(users), items.get(rnd.nextInt(items.size())), type,
          type.equals("rating") ? String.valueOf(1 + rnd.nextInt(5)) : null));
    }
    LandingFile.write(landing, lines);
    return new Landed(file, probe, System.currentTimeMillis(), events);
  }

  private static String line(String id, String user, String item, String type, String value) {
    return "{\"event_id\":\"" + id + "\",\"user_id\":\"" + user + "\",\"item_id\":\"" + item + "\",\"event_type\":\""
        + type + "\"" + (value == null ? "" : ",\"value\":" + value) + ",\"ts\":" + System.currentTimeMillis() + "}";
  }

  private static Map<String, Long> probeBatches(SparkSession spark, Path warehouse, List<Landed> landed) {
    Map<String, Long> out = new HashMap<>();
    if (!Files.exists(warehouse.resolve(Tables.USER_VECTORS_RT.name()).resolve("_delta_log/00000000000000000000.json"))) {
      return out;
    }
    List<String> probes = landed.stream().map(Landed::probe).toList();
    for (Row r : spark.read().format("delta").load(warehouse.resolve(Tables.USER_VECTORS_RT.name()).toString())
        .filter(org.apache.spark.sql.functions.col("user_id").isin(probes.toArray()))
        .select("user_id", "batch_id").collectAsList()) {
      out.merge(r.getString(0), r.getLong(1), Math::min);
    }
    return out;
  }

  private static void awaitProbes(SparkSession spark, Path warehouse, List<Landed> landed, long timeoutMs)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (probeBatches(spark, warehouse, landed).size() == landed.size()) {
        return;
      }
      Thread.sleep(1000);
    }
    throw new IllegalStateException("probes not all folded in after " + timeoutMs + " ms");
  }

  /** For each landed file: when the user_vectors_rt commit holding its probe became visible. */
  private static Map<Integer, Long> commitTimes(SparkSession spark, Path warehouse, List<Landed> landed)
      throws Exception {
    Map<Long, Long> commitOfBatch = new HashMap<>();
    try (Stream<Path> logs = Files.list(warehouse.resolve(Tables.USER_VECTORS_RT.name()).resolve("_delta_log"))) {
      for (Path p : logs.filter(p -> p.toString().endsWith(".json")).toList()) {
        Matcher m = TXN.matcher(Files.readString(p));
        if (m.find()) {
          commitOfBatch.put(Long.parseLong(m.group(1)), Files.getLastModifiedTime(p).toMillis());
        }
      }
    }
    Map<String, Long> batchOfProbe = probeBatches(spark, warehouse, landed);
    Map<Integer, Long> out = new HashMap<>();
    for (Landed l : landed) {
      out.put(l.file(), commitOfBatch.get(batchOfProbe.get(l.probe())));
    }
    return out;
  }

  private static void report(String label, List<Landed> landed, Map<Integer, Long> committed) {
    long[] lat = landed.stream().mapToLong(l -> committed.get(l.file()) - l.landedAt()).sorted().toArray();
    long events = landed.stream().mapToLong(Landed::events).sum();
    long first = landed.get(0).landedAt();
    long last = landed.stream().mapToLong(l -> committed.get(l.file())).max().orElseThrow();
    double throughput = events * 1000.0 / Math.max(1, last - first);
    System.out.printf("| %s | %,d | %,.0f | %.2f s | %.2f s | %.2f s |%n", label, events, throughput,
        pct(lat, 0.50) / 1000.0, pct(lat, 0.95) / 1000.0, lat[lat.length - 1] / 1000.0);
  }

  /** Mean duration of each part of the recent micro-batches, from Spark's progress reports. */
  private static Map<String, Long> breakdown(StreamingQuery q) {
    Map<String, Long> sum = new java.util.TreeMap<>();
    var progress = q.recentProgress();
    for (var p : progress) {
      p.durationMs().forEach((k, v) -> sum.merge(k, v, Long::sum));
    }
    sum.replaceAll((k, v) -> v / Math.max(1, progress.length));
    sum.put("batches", (long) progress.length);
    return sum;
  }

  private static long pct(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }
}
