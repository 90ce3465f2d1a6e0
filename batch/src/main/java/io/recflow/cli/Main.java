package io.recflow.cli;

import io.recflow.spark.Launcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** {@code bin/recflow}: one launcher, one subcommand per job. */
// INHERIT: every subcommand takes --help and --version too (bin/recflow batch --help).
@Command(name = "recflow", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "recflow 0.1.0",
    description = "Personalised recommendations on Spark, Delta Lake and RocksDB.",
    footer = "%nThe streaming job and the server have entry points of their own: recflow stream --help, "
        + "recflow serve --help, and the server's API keys: recflow keys new --help",
    subcommands = {BatchCommand.class, IngestCommand.class, EvalCommand.class, TuneCommand.class,
        RecommendCommand.class, ModelsCommand.class, GenerateCommand.class, ConfigCommand.class,
        ForgetCommand.class, ExperimentsCommand.class})
public final class Main {
  public static void main(String[] args) {
    System.exit(Launcher.execute(new Main(), args));
  }

}
