package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.javalin.Javalin;
import io.recflow.experiment.ExperimentPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A warehouse written by the real nightly job on a small synthetic shop (seed 42), built once per
 * test JVM, and the tools the serving tests need around it: copies, a second night, snapshots of
 * version 1, and recflow commands in child JVMs. The jobs run with the streaming module's
 * classpath, so Spark never reaches this module's classpath.
 */
final class NightlyWarehouse {
  private static Path root;
  private static Path dir;
  private static Path data;
  private static String output;
  private static Path version1Snapshot;

  private NightlyWarehouse() {}

  static synchronized Path path() throws Exception {
    if (dir == null) {
      root = Files.createTempDirectory("recflow-serving-");
      data = root.resolve("data");
      Path warehouse = root.resolve("warehouse");
      run("io.recflow.cli.Main", "generate", "--users", "100", "--items", "200", "--events", "5000",
          "--out", data.toString());
      output = batch(warehouse);
      dir = warehouse;
    }
    return dir;
  }

  /** What the nightly job printed. */
  static synchronized String output() throws Exception {
    path();
    return output;
  }

  /** Runs the nightly job on {@code warehouse} (the bundled shop's input); returns its output. */
  static String nightly(Path warehouse) throws Exception {
    path();
    return batch(warehouse);
  }

  /** Like {@link #nightly(Path)}, with more settings ("key=value"), such as stages a test does not need. */
  static String nightly(Path warehouse, String... settings) throws Exception {
    path();
    return batch(warehouse, settings);
  }

  private static String batch(Path warehouse, String... settings) throws Exception {
    List<String> args = new ArrayList<>(List.of("batch", "--input", data.toString(), "--format", "csv",
        "--sample-user", "u1", "--set", "recflow.warehouse=" + warehouse, "--set", "als.rank=8",
        "--set", "embedding.enabled=false", "--set", "eval.protocols=stratified", "--set", "sequence.maxMinutes=1",
        "--set", "spark.master=local[2]", "--conf", "../conf/local.properties"));
    for (String s : settings) {
      args.addAll(List.of("--set", s));
    }
    return run("io.recflow.cli.Main", args.toArray(String[]::new));
  }

  /** Runs {@code bin/recflow models ARGS} on {@code warehouse}; returns its output. */
  static String models(Path warehouse, String... args) throws Exception {
    path();
    List<String> all = new ArrayList<>(List.of("models"));
    all.addAll(Arrays.asList(args));
    all.addAll(List.of("--set", "recflow.warehouse=" + warehouse, "--set", "spark.master=local[2]",
        "--conf", "../conf/local.properties"));
    return run("io.recflow.cli.Main", all.toArray(String[]::new));
  }

  /** A private copy of the version-1 warehouse, for a test that changes it. */
  static Path copy() throws Exception {
    Path to = Files.createTempDirectory(root(), "copy-").resolve("warehouse");
    copyTree(path(), to);
    return to;
  }

  /** A complete snapshot directory of version 1 under {@code snapshotRoot}, as the server names it. */
  static synchronized Path snapshotOfVersion1(Path snapshotRoot) throws Exception {
    if (version1Snapshot == null) {
      version1Snapshot = Files.createTempDirectory(root(), "snap-").resolve("model-1");
      new SnapshotLoader(new DeltaReader(path().toString())).load(1, version1Snapshot);
    }
    Path to = snapshotRoot.resolve("model-1");
    copyTree(version1Snapshot, to);
    return to;
  }

  /**
   * Like {@link #snapshotOfVersion1}, without the version's ranker: served in the ALS order, the
   * first stage's own order, for tests that pin what the first stage retrieves.
   */
  static Path snapshotOfVersion1WithoutRanker(Path snapshotRoot) throws Exception {
    Path dir = snapshotOfVersion1(snapshotRoot);
    try (org.rocksdb.Options o = new org.rocksdb.Options();
         org.rocksdb.RocksDB db = org.rocksdb.RocksDB.open(o, dir.toString())) {
      db.delete(SnapshotKeys.meta(SnapshotKeys.RANKER_MODEL));
      db.delete(SnapshotKeys.meta(SnapshotKeys.RANKER_STATUS));
    }
    return dir;
  }

  /** What a test changes in its copy of a snapshot. */
  interface Edit {
    void apply(org.rocksdb.RocksDB db) throws org.rocksdb.RocksDBException;
  }

  /** A copy of a snapshot (of this warehouse) with an edit, served by a new holder with {@code ranking}. */
  static SnapshotHolder editedCopy(ModelSnapshot s, ServedRanking ranking, String name, Edit edit) throws Exception {
    Path snapshots = Files.createTempDirectory("recflow-snapshots-" + name + "-");
    Path copy = snapshots.resolve(s.dir().getFileName());
    copyTree(s.dir(), copy);
    try (org.rocksdb.Options o = new org.rocksdb.Options();
         org.rocksdb.RocksDB db = org.rocksdb.RocksDB.open(o, copy.toString())) {
      edit.apply(db);
    }
    SnapshotHolder h = new SnapshotHolder(snapshots, new DeltaReader(path().toString()), ModelSnapshot.Search.EXACT,
        ranking);
    assertEquals(s.version(), h.openExisting());
    return h;
  }

  /**
   * Serves {@code h} over HTTP on a free port with a fresh landing directory; the server, its intake
   * and the holder are added to {@code open}, for the test to close.
   */
  static Http serve(SnapshotHolder h, Access access, List<AutoCloseable> open) throws Exception {
    Path landing = Files.createTempDirectory("recflow-landing-");
    EventIntake intake = TestServer.intake(landing, 100);
    Javalin app = new RecServer(h, intake, ExperimentPlan.NONE, TestServer.backlog(landing), access, TestServer.WIDE,
        20_000).app().start(0);
    open.add(app::stop);
    open.add(intake);
    open.add(h);
    return new Http(app.port());
  }

  private static Path root() throws Exception {
    path();
    return root;
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.sorted(Comparator.naturalOrder()).toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Starts a recflow main class in a JVM with the app module's classpath (every Spark job, Spark
   * included), as bin/recflow does.
   */
  static Process start(Path log, String mainClass, String... args) throws Exception {
    Path classpath = Path.of("../app/target/classpath.txt");
    if (!Files.exists(classpath)) {
      throw new AssertionError("build the app module first (mvn -B verify builds it before serving)");
    }
    String cp = Files.readString(classpath).trim();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx2g"));
    cmd.addAll(Files.readAllLines(Path.of("../conf/jvm.flags")).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#")).toList());
    cmd.addAll(List.of("-cp", cp, mainClass));
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  /** Runs a recflow command to completion and returns its output; fails the test if it fails. */
  static String run(String mainClass, String... args) throws Exception {
    // Beside the shared warehouse once there is one; a test that needs none runs without building it.
    Path log = root == null ? Files.createTempFile("recflow-", ".log")
        : Files.createTempFile(root, "recflow-", ".log");
    Process p = start(log, mainClass, args);
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly(); // not left running to slow the tests after this one
      throw new AssertionError("recflow " + args[0] + " did not finish in 10 minutes:\n" + Files.readString(log));
    }
    String out = Files.readString(log);
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
