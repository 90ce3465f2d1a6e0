package io.recflow.cli;

import io.recflow.core.ConfigKey;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.spark.ConfigOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code recflow config}: every key with its effective value, default, rule and meaning. */
@Command(name = "config", description = "List every config key with its value, default and rule.")
final class ConfigCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Option(names = "--markdown", description = "Print the defaults as the table in docs/configuration.md.")
  boolean markdown;

  @Override
  public Integer call() {
    if (markdown) {
      System.out.println("| key | default | rule | meaning |");
      System.out.println("|---|---|---|---|");
      for (ConfigKey<?> k : Settings.all()) {
        System.out.printf("| `%s` | `%s` | %s | %s |%n", k.name(), k.defaultValue(), k.rule(), k.doc());
      }
      return 0;
    }
    RecflowConfig c = options.load(java.util.Map.of());
    for (ConfigKey<?> k : Settings.all()) {
      System.out.printf("%-28s = %-26s (default %s; %s)%n    %s%n", k.name(), c.get(k), k.defaultValue(), k.rule(),
          k.doc());
    }
    c.sparkConf().forEach((k, v) -> System.out.printf("%-28s = %s (passed to Spark)%n", k, v));
    return 0;
  }
}
