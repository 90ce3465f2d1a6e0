package io.recflow.core;

import java.util.Locale;
import java.util.Optional;

/** The kinds of user behaviour recflow learns from. */
public enum EventType {
  VIEW, CLICK, CART, PURCHASE, RATING;

  /** The lower-case name used in data files, tables and HTTP. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name, ignoring case and surrounding blanks; empty when unknown. */
  public static Optional<EventType> parse(String s) {
    if (s == null) {
      return Optional.empty();
    }
    String t = s.trim().toUpperCase(Locale.ROOT);
    for (EventType e : values()) {
      if (e.name().equals(t)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
