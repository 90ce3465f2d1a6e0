package io.recflow.ranking;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which items are gaining interactions fastest right now: each item's count over the last
 * {@code windowHours} against its hourly rate over the {@value #BASELINE} windows before,
 * as (recent − expected) / √(expected + 1), a Poisson surprise that keeps a jump from 0 to 2 below a
 * jump from 50 to 200. Fed one event at a time (the server from its event tail, the evaluator from
 * the training events up to its cutoff), counted in hourly buckets so memory follows the events,
 * not the catalog. Thread-safe.
 */
public final class Trending {
  /** How many windows before the current one make the baseline. */
  public static final int BASELINE = 7;
  private static final long HOUR = 3_600_000L;
  private final int items;
  private final int windowHours;
  private final TreeMap<Long, Map<Integer, Integer>> byHour = new TreeMap<>();
  private long cachedAt = Long.MIN_VALUE;
  private float[] cached;
  private int[] cachedOrder;

  public Trending(int items, int windowHours) {
    if (windowHours < 1) {
      throw new IllegalArgumentException("trending window must be at least one hour, got " + windowHours);
    }
    this.items = items;
    this.windowHours = windowHours;
  }

  /** Counts one interaction with {@code row} at {@code tsMillis}; rows outside the items are ignored. */
  public void add(int row, long tsMillis) {
    add(row, tsMillis, 1);
  }

  /** Counts {@code count} interactions with {@code row} in the hour of {@code tsMillis}. */
  public synchronized void add(int row, long tsMillis, int count) {
    if (row < 0 || row >= items || count <= 0) {
      return;
    }
    byHour.computeIfAbsent(Math.floorDiv(tsMillis, HOUR), h -> new HashMap<>()).merge(row, count, Integer::sum);
    cachedAt = Long.MIN_VALUE;
  }

  /**
   * Every item's trending score at {@code nowMillis} (0 for items without recent events). Scores are
   * recomputed at most once per minute of {@code nowMillis}; buckets older than the baseline are dropped.
   */
  public synchronized float[] scores(long nowMillis) {
    long minute = Math.floorDiv(nowMillis, 60_000L);
    if (cached != null && cachedAt == minute) {
      return cached;
    }
    long nowHour = Math.floorDiv(nowMillis, HOUR);
    long recentFrom = nowHour - windowHours + 1;
    long baselineFrom = recentFrom - (long) BASELINE * windowHours;
    byHour.headMap(baselineFrom).clear();
    float[] recent = new float[items];
    float[] before = new float[items];
    for (Map.Entry<Long, Map<Integer, Integer>> e : byHour.subMap(baselineFrom, true, nowHour, true).entrySet()) {
      float[] into = e.getKey() >= recentFrom ? recent : before;
      e.getValue().forEach((row, n) -> into[row] += n);
    }
    float[] out = new float[items];
    for (int i = 0; i < items; i++) {
      if (recent[i] > 0) {
        double expected = before[i] / BASELINE;
        out[i] = (float) Math.max(0, (recent[i] - expected) / Math.sqrt(expected + 1));
      }
    }
    List<Integer> rising = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      if (out[i] > 0) {
        rising.add(i);
      }
    }
    rising.sort((a, b) -> out[a] != out[b] ? Float.compare(out[b], out[a]) : Integer.compare(a, b));
    cached = out;
    cachedOrder = rising.stream().mapToInt(Integer::intValue).toArray();
    cachedAt = minute;
    return out;
  }

  /** The items with a positive score at {@code nowMillis}, best first (ties by row); as fresh as {@link #scores}. */
  public synchronized int[] order(long nowMillis) {
    scores(nowMillis);
    return cachedOrder;
  }
}
