package io.recflow.serving;

import io.recflow.core.Event;
import io.recflow.core.EventType;
import io.recflow.core.InterestState;
import io.recflow.core.InterestWeighting;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds every user's interest state (the snapshot's HISTORY records) from the events table
 * without holding the table in memory. The events arrive in file order, not grouped by user, so
 * each one is first written to the snapshot's own RocksDB under a temporary key that sorts a
 * user's events together; one pass over those keys then builds the users one at a time, and the
 * temporary range is deleted. Memory follows the largest single user's history, not the table.
 *
 * <p>Usage: {@link #add} every event, then {@link #build} once.
 */
final class HistoryLoader {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryLoader.class);
  private final RocksDB db;
  private final SnapshotWriter writer;
  // The temporary records skip the write-ahead log: a load that crashes is deleted, never resumed.
  private final SnapshotWriter staging;
  private long added;
  private long firstAddedAt;

  HistoryLoader(RocksDB db, SnapshotWriter writer) {
    this.db = db;
    this.writer = writer;
    this.staging = new SnapshotWriter(db, false);
  }

  /** Stores one event of the table under its temporary key (in bounded write batches). */
  void add(Event e) {
    if (added == 0) {
      firstAddedAt = System.currentTimeMillis();
    }
    staging.put(key(e.userId(), e.tsMillis(), added++), value(e));
  }

  /**
   * Writes each user's HISTORY record from the events added, then removes them; returns the
   * number of users.
   */
  long build(InterestWeighting weighting) throws RocksDBException {
    long started = System.currentTimeMillis();
    staging.flush();
    long users = 0;
    String user = null;
    List<Event> events = new ArrayList<>();
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(new byte[] {SnapshotKeys.LOADING_EVENT}); it.isValid() && it.key()[0] == SnapshotKeys.LOADING_EVENT;
           it.next()) {
        Event e = event(it.key(), it.value());
        if (!e.userId().equals(user)) {
          users += write(user, events, weighting);
          user = e.userId();
          events.clear();
        }
        events.add(e);
      }
      it.status();
    }
    users += write(user, events, weighting);
    writer.flush();
    long built = System.currentTimeMillis();
    // The range is the temporary kind byte and every key after it up to the next kind byte. The
    // compaction drops the deleted files now rather than leaving them on disk for as long as the
    // snapshot is served (the server opens it read-only, so nothing would compact them later).
    byte[] from = {SnapshotKeys.LOADING_EVENT};
    byte[] to = {SnapshotKeys.LOADING_EVENT + 1};
    db.deleteRange(from, to);
    db.compactRange(from, to);
    LOG.info("interest states of {} users from {} events: read and staged in {} ms, built in {} ms, temporary "
        + "keys removed in {} ms", users, added, started - firstAddedAt, built - started,
        System.currentTimeMillis() - built);
    return users;
  }

  /**
   * One user's HISTORY record, built by core's InterestState.of as the nightly model and the
   * stream's seed build it. The keys already order a user's events by time; its stable sort settles
   * ties by event id, and equal keys keep the table's order (the sequence number), so even an event
   * the table held twice is treated as before.
   */
  private long write(String user, List<Event> events, InterestWeighting weighting) {
    if (user == null) {
      return 0;
    }
    writer.put(SnapshotKeys.key(SnapshotKeys.HISTORY, user), InterestState.of(events, weighting, 0).toBytes());
    return 1;
  }

  /**
   * Kind byte, user id, the separator (no id holds it, so "u1" and "u10" stay apart), time as a
   * big-endian long with the sign bit flipped (so that byte order is numeric order, before 1970
   * too), then the event's position in the table scan: unique, whatever the event ids.
   */
  static byte[] key(String userId, long tsMillis, long sequence) {
    byte[] user = userId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + user.length + 1 + 16).put(SnapshotKeys.LOADING_EVENT).put(user)
        .put(SnapshotKeys.SEPARATOR.getBytes(StandardCharsets.UTF_8)).putLong(tsMillis ^ Long.MIN_VALUE)
        .putLong(sequence).array();
  }

  // The rest of the event: event id and item id (length-prefixed UTF-8), type, rating value. The
  // record lives only while this load runs, so the type's ordinal is safe.
  private static byte[] value(Event e) {
    byte[] eventId = e.eventId().getBytes(StandardCharsets.UTF_8);
    byte[] itemId = e.itemId().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(4 + eventId.length + 4 + itemId.length + 2 + 8);
    b.putInt(eventId.length).put(eventId).putInt(itemId.length).put(itemId).put((byte) e.type().ordinal());
    return b.put((byte) (e.value() == null ? 0 : 1)).putDouble(e.value() == null ? 0 : e.value()).array();
  }

  private static Event event(byte[] key, byte[] value) {
    int separatorAt = key.length - 16 - 1;
    String userId = new String(key, 1, separatorAt - 1, StandardCharsets.UTF_8);
    long ts = ByteBuffer.wrap(key, separatorAt + 1, 8).getLong() ^ Long.MIN_VALUE;
    ByteBuffer b = ByteBuffer.wrap(value);
    String eventId = string(b);
    String itemId = string(b);
    EventType type = EventType.values()[b.get()];
    boolean hasValue = b.get() != 0;
    double v = b.getDouble();
    return new Event(eventId, userId, itemId, type, hasValue ? v : null, ts);
  }

  private static String string(ByteBuffer b) {
    int length = b.getInt();
    String s = new String(b.array(), b.position(), length, StandardCharsets.UTF_8);
    b.position(b.position() + length);
    return s;
  }
}
