package io.recflow.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.recflow.sequence.SequenceModel;
import io.recflow.sequence.SequenceParams;
import io.recflow.sequence.SequenceWeights;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The sequence model's network on DJL (PyTorch), built from raw parameters so that every operation
 * is the one {@link io.recflow.sequence.SequenceModel} repeats in plain Java. Item ids are catalog
 * rows + 1; 0 pads a short window on the left, and is masked out as a key and as a target.
 *
 * <p>An item's vector is its learned id vector plus its fixed features (its text embedding and,
 * when configured, its {@link CoOccurrenceSketch}, side by side) times a learned projection; the
 * same vectors are the inputs and the output classes (tied, as in SASRec). While training, the
 * sketch of a share {@link #SKETCH_DROPOUT} of the items is zeroed, as a new item's is.
 *
 * <p>Memory: a result of an operation belongs to its first operand's manager, so every forward
 * starts from an array of the step's manager (never from a parameter), and the step's manager is
 * closed after the update; the parameters' manager then holds only the parameters.
 */
final class SequenceNetwork implements AutoCloseable {
  /** A masked attention score; finite so that an all-padding row gives weights, not NaN. */
  private static final float MASKED = -1e9f;
  static final float SKETCH_DROPOUT = 0.5f;
  private final SequenceParams p;
  private final int ff;
  private final NDManager manager;
  /** Fixed features by id (row 0, the padding, and items without any are zero); not learned. */
  private final NDArray features;
  /** 1 in the sketch's columns of the features, 0 in the text's; null without a sketch. */
  private final NDArray sketchColumns;
  private final Map<String, NDArray> params = new LinkedHashMap<>();

  /**
   * @param features fixed features of the catalog rows, [items × (textDim + sketchDim)] row-major:
   *     the text embedding, then the co-occurrence sketch
   * @param textDim the text embeddings' width (0 without text)
   * @param sketchDim the sketch's width (0 without one)
   */
  SequenceNetwork(SequenceParams p, int items, float[] features, int textDim, int sketchDim, long seed) {
    this.p = p;
    this.ff = p.dim();
    this.manager = NDManager.newBaseManager();
    Random rnd = new Random(seed);
    int d = p.dim();
    int width = textDim + sketchDim;
    float[] withPad = new float[(items + 1) * Math.max(width, 1)];
    System.arraycopy(features, 0, withPad, width, items * width);
    this.features = width > 0 ? manager.create(withPad, new Shape(items + 1, width)) : null;
    float[] columns = new float[width];
    java.util.Arrays.fill(columns, textDim, width, 1f);
    this.sketchColumns = sketchDim > 0 ? manager.create(columns) : null;
    float[] ids = normal(rnd, (items + 1) * d, 0.05);
    java.util.Arrays.fill(ids, 0, d, 0f);
    param("items", ids, items + 1, d);
    if (width > 0) {
      param("features.projection", normal(rnd, width * d, 1 / Math.sqrt(width)), width, d);
    }
    param("positions", normal(rnd, p.length() * d, 0.05), p.length(), d);
    double s = 1 / Math.sqrt(d);
    for (int b = 0; b < p.blocks(); b++) {
      String n = "block" + b + ".";
      param(n + "ln1.gamma", fill(d, 1), d);
      param(n + "ln1.beta", fill(d, 0), d);
      for (String w : List.of("q", "k", "v", "o")) {
        param(n + "w" + w, normal(rnd, d * d, s), d, d);
        param(n + "b" + w, fill(d, 0), d);
      }
      param(n + "ln2.gamma", fill(d, 1), d);
      param(n + "ln2.beta", fill(d, 0), d);
      param(n + "w1", normal(rnd, d * ff, s), d, ff);
      param(n + "b1", fill(ff, 0), ff);
      param(n + "w2", normal(rnd, ff * d, 1 / Math.sqrt(ff)), ff, d);
      param(n + "b2", fill(d, 0), d);
    }
    param("final.gamma", fill(d, 1), d);
    param("final.beta", fill(d, 0), d);
  }

  /** Every learned array by name, for the optimiser. */
  Map<String, NDArray> parameters() {
    return params;
  }

  /**
   * The vectors of item ids (any shape) → shape + [d], computed in {@code m}; {@code training}
   * drops the sketch of a random share of them.
   */
  NDArray itemVectors(NDManager m, NDArray ids, boolean training) {
    NDArray v = params.get("items").get(m, new NDIndex("{}", ids));
    if (features == null) {
      return v;
    }
    NDArray f = features.get(m, new NDIndex("{}", ids));
    if (training && sketchColumns != null) {
      Shape rows = f.getShape().slice(0, f.getShape().dimension() - 1).add(1);
      NDArray dropped = m.randomUniform(0, 1, rows).lt(SKETCH_DROPOUT).toType(DataType.FLOAT32, false);
      f = f.mul(dropped.mul(sketchColumns).neg().add(1));
    }
    return f.matMul(params.get("features.projection")).add(v);
  }

  /**
   * The hidden state of every position: ids [B, L] (0 = padding) → [B, L, d]. With
   * {@code dropout} > 0 (training) dropout follows the input sum and each block's two branches.
   */
  NDArray forward(NDManager m, NDArray ids, float dropout) {
    int d = p.dim();
    NDArray valid = ids.neq(0);
    NDArray x = itemVectors(m, ids, dropout > 0).add(params.get("positions"));
    x = dropout(x.mul(valid.expandDims(2).toType(DataType.FLOAT32, false)), dropout);
    NDArray steps = m.arange(p.length());
    NDArray allowed = steps.expandDims(0).lte(steps.expandDims(1)).expandDims(0).logicalAnd(valid.expandDims(1));
    int dh = d / p.heads();
    for (int b = 0; b < p.blocks(); b++) {
      String n = "block" + b + ".";
      NDArray a = layerNorm(x, n + "ln1");
      NDArray q = a.matMul(params.get(n + "wq")).add(params.get(n + "bq"));
      NDArray k = a.matMul(params.get(n + "wk")).add(params.get(n + "bk"));
      NDArray v = a.matMul(params.get(n + "wv")).add(params.get(n + "bv"));
      NDArray attended = null;
      for (int h = 0; h < p.heads(); h++) {
        NDIndex slice = new NDIndex(":, :, " + (h * dh) + ":" + ((h + 1) * dh));
        NDArray scores = q.get(slice).batchMatMul(k.get(slice).transpose(0, 2, 1)).div(Math.sqrt(dh));
        NDArray weights = NDArrays.where(allowed.broadcast(scores.getShape()), scores, m.create(MASKED)).softmax(2);
        NDArray head = weights.batchMatMul(v.get(slice));
        attended = attended == null ? head : attended.concat(head, 2);
      }
      x = x.add(dropout(attended.matMul(params.get(n + "wo")).add(params.get(n + "bo")), dropout));
      NDArray c = layerNorm(x, n + "ln2");
      NDArray hidden = c.matMul(params.get(n + "w1")).add(params.get(n + "b1")).getNDArrayInternal().relu();
      x = x.add(dropout(hidden.matMul(params.get(n + "w2")).add(params.get(n + "b2")), dropout));
    }
    return layerNorm(x, "final");
  }

  /**
   * Sampled softmax: each non-padding position's target against {@code negatives} shared by the
   * batch (a negative that is the position's own target is masked), mean cross-entropy. With
   * {@code logQ} (the log-probability with which each id is drawn as a negative, by id), every logit
   * is lowered by it (the logQ correction), so that drawing popular items more often, which makes
   * the negatives harder, does not also make the model shy of popular items.
   */
  NDArray loss(NDManager m, NDArray ids, NDArray targets, NDArray negatives, NDArray logQ, float dropout) {
    NDArray h = forward(m, ids, dropout).reshape(-1, p.dim());
    NDArray flat = targets.reshape(-1);
    NDArray positive = h.mul(itemVectors(m, flat, dropout > 0)).sum(new int[] {1}, true);
    NDArray negative = h.matMul(itemVectors(m, negatives, dropout > 0).transpose());
    if (logQ != null) {
      positive = positive.sub(logQ.get(m, new NDIndex("{}", flat)).expandDims(1));
      negative = negative.sub(logQ.get(m, new NDIndex("{}", negatives)).expandDims(0));
    }
    NDArray own = flat.expandDims(1).eq(negatives.expandDims(0));
    negative = NDArrays.where(own.logicalNot(), negative, m.create(MASKED));
    NDArray nll = positive.concat(negative, 1).logSoftmax(1).get(new NDIndex(":, 0")).neg();
    NDArray weight = flat.neq(0).toType(DataType.FLOAT32, false);
    return nll.mul(weight).sum().div(weight.sum().maximum(1f));
  }

  /** The weights as {@link SequenceWeights} names them, copied out. */
  Map<String, float[]> weights() {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (String name : SequenceWeights.names(p)) {
      out.put(name, params.get(name).toFloatArray());
    }
    return out;
  }

  /**
   * The catalog's item vectors, row-major [items × d]: id vector + projected features. Rows in
   * {@code untrained} (items no training window held) keep their features' part only (their text:
   * no window, no sketch), since their id vectors were only ever pushed down as negatives.
   */
  float[] itemVectors(java.util.BitSet untrained) {
    int d = p.dim();
    try (NDManager m = manager.newSubManager()) {
      long items = params.get("items").getShape().get(0);
      NDArray ids = m.arange(1, (int) items).toType(DataType.INT64, false);
      float[] ownPart = params.get("items").get(m, new NDIndex("{}", ids)).toFloatArray();
      float[] all = itemVectors(m, ids, false).toFloatArray();
      for (int row = untrained.nextSetBit(0); row >= 0; row = untrained.nextSetBit(row + 1)) {
        for (int j = 0; j < d; j++) {
          all[row * d + j] -= ownPart[row * d + j];
        }
      }
      return all;
    }
  }

  private NDArray layerNorm(NDArray x, String name) {
    return x.getNDArrayInternal().layerNorm(x, new Shape(p.dim()), params.get(name + ".gamma"),
        params.get(name + ".beta"), SequenceModel.LAYER_NORM_EPS).singletonOrThrow();
  }

  private static NDArray dropout(NDArray x, float rate) {
    return rate > 0 ? x.getNDArrayInternal().dropout(x, rate, true).singletonOrThrow() : x;
  }

  private void param(String name, float[] values, long... shape) {
    NDArray a = manager.create(values, new Shape(shape));
    a.setName(name);
    a.setRequiresGradient(true);
    params.put(name, a);
  }

  private static float[] normal(Random rnd, int n, double sd) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (rnd.nextGaussian() * sd);
    }
    return a;
  }

  private static float[] fill(int n, float v) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  @Override
  public void close() {
    manager.close();
  }
}
