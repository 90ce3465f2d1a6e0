package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FoldInTest {
  @Test
  void matchesTheNormalEquationsSolvedByHand() {
    // Two items in rank 2: y0 = (1, 0), y1 = (0, 2). YtY = diag(1, 4).
    ItemMatrix items = new ItemMatrix(List.of("a", "b"), List.of(new float[] {1, 0}, new float[] {0, 2}));
    FoldIn f = new FoldIn(items, 2.0, 0.5);
    // r_a = 3: A = diag(1 + 2*3*1 + 0.5, 4 + 0.5) = diag(7.5, 4.5); b = (1 + 6) * y0 = (7, 0).
    assertArrayEquals(new float[] {7f / 7.5f, 0f}, f.solve(Map.of(0, 3.0)), 1e-6f);
    // Adding r_b = -1 (negative preference): A gains 2*1*y1y1ᵀ = diag(0, 8), b unchanged, n⁺ still 1.
    assertArrayEquals(new float[] {7f / 7.5f, 0f}, f.solve(Map.of(0, 3.0, 1, -1.0)), 1e-6f);
    // r_b = 1 too: n⁺ = 2, A = diag(1 + 6 + 1, 4 + 2*4 + 1) = diag(8, 13); b = (7, 3 * 2).
    float[] x = f.solve(Map.of(0, 3.0, 1, 1.0));
    assertEquals(7 / 8.0, x[0], 1e-6);
    assertEquals(6 / 13.0, x[1], 1e-6);
  }

  @Test
  void aUserWithoutPositiveInterestGetsTheZeroVector() {
    ItemMatrix items = new ItemMatrix(List.of("a"), List.of(new float[] {1, 1}));
    assertArrayEquals(new float[] {0, 0}, new FoldIn(items, 1, 0.1).solve(Map.of(0, -2.0)));
    assertArrayEquals(new float[] {0, 0}, new FoldIn(items, 1, 0.1).solve(Map.of()));
  }

  @Test
  void choleskySolvesAFullSymmetricSystem() {
    double[] a = {4, 2, 0.4, 2, 5, 1, 0.4, 1, 3};
    double[] x = {1, -2, 0.5};
    double[] b = new double[3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        b[i] += a[i * 3 + j] * x[j];
      }
    }
    assertArrayEquals(x, Cholesky.solve(a.clone(), b, 3), 1e-12);
  }
}
