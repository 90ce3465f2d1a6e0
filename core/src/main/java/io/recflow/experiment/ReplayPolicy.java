package io.recflow.experiment;

import java.util.Locale;

/**
 * The alternative ranking an experiment report replays on yesterday's randomised slots
 * ({@code experiments.counterfactual.policy}): a stored trained ranker, or one ranking feature alone.
 *
 * @param kind which of the two
 * @param version the ranker's model version; 0 for the newest trained one
 * @param feature the feature to order by, for {@link Kind#FEATURE}
 */
public record ReplayPolicy(Kind kind, long version, String feature) {
  /** What orders the replayed slots. */
  public enum Kind { RANKER, FEATURE }

  /** The newest trained ranker in the warehouse. */
  public static final ReplayPolicy NEWEST_RANKER = new ReplayPolicy(Kind.RANKER, 0, null);

  /**
   * Reads {@code ranker}, {@code ranker:VERSION} or {@code feature:NAME}; empty is {@code ranker}.
   *
   * @throws IllegalArgumentException naming what is wrong and what is accepted
   */
  public static ReplayPolicy parse(String text) {
    String t = text == null ? "" : text.trim();
    if (t.isEmpty() || t.equals("ranker")) {
      return NEWEST_RANKER;
    }
    String lower = t.toLowerCase(Locale.ROOT);
    if (lower.startsWith("ranker:")) {
      try {
        long v = Long.parseLong(t.substring("ranker:".length()));
        if (v > 0) {
          return new ReplayPolicy(Kind.RANKER, v, null);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    } else if (lower.startsWith("feature:") && t.length() > "feature:".length()) {
      return new ReplayPolicy(Kind.FEATURE, 0, t.substring("feature:".length()));
    }
    throw new IllegalArgumentException("'" + t + "' is not a policy to replay; write ranker (the newest trained one), "
        + "ranker:VERSION (a positive model version) or feature:NAME (one ranking feature, e.g. feature:popularity)");
  }

  @Override
  public String toString() {
    return kind == Kind.FEATURE ? "feature:" + feature : version == 0 ? "ranker" : "ranker:" + version;
  }
}
