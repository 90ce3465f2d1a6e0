package io.recflow.ranking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrendingTest {
  private static final long HOUR = 3_600_000L;
  private static final long NOW = 1_000 * HOUR;

  @Test
  void aJumpOverItsOwnPastScoresAboveASteadyFavourite() {
    Trending t = new Trending(3, 1);
    for (int h = 1; h <= 7; h++) {
      for (int i = 0; i < 20; i++) {
        t.add(0, NOW - h * HOUR); // item 0: 20 an hour, every hour
      }
    }
    for (int i = 0; i < 20; i++) {
      t.add(0, NOW);
      t.add(1, NOW); // item 1: nothing before, 20 now
    }
    float[] s = t.scores(NOW);
    assertEquals(0f, s[0], 1e-6, "a steady item is not trending");
    assertTrue(s[1] > 4, "a jump from 0 to 20 is: " + s[1]);
    assertEquals(0f, s[2]);
  }

  @Test
  void eventsOlderThanTheBaselineAreForgotten() {
    Trending t = new Trending(2, 1);
    t.add(0, NOW - 100 * HOUR);
    t.add(1, NOW);
    assertEquals(0f, t.scores(NOW)[0]);
    assertEquals(1.0, t.scores(NOW)[1], 1e-6);
    t.add(-1, NOW); // outside the items: ignored
    assertThrows(IllegalArgumentException.class, () -> new Trending(2, 0));
  }
}
