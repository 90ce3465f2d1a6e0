package io.recflow.serving;

import io.recflow.core.ItemMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Vectors for the serving benchmarks, drawn from one isotropic Gaussian: the worst case for a
 * clustered index, and as good as any for timing an exact scan. Compiled beside each bench class
 * by run_serving_class in bench/lib.sh.
 */
final class RandomItems {
  private RandomItems() {}

  /** {@code n} items named i0, i1, ... with Gaussian vectors of {@code rank} dimensions. */
  static ItemMatrix matrix(int n, int rank, Random rnd) {
    List<String> ids = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("i" + i);
      vectors.add(vector(rank, rnd));
    }
    return new ItemMatrix(ids, vectors);
  }

  /** One Gaussian vector, e.g. a user. */
  static float[] vector(int rank, Random rnd) {
    float[] v = new float[rank];
    for (int f = 0; f < rank; f++) {
      v[f] = (float) rnd.nextGaussian();
    }
    return v;
  }
}
