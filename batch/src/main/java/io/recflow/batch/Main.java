package io.recflow.batch;

import io.recflow.core.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** {@code bin/recflow}: one launcher, one subcommand per job. */
// INHERIT: every subcommand takes --help and --version too (bin/recflow batch --help).
@Command(name = "recflow", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "recflow 0.1.0",
    description = "Personalised recommendations on Spark, Delta Lake and RocksDB.",
    footer = "%nThe streaming job and the server have entry points of their own: recflow stream --help, "
        + "recflow serve --help",
    subcommands = {BatchCommand.class, EvalCommand.class, TuneCommand.class, RecommendCommand.class,
        ModelsCommand.class, GenerateCommand.class, ConfigCommand.class})
public final class Main {
  public static void main(String[] args) {
    System.exit(execute(new Main(), args));
  }

  /**
   * Runs a picocli command and returns its exit code; expected problems (bad config, missing
   * input) print their message, not a stack trace, and exit with 2.
   */
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
