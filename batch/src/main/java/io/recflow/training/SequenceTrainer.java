package io.recflow.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.recflow.core.ItemMatrix;
import io.recflow.core.RankingMetrics;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.sequence.SequenceModel;
import io.recflow.sequence.SequenceParams;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the sequence model on the driver with DJL's PyTorch engine (CPU): Adam on a sampled
 * softmax over each training window's next items, early stopping on the validation items' nDCG@10,
 * measured with the plain-Java {@link SequenceModel} the server runs, over the whole catalog. It
 * logs each epoch (loss, validation, time, ETA) and, on Ctrl-C, stops after the current step and
 * fails the run rather than publish a half-trained model.
 */
public final class SequenceTrainer {
  private static final Logger LOG = LoggerFactory.getLogger("recflow");
  private static final int K = 10;
  private final SequenceParams shape;
  private final int epochs;
  private final int patience;
  private final double maxMinutes;
  private final int batchSize;
  private final float learningRate;
  private final int negatives;
  private final float dropout;
  private final int threads;
  private final boolean cooccurrence;
  private final long seed;

  /** One optimiser step: its loss, and the parameters whose gradient was not finite (then it was skipped). */
  private record Step(float loss, List<String> notFinite) {}

  public SequenceTrainer(SequenceParams shape, int epochs, int patience, double maxMinutes, int batchSize,
                         double learningRate, int negatives, double dropout, int threads, boolean cooccurrence,
                         long seed) {
    this.shape = shape;
    this.epochs = epochs;
    this.patience = patience;
    this.maxMinutes = maxMinutes;
    this.batchSize = batchSize;
    this.learningRate = (float) learningRate;
    this.negatives = negatives;
    this.dropout = (float) dropout;
    this.threads = threads;
    this.cooccurrence = cooccurrence;
    this.seed = seed;
  }

  public static SequenceTrainer from(RecflowConfig c) {
    return new SequenceTrainer(SequenceParams.from(c), c.get(Settings.SEQUENCE_EPOCHS),
        c.get(Settings.SEQUENCE_PATIENCE), c.get(Settings.SEQUENCE_MAX_MINUTES), c.get(Settings.SEQUENCE_BATCH),
        c.get(Settings.SEQUENCE_LEARNING_RATE), c.get(Settings.SEQUENCE_NEGATIVES), c.get(Settings.SEQUENCE_DROPOUT),
        c.get(Settings.SEQUENCE_THREADS), c.get(Settings.SEQUENCE_COOCCURRENCE), c.get(Settings.SEQUENCE_SEED));
  }

  /**
   * A trained model and its figures (epochs run, best epoch, validation hit rate and nDCG@10,
   * seconds); {@code textOnly} marks the catalog rows no training window held, whose vectors are
   * their projected text alone.
   */
  public record Trained(SequenceModel model, Map<String, Double> metrics, BitSet textOnly) {}

