package io.recflow.streaming;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.core.TableDef;
import io.recflow.core.Tables;
import io.recflow.spark.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The streaming job run as an operator runs it, {@code StreamCommand} in a JVM of its own with a
 * profile file, so that a test can kill it with SIGKILL; and what it leaves on disk, read without
 * Spark while it runs: which batches its checkpoint has started (the offsets log) and committed
 * (the commits log), and how many commits the tables it writes have.
 */
final class StreamProcess {
  private static final long PROGRESS_TIMEOUT_MILLIS = 180_000;
  private static final List<TableDef> WRITTEN = List.of(Tables.EVENTS, Tables.EVENTS_QUARANTINE,
      Tables.USER_VECTORS_RT);
  private static final Pattern KAFKA_END_OFFSET = Pattern.compile("\"\\d+\":(\\d+)");

  private final Path dir;
  private final Path profile;
  private final Path warehouse;
  private final Path checkpoint;

  /** Writes the profile of {@code config} (recflow and Spark settings) into {@code dir}. */
  StreamProcess(Path dir, RecflowConfig config) throws IOException {
    this.dir = dir;
    this.profile = dir.resolve("stream.properties");
    this.warehouse = Path.of(config.get(Settings.WAREHOUSE));
    this.checkpoint = Path.of(StreamConfig.from(config).checkpointDir());
    Properties p = new Properties();
    p.putAll(config.asMap());
    p.putAll(config.sparkConf());
    try (var out = Files.newBufferedWriter(profile)) {
      p.store(out, "a streaming JVM of a test");
    }
  }

  /** Starts {@code bin/recflow stream [--available-now]}; its output goes to the log {@code name}. */
  Process start(boolean availableNow, String name) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(StreamCommand.class.getName(), "--conf", profile.toString()));
    if (availableNow) {
      cmd.add("--available-now");
    }
    return ChildJvm.start("-Xmx1500m", System.getProperty("java.class.path"), cmd, dir.resolve(name + ".log"));
  }

  String log(String name) {
    try {
      return Files.readString(dir.resolve(name + ".log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file in which the checkpoint's offsets (batch started) or commits (batch done) log has a batch. */
  Path entry(String log, long batch) {
    return checkpoint.resolve(log).resolve(String.valueOf(batch));
  }

  boolean logged(String log, long batch) {
    return Files.exists(entry(log, batch));
  }

  /** The newest batch in the offsets or commits log, -1 if none. */
  long latest(String log) {
    Path dir = checkpoint.resolve(log);
    if (!Files.isDirectory(dir)) {
      return -1;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("\\d+")).mapToLong(Long::parseLong)
          .max().orElse(-1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * How far into a Kafka topic a started batch reads: the sum of its end offsets over the
   * partitions (the Kafka source's line of the offsets log), which is the number of records it has
   * read up to.
   */
  long kafkaRecordsRead(long batch) {
    if (batch < 0) {
      return 0;
    }
    try {
      List<String> lines = Files.readAllLines(entry("offsets", batch));
      long sum = 0;
      // After the version and the batch's metadata, one line per source; only Kafka's has partitions.
      for (String line : lines.subList(2, lines.size())) {
        Matcher m = KAFKA_END_OFFSET.matcher(line);
        while (m.find()) {
          sum += Long.parseLong(m.group(1));
        }
      }
      return sum;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The number of commits in the Delta logs of the tables a batch writes; each write adds one. */
  long deltaCommits() {
    long n = 0;
    for (TableDef t : WRITTEN) {
      Path log = warehouse.resolve(t.name()).resolve("_delta_log");
      if (Files.isDirectory(log)) {
        try (Stream<Path> files = Files.list(log)) {
          n += files.filter(f -> f.getFileName().toString().endsWith(".json")).count();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return n;
  }

  /** Waits for {@code condition}, failing with the stream's log if the stream dies or makes no progress. */
  void await(BooleanSupplier condition, Process stream, String name) throws InterruptedException {
    long deadline = System.currentTimeMillis() + PROGRESS_TIMEOUT_MILLIS;
    while (!condition.getAsBoolean()) {
      assertTrue(stream.isAlive(), () -> "the stream stopped on its own: " + log(name));
      assertTrue(System.currentTimeMillis() < deadline, () -> "the stream made no progress in "
          + PROGRESS_TIMEOUT_MILLIS / 1000 + " s: " + log(name));
      Thread.sleep(10);
    }
  }
}
