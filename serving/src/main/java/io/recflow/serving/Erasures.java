package io.recflow.serving;

import io.recflow.core.ErasureRequest;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The erasures this server knows of: for each erased user, the time of their latest erasure. What
 * this server holds of the user from before that time is dropped (snapshot, live vectors,
 * histories) and never loaded again; what comes after is a new user's. Learned from requests to
 * this server at once, and from the warehouse's {@code erasures} table (other servers' requests, the
 * stream, {@code bin/recflow forget}) at each catch-up.
 *
 * <p>A user leaves this set when their erasure leaves the table: the nightly job removes a tombstone
 * once its retention has passed and the user's old data is physically gone, so nothing is left to
 * keep out, and the server holds no erased id longer than the warehouse does.
 */
final class Erasures {
  private final Map<String, Long> before = new ConcurrentHashMap<>();
  // Requests made to this server that the table has not shown yet: they stay until it does.
  private final Map<String, Long> pending = new HashMap<>();
  private long tableVersion = -1;

  /** The time before which the user's data is erased, or Long.MIN_VALUE when they never were. */
  long before(String userId) {
    return before.getOrDefault(userId, Long.MIN_VALUE);
  }

  /** Every erased user with the time of their latest erasure. */
  Map<String, Long> all() {
    return new HashMap<>(before);
  }

  /** Records a request; returns whether it erases more than was known (a new user, or a later time). */
  synchronized boolean add(ErasureRequest r) {
    pending.merge(r.userId(), r.requestedAtMillis(), Math::max);
    return add(r.userId(), r.requestedAtMillis());
  }

  /** How many erased users this server keeps out. */
  int size() {
    return before.size();
  }

  private synchronized boolean add(String userId, long atMillis) {
    if (before(userId) >= atMillis) {
      return false;
    }
    before.put(userId, atMillis);
    return true;
  }

  /**
   * Reads the erasures table when it has a new version (whole: it is small, and reading it whole
   * survives a VACUUM of files an incremental reader would still want); returns the users whose
   * erasure is new to this server, with its time, and forgets the users whose tombstone has expired.
   * The catch-up and a model load both call it.
   */
  synchronized Map<String, Long> refresh(DeltaReader reader) {
    long latest = reader.version(Tables.ERASURES);
    if (latest <= tableVersion) {
      return Map.of();
    }
    Map<String, Long> table = new HashMap<>();
    reader.scan(Tables.ERASURES, latest, List.of(Col.USER_ID, Col.REQUESTED_AT),
        (b, i) -> table.merge(b.getColumnVector(0).getString(i), DeltaReader.millis(b.getColumnVector(1), i),
            Math::max));
    Map<String, Long> fresh = new HashMap<>();
    table.forEach((user, at) -> {
      if (add(user, at)) {
        fresh.put(user, at);
      }
    });
    pending.entrySet().removeIf(e -> table.getOrDefault(e.getKey(), Long.MIN_VALUE) >= e.getValue());
    before.keySet().removeIf(user -> !table.containsKey(user) && !pending.containsKey(user));
    tableVersion = latest;
    return fresh;
  }
}
