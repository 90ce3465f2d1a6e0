package io.recflow.serving;

import io.recflow.core.ItemMatrix;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Scores every row of one item matrix for the queries of concurrent requests, in shared passes.
 * Reading a 100k × 64 matrix costs more than the arithmetic on it, so eight queries scored in one
 * pass cost about a quarter of eight passes (bench/topk.sh). There is no scoring thread and no
 * timer: a request that finds no pass running runs one at once, for itself and every request
 * already waiting (up to eight); requests that arrive during a pass wait for it to end, and the
 * first of them runs the next pass for all. An idle server so scores each request alone, without
 * delay; a busy one amortises the reads over the requests that queued anyway.
 */
final class BatchedScan {
  /** The most queries one pass scores: the widest kernel of {@link SimdDot#blockedScores}. */
  static final int MAX_BATCH = 8;

  private final float[] blocks;
  private final int rank;
  private final int padded;
  private final ArrayDeque<Job> waiting = new ArrayDeque<>();
  private boolean scanning;
  private final LongAdder passes = new LongAdder();
  private final LongAdder queries = new LongAdder();

  /** A copy of {@code items} in the blocked layout: as much memory again as the matrix. */
  BatchedScan(ItemMatrix items) {
    this.rank = items.rank();
    this.blocks = SimdDot.blocked(items.values(), rank);
    this.padded = rank == 0 ? 0 : blocks.length / rank;
  }

  /** The length a scores buffer needs: the rows, padded to whole blocks. */
  int paddedSize() {
    return padded;
  }

  /** Passes run and queries scored so far: their ratio is the mean batch. */
  long passes() {
    return passes.sum();
  }

  long queries() {
    return queries.sum();
  }

  /**
   * Writes {@code query} · row i into {@code out[i]} for every row (padding rows score 0), sharing a
   * pass with whichever concurrent queries wait beside it. Waits uninterruptibly: the pass that
   * writes {@code out} may be another thread's, and the buffer must not be reused before it ends.
   */
  void scores(float[] query, float[] out) {
    if (query.length != rank || out.length < padded) {
      throw new IllegalArgumentException("a query of " + query.length + " floats and " + out.length
          + " scores for " + padded + " rows of rank " + rank);
    }
    Job mine = new Job(query, out);
    List<Job> batch = new ArrayList<>(MAX_BATCH);
    boolean interrupted = false;
    synchronized (this) {
      waiting.add(mine);
      while (!mine.done && scanning) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (!mine.done) {
        scanning = true;
        waiting.remove(mine);
        batch.add(mine);
        while (batch.size() < MAX_BATCH && !waiting.isEmpty()) {
          batch.add(waiting.poll());
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (batch.isEmpty()) {
      mine.rethrow();
      return;
    }
    RuntimeException failure = null;
    try {
      float[][] qs = new float[batch.size()][];
      float[][] outs = new float[batch.size()][];
      for (int i = 0; i < qs.length; i++) {
        qs[i] = batch.get(i).query;
        outs[i] = batch.get(i).out;
      }
      SimdDot.blockedScores(blocks, rank, qs, outs);
      passes.increment();
      queries.add(qs.length);
    } catch (RuntimeException | Error e) {
      failure = new IllegalStateException("scoring a batch of " + batch.size() + " queries failed", e);
      throw e;
    } finally {
      synchronized (this) {
        for (Job j : batch) {
          j.failure = failure;
          j.done = true;
        }
        scanning = false;
        notifyAll();
      }
    }
  }

  /** One request's query and its scores buffer; {@code done} and {@code failure} are guarded by the scan's lock. */
  private static final class Job {
    final float[] query;
    final float[] out;
    boolean done;
    RuntimeException failure;

    Job(float[] query, float[] out) {
      this.query = query;
      this.out = out;
    }

    void rethrow() {
      if (failure != null) {
        throw failure;
      }
    }
  }
}
