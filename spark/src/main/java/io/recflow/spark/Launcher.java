package io.recflow.spark;

import io.recflow.core.ConfigException;
import java.io.PrintStream;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Runs a recflow command line (the nightly launcher, the stream) the same way: expected problems,
 * a bad configuration or missing input, print their message and exit with 2, not a stack trace;
 * and a command asked for {@code --json} gets standard output to itself.
 */
public final class Launcher {
  private static PrintStream dataOut = System.out;

  private Launcher() {}

  /** Runs a picocli command and returns its exit code. */
  public static int execute(Object command, String... args) {
    if (Arrays.asList(args).contains("--json")) {
      reserveStdoutForData();
    }
    CommandLine cli = new CommandLine(command);
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
        cmd.getErr().println("recflow: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return cli.execute(args);
  }

  /**
   * Where a command writes its machine-readable result: standard output, which after
   * {@code --json} carries nothing else.
   */
  public static PrintStream dataOut() {
    return dataOut;
  }

  /**
   * Sends everything else that would print to standard output to standard error: libraries print
   * banners there (Spark NLP's ONNX runtime says "Using CPUs" through Scala's Console), and
   * {@code bin/recflow eval --json | jq} must read JSON only. Done before Spark starts, so that
   * its threads inherit Scala's redirected Console.
   */
  @SuppressWarnings("deprecation")
  private static void reserveStdoutForData() {
    dataOut = System.out;
    System.setOut(System.err);
    scala.Console.setOut(System.err);
  }
}
