package io.recflow.sequence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The names and shapes of a sequence model's tensors, the contract between the trainer that writes
 * them and {@link SequenceModel} that reads them. Matrices are row-major [in × out].
 *
 * <ul>
 *   <li>{@code positions} [L × d]: position p's vector; the newest item sits at p = L − 1
 *   <li>per block b: {@code block<b>.ln1.gamma}, {@code .ln1.beta} [d]; {@code .wq}, {@code .wk},
 *       {@code .wv}, {@code .wo} [d × d] with biases {@code .bq} … [d]; {@code .ln2.gamma},
 *       {@code .ln2.beta} [d]; {@code .w1} [d × f], {@code .b1} [f], {@code .w2} [f × d], {@code .b2} [d],
 *       f being the feed-forward width
 *   <li>{@code final.gamma}, {@code final.beta} [d]
 * </ul>
 */
public final class SequenceWeights {
  private static final List<String> BLOCK_TENSORS = List.of("ln1.gamma", "ln1.beta", "wq", "bq", "wk", "bk", "wv",
      "bv", "wo", "bo", "ln2.gamma", "ln2.beta", "w1", "b1", "w2", "b2");
  private final float[] positions;
  private final SequenceModel.Block[] blocks;
  private final float[] finalGamma;
  private final float[] finalBeta;

  /** @throws IllegalArgumentException naming the first tensor that is missing or misshapen */
  SequenceWeights(SequenceParams p, Map<String, float[]> t) {
    int d = p.dim();
    positions = tensor(t, "positions", p.length() * d);
    blocks = new SequenceModel.Block[p.blocks()];
    for (int b = 0; b < p.blocks(); b++) {
      String n = "block" + b + ".";
      float[] b1 = t.get(n + "b1");
      int f = b1 == null ? 0 : b1.length;
      if (f == 0) {
        throw new IllegalArgumentException("sequence model tensor " + n + "b1 is missing or empty");
      }
      blocks[b] = new SequenceModel.Block(tensor(t, n + "ln1.gamma", d), tensor(t, n + "ln1.beta", d),
          tensor(t, n + "wq", d * d), tensor(t, n + "bq", d), tensor(t, n + "wk", d * d), tensor(t, n + "bk", d),
          tensor(t, n + "wv", d * d), tensor(t, n + "bv", d), tensor(t, n + "wo", d * d), tensor(t, n + "bo", d),
          tensor(t, n + "ln2.gamma", d), tensor(t, n + "ln2.beta", d), tensor(t, n + "w1", d * f), b1,
          tensor(t, n + "w2", f * d), tensor(t, n + "b2", d));
    }
    finalGamma = tensor(t, "final.gamma", d);
    finalBeta = tensor(t, "final.beta", d);
  }

  /** Every tensor name a model of this shape needs, in a stable order. */
  public static List<String> names(SequenceParams p) {
    List<String> names = new ArrayList<>(List.of("positions"));
    for (int b = 0; b < p.blocks(); b++) {
      for (String s : BLOCK_TENSORS) {
        names.add("block" + b + "." + s);
      }
    }
    names.addAll(List.of("final.gamma", "final.beta"));
    return names;
  }

  private static float[] tensor(Map<String, float[]> t, String name, int size) {
    float[] v = t.get(name);
    if (v == null) {
      throw new IllegalArgumentException("sequence model tensor " + name + " is missing");
    }
    if (v.length != size) {
      throw new IllegalArgumentException("sequence model tensor " + name + " has " + v.length + " values, not "
          + size);
    }
    return v;
  }

  float[] positions() {
    return positions;
  }

  SequenceModel.Block[] blocks() {
    return blocks;
  }

  float[] finalGamma() {
    return finalGamma;
  }

  float[] finalBeta() {
    return finalBeta;
  }
}
