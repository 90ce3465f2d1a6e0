package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * A snapshot loaded with Delta Kernel from a warehouse the real nightly job wrote (run in a
 * separate JVM, so that no Spark reaches this module's classpath) recommends exactly what the
 * nightly job's own Spark-side recommender printed.
 */
class SnapshotIT {
  @TempDir
  static Path dir;
  private static Path warehouse;
  private static String nightlyOutput;

  @BeforeAll
  static void runTheNightlyJob() throws Exception {
    Path data = dir.resolve("data");
    warehouse = dir.resolve("warehouse");
    recflow("generate", "--users", "100", "--items", "200", "--events", "5000", "--out", data.toString());
    nightlyOutput = recflow("batch", "--input", data.toString(), "--format", "csv", "--sample-user", "u1",
        "--set", "recflow.warehouse=" + warehouse, "--set", "als.rank=8", "--set", "embedding.enabled=false",
        "--set", "eval.protocols=stratified", "--set", "spark.master=local[2]", "--conf", "../conf/local.properties");
  }

  @Test
  void theLoadedSnapshotRecommendsWhatTheNightlyJobPrinted() throws Exception {
    SnapshotLoader loader = new SnapshotLoader(new DeltaReader(warehouse.toString()));
    assertEquals(1, loader.latestPublished());
    Path snap = dir.resolve("snapshot-1");
    loader.load(1, snap);
    try (ModelSnapshot s = ModelSnapshot.open(snap)) {
      assertEquals(1, s.version());
      float[] user = s.userVector("u1").orElseThrow();
      assertEquals(8, user.length);
      List<String> ours = s.recommend(user, s.seen("u1"), 10).stream().map(ModelSnapshot.Scored::itemId).toList();
      assertEquals(printedTopTen(), ours);
      assertFalse(s.userVector("nobody").isPresent());
    }
  }

  @Test
  void anIncompleteSnapshotIsRefused() throws Exception {
    Path half = dir.resolve("half");
    try (Options o = new Options().setCreateIfMissing(true); RocksDB db = RocksDB.open(o, half.toString())) {
      db.put(SnapshotKeys.meta(SnapshotKeys.VERSION), "1".getBytes());
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ModelSnapshot.open(half));
    assertTrue(e.getMessage().contains("incomplete"), e.getMessage());
  }

  /** The item ids of the "Top-10 for user u1" list the batch command printed. */
  private static List<String> printedTopTen() {
    List<String> lines = nightlyOutput.lines().toList();
    int start = lines.indexOf(lines.stream().filter(l -> l.startsWith("Top-10 for user u1")).findFirst()
        .orElseThrow(() -> new AssertionError("no top-10 in the nightly output:\n" + nightlyOutput)));
    List<String> ids = new ArrayList<>();
    for (String l : lines.subList(start + 1, Math.min(lines.size(), start + 11))) {
      ids.add(l.trim().split("\\s+")[1]);
    }
    return ids;
  }

  /** Runs a recflow command in a JVM with the streaming module's classpath (Spark included). */
  private static String recflow(String... args) throws Exception {
    File jar = Arrays.stream(new File("../streaming/target").listFiles((d, n) -> n.startsWith("recflow-streaming")
        && n.endsWith("SNAPSHOT.jar"))).findFirst().orElseThrow(() -> new AssertionError("build streaming first"));
    String cp = jar.getAbsolutePath() + File.pathSeparator
        + Files.readString(Path.of("../streaming/target/classpath.txt")).trim();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx2g"));
    cmd.addAll(Files.readAllLines(Path.of("../conf/jvm.flags")).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#")).toList());
    cmd.addAll(List.of("-cp", cp, "io.recflow.batch.Main"));
    cmd.addAll(Arrays.asList(args));
    Path log = Files.createTempFile(dir, "recflow-", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "recflow " + args[0] + " did not finish in 5 minutes");
    String out = Files.readString(log);
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
