package io.recflow.sequence;

import io.recflow.core.ItemMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A trained sequence model, run in plain Java: given a user's items oldest first, {@link #query}
 * gives the vector whose dot product with an item's vector ({@link #items}) scores that item as the
 * user's next one. The trainer computes exactly this; a test holds the two to 1e-4.
 *
 * <p>The network, pre-norm as in current Transformers: h = item + position; per block
 * h += Attention(LayerNorm(h)) with a causal mask (a position sees only itself and older ones), then
 * h += W₂·relu(W₁·LayerNorm(h) + b₁) + b₂; the query is LayerNorm(h) at the newest position.
 * Positions count from the end (the newest item always sits at position L − 1), so a short history
 * is a long one with its oldest part missing. Items' vectors are their learned id vector plus a
 * learned projection of their text, tied between input and output, so an item nobody has touched
 * yet (its id vector is zero) still has a place.
 */
public final class SequenceModel {
  /** Whether the JVM has the vector API ({@code --add-modules jdk.incubator.vector}), as the server does. */
  static final boolean SIMD = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  /** Layer norm's epsilon (PyTorch's default); the trainer must normalise with the same. */
  public static final float LAYER_NORM_EPS = 1e-5f;
  private final SequenceParams params;
  private final ItemMatrix items;
  private final Map<String, float[]> tensors;
  private final float[] positions;
  private final Block[] blocks;
  private final float[] finalGamma;
  private final float[] finalBeta;

  /** One attention block's weights; matrices are row-major [in × out], so y = x·W + b. */
  record Block(float[] ln1Gamma, float[] ln1Beta, float[] wq, float[] bq, float[] wk, float[] bk, float[] wv,
               float[] bv, float[] wo, float[] bo, float[] ln2Gamma, float[] ln2Beta, float[] w1, float[] b1,
               float[] w2, float[] b2) {}

  /**
   * @param items every item's vector (id vector + projected text), rank = params.dim()
   * @param tensors the weights by the names of {@link SequenceWeights}
   * @throws IllegalArgumentException when a tensor is missing or has the wrong size
   */
  public SequenceModel(SequenceParams params, ItemMatrix items, Map<String, float[]> tensors) {
    if (items.rank() != params.dim()) {
      throw new IllegalArgumentException("item vectors have " + items.rank() + " values, the model " + params.dim());
    }
    SequenceWeights w = new SequenceWeights(params, tensors);
    this.params = params;
    this.items = items;
    this.tensors = Map.copyOf(tensors);
    this.positions = w.positions();
    this.blocks = w.blocks();
    this.finalGamma = w.finalGamma();
    this.finalBeta = w.finalBeta();
  }

  public SequenceParams params() {
    return params;
  }

  /** The weights by name, as given (callers must not modify the arrays). */
  public Map<String, float[]> weights() {
    return tensors;
  }

  /** The item vectors the query is scored against, one row per item. */
  public ItemMatrix items() {
    return items;
  }

  /**
   * This model over another catalog's rows: row r holds the vector of {@code catalog.id(r)}, or
   * zeros for an item this model does not know (it then scores 0 and, as a history item, adds only
   * its position). Lets the ranking index every item signal by the same rows.
   */
  public SequenceModel alignedTo(ItemMatrix catalog) {
    int d = params.dim();
    List<String> ids = new ArrayList<>(catalog.size());
    List<float[]> vectors = new ArrayList<>(catalog.size());
    for (int r = 0; r < catalog.size(); r++) {
      ids.add(catalog.id(r));
      int own = items.row(catalog.id(r));
      vectors.add(own < 0 ? new float[d] : Arrays.copyOfRange(items.values(), own * d, (own + 1) * d));
    }
    return new SequenceModel(params, new ItemMatrix(ids, vectors), tensors);
  }

  /**
   * The next-item query of a history.
   *
   * @param rows the user's items as rows of {@link #items}, oldest first; only the newest
   *     {@code params.length()} count
   * @return a vector of {@code params.dim()} values, or null for an empty history
   */
  public float[] query(int[] rows) {
    int t = Math.min(rows.length, params.length());
    if (t == 0) {
      return null;
    }
    int d = params.dim();
    int from = rows.length - t;
    float[][] h = new float[t][d];
    for (int i = 0; i < t; i++) {
      int pos = params.length() - t + i;
      int off = rows[from + i] * d;
      for (int j = 0; j < d; j++) {
        h[i][j] = items.values()[off + j] + positions[pos * d + j];
      }
    }
    for (int n = 0; n < blocks.length; n++) {
      // The last block's output is read at the newest position only: its other positions need keys
      // and values, not queries, attention or the feed-forward (a third of the work saved).
      block(h, blocks[n], n == blocks.length - 1 ? t - 1 : 0);
    }
    return layerNorm(h[t - 1], finalGamma, finalBeta);
  }