  /**
   * @param catalog the items the model knows, in row order (ids only are read)
   * @param text text embeddings aligned with {@code catalog}'s rows (zero rows for items without
   *     text), or null; the {@link CoOccurrenceSketch} is added beside it when configured
   * @param train each user's training history, catalog rows oldest first
   * @param validation each validation user's next item after their training history
   */
  public Trained fit(ItemMatrix catalog, ItemMatrix text, Map<String, int[]> train, Map<String, Integer> validation) {
    long started = System.nanoTime();
    int skipped = 0;
    Engine.getInstance(); // loads libtorch, which the thread setting below calls into
    JniUtils.setNumThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    List<int[]> windows = new ArrayList<>();
    BitSet untrained = new BitSet(catalog.size());
    untrained.set(0, catalog.size());
    train.keySet().stream().sorted().forEach(u -> {
      for (int[] w : Sequences.windows(train.get(u), shape.length())) {
        windows.add(w);
        for (int row : w) {
          untrained.clear(row);
        }
      }
    });
    if (windows.isEmpty()) {
      throw new IllegalArgumentException("no user has two items in a row to learn from; the sequence model needs "
          + "histories of at least two interactions");
    }
    Negatives sampler = new Negatives(windows, catalog.size(), negatives);
    Stop stop = Stop.onShutdown();
    Random rnd = new Random(seed);
    Map<String, Double> metrics = new LinkedHashMap<>();
    float[] fixed = text == null ? new float[0] : text.values();
    int textDim = text == null ? 0 : text.rank();
    int sketchDim = cooccurrence ? CoOccurrenceSketch.DIM : 0;
    if (cooccurrence) {
      fixed = concatRows(fixed, textDim, CoOccurrenceSketch.of(windows, catalog.size(), sketchDim, seed), sketchDim,
          catalog.size());
    }
    try (SequenceNetwork net = new SequenceNetwork(shape, catalog.size(), fixed, textDim, sketchDim, seed)) {
      // Clipping each gradient value keeps one extreme batch from throwing Adam's moments off.
      Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).optClipGrad(5f).build();
      double best = -1;
      int bestEpoch = 0;
      SequenceModel bestModel = null;
      double[] bestScores = null;
      int epoch = 0;
      long deadline = started + (long) (maxMinutes * 60e9);
      while (epoch < epochs && epoch - bestEpoch < patience && System.nanoTime() < deadline) {
        epoch++;
        long t0 = System.nanoTime();
        Collections.shuffle(windows, rnd);
        double loss = 0;
        int steps = 0;
        for (int from = 0; from < windows.size() && Double.isFinite(loss); from += batchSize) {
          stop.check();
          Step s = step(net, adam, windows.subList(from, Math.min(windows.size(), from + batchSize)), sampler, rnd);
          loss += s.loss();
          steps++;
          if (!s.notFinite().isEmpty() && skipped++ == 0) {
            LOG.warn("sequence model: a step's gradient is not finite (of {}); it is skipped", s.notFinite());
          }
        }
        if (!Double.isFinite(loss)) {
          // The weights that gave a loss that is not a number cannot be trusted; the best epoch's can.
          LOG.warn("sequence model: the loss diverged in epoch {}; keeping epoch {}'s weights. A lower "
              + "sequence.learningRate or a larger sequence.batchSize trains more steadily.", epoch, bestEpoch);
          break;
        }
        SequenceModel model = export(net, shape, catalog, untrained);
        double[] scores = validate(model, train, validation);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (scores[1] > best) {
          best = scores[1];
          bestEpoch = epoch;
          bestModel = model;
          bestScores = scores;
        }
        LOG.info(String.format(java.util.Locale.ROOT, "sequence model: epoch %d/%d, loss %.4f, validation HR@%d "
            + "%.4f nDCG@%d %.4f (best %.4f at epoch %d), %.1f s, at most %.0f s left%s", epoch, epochs,
            loss / steps, K, scores[0], K, scores[1], best, bestEpoch, seconds,
            Math.max(0, Math.min(seconds * Math.min(epochs - epoch, patience - (epoch - bestEpoch)),
                (deadline - System.nanoTime()) / 1e9)),
            skipped == 0 ? "" : "; " + skipped + " steps skipped so far (gradient not finite)"));
      }
      if (bestModel == null) {
        throw new IllegalStateException("sequence model training diverged in its first epoch (the loss is not a "
            + "number); lower sequence.learningRate (now " + learningRate + ").");
      }
      metrics.put("epochs", (double) epoch);
      metrics.put("best_epoch", (double) bestEpoch);
      metrics.put("validation_hr", bestScores[0]);
      metrics.put("validation_ndcg", bestScores[1]);
      metrics.put("windows", (double) windows.size());
      metrics.put("skipped_steps", (double) skipped);
      metrics.put("seconds", (System.nanoTime() - started) / 1e9);
      return new Trained(bestModel, metrics, untrained);
    } finally {
      stop.release();
    }
  }

  /** Row-major [rows × (da + db)]: each row of {@code a} followed by the same row of {@code b}. */
  private static float[] concatRows(float[] a, int da, float[] b, int db, int rows) {
    float[] out = new float[rows * (da + db)];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(a, r * da, out, r * (da + db), da);
      System.arraycopy(b, r * db, out, r * (da + db) + da, db);
    }
    return out;
  }

  /** One optimiser step on a batch of windows. */
  private Step step(SequenceNetwork net, Optimizer adam, List<int[]> batch, Negatives sampler, Random rnd) {
    int l = shape.length();
    long[] input = new long[batch.size() * l];
    long[] target = new long[batch.size() * l];
    for (int b = 0; b < batch.size(); b++) {
      int[] w = batch.get(b);
      int n = w.length - 1;
      for (int t = 0; t < n; t++) {
        // Left padding: the window's newest step sits at position L - 1, as SequenceModel reads it.
        input[b * l + l - n + t] = w[t] + 1L;
        target[b * l + l - n + t] = w[t + 1] + 1L;
      }
    }
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray loss;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        loss = net.loss(m, m.create(input, new Shape(batch.size(), l)), m.create(target, new Shape(batch.size(), l)),
            m.create(sampler.draw(rnd)), sampler.full() ? null : m.create(sampler.logQ()), dropout);
        gc.backward(loss);
      }
      Map<String, NDArray> grads = new LinkedHashMap<>();
      List<String> notFinite = new ArrayList<>();
      for (Map.Entry<String, NDArray> e : net.parameters().entrySet()) {
        NDArray grad = e.getValue().getGradient();
        grad.attach(m);
        grads.put(e.getKey(), grad);
        if (grad.isNaN().logicalOr(grad.isInfinite()).any().getBoolean()) {
          notFinite.add(e.getKey());
        }
      }
      // A step whose gradient is not finite would carry a NaN into every weight through Adam's
      // moments; it is skipped, as mixed-precision trainers skip theirs.
      if (notFinite.isEmpty()) {
        grads.forEach((name, grad) -> adam.update(name, net.parameters().get(name), grad));
      }
      // The collector does not zero gradients between steps; assigning 0 (rather than subtracting
      // the gradient from itself) also clears an infinite one.
      grads.values().forEach(g -> g.set(new NDIndex(":"), 0));
      return new Step(loss.getFloat(), notFinite);
    }
  }

  /** The network's current weights as the model the server runs, items in {@code catalog}'s rows. */
  static SequenceModel export(SequenceNetwork net, SequenceParams shape, ItemMatrix catalog, BitSet untrained) {
    float[] vectors = net.itemVectors(untrained);
    List<float[]> rows = new ArrayList<>(catalog.size());
    List<String> ids = new ArrayList<>(catalog.size());
    for (int r = 0; r < catalog.size(); r++) {
      ids.add(catalog.id(r));
      rows.add(java.util.Arrays.copyOfRange(vectors, r * shape.dim(), (r + 1) * shape.dim()));
    }
    return new SequenceModel(shape, new ItemMatrix(ids, rows), net.weights());
  }

  /** HR@10 and nDCG@10 of the validation items over the whole catalog, the user's history excluded. */
  public static double[] validate(SequenceModel model, Map<String, int[]> histories, Map<String, Integer> next) {
    double hits = 0;
    double ndcg = 0;
    int users = 0;
    for (Map.Entry<String, Integer> e : next.entrySet()) {
      int[] history = histories.get(e.getKey());
      float[] query = history == null ? null : model.query(history);
      if (query == null) {
        continue;
      }
      users++;
      BitSet seen = new BitSet();
      for (int r : history) {
        seen.set(r);
      }
      RankingMetrics.Scores s = RankingMetrics.score(model.items().topK(query, K, seen::get), Set.of(e.getValue()), K);
      hits += s.recall();
      ndcg += s.ndcg();
    }
    return users == 0 ? new double[] {0, 0} : new double[] {hits / users, ndcg / users};
  }

  /** Ctrl-C during training: the loop stops after its current step, and the JVM waits for it. */
  private static final class Stop {
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean requested;
    private final Thread hook = new Thread(() -> {
      requested = true;
      try {
        finished.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "sequence-trainer-stop");

    static Stop onShutdown() {
      Stop s = new Stop();
      Runtime.getRuntime().addShutdownHook(s.hook);
      return s;
    }

    void check() {
      if (requested) {
        throw new IllegalStateException("sequence model training was interrupted; nothing was published");
      }
    }

    void release() {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: it waited for exactly this release.
      }
    }
  }
}
