package io.recflow.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.recflow.core.ItemMatrix;
import io.recflow.sequence.SequenceModel;
import io.recflow.sequence.SequenceParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sequence model's trainer on DJL's real PyTorch engine, with tiny models. */
class SequenceTrainerIT {
  private static final SequenceParams TINY = new SequenceParams(8, 16, 2, 2);

  private static ItemMatrix catalog(int n, int textDim, long seed) {
    Random rnd = new Random(seed);
    List<String> ids = new ArrayList<>();
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("i" + i);
      float[] v = new float[Math.max(textDim, 1)];
      for (int j = 0; j < v.length; j++) {
        v[j] = textDim == 0 ? 0 : (float) rnd.nextGaussian();
      }
      rows.add(v);
    }
    return new ItemMatrix(ids, rows);
  }

  /** The plain-Java forward pass of the exported weights, against the trainer's own, every position's input distinct. */
  @Test
  void theServersForwardPassEqualsTheTrainers() {
    ItemMatrix text = catalog(30, 12, 1);
    try (SequenceNetwork net = new SequenceNetwork(TINY, 30, text.values(), 12, 0, 7);
         NDManager m = NDManager.newBaseManager()) {
      SequenceModel plain = SequenceTrainer.export(net, TINY, text, new BitSet());
      int[][] histories = {{3}, {5, 9, 2}, {1, 2, 3, 4, 5, 6, 7, 8}, {29, 0, 14, 7, 7, 21}};
      for (int[] history : histories) {
        float[] trainer = lastHidden(net, m, history);
        float[] server = plain.query(history);
        for (int j = 0; j < trainer.length; j++) {
          assertEquals(trainer[j], server[j], 1e-4, "value " + j + " of history " + Arrays.toString(history));
        }
      }
    }
  }

  @Test
  void aPositionNeverSeesALaterOne() {
    try (SequenceNetwork net = new SequenceNetwork(TINY, 20, new float[0], 0, 0, 3);
         NDManager m = NDManager.newBaseManager()) {
      float[] a = net.forward(m, m.create(new long[] {0, 0, 4, 5, 6, 7, 8, 9}, new Shape(1, 8)), 0).toFloatArray();
      float[] b = net.forward(m, m.create(new long[] {0, 0, 4, 5, 6, 7, 8, 19}, new Shape(1, 8)), 0).toFloatArray();
      int d = TINY.dim();
      // Positions 0 and 1 are padding: nothing reads them (no loss, no query), so only 2..6 must hold.
      for (int j = 2 * d; j < 7 * d; j++) {
        assertEquals(a[j], b[j], 0f, "position " + j / d + " changed when only the newest item did");
      }
      boolean newestChanged = false;
      for (int j = 7 * d; j < 8 * d; j++) {
        newestChanged |= a[j] != b[j];
      }
      assertTrue(newestChanged, "the newest position reads its own item");
    }
  }

  /** Item i is always followed by item i + 1 (mod 60): a model must learn it to near-perfect hit rate. */
  @Test
  void learnsThatEveryItemIsFollowedByTheNext() {
    int items = 60;
    Random rnd = new Random(42);
    Map<String, int[]> train = new HashMap<>();
    Map<String, Integer> next = new HashMap<>();
    for (int u = 0; u < 300; u++) {
      int start = rnd.nextInt(items);
      int[] history = new int[3 + rnd.nextInt(10)];
      for (int s = 0; s < history.length; s++) {
        history[s] = (start + s) % items;
      }
      train.put("u" + u, history);
      next.put("u" + u, (start + history.length) % items);
    }
    SequenceTrainer trainer = new SequenceTrainer(TINY, 40, 5, 10, 64, 0.01, 30, 0.1, 1, false, 42);

    SequenceTrainer.Trained trained = trainer.fit(catalog(items, 0, 2), null, train, next);

    assertTrue(trained.metrics().get("validation_hr") > 0.95, trained.metrics().toString());
    assertEquals(trained.metrics().get("validation_hr"),
        SequenceTrainer.validate(trained.model(), train, next)[0], 1e-12, "the kept model is the best epoch's");
  }

  /**
   * Users stay within one of 10 categories of 20 items; item texts carry their category (a
   * category direction plus noise). Two items per category never occur in training. After a
   * history in category c, a held-out item of c must rank well above chance among all 200 items:
   * only its text can place it, and only the text term of the item vectors can have learned how.
   */
  @ParameterizedTest(name = "co-occurrence sketch {0}")
  @ValueSource(booleans = {false, true})
  void itemsNobodyHasTouchedArePredictedFromTheirText(boolean sketch) {
    int categories = 10;
    int perCategory = 20;
    int items = categories * perCategory;
    int dim = 16;
    Random rnd = new Random(7);
    float[][] direction = new float[categories][dim];
    for (float[] d : direction) {
      for (int j = 0; j < dim; j++) {
        d[j] = (float) rnd.nextGaussian();
      }
    }
    List<String> ids = new ArrayList<>();
    List<float[]> texts = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      ids.add("i" + i);
      float[] t = new float[dim];
      for (int j = 0; j < dim; j++) {
        t[j] = direction[i / perCategory][j] + 0.3f * (float) rnd.nextGaussian();
      }
      texts.add(t);
    }
    ItemMatrix text = new ItemMatrix(ids, texts);
    // Items c*20 + 18 and c*20 + 19 are held out: nobody's history holds them.
    Map<String, int[]> train = new HashMap<>();
    Map<String, Integer> next = new HashMap<>();
    for (int u = 0; u < 400; u++) {
      int c = rnd.nextInt(categories);
      int[] history = new int[4 + rnd.nextInt(6)];
      for (int s = 0; s < history.length; s++) {
        history[s] = c * perCategory + rnd.nextInt(perCategory - 2);
      }
      train.put("u" + u, history);
      next.put("u" + u, c * perCategory + rnd.nextInt(perCategory - 2));
    }
    SequenceTrainer trainer = new SequenceTrainer(TINY, 30, 5, 10, 32, 0.005, 50, 0.1, 1, sketch, 42);
    SequenceModel withText = trainer.fit(text, text, train, next).model();

    double hits = 0;
    int cases = 0;
    for (Map.Entry<String, int[]> e : train.entrySet()) {
      int c = e.getValue()[0] / perCategory;
      BitSet seen = new BitSet();
      Arrays.stream(e.getValue()).forEach(seen::set);
      int[] top = withText.items().topK(withText.query(e.getValue()), 10, seen::get);
      for (int heldOut : new int[] {c * perCategory + 18, c * perCategory + 19}) {
        cases++;
        hits += Arrays.stream(top).anyMatch(r -> r == heldOut) ? 1 : 0;
      }
    }
    double chance = 10.0 / items;
    assertTrue(hits / cases > 4 * chance, "held-out items in the top 10: " + hits / cases + ", chance " + chance);
  }

  /** The trainer's hidden state at the newest position, the history left-padded as in training. */
  private static float[] lastHidden(SequenceNetwork net, NDManager m, int[] history) {
    long[] ids = new long[TINY.length()];
    for (int t = 0; t < history.length; t++) {
      ids[TINY.length() - history.length + t] = history[t] + 1L;
    }
    NDArray h = net.forward(m, m.create(ids, new Shape(1, TINY.length())), 0);
    return h.get(new NDIndex("0, " + (TINY.length() - 1))).toFloatArray();
  }
}
