package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RidgeProjectionTest {
  @Test
  void recoversAnExactLinearMapWhenThePenaltyIsSmall() {
    Random rnd = new Random(42);
    int d = 6;
    int k = 3;
    double[][] truth = new double[d][k];
    for (double[] row : truth) {
      for (int j = 0; j < k; j++) {
        row[j] = rnd.nextGaussian();
      }
    }
    RidgeProjection.Accumulator a = new RidgeProjection.Accumulator(d, k);
    RidgeProjection.Accumulator b = new RidgeProjection.Accumulator(d, k);
    for (int n = 0; n < 200; n++) {
      float[] e = new float[d];
      for (int i = 0; i < d; i++) {
        e[i] = (float) rnd.nextGaussian();
      }
      (n % 2 == 0 ? a : b).add(e, apply(truth, e));
    }
    RidgeProjection p = RidgeProjection.fit(a.merge(b), 1e-6);
    assertEquals(200, a.count());
    float[] probe = {1, 0, -1, 0.5f, 2, -0.25f};
    assertArrayEquals(apply(truth, probe), p.project(probe), 1e-3f);
  }

  @Test
  void aLargePenaltyShrinksTowardsZero() {
    RidgeProjection.Accumulator a = new RidgeProjection.Accumulator(1, 1);
    a.add(new float[] {1}, new float[] {2});
    // w = (1·1 + λ)⁻¹·(1·2): λ = 1 halves the exact answer 2.
    assertArrayEquals(new float[] {1f}, RidgeProjection.fit(a, 1.0).project(new float[] {1}), 1e-6f);
  }

  private static float[] apply(double[][] w, float[] e) {
    float[] f = new float[w[0].length];
    for (int j = 0; j < f.length; j++) {
      double s = 0;
      for (int i = 0; i < e.length; i++) {
        s += e[i] * w[i][j];
      }
      f[j] = (float) s;
    }
    return f;
  }
}
