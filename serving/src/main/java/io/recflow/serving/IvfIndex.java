package io.recflow.serving;

import io.recflow.core.ItemMatrix;
import io.recflow.core.SphericalKMeans;
import io.recflow.core.TopK;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An approximate top-k index for large catalogs: an inverted file (IVF). Items are clustered by
 * direction (spherical k-means on a sample, √n clusters) and stored cluster by cluster in one
 * contiguous matrix; a query scores every cluster's mean vector, then scores exactly (SIMD) only
 * the items of the {@code probes} best clusters. Built in seconds at snapshot load, and kept in
 * the snapshot directory so a restart reads it instead of building it again.
 */
final class IvfIndex {
  private static final Logger LOG = LoggerFactory.getLogger(IvfIndex.class);
  private static final int SAMPLE = 16_384;
  private static final int ITERATIONS = 6;
  private static final String FILE = "ivf.bin";

  private final int rank;
  private final float[] means;
  private final int[] offsets;
  private final int[] rows;
  private final float[] vectors;
  private final int probes;

  private IvfIndex(ItemMatrix items, float[] means, int[] offsets, int[] rows, int probes) {
    this.rank = items.rank();
    this.means = means;
    this.offsets = offsets;
    this.rows = rows;
    this.probes = Math.min(probes, offsets.length - 1);
    this.vectors = new float[rows.length * rank];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(items.values(), rows[i] * rank, vectors, i * rank, rank);
    }
  }

  /** Reads the index kept in {@code dir}, or builds it (and keeps it there). */
  static IvfIndex openOrBuild(Path dir, ItemMatrix items, int probes, long seed) throws IOException {
    long started = System.currentTimeMillis();
    Path file = dir.resolve(FILE);
    if (Files.exists(file)) {
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
        float[] means = new float[in.readInt()];
        for (int i = 0; i < means.length; i++) {
          means[i] = in.readFloat();
        }
        int[] offsets = readInts(in);
        int[] rows = readInts(in);
        if (rows.length == items.size()) {
          LOG.info("IVF index of {} items read in {} ms", rows.length, System.currentTimeMillis() - started);
          return new IvfIndex(items, means, offsets, rows, probes);
        }
      }
    }
    IvfIndex built = build(items, probes, seed);
    Path tmp = dir.resolve(FILE + ".tmp");
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
      out.writeInt(built.means.length);
      for (float m : built.means) {
        out.writeFloat(m);
      }
      writeInts(out, built.offsets);
      writeInts(out, built.rows);
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    LOG.info("IVF index of {} items in {} clusters built in {} ms", items.size(), built.offsets.length - 1,
        System.currentTimeMillis() - started);
    return built;
  }

  static IvfIndex build(ItemMatrix items, int probes, long seed) {
    int n = items.size();
    int k = items.rank();
    int clusters = Math.max(1, (int) Math.round(Math.sqrt(n)));
    SplittableRandom rnd = new SplittableRandom(seed);
    int sampleSize = Math.min(n, Math.max(SAMPLE, clusters * 4));
    float[] sample = new float[sampleSize * k];
    for (int i = 0; i < sampleSize; i++) {
      float[] unit = SphericalKMeans.unit(SphericalKMeans.row(items.values(), n == sampleSize ? i : rnd.nextInt(n), k));
      System.arraycopy(unit, 0, sample, i * k, k);
    }
    float[] centroids = SphericalKMeans.fit(sample, k, Math.min(clusters, sampleSize), ITERATIONS, seed);
    int c = centroids.length / k;
    int[] assignment = IntStream.range(0, n).parallel().map(i -> {
      float[] scores = new float[c];
      SimdDot.scores(SphericalKMeans.row(items.values(), i, k), centroids, k, scores);
      return TopK.byScore(scores, 1, x -> false)[0];
    }).toArray();
    int[] offsets = new int[c + 1];
    for (int a : assignment) {
      offsets[a + 1]++;
    }
    for (int i = 0; i < c; i++) {
      offsets[i + 1] += offsets[i];
    }
    int[] fill = Arrays.copyOf(offsets, c);
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[fill[assignment[i]]++] = i;
    }
    // A cluster is probed by its mean vector: user · mean is the cluster's average score.
    float[] means = new float[c * k];
    for (int cl = 0; cl < c; cl++) {
      for (int p = offsets[cl]; p < offsets[cl + 1]; p++) {
        for (int f = 0; f < k; f++) {
          means[cl * k + f] += items.values()[rows[p] * k + f] / (offsets[cl + 1] - offsets[cl]);
        }
      }
    }
    return new IvfIndex(items, means, offsets, rows, probes);
  }

  /** The approximately best {@code k} rows (original numbering), best first, skipping {@code excluded}. */
  int[] topK(float[] user, int k, IntPredicate excluded) {
    int clusters = offsets.length - 1;
    float[] clusterScores = new float[clusters];
    SimdDot.scores(user, means, rank, clusterScores);
    int[] probed = TopK.byScore(clusterScores, probes, x -> offsets[x] == offsets[x + 1]);
    int total = 0;
    for (int cl : probed) {
      total += offsets[cl + 1] - offsets[cl];
    }
    float[] scores = new float[total];
    int[] candidates = new int[total];
    int at = 0;
    for (int cl : probed) {
      int from = offsets[cl];
      int count = offsets[cl + 1] - from;
      SimdDot.scores(user, vectors, rank, from, count, scores, at);
      System.arraycopy(rows, from, candidates, at, count);
      at += count;
    }
    int[] best = TopK.byScore(scores, k, i -> excluded.test(candidates[i]));
    for (int i = 0; i < best.length; i++) {
      best[i] = candidates[best[i]];
    }
    return best;
  }

  private static int[] readInts(DataInputStream in) throws IOException {
    int[] a = new int[in.readInt()];
    for (int i = 0; i < a.length; i++) {
      a[i] = in.readInt();
    }
    return a;
  }

  private static void writeInts(DataOutputStream out, int[] a) throws IOException {
    out.writeInt(a.length);
    for (int v : a) {
      out.writeInt(v);
    }
  }
}
