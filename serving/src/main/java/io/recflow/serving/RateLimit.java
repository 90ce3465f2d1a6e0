package io.recflow.serving;

import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per caller: {@code perSecond} requests a second, in bursts of as many. A caller
 * past it gets 429 with the seconds until its next request is allowed. Buckets of callers gone
 * quiet are dropped when many accumulate, so a flood of client addresses cannot grow the map
 * without bound.
 */
final class RateLimit {
  private static final int MAX_CALLERS = 10_000;

  private static final class Bucket {
    private double tokens;
    private long lastNanos;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.lastNanos = now;
    }

    /** Takes a token, or returns the seconds until one is there. */
    synchronized double take(double perSecond, long now) {
      tokens = Math.min(perSecond, tokens + (now - lastNanos) / 1e9 * perSecond);
      lastNanos = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return (1 - tokens) / perSecond;
    }

    synchronized boolean full(double perSecond, long now) {
      return tokens + (now - lastNanos) / 1e9 * perSecond >= perSecond;
    }
  }

  private final double perSecond;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** @param perSecond requests a second per caller; 0 for no limit */
  RateLimit(int perSecond) {
    this.perSecond = perSecond;
  }

  /** Counts one request of {@code caller}; throws 429 (with Retry-After set on the answer) past the limit. */
  void acquire(String caller, io.javalin.http.Context ctx) {
    if (perSecond <= 0) {
      return;
    }
    long now = System.nanoTime();
    if (buckets.size() > MAX_CALLERS) {
      buckets.values().removeIf(b -> b.full(perSecond, now));
    }
    double wait = buckets.computeIfAbsent(caller, c -> new Bucket(perSecond, now)).take(perSecond, now);
    if (wait > 0) {
      ctx.header("Retry-After", Long.toString((long) Math.ceil(wait)));
      throw new HttpResponseException(HttpStatus.TOO_MANY_REQUESTS.getCode(), "more than serve.rateLimit = "
          + (long) perSecond + " requests a second from this " + caller.substring(0, caller.indexOf(' '))
          + "; retry after the seconds in Retry-After");
    }
  }
}
