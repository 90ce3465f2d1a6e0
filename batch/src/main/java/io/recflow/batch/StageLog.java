package io.recflow.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of a long job: one log line when a stage starts, one with its duration and outcome when
 * it ends, and a table of all stages for the final summary.
 */
public final class StageLog {
  private static final Logger LOG = LoggerFactory.getLogger("recflow");
  private final List<String> lines = new ArrayList<>();
  private final long started = System.nanoTime();

  /** Runs a stage; {@code describe} turns its result into the summary text (counts, versions). */
  public <T> T run(String stage, Supplier<T> work, java.util.function.Function<T, String> describe) {
    LOG.info("[{}] started", stage);
    long t0 = System.nanoTime();
    T result = work.get();
    double secs = (System.nanoTime() - t0) / 1e9;
    String what = describe.apply(result);
    LOG.info("[{}] done in {} s: {}", stage, String.format("%.1f", secs), what);
    lines.add(String.format("  %-18s %7.1f s  %s", stage, secs, what));
    return result;
  }

  /** Seconds since the log was created. */
  public double elapsedSeconds() {
    return (System.nanoTime() - started) / 1e9;
  }

  /** One line per finished stage. */
  public List<String> lines() {
    return lines;
  }
}
