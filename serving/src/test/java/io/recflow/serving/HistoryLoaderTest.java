package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.Event;
import io.recflow.core.EventType;
import io.recflow.core.InterestState;
import io.recflow.core.InterestWeighting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * Streaming the events through RocksDB gives every user the same interest state, to the bit, as
 * building it from the user's whole event list in memory (what the loader did before): on a real
 * RocksDB, with events out of time order, equal timestamps, ids that are prefixes of each other,
 * and more events than one write batch holds.
 */
class HistoryLoaderTest {
  private static final long DAY = 86_400_000L;
  private static final long T0 = 1_767_000_000_000L;
  // A decay and a rating neutral point make the sums depend on the order of the events.
  private static final InterestWeighting WEIGHTING = new InterestWeighting(Map.of(EventType.VIEW, 1.0,
      EventType.CLICK, 2.0, EventType.CART, 4.0, EventType.PURCHASE, 8.0, EventType.RATING, 1.0), 2.5, 7.0);

  @TempDir
  Path dir;
  private Options options;
  private RocksDB db;

  @BeforeEach
  void open() throws Exception {
    options = SnapshotLoader.loadOptions();
    db = RocksDB.open(options, dir.toString());
  }

  @AfterEach
  void close() {
    db.close();
    options.close();
  }

  @Test
  void outOfOrderEventsAndEqualTimestampsGiveTheWholeListsState() throws Exception {
    List<Event> events = List.of(
        // u1's events arrive newest first; two of them share a time, the larger id first.
        new Event("e9", "u1", "i1", EventType.PURCHASE, null, T0 + 3 * DAY),
        new Event("x", "u10", "i1", EventType.VIEW, null, T0),
        new Event("e10", "u1", "i2", EventType.RATING, 4.5, T0 + 3 * DAY),
        new Event("e3", "u1", "i2", EventType.CLICK, null, T0 + DAY),
        new Event("y", "u10", "i3", EventType.CART, null, T0 - DAY),
        new Event("e1", "u1", "i1", EventType.VIEW, null, T0),
        new Event("e2", "u1", "i3", EventType.RATING, 1.0, T0 + 2 * DAY),
        // Before 1970, and a user id outside ASCII.
        new Event("old", "ü", "i4", EventType.VIEW, null, -5 * DAY),
        new Event("new", "ü", "i4", EventType.CLICK, null, 5 * DAY),
        // An id the table should never hold twice; if it does, the state must still be today's.
        new Event("e1", "u1", "i1", EventType.VIEW, null, T0));
    assertSameStates(events, -1);
  }

  @Test
  void manyUsersAcrossManyWriteBatchesGiveTheWholeListsState() throws Exception {
    Random random = new Random(42);
    List<Event> events = new ArrayList<>();
    for (int n = 0; n < 25_000; n++) {
      EventType type = EventType.values()[random.nextInt(EventType.values().length)];
      // Few distinct times (an hour apart over 60 days), so that many of a user's events share one.
      events.add(new Event("ev" + random.nextInt(1_000_000), "u" + random.nextInt(300), "i" + random.nextInt(500), type,
          type == EventType.RATING ? 0.5 * (1 + random.nextInt(10)) : null, T0 + random.nextInt(60 * 24) * 3_600_000L));
    }
    // Half the staged events are flushed to a table file, so a user's events come from both.
    assertSameStates(events, 12_500);
  }

  @Test
  void keysGroupAUsersEventsInTimeOrder() {
    byte[] early = HistoryLoader.key("u1", -1, 7);
    byte[] late = HistoryLoader.key("u1", 1, 0);
    byte[] sameTimeLater = HistoryLoader.key("u1", 1, 1);
    byte[] otherUser = HistoryLoader.key("u10", Long.MIN_VALUE, 0);
    assertTrue(Arrays.compareUnsigned(early, late) < 0, "negative times sort before positive ones");
    assertTrue(Arrays.compareUnsigned(late, sameTimeLater) < 0, "equal times keep the scan order");
    assertTrue(Arrays.compareUnsigned(sameTimeLater, otherUser) < 0, "u1's events all sort before u10's");
  }

  /**
   * Loads the events through a HistoryLoader (flushing RocksDB's memtable to disk after
   * {@code flushAfter} events, if not negative) and checks each user's HISTORY record against the
   * state built from the user's whole list in ORDER, and that no temporary key is left.
   */
  private void assertSameStates(List<Event> events, int flushAfter) throws Exception {
    SnapshotWriter writer = new SnapshotWriter(db);
    HistoryLoader loader = new HistoryLoader(db, writer);
    for (int n = 0; n < events.size(); n++) {
      loader.add(events.get(n));
      if (n == flushAfter) {
        try (FlushOptions f = new FlushOptions().setWaitForFlush(true)) {
          db.flush(f);
        }
      }
    }
    Map<String, List<Event>> byUser = new HashMap<>();
    events.forEach(e -> byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e));
    assertEquals(byUser.size(), loader.build(WEIGHTING));
    writer.flush();

    for (Map.Entry<String, List<Event>> e : byUser.entrySet()) {
      List<Event> sorted = new ArrayList<>(e.getValue());
      sorted.sort(InterestState.ORDER);
      InterestState expected = new InterestState();
      sorted.forEach(ev -> expected.add(ev, WEIGHTING, 0));
      byte[] stored = db.get(SnapshotKeys.key(SnapshotKeys.HISTORY, e.getKey()));
      InterestState actual = InterestState.fromBytes(stored);
      assertEquals(expected.confidences(), actual.confidences(), e.getKey());
      assertEquals(expected.newestTs(), actual.newestTs(), e.getKey());
      assertEquals(expected.rememberedIds(), actual.rememberedIds(), e.getKey());
      // Both states saw the same events in the same order, so even their hash maps iterate alike.
      assertArrayEquals(expected.toBytes(), stored, e.getKey());
    }
    TreeSet<String> users = new TreeSet<>();
    try (RocksIterator it = db.newIterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        assertFalse(it.key()[0] == SnapshotKeys.LOADING_EVENT, "a temporary key is left");
        if (it.key()[0] == SnapshotKeys.HISTORY) {
          users.add(SnapshotKeys.id(it.key()));
        }
      }
    }
    assertEquals(new TreeSet<>(byUser.keySet()), users);
  }
}
