package io.recflow.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a Java program in a separate JVM, with the JVM flags Spark needs on Java 17 (read from
 * conf/jvm.flags, as bin/recflow reads them) and its output in a log file: for the tests that
 * must run a job as an operator would, or kill it.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** Starts {@code java <heap> <flags> -cp <classpath> <mainAndArgs...>}, output to {@code log}. */
  public static Process start(String heap, String classpath, List<String> mainAndArgs, Path log) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        heap));
    cmd.addAll(Files.readAllLines(Path.of("../conf/jvm.flags")).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#")).toList());
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }
}
