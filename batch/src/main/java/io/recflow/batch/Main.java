package io.recflow.batch;

import io.recflow.core.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/recflow}: one launcher, one subcommand per job. */
@Command(name = "recflow", mixinStandardHelpOptions = true, version = "recflow 0.1.0",
    description = "Personalised recommendations on Spark, Delta Lake and RocksDB.",
    subcommands = {BatchCommand.class, EvalCommand.class, TuneCommand.class, RecommendCommand.class,
        GenerateCommand.class, ConfigCommand.class})
public final class Main {
  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      // Expected problems (bad config, missing input) get their message, not a stack trace.
      if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
        cmd.getErr().println("recflow: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    int code = cli.execute(args);
    System.exit(code);
  }
}
