package io.recflow.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.ItemMatrix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SequenceModelTest {
  private static final SequenceParams SHAPE = new SequenceParams(3, 4, 2, 2);

  /** Random weights of the right shapes; with {@code zeroBlocks} the blocks add nothing. */
  private static Map<String, float[]> tensors(long seed, boolean zeroBlocks) {
    Random rnd = new Random(seed);
    Map<String, float[]> t = new HashMap<>();
    int d = SHAPE.dim();
    for (String name : SequenceWeights.names(SHAPE)) {
      int size = name.equals("positions") ? SHAPE.length() * d
          : name.endsWith(".w1") || name.endsWith(".w2") ? d * 2 * d
          : name.endsWith(".b1") ? 2 * d
          : name.matches("block\\d\\.w[qkvo]") ? d * d : d;
      float[] v = new float[size];
      boolean gamma = name.endsWith("gamma");
      for (int i = 0; i < size; i++) {
        v[i] = gamma ? 1f : zeroBlocks && name.startsWith("block") ? 0f : (float) rnd.nextGaussian() * 0.5f;
      }
      t.put(name, v);
    }
    return t;
  }

  private static ItemMatrix items(long seed, int n) {
    Random rnd = new Random(seed);
    List<String> ids = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("i" + i);
      float[] v = new float[SHAPE.dim()];
      for (int j = 0; j < v.length; j++) {
        v[j] = (float) rnd.nextGaussian();
      }
      vectors.add(v);
    }
    return new ItemMatrix(ids, vectors);
  }

  @Test
  void theVectorApiLinearLayerEqualsTheScalarOne() {
    assertTrue(SequenceModel.SIMD, "core's tests run with jdk.incubator.vector, as the server does");
    Random rnd = new Random(7);
    for (int[] shape : new int[][] {{64, 64}, {64, 256}, {13, 37}, {4, 3}}) {
      float[] x = new float[shape[0]];
      float[] w = new float[shape[0] * shape[1]];
      float[] b = new float[shape[1]];
      for (float[] a : List.of(x, w, b)) {
        for (int i = 0; i < a.length; i++) {
          a[i] = (float) rnd.nextGaussian();
        }
      }
      float[] simd = SimdLinear.linear(x, w, b, shape[1]);
      float[] scalar = SequenceModel.scalarLinear(x, w, b, shape[1]);
      assertArrayEquals(scalar, simd, 1e-4f, shape[0] + " x " + shape[1]);
    }
  }

  @Test
  void onlyTheNewestLengthItemsAreRead() {
    SequenceModel m = new SequenceModel(SHAPE, items(1, 6), tensors(2, false));
    assertArrayEquals(m.query(new int[] {3, 4, 5}), m.query(new int[] {0, 1, 2, 3, 4, 5}));
    assertTrue(!java.util.Arrays.equals(m.query(new int[] {3, 4, 5}), m.query(new int[] {2, 4, 5})),
        "an older item within the window changes the query");
    assertNull(m.query(new int[0]));
  }

  @Test
  void blocksThatAddNothingLeaveTheNormalisedNewestItemAtTheLastPosition() {
    Map<String, float[]> t = tensors(3, true);
    ItemMatrix items = items(4, 5);
    float[] q = new SequenceModel(SHAPE, items, t).query(new int[] {1, 2});
    int d = SHAPE.dim();
    float[] x = new float[d];
    double mean = 0;
    for (int j = 0; j < d; j++) {
      x[j] = items.values()[2 * d + j] + t.get("positions")[(SHAPE.length() - 1) * d + j];
      mean += x[j] / d;
    }
    double var = 0;
    for (float v : x) {
      var += (v - mean) * (v - mean) / d;
    }
    for (int j = 0; j < d; j++) {
      double expected = (x[j] - mean) / Math.sqrt(var + 1e-5) + t.get("final.beta")[j];
      assertEquals(expected, q[j], 1e-5, "value " + j);
    }
  }

  @Test
  void aMissingOrMisshapenTensorIsNamed() {
    Map<String, float[]> t = tensors(5, false);
    t.remove("block1.wv");
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> new SequenceModel(SHAPE, items(6, 3), t));
    assertTrue(missing.getMessage().contains("block1.wv"), missing.getMessage());
    Map<String, float[]> u = tensors(5, false);
    u.put("positions", new float[5]);
    IllegalArgumentException misshapen = assertThrows(IllegalArgumentException.class,
        () -> new SequenceModel(SHAPE, items(6, 3), u));
    assertTrue(misshapen.getMessage().contains("positions has 5 values, not 12"), misshapen.getMessage());
  }
}
