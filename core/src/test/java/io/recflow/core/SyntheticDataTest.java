package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDataTest {
  @TempDir
  Path dir;

  @Test
  void theSameSeedWritesTheSameFilesAndAnotherSeedDoesNot() throws Exception {
    new SyntheticData(50, 100, 2_000, 7).write(dir.resolve("a"));
    new SyntheticData(50, 100, 2_000, 7).write(dir.resolve("b"));
    new SyntheticData(50, 100, 2_000, 8).write(dir.resolve("c"));
    assertArrayEquals(Files.readAllBytes(dir.resolve("a/events.csv")), Files.readAllBytes(dir.resolve("b/events.csv")));
    assertArrayEquals(Files.readAllBytes(dir.resolve("a/items.csv")), Files.readAllBytes(dir.resolve("b/items.csv")));
    assertTrue(!Files.readString(dir.resolve("a/events.csv")).equals(Files.readString(dir.resolve("c/events.csv"))));
  }

  @Test
  void eventsCoverEveryTypeWithASkewedPopularity() throws Exception {
    new SyntheticData(200, 400, 20_000, 42).write(dir);
    List<String> lines = Files.readAllLines(dir.resolve("events.csv"));
    assertEquals("user_id,item_id,event_type,value,ts,event_id", lines.get(0));
    assertEquals(20_001, lines.size());
    Map<String, Integer> byType = new HashMap<>();
    Map<String, Integer> byItem = new HashMap<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",", -1);
      byType.merge(f[2], 1, Integer::sum);
      byItem.merge(f[1], 1, Integer::sum);
      assertEquals(f[2].equals("rating"), !f[3].isEmpty(), l);
    }
    assertEquals(5, byType.size());
    assertTrue(byType.get("view") > byType.get("purchase") * 5);
    // Uniform popularity would give the top tenth of the items a tenth of the events.
    List<Integer> counts = byItem.values().stream().sorted(java.util.Comparator.reverseOrder()).toList();
    int topTenth = counts.subList(0, 40).stream().mapToInt(Integer::intValue).sum();
    assertTrue(topTenth > 20_000 / 3, "the top tenth of the items should draw over a third of the events: " + topTenth);
    assertEquals(401, Files.readAllLines(dir.resolve("items.csv")).size());
  }

  @Test
  void samplingFollowsTheCumulativeDistribution() {
    double[] cdf = SyntheticData.zipfCdf(3, 1.0);
    assertEquals(1.0, cdf[2], 1e-12);
    assertEquals(0, SyntheticData.sample(cdf, 0.0));
    assertEquals(0, SyntheticData.sample(cdf, cdf[0]));
    assertEquals(1, SyntheticData.sample(cdf, cdf[0] + 1e-9));
    assertEquals(2, SyntheticData.sample(cdf, 1.0));
  }
}
