package io.recflow.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NegativesTest {
  /** Item 0 is the target of every step of every window; items 1..9 never are. */
  private static final List<int[]> WINDOWS = List.of(new int[] {5, 0, 0, 0}, new int[] {7, 0, 0});

  @Test
  void drawsPopularTargetsMoreOftenAndKnowsWithWhatProbability() {
    Negatives n = new Negatives(WINDOWS, 10, 5);
    Random rnd = new Random(1);
    int[] drawn = new int[11];
    for (int step = 0; step < 4_000; step++) {
      for (long id : n.draw(rnd)) {
        assertTrue(id >= 1 && id <= 10, "an id is a catalog row + 1, never the padding: " + id);
        drawn[(int) id]++;
      }
    }
    // q(item 0) = 0.5 + 0.05, q(any other) = 0.05
    assertEquals(0.55, drawn[1] / 20_000.0, 0.02);
    assertEquals(0.05, drawn[2] / 20_000.0, 0.01);
    double total = 0;
    for (int id = 1; id <= 10; id++) {
      total += Math.exp(n.logQ()[id]);
    }
    assertEquals(1.0, total, 1e-6);
    assertEquals(Math.log(0.55), n.logQ()[1], 1e-6);
  }

  @Test
  void asManyNegativesAsItemsIsEveryItemOnce() {
    Negatives n = new Negatives(WINDOWS, 4, 100);
    assertTrue(n.full());
    assertArrayEquals(new long[] {1, 2, 3, 4}, n.draw(new Random(2)));
  }
}
