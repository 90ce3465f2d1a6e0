package io.recflow.ranking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomisationTest {
  private static List<Candidate> page(int n, int... explored) {
    List<Candidate> page = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      page.add(new Candidate(i, 1));
    }
    for (int e : explored) {
      page.get(e).explored(true);
    }
    return page;
  }

  private static List<Candidate> drawn(List<Candidate> page) {
    return page.stream().filter(c -> c.propensity() < 1).toList();
  }

  @Test
  void oneSlotTakesAnItemDrawnAmongTheNextFewAndTheRestKeepTheirOrder() {
    SplittableRandom random = new SplittableRandom(3);
    for (int run = 0; run < 200; run++) {
      List<Candidate> page = page(10);
      new Randomisation(1, 3).apply(page, random);
      List<Candidate> drawn = drawn(page);
      assertEquals(1, drawn.size(), "exactly one slot is randomised");
      Candidate c = drawn.get(0);
      int slot = page.indexOf(c);
      List<Integer> pool = c.pool().stream().map(Candidate::row).toList();
      int size = Math.min(3, 10 - slot);
      assertEquals(1.0 / size, c.propensity());
      assertEquals(size, pool.size());
      for (int j = 0; j < size; j++) {
        assertEquals(slot + j, pool.get(j), "the pool is the best ranked items from the slot on: " + pool);
      }
      assertEquals(10, new HashSet<>(page).size(), "the page keeps its items");
      List<Integer> others = page.stream().filter(x -> x != c).map(Candidate::row).toList();
      for (int j = 1; j < others.size(); j++) {
        assertTrue(others.get(j - 1) < others.get(j), "the others keep the ranker's order: " + others);
      }
    }
  }

  @Test
  void eachItemOfThePoolIsDrawnWithItsLoggedProbability() {
    SplittableRandom random = new SplittableRandom(5);
    int[] drawnAt = new int[3];
    int runs = 30_000;
    for (int run = 0; run < runs; run++) {
      List<Candidate> page = page(2); // one possible slot; its pool is both items
      new Randomisation(1, 3).apply(page, random);
      Candidate c = drawn(page).get(0);
      assertEquals(0.5, c.propensity());
      drawnAt[c.row()]++;
    }
    // Binomial(30000, 0.5): the standard deviation is 87; five of them is a failure once in 3 million.
    assertTrue(Math.abs(drawnAt[0] - runs / 2) < 5 * 87, "draws " + drawnAt[0] + " / " + drawnAt[1]);
  }

  @Test
  void theShareOfRandomisedListsIsTheConfiguredOne() {
    SplittableRandom random = new SplittableRandom(7);
    int randomised = 0;
    for (int run = 0; run < 10_000; run++) {
      List<Candidate> page = page(5);
      new Randomisation(0.1, 3).apply(page, random);
      randomised += drawn(page).size();
    }
    assertTrue(Math.abs(randomised - 1_000) < 5 * 30, randomised + " of 10000 lists randomised at share 0.1");
    List<Candidate> page = page(5);
    List<Candidate> before = List.copyOf(page);
    Randomisation.OFF.apply(page, random);
    assertEquals(before, page);
  }

  @Test
  void explorationSlotsAreLeftAloneAndShortPagesAreNotRandomised() {
    SplittableRandom random = new SplittableRandom(9);
    for (int run = 0; run < 200; run++) {
      List<Candidate> page = page(6, 2, 4);
      Candidate second = page.get(2);
      Candidate fourth = page.get(4);
      new Randomisation(1, 5).apply(page, random);
      assertSame(second, page.get(2));
      assertSame(fourth, page.get(4));
      Candidate c = drawn(page).get(0);
      assertTrue(c.pool().stream().noneMatch(Candidate::explored), "the pool holds ranked items only");
    }
    List<Candidate> single = page(3, 0, 2);
    new Randomisation(1, 3).apply(single, random);
    assertTrue(drawn(single).isEmpty(), "one ranked item has nothing to be drawn against");
    assertThrows(IllegalArgumentException.class, () -> new Randomisation(1.5, 3));
    assertThrows(IllegalArgumentException.class, () -> new Randomisation(0.1, 1));
  }
}
