package io.recflow.core;

import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One typed configuration setting: its name, default, parser and validation rule. All keys are
 * declared once, in {@link Settings}; nothing else reads configuration by string.
 *
 * @param <T> the value type
 */
public final class ConfigKey<T> {
  private final String name;
  private final T defaultValue;
  private final Function<String, T> parser;
  private final Predicate<T> valid;
  private final String rule;
  private final String doc;

  private ConfigKey(String name, T defaultValue, Function<String, T> parser, Predicate<T> valid,
                    String rule, String doc) {
    this.name = name;
    this.defaultValue = defaultValue;
    this.parser = parser;
    this.valid = valid;
    this.rule = rule;
    this.doc = doc;
    if (!valid.test(defaultValue)) {
      throw new IllegalStateException("default of " + name + " breaks its own rule: " + rule);
    }
  }

  /** An integer in [min, max]. */
  public static ConfigKey<Integer> ofInt(String name, int def, int min, int max, String doc) {
    return new ConfigKey<>(name, def, s -> Integer.valueOf(s.trim()), v -> v >= min && v <= max,
        "an integer from " + min + " to " + max, doc);
  }

  /** A finite decimal in [min, max]. */
  public static ConfigKey<Double> ofDouble(String name, double def, double min, double max, String doc) {
    return new ConfigKey<>(name, def, s -> Double.valueOf(s.trim()),
        v -> Double.isFinite(v) && v >= min && v <= max, "a number from " + min + " to " + max, doc);
  }

  /** A non-blank string, optionally restricted to a list of choices. */
  public static ConfigKey<String> ofString(String name, String def, String doc, String... choices) {
    Predicate<String> ok = choices.length == 0
        ? v -> !v.isBlank()
        : v -> java.util.Arrays.asList(choices).contains(v);
    String rule = choices.length == 0 ? "a non-empty string" : "one of " + String.join(", ", choices);
    return new ConfigKey<>(name, def, String::trim, ok, rule, doc);
  }

  /** A string that may be empty, meaning "not set". */
  public static ConfigKey<String> ofOptionalString(String name, String doc) {
    return new ConfigKey<>(name, "", String::trim, v -> true, "any string, empty for none", doc);
  }

  /**
   * A string that may be empty (meaning "not set"), read by {@code check}, which throws an
   * IllegalArgumentException saying what is wrong.
   */
  public static ConfigKey<String> ofChecked(String name, String rule, java.util.function.Consumer<String> check,
                                            String doc) {
    return new ConfigKey<>(name, "", s -> {
      try {
        check.accept(s.trim());
      } catch (IllegalArgumentException e) {
        throw new Unreadable(e.getMessage());
      }
      return s.trim();
    }, v -> true, rule, doc);
  }

  /** Why a checked value cannot be read, in the checker's words. */
  private static final class Unreadable extends RuntimeException {
    Unreadable(String reason) {
      super(reason);
    }
  }

  /** true or false. */
  public static ConfigKey<Boolean> ofBoolean(String name, boolean def, String doc) {
    return new ConfigKey<>(name, def, s -> {
      String t = s.trim().toLowerCase(Locale.ROOT);
      if (!t.equals("true") && !t.equals("false")) {
        throw new IllegalArgumentException("not a boolean");
      }
      return Boolean.valueOf(t);
    }, v -> true, "true or false", doc);
  }

  /** Parses and validates a value given as text, or explains why it cannot be used. */
  public T parse(String text, String origin) {
    T v;
    try {
      v = parser.apply(text);
    } catch (Unreadable e) {
      // The value is not repeated: it may be long, and the checker names the part at fault.
      throw new ConfigException("Invalid value for " + name + " in " + origin + ": " + e.getMessage() + ". It must be "
          + rule + ".");
    } catch (RuntimeException e) {
      throw invalid(text, origin);
    }
    if (!valid.test(v)) {
      throw invalid(text, origin);
    }
    return v;
  }

  private ConfigException invalid(String text, String origin) {
    return new ConfigException("Invalid value '" + text + "' for " + name + " in " + origin
        + ". It must be " + rule + ". Fix the value or remove the line to use the default ("
        + defaultValue + ").");
  }

  public String name() {
    return name;
  }

  public T defaultValue() {
    return defaultValue;
  }

  public String rule() {
    return rule;
  }

  public String doc() {
    return doc;
  }
}
