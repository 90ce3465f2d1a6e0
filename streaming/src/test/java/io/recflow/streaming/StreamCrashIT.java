package io.recflow.streaming;

import static io.recflow.streaming.TrainedWarehouse.event;
import static io.recflow.streaming.TrainedWarehouse.land;
import static io.recflow.streaming.TrainedWarehouse.relativeDifference;
import static io.recflow.streaming.TrainedWarehouse.vector;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.RecflowConfig;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.spark.ChildJvm;
import io.recflow.spark.SparkFixture;
import io.recflow.spark.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: a streaming JVM is killed with SIGKILL while it processes a feed, restarted from
 * its checkpoint, and must leave the warehouse exactly as an uninterrupted run of the same feed
 * does: every accepted event once in {@code events}, every rejected one once in quarantine, and
 * the same final vector for every user.
 */
class StreamCrashIT {
  private static final int FILES = 12;

  @TempDir
  Path tmp;

  @Test
  void aStreamKilledMidRunAndRestartedLeavesWhatAnUninterruptedRunLeaves() throws Exception {
    List<List<String>> feed = feed();
    Path reference = TrainedWarehouse.copy();
    feed.forEach(f -> land(reference, f));
    StreamJob.start(SparkFixture.spark(), TrainedWarehouse.config(reference, Map.of()), true).awaitTermination();

    Path crashed = TrainedWarehouse.copy();
    Path conf = profile(crashed);
    Process first = stream(conf, false, "first");
    int landed = 0;
    // Three files, one batch each, committed; then more files until one can be killed mid-batch:
    // its offsets logged (the batch has started) and its commit not yet written.
    int killedIn = -1;
    while (killedIn < 0 && landed < FILES / 2) {
      land(crashed, feed.get(landed));
      int batch = landed++;
      await(() -> logged(crashed, "offsets", batch), first);
      if (batch >= 3) {
        Thread.sleep(800);
        if (!logged(crashed, "commits", batch)) {
          first.destroyForcibly();
          killedIn = batch;
        }
      }
      if (killedIn < 0) {
        await(() -> logged(crashed, "commits", batch), first);
      }
    }
    assertTrue(killedIn >= 3, "no batch could be caught in flight: " + Files.readString(tmp.resolve("first.log")));
    assertTrue(first.waitFor(30, TimeUnit.SECONDS));
    assertEquals(137, first.exitValue(), "killed by SIGKILL");
    while (landed < FILES) {
      land(crashed, feed.get(landed++));
    }
    Process second = stream(conf, true, "second");
    assertTrue(second.waitFor(5, TimeUnit.MINUTES), "the restarted stream did not finish");
    assertEquals(0, second.exitValue(), Files.readString(tmp.resolve("second.log")));

    Warehouse a = new Warehouse(SparkFixture.spark(), crashed.toString());
    Warehouse b = new Warehouse(SparkFixture.spark(), reference.toString());
    Row counts = a.read(Tables.EVENTS).agg(org.apache.spark.sql.functions.count("*"), countDistinct(Col.EVENT_ID))
        .head();
    assertEquals(counts.getLong(0), counts.getLong(1), "no event is stored twice");
    assertEquals(b.read(Tables.EVENTS).count(), counts.getLong(0), "every accepted event is stored");
    assertEquals(b.read(Tables.EVENTS_QUARANTINE).count(), a.read(Tables.EVENTS_QUARANTINE).count());
    assertEquals(8_000 + 2_400, counts.getLong(0), "12 files of 200 distinct events on top of the history");

    Map<String, Row> expected = TrainedWarehouse.latestVectors(b);
    Map<String, Row> actual = TrainedWarehouse.latestVectors(a);
    assertEquals(expected.keySet(), actual.keySet());
    double worst = 0;
    for (String user : expected.keySet()) {
      worst = Math.max(worst, relativeDifference(vector(expected.get(user)), vector(actual.get(user))));
    }
    assertTrue(worst <= 1e-6, "max relative difference of final vectors " + worst);
    assertEquals(0, a.read(Tables.USER_VECTORS_RT).groupBy(Col.USER_ID, Col.BATCH_ID).count()
        .filter(col("count").gt(1)).count(), "no batch wrote a user twice");
  }

  /** 12 files of 200 distinct valid events, plus in each a re-delivered event and a bad line. */
  private static List<List<String>> feed() {
    Random rnd = new Random(SparkFixture.SEED);
    String[] types = {"view", "click", "cart", "purchase", "rating"};
    List<List<String>> files = new ArrayList<>();
    for (int f = 0; f < FILES; f++) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String type = types[rnd.nextInt(types.length)];
        lines.add(event("c" + f + "-" + i, "u" + rnd.nextInt(120), "i" + rnd.nextInt(240), type,
            type.equals("rating") ? 0.5 + rnd.nextInt(10) * 0.5 : null, 1_767_300_000L + f * 600L + i));
      }
      lines.add(lines.get(rnd.nextInt(200)));
      lines.add("{\"user_id\":\"u1\",\"event_type\":\"view\",\"ts\":1767300000}");
      files.add(lines);
    }
    return files;
  }

  private Path profile(Path warehouse) throws Exception {
    RecflowConfig config = TrainedWarehouse.config(warehouse, Map.of());
    Properties p = new Properties();
    p.putAll(config.asMap());
    p.putAll(config.sparkConf());
    Path file = tmp.resolve("stream.properties");
    try (var out = Files.newBufferedWriter(file)) {
      p.store(out, "crash test");
    }
    return file;
  }

  private Process stream(Path conf, boolean availableNow, String name) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(StreamCommand.class.getName(), "--conf", conf.toString()));
    if (availableNow) {
      cmd.add("--available-now");
    }
    return ChildJvm.start("-Xmx1500m", System.getProperty("java.class.path"), cmd, tmp.resolve(name + ".log"));
  }

  /** Whether the checkpoint's offsets (batch started) or commits (batch done) log has a batch. */
  private static boolean logged(Path warehouse, String log, int batch) {
    return Files.exists(warehouse.resolve("_checkpoints/stream").resolve(log).resolve(String.valueOf(batch)));
  }

  private void await(BooleanSupplier condition, Process stream) throws Exception {
    long deadline = System.currentTimeMillis() + 180_000;
    while (!condition.getAsBoolean()) {
      assertTrue(stream.isAlive(), "the stream stopped on its own: " + Files.readString(tmp.resolve("first.log")));
      assertTrue(System.currentTimeMillis() < deadline, "the stream made no progress in 3 minutes: "
          + Files.readString(tmp.resolve("first.log")));
      Thread.sleep(100);
    }
  }
}
