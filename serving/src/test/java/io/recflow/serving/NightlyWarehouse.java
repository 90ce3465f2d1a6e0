package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A warehouse written by the real nightly job on a small synthetic shop, built once per test JVM.
 * The job runs in a child JVM with the streaming module's classpath, so Spark never reaches this
 * module's classpath.
 */
final class NightlyWarehouse {
  private static Path dir;
  private static String output;

  private NightlyWarehouse() {}

  static synchronized Path path() throws Exception {
    if (dir == null) {
      Path root = Files.createTempDirectory("recflow-serving-");
      Path data = root.resolve("data");
      Path warehouse = root.resolve("warehouse");
      recflow(root, "generate", "--users", "100", "--items", "200", "--events", "5000", "--out", data.toString());
      output = recflow(root, "batch", "--input", data.toString(), "--format", "csv", "--sample-user", "u1",
          "--set", "recflow.warehouse=" + warehouse, "--set", "als.rank=8", "--set", "embedding.enabled=false",
          "--set", "eval.protocols=stratified", "--set", "spark.master=local[2]",
          "--conf", "../conf/local.properties");
      dir = warehouse;
    }
    return dir;
  }

  /** What the nightly job printed. */
  static synchronized String output() throws Exception {
    path();
    return output;
  }

  /** Runs a recflow command in a JVM with the streaming module's classpath (Spark included). */
  private static String recflow(Path dir, String... args) throws Exception {
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
