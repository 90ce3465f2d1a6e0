package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.ItemMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IvfIndexTest {
  private static final int RANK = 16;

  @TempDir
  Path dir;

  /** 20,000 vectors around 64 random tastes, with varied norms, like ALS factors. */
  private static ItemMatrix clustered(Random rnd) {
    float[][] tastes = new float[64][RANK];
    for (float[] t : tastes) {
      for (int f = 0; f < RANK; f++) {
        t[f] = (float) rnd.nextGaussian();
      }
    }
    List<String> ids = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      float[] t = tastes[rnd.nextInt(tastes.length)];
      float norm = 0.5f + rnd.nextFloat();
      float[] v = new float[RANK];
      for (int f = 0; f < RANK; f++) {
        v[f] = norm * (t[f] + 0.5f * (float) rnd.nextGaussian());
      }
      ids.add("i" + i);
      vectors.add(v);
    }
    return new ItemMatrix(ids, vectors);
  }

  @Test
  void probingAFewClustersFindsMostOfTheExactTopTen() {
    Random rnd = new Random(42);
    ItemMatrix items = clustered(rnd);
    ExactTopK exactSearch = new ExactTopK(items);
    // √20000 ≈ 141 clusters; 16 probed: about a ninth of the catalog is scored.
    IvfIndex index = IvfIndex.build(items, 16, 42);
    double found = 0;
    int queries = 200;
    for (int q = 0; q < queries; q++) {
      float[] user = new float[RANK];
      System.arraycopy(items.values(), rnd.nextInt(items.size()) * RANK, user, 0, RANK);
      Set<Integer> exact = new HashSet<>();
      for (int row : exactSearch.topK(user, 10, r -> r % 5 == 0)) {
        exact.add(row);
      }
      for (int row : index.topK(user, 10, r -> r % 5 == 0)) {
        assertTrue(row % 5 != 0, "an excluded row was returned");
        found += exact.contains(row) ? 1 : 0;
      }
    }
    double recall = found / (10.0 * queries);
    assertTrue(recall >= 0.9, "recall@10 " + recall);
  }

  @Test
  void theIndexIsKeptBesideTheSnapshotAndReadBackTheSame() throws Exception {
    ItemMatrix items = clustered(new Random(7));
    IvfIndex built = IvfIndex.openOrBuild(dir, items, 8, 42);
    assertTrue(Files.exists(dir.resolve("ivf.bin")));
    IvfIndex read = IvfIndex.openOrBuild(dir, items, 8, 99);
    float[] user = new float[RANK];
    System.arraycopy(items.values(), 123 * RANK, user, 0, RANK);
    assertArrayEquals(built.topK(user, 20, r -> false), read.topK(user, 20, r -> false));
  }
}
