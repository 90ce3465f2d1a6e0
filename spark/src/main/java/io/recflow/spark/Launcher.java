package io.recflow.spark;

import io.recflow.core.ConfigException;
import picocli.CommandLine;

/**
 * Runs a recflow command line (the nightly launcher, the stream) the same way: expected problems,
 * a bad configuration or missing input, print their message and exit with 2, not a stack trace.
 */
public final class Launcher {
  private Launcher() {}

  /** Runs a picocli command and returns its exit code. */
  public static int execute(Object command, String... args) {
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
}
