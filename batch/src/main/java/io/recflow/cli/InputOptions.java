package io.recflow.cli;

import io.recflow.core.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of the commands that read an input directory: shortcuts for input.path and input.format. */
final class InputOptions {
  @Option(names = "--input", paramLabel = "DIR", description = "Input directory (overrides input.path).")
  String input;

  @Option(names = "--format", description = "movielens, csv or jsonl (overrides input.format).")
  String format;

  /** The config overrides these options stand for. */
  Map<String, String> overrides() {
    Map<String, String> m = new LinkedHashMap<>();
    if (input != null) {
      m.put(Settings.INPUT_PATH.name(), input);
    }
    if (format != null) {
      m.put(Settings.INPUT_FORMAT.name(), format);
    }
    return m;
  }
}
