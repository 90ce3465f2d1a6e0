package io.recflow.serving;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Scores every row of one {@link BlockedMatrix} for the queries of concurrent requests, in shared
 * passes: four queries scored in one pass cost well under four passes (bench/topk.sh). There is no
 * scoring thread and no timer: a request that finds no pass running runs one at once, for itself
 * and every request already waiting (up to four); requests that arrive during a pass wait for it
 * to end, and the first of them runs the next pass for all. An idle server so scores each request
 * alone, without delay; a busy one amortises the reads over the requests that queued anyway.
 */
final class BatchedScan {
  /** The most queries one pass scores: the widest kernel of {@link BlockedMatrix#scores}. */
  static final int MAX_BATCH = BlockedMatrix.MAX_QUERIES;

  private final BlockedMatrix matrix;
  private final ArrayDeque<Job> waiting = new ArrayDeque<>();
  private boolean scanning;
  private final LongAdder passes = new LongAdder();
  private final LongAdder queries = new LongAdder();

  BatchedScan(BlockedMatrix matrix) {
    this.matrix = matrix;
  }

  BlockedMatrix matrix() {
    return matrix;
  }

  /** Passes run and queries scored so far: their ratio is the mean batch. */
  long passes() {
    return passes.sum();
  }

  long queries() {
    return queries.sum();
  }

  /**
   * Writes {@code query} · row i into {@code out[i]} for every row, as {@link BlockedMatrix#scores}
   * does, sharing a pass with whichever concurrent queries wait beside it. Waits uninterruptibly:
   * the pass that writes {@code out} may be another thread's, and the buffer must not be reused
   * before it ends.
   */
  void scores(float[] query, float[] out) {
    if (query.length != matrix.rank() || out.length < matrix.paddedRows()) {
      throw new IllegalArgumentException("a query of " + query.length + " floats and " + out.length
          + " scores for " + matrix.paddedRows() + " rows of rank " + matrix.rank());
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
      matrix.scores(qs, outs);
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