  /** One block over h in place; positions before {@code from} are read (as keys and values) but not updated. */
  private void block(float[][] h, Block b, int from) {
    int t = h.length;
    int d = params.dim();
    float[][] a = new float[t][];
    for (int i = 0; i < t; i++) {
      a[i] = layerNorm(h[i], b.ln1Gamma(), b.ln1Beta());
    }
    float[][] q = new float[t][];
    for (int i = from; i < t; i++) {
      q[i] = linear(a[i], b.wq(), b.bq(), d);
    }
    float[][] k = linear(a, b.wk(), b.bk(), d);
    float[][] v = linear(a, b.wv(), b.bv(), d);
    float[][] attended = attention(q, k, v, from);
    for (int i = from; i < t; i++) {
      float[] o = linear(attended[i], b.wo(), b.bo(), d);
      float[] c = layerNorm(add(h[i], o), b.ln2Gamma(), b.ln2Beta());
      float[] hidden = linear(c, b.w1(), b.b1(), b.b1().length);
      for (int j = 0; j < hidden.length; j++) {
        hidden[j] = Math.max(0f, hidden[j]);
      }
      float[] f = linear(hidden, b.w2(), b.b2(), d);
      for (int j = 0; j < d; j++) {
        h[i][j] += f[j];
      }
    }
  }

  /** Causal multi-head attention: position i (from {@code from} on) attends to 0..i, each head over its slice. */
  private float[][] attention(float[][] q, float[][] k, float[][] v, int from) {
    int t = q.length;
    int d = params.dim();
    int dh = d / params.heads();
    float scale = (float) (1 / Math.sqrt(dh));
    float[][] out = new float[t][d];
    float[] weights = new float[t];
    for (int head = 0; head < params.heads(); head++) {
      int lo = head * dh;
      for (int i = from; i < t; i++) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j <= i; j++) {
          float s = 0;
          for (int c = lo; c < lo + dh; c++) {
            s += q[i][c] * k[j][c];
          }
          weights[j] = s * scale;
          max = Math.max(max, weights[j]);
        }
        float sum = 0;
        for (int j = 0; j <= i; j++) {
          weights[j] = (float) Math.exp(weights[j] - max);
          sum += weights[j];
        }
        for (int j = 0; j <= i; j++) {
          float w = weights[j] / sum;
          for (int c = lo; c < lo + dh; c++) {
            out[i][c] += w * v[j][c];
          }
        }
      }
    }
    return out;
  }

  private static float[][] linear(float[][] x, float[] w, float[] bias, int out) {
    float[][] y = new float[x.length][];
    for (int i = 0; i < x.length; i++) {
      y[i] = linear(x[i], w, bias, out);
    }
    return y;
  }

  /** x·W + b with W row-major [x.length × out]: with the vector API when the JVM has it. */
  static float[] linear(float[] x, float[] w, float[] bias, int out) {
    return SIMD ? SimdLinear.linear(x, w, bias, out) : scalarLinear(x, w, bias, out);
  }

  /** x·W + b, the inner loop along W's rows. */
  static float[] scalarLinear(float[] x, float[] w, float[] bias, int out) {
    float[] y = bias.clone();
    for (int i = 0; i < x.length; i++) {
      float xi = x[i];
      int off = i * out;
      for (int j = 0; j < out; j++) {
        y[j] += xi * w[off + j];
      }
    }
    return y;
  }

  private static float[] add(float[] a, float[] b) {
    for (int j = 0; j < a.length; j++) {
      a[j] += b[j];
    }
    return a;
  }

  /** (x − mean) / √(var + ε) · γ + β, the variance biased (divided by n), as PyTorch's layer norm. */
  static float[] layerNorm(float[] x, float[] gamma, float[] beta) {
    double mean = 0;
    for (float v : x) {
      mean += v;
    }
    mean /= x.length;
    double var = 0;
    for (float v : x) {
      var += (v - mean) * (v - mean);
    }
    var /= x.length;
    double inv = 1 / Math.sqrt(var + LAYER_NORM_EPS);
    float[] y = new float[x.length];
    for (int j = 0; j < x.length; j++) {
      y[j] = (float) ((x[j] - mean) * inv) * gamma[j] + beta[j];
    }
    return y;
  }
}
