package io.recflow.ranking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoVisitationTest {
  private static final long DAY = 86_400_000L;

  @Test
  void nearerFollowUpsAndNewerPairsWeighMore() {
    List<CoVisitation.Pair> pairs = new ArrayList<>();
    CoVisitation.pairs(List.of("a", "b", "c"), new long[] {0, DAY, 2 * DAY}, 2 * DAY, 1.0, pairs::add);
    assertEquals(3, pairs.size());
    CoVisitation.Pair ab = pairs.get(0);
    CoVisitation.Pair ac = pairs.get(1);
    CoVisitation.Pair bc = pairs.get(2);
    assertEquals(List.of("a", "b"), List.of(ab.item(), ab.next()));
    assertEquals(0.5, ab.weight(), 1e-12, "b happened a day (one half-life) before the newest event");
    assertEquals(0.5, ac.weight(), 1e-12, "c is two steps after a: half the weight of a direct follow-up");
    assertEquals(1.0, bc.weight(), 1e-12);
  }

  @Test
  void anItemIsPairedWithAtMostTheWindowOfItemsAfterIt() {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      items.add("i" + i);
    }
    List<CoVisitation.Pair> pairs = new ArrayList<>();
    CoVisitation.pairs(items, new long[20], 0, 0, pairs::add);
    assertEquals(CoVisitation.WINDOW, pairs.stream().filter(p -> p.item().equals("i0")).count());
  }

  @Test
  void sharesAreNormalisedPerItemAndKeepTheHeaviest() {
    CoVisitation.Builder b = new CoVisitation.Builder(CoVisitation.KEEP + 10);
    for (int next = 1; next < CoVisitation.KEEP + 10; next++) {
      b.add(0, next, next);
    }
    b.add(3, 4, 2.0).add(3, 5, 6.0).add(3, 3, 100.0).add(3, -1, 100.0);
    CoVisitation c = b.build();
    double[] sum = {0};
    List<Integer> order = new ArrayList<>();
    c.forEachNext(0, (share, next) -> {
      sum[0] += share;
      order.add(next);
    });
    assertEquals(1.0, sum[0], 1e-6);
    assertEquals(CoVisitation.KEEP, order.size());
    assertEquals(CoVisitation.KEEP + 9, order.get(0), "heaviest first");
    assertEquals(0.75, c.share(3, 5), 1e-6, "self-pairs and unknown rows are ignored");
    assertEquals(0.0, c.share(3, 6));
    assertTrue(c.share(0, 1) == 0, "the lightest follow-ups beyond KEEP are dropped");
  }
}
