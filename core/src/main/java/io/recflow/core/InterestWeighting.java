package io.recflow.core;

import java.io.Serializable;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns events into the confidence r_ui that implicit ALS learns from: each event contributes its
 * type's weight (a rating contributes in proportion to its distance from the neutral rating, so a
 * low rating can be negative), discounted by exponential time decay measured back from the user's
 * newest event, and a user's contributions to one item are summed. Measuring from the user's own
 * newest event (not the clock, nor anyone's newest event) makes a user's confidences depend on
 * that user's events alone, so a stream that sees only this user's events computes them exactly,
 * and re-running on the same data gives the same numbers. The nightly job and the streaming job both call this class, which is what
 * makes a streamed user vector equal to the nightly one.
 */
public final class InterestWeighting implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final double MILLIS_PER_DAY = 86_400_000d;

  private final EnumMap<EventType, Double> weights;
  private final double ratingNeutral;
  private final double halfLifeDays;

  public InterestWeighting(Map<EventType, Double> weights, double ratingNeutral, double halfLifeDays) {
    this.weights = new EnumMap<>(weights);
    for (EventType t : EventType.values()) {
      if (!this.weights.containsKey(t)) {
        throw new IllegalArgumentException("no weight for event type " + t.wireName());
      }
    }
    this.ratingNeutral = ratingNeutral;
    this.halfLifeDays = halfLifeDays;
  }

  /** The weighting a run's configuration describes. */
  public static InterestWeighting from(RecflowConfig c) {
    Map<EventType, Double> w = new EnumMap<>(EventType.class);
    w.put(EventType.VIEW, c.get(Settings.WEIGHT_VIEW));
    w.put(EventType.CLICK, c.get(Settings.WEIGHT_CLICK));
    w.put(EventType.CART, c.get(Settings.WEIGHT_CART));
    w.put(EventType.PURCHASE, c.get(Settings.WEIGHT_PURCHASE));
    w.put(EventType.RATING, c.get(Settings.WEIGHT_RATING));
    return new InterestWeighting(w, c.get(Settings.RATING_NEUTRAL), c.get(Settings.HALF_LIFE_DAYS));
  }

  /** The undecayed preference one event expresses. */
  public double weight(EventType type, Double value) {
    double w = weights.get(type);
    if (type == EventType.RATING) {
      return value == null ? 0 : w * (value - ratingNeutral);
    }
    return w;
  }

  /** The factor by which an event at {@code tsMillis} counts at reference time {@code refMillis}. */
  public double decay(long tsMillis, long refMillis) {
    if (halfLifeDays <= 0) {
      return 1.0;
    }
    double ageDays = Math.max(0, refMillis - tsMillis) / MILLIS_PER_DAY;
    return Math.pow(0.5, ageDays / halfLifeDays);
  }

  /** One event's contribution to r_ui at reference time {@code refMillis}. */
  public double contribution(EventType type, Double value, long tsMillis, long refMillis) {
    return weight(type, value) * decay(tsMillis, refMillis);
  }

  /** The weighting under its config keys, as {@link ModelParams} stores it. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Settings.WEIGHT_VIEW.name(), Double.toString(weights.get(EventType.VIEW)));
    m.put(Settings.WEIGHT_CLICK.name(), Double.toString(weights.get(EventType.CLICK)));
    m.put(Settings.WEIGHT_CART.name(), Double.toString(weights.get(EventType.CART)));
    m.put(Settings.WEIGHT_PURCHASE.name(), Double.toString(weights.get(EventType.PURCHASE)));
    m.put(Settings.WEIGHT_RATING.name(), Double.toString(weights.get(EventType.RATING)));
    m.put(Settings.RATING_NEUTRAL.name(), Double.toString(ratingNeutral));
    m.put(Settings.HALF_LIFE_DAYS.name(), Double.toString(halfLifeDays));
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InterestWeighting w && w.weights.equals(weights) && w.ratingNeutral == ratingNeutral
        && w.halfLifeDays == halfLifeDays;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(weights, ratingNeutral, halfLifeDays);
  }

  @Override
  public String toString() {
    return "weights=" + weights + ", ratingNeutral=" + ratingNeutral + ", halfLifeDays=" + halfLifeDays;
  }
}
