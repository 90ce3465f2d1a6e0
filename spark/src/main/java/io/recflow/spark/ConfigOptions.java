package io.recflow.spark;

import io.recflow.core.RecflowConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every command shares: which profile to read and which keys to override. */
public final class ConfigOptions {
  @Option(names = "--conf", paramLabel = "FILE",
      description = "Config profile (.properties). Default: conf/local.properties when it exists.")
  Path profile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one config key; repeatable.")
  Map<String, String> overrides = new LinkedHashMap<>();

  /** Reads and validates the configuration, with {@code extra} overrides applied last. */
  public RecflowConfig load(Map<String, String> extra) {
    Map<String, String> all = new LinkedHashMap<>(overrides);
    all.putAll(extra);
    return RecflowConfig.loadOrLocal(profile, all);
  }
}
