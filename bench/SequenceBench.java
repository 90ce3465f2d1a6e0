package io.recflow.serving;

import io.recflow.core.ItemMatrix;
import io.recflow.sequence.SequenceModel;
import io.recflow.sequence.SequenceParams;
import io.recflow.sequence.SequenceWeights;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the sequence model adds to a request (run by bench/sequence.sh): the plain-Java forward pass
 * over a full history of L items, and that pass followed by the exact top-10 over every item's
 * sequence vector (the sequence source's whole cost), with 1 and with 2 request threads at once.
 * Weights are random with trained magnitudes: the cost does not depend on their values. Arguments:
 * items, length, dim, blocks, heads, requests per thread.
 */
public class SequenceBench {
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    SequenceParams shape = new SequenceParams(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
        Integer.parseInt(args[3]), Integer.parseInt(args[4]));
    int requests = Integer.parseInt(args[5]);
    Random rnd = new Random(42);
    ItemMatrix items = RandomItems.matrix(n, shape.dim(), rnd);
    SequenceModel model = new SequenceModel(shape, items, weights(shape, rnd));
    String kernels = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() ? "vector API" : "scalar";
    for (int threads : new int[] {1, 2}) {
      for (boolean withTopK : new boolean[] {false, true}) {
        run(model, n, shape.length(), requests / 4, threads, withTopK); // warm-up
        double[] ms = run(model, n, shape.length(), requests, threads, withTopK);
        Arrays.sort(ms);
        System.out.printf("| %s | %s | %d | %.3f ms | %.3f ms | %.3f ms |%n", kernels,
            withTopK ? "forward pass + top-10 of " + n + " items" : "forward pass, L = " + shape.length(), threads,
            ms[ms.length / 2], ms[(int) (ms.length * 0.99)], Arrays.stream(ms).average().orElse(0));
      }
    }
  }

  /** Per-request milliseconds of {@code threads} threads each running {@code requests} requests. */
  private static double[] run(SequenceModel model, int n, int length, int requests, int threads, boolean withTopK)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    ExactTopK exact = new ExactTopK(model.items());
    Future<?>[] futures = new Future<?>[threads];
    double[] ms = new double[requests * threads];
    for (int t = 0; t < threads; t++) {
      int thread = t;
      futures[t] = pool.submit(() -> {
        Random rnd = new Random(thread);
        for (int r = 0; r < requests; r++) {
          int[] history = rnd.ints(length, 0, n).toArray();
          long start = System.nanoTime();
          float[] q = model.query(history);
          if (withTopK) {
            exact.topK(q, 10, row -> false);
          }
          ms[thread * requests + r] = (System.nanoTime() - start) / 1e6;
        }
      });
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    return ms;
  }

  private static Map<String, float[]> weights(SequenceParams shape, Random rnd) {
    int d = shape.dim();
    Map<String, float[]> t = new HashMap<>();
    for (String name : SequenceWeights.names(shape)) {
      int size = name.equals("positions") ? shape.length() * d
          : name.matches("block\\d+\\.w[qkvo12]") ? d * d : d;
      float[] v = RandomItems.vector(size, rnd);
      for (int i = 0; i < size; i++) {
        v[i] = name.endsWith("gamma") ? 1f : v[i] * 0.1f;
      }
      t.put(name, v);
    }
    return t;
  }
}
