package io.recflow.core;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The settings of one run, read once at start-up from a {@code .properties} profile and command-line
 * overrides. Every value is parsed and validated here, so a bad value stops the run before any work
 * with a message that names the key, the rule and the fix.
 */
public final class RecflowConfig {
  private final Map<String, Object> values;
  private final Map<String, String> sparkConf;

  private RecflowConfig(Map<String, Object> values, Map<String, String> sparkConf) {
    this.values = values;
    this.sparkConf = sparkConf;
  }

  /** Every key at its default. */
  public static RecflowConfig defaults() {
    return of(Map.of(), "defaults");
  }

  /** Reads a profile file, then applies overrides (which win). */
  public static RecflowConfig load(Path profile, Map<String, String> overrides) {
    Map<String, String> raw = new LinkedHashMap<>();
    if (profile != null) {
      if (!Files.isRegularFile(profile)) {
        throw new ConfigException("Config profile " + profile + " does not exist. Pass an existing file with "
            + "--conf, e.g. conf/local.properties.");
      }
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(profile, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw new ConfigException("Cannot read config profile " + profile + ": " + e.getMessage());
      }
      p.stringPropertyNames().forEach(k -> raw.put(k, p.getProperty(k)));
    }
    raw.putAll(overrides);
    return of(raw, profile == null ? "overrides" : profile + " or overrides");
  }

  /**
   * Reads the profile the command line names, or {@code conf/local.properties} when it names none
   * and that file exists (the launcher runs from the project root), then applies overrides.
   */
  public static RecflowConfig loadOrLocal(Path profile, Map<String, String> overrides) {
    Path p = profile;
    if (p == null && Files.isRegularFile(Path.of("conf/local.properties"))) {
      p = Path.of("conf/local.properties");
    }
    return load(p, overrides);
  }

  /** Builds a config from key/value text; unknown keys are an error, not silently ignored. */
  public static RecflowConfig of(Map<String, String> raw, String origin) {
    Map<String, ConfigKey<?>> known = new HashMap<>();
    Settings.all().forEach(k -> known.put(k.name(), k));
    Map<String, Object> values = new HashMap<>();
    Map<String, String> spark = new TreeMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      String name = e.getKey().trim();
      if (name.startsWith("spark.")) {
        spark.put(name, e.getValue().trim());
        continue;
      }
      ConfigKey<?> key = known.get(name);
      if (key == null) {
        throw new ConfigException("Unknown config key '" + name + "' in " + origin + "." + suggestion(name, known)
            + " Run 'bin/recflow config' to list every key.");
      }
      values.put(name, key.parse(e.getValue(), origin));
    }
    for (ConfigKey<?> k : known.values()) {
      values.putIfAbsent(k.name(), k.defaultValue());
    }
    RecflowConfig c = new RecflowConfig(values, spark);
    if (c.get(Settings.RATING_MIN) >= c.get(Settings.RATING_MAX)) {
      throw new ConfigException("validation.ratingMin must be below validation.ratingMax in " + origin + ".");
    }
    return c;
  }

  private static String suggestion(String name, Map<String, ConfigKey<?>> known) {
    String best = null;
    int bestDistance = 4;
    for (String k : known.keySet()) {
      int d = editDistance(name.toLowerCase(), k.toLowerCase());
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return best == null ? "" : " Did you mean '" + best + "'?";
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      int[] cur = new int[b.length() + 1];
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      prev = cur;
    }
    return prev[b.length()];
  }

  /** The value of a key: the configured one or its default. */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    return (T) values.get(key.name());
  }

  /** A copy with some keys replaced, validated like a loaded profile. */
  public RecflowConfig with(Map<String, String> overrides) {
    Map<String, String> raw = new LinkedHashMap<>(sparkConf);
    for (ConfigKey<?> k : Settings.all()) {
      raw.put(k.name(), String.valueOf(values.get(k.name())));
    }
    raw.putAll(overrides);
    return of(raw, "overrides");
  }

  /**
   * The streaming job's landing directory: {@code stream.landingDir}, or
   * {@code <recflow.warehouse>/landing/events} when it is empty. The stream reads it and the
   * server's event ingest writes it, so both derive it here.
   */
  public String landingDir() {
    String landing = get(Settings.STREAM_LANDING_DIR);
    return landing.isBlank() ? get(Settings.WAREHOUSE).replaceAll("/+$", "") + "/landing/events" : landing;
  }

  /**
   * Where servers record exposures and the stream reads them: {@code stream.exposureDir}, or
   * {@code <recflow.warehouse>/landing/exposures} when it is empty.
   */
  public String exposureDir() {
    String dir = get(Settings.STREAM_EXPOSURE_DIR);
    return dir.isBlank() ? get(Settings.WAREHOUSE).replaceAll("/+$", "") + "/landing/exposures" : dir;
  }

  /** Where the stream archives consumed landing files when stream.cleanSource is archive. */
  public String landingArchiveDir() {
    return get(Settings.WAREHOUSE).replaceAll("/+$", "") + "/landing/archive";
  }

  /**
   * The stream's seed under its checkpoint: every user's state over the stored events when the
   * stream first started. The stream removes it after its first commit, erasure at once.
   */
  public String streamSeedDir() {
    return streamCheckpointDir().replaceAll("/+$", "") + "/recflow-seed";
  }

  /**
   * The stream's checkpoint: {@code stream.checkpointDir}, or {@code <recflow.warehouse>/_checkpoints/stream}.
   * The stream keeps its state there and erasure removes users from it, so both derive it here.
   */
  public String streamCheckpointDir() {
    String checkpoint = get(Settings.STREAM_CHECKPOINT_DIR);
    return checkpoint.isBlank() ? get(Settings.WAREHOUSE).replaceAll("/+$", "") + "/_checkpoints/stream" : checkpoint;
  }

  /** The checkpoint of the stream's exposure query: beside the stream's own, {@code <checkpoint>-exposures}. */
  public String exposureCheckpointDir() {
    return streamCheckpointDir().replaceAll("/+$", "") + "-exposures";
  }

  /** The {@code spark.*} entries, passed to Spark as they are. */
  public Map<String, String> sparkConf() {
    return sparkConf;
  }

  /** Every recflow key with its effective value, for logging and the models table. */
  public Map<String, String> asMap() {
    Map<String, String> m = new TreeMap<>();
    values.forEach((k, v) -> m.put(k, String.valueOf(v)));
    return m;
  }
}
