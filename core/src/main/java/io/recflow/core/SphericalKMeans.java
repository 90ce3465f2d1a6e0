package io.recflow.core;

import java.util.Random;

/**
 * k-means on unit vectors with cosine similarity, used to cut a catalog into clusters so that
 * nearest-neighbour search compares an item only with the items of a few nearby clusters instead
 * of the whole catalog (an inverted-file index). Runs on one machine over a sample.
 */
public final class SphericalKMeans {
  private SphericalKMeans() {}

  /**
   * Returns {@code clusters} unit centroids (row-major) of the unit rows of {@code data}
   * ({@code dim} floats per row), after {@code iterations} rounds, seeded.
   */
  public static float[] fit(float[] data, int dim, int clusters, int iterations, long seed) {
    int n = data.length / dim;
    if (clusters < 1 || clusters > n) {
      throw new IllegalArgumentException("need 1 to " + n + " clusters, got " + clusters);
    }
    float[] centroids = new float[clusters * dim];
    int[] start = new Random(seed).ints(0, n).distinct().limit(clusters).toArray();
    for (int c = 0; c < clusters; c++) {
      System.arraycopy(data, start[c] * dim, centroids, c * dim, dim);
    }
    int[] assignment = new int[n];
    for (int it = 0; it < iterations; it++) {
      for (int i = 0; i < n; i++) {
        assignment[i] = TopK.byDotProduct(row(data, i, dim), centroids, dim, 1, c -> false)[0];
      }
      double[] sums = new double[clusters * dim];
      int[] sizes = new int[clusters];
      for (int i = 0; i < n; i++) {
        int c = assignment[i];
        sizes[c]++;
        for (int f = 0; f < dim; f++) {
          sums[c * dim + f] += data[i * dim + f];
        }
      }
      for (int c = 0; c < clusters; c++) {
        if (sizes[c] == 0) {
          continue; // an empty cluster keeps its centroid
        }
        double norm = 0;
        for (int f = 0; f < dim; f++) {
          norm += sums[c * dim + f] * sums[c * dim + f];
        }
        norm = Math.sqrt(norm);
        for (int f = 0; f < dim; f++) {
          centroids[c * dim + f] = (float) (norm == 0 ? 0 : sums[c * dim + f] / norm);
        }
      }
    }
    return centroids;
  }

  /** A copy of row {@code i}. */
  public static float[] row(float[] data, int i, int dim) {
    float[] r = new float[dim];
    System.arraycopy(data, i * dim, r, 0, dim);
    return r;
  }

  /** The vector scaled to unit length (the zero vector stays zero). */
  public static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    float[] u = new float[v.length];
    if (norm == 0) {
      return u;
    }
    double inv = 1 / Math.sqrt(norm);
    for (int i = 0; i < v.length; i++) {
      u[i] = (float) (v[i] * inv);
    }
    return u;
  }
}
