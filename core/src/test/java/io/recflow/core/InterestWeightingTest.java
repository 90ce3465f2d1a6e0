package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InterestWeightingTest {
  private static final long DAY = 86_400_000L;

  private static RecflowConfig config(String... kv) {
    java.util.Map<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return RecflowConfig.of(m, "test");
  }

  @Test
  void eachEventTypeContributesItsConfiguredWeight() {
    InterestWeighting w = InterestWeighting.from(config("interest.weight.cart", "5", "interest.weight.view", "0.5"));
    assertEquals(0.5, w.weight(EventType.VIEW, null));
    assertEquals(2.0, w.weight(EventType.CLICK, null));
    assertEquals(5.0, w.weight(EventType.CART, null));
    assertEquals(8.0, w.weight(EventType.PURCHASE, null));
  }

  @Test
  void ratingsBelowTheNeutralRatingGiveNegativePreference() {
    InterestWeighting w = InterestWeighting.from(config("interest.rating.neutral", "3", "interest.weight.rating", "2"));
    assertEquals(4.0, w.weight(EventType.RATING, 5.0));
    assertEquals(0.0, w.weight(EventType.RATING, 3.0));
    assertEquals(-3.0, w.weight(EventType.RATING, 1.5));
  }

  @Test
  void weightHalvesEveryHalfLife() {
    InterestWeighting w = InterestWeighting.from(config("interest.halfLifeDays", "10"));
    long ref = 1_000 * DAY;
    assertEquals(8.0, w.contribution(EventType.PURCHASE, null, ref, ref), 1e-12);
    assertEquals(4.0, w.contribution(EventType.PURCHASE, null, ref - 10 * DAY, ref), 1e-12);
    assertEquals(1.0, w.contribution(EventType.PURCHASE, null, ref - 30 * DAY, ref), 1e-12);
    // An event after the reference time is not boosted.
    assertEquals(8.0, w.contribution(EventType.PURCHASE, null, ref + DAY, ref), 1e-12);
  }

  @Test
  void zeroHalfLifeTurnsDecayOff() {
    InterestWeighting w = InterestWeighting.from(RecflowConfig.defaults());
    assertEquals(1.0, w.decay(0, 10_000 * DAY));
  }

  @Test
  void everyEventTypeNeedsAWeight() {
    assertThrows(IllegalArgumentException.class, () -> new InterestWeighting(Map.of(EventType.VIEW, 1.0), 0, 0));
  }
}
