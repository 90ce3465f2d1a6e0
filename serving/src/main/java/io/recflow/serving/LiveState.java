package io.recflow.serving;

import io.delta.kernel.data.ColumnarBatch;
import io.recflow.core.Event;
import io.recflow.core.InterestState;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What has happened since a snapshot was loaded, read from the warehouse by Delta table version:
 * the streaming job's live vectors for the snapshot's model version ({@code user_vectors_rt}),
 * which override the nightly ones, and the events appended since ({@code events}), which keep
 * each touched user's history (seen items, confidences for explanations) current. Each
 * {@link #catchUp()} reads only the commits it has not read yet.
 *
 * <p>The stream commits a batch's events and vectors separately, in either order. A vector is
 * therefore served only once the user's history holds the events it was computed from (its
 * last_event_ts), so a user never gets a new vector beside an old list of seen items, such as an
 * item bought a second ago recommended again.
 */
final class LiveState {
  private static final Logger LOG = LoggerFactory.getLogger(LiveState.class);
  private static final List<String> VECTOR_COLUMNS =
      List.of(Col.USER_ID, Col.MODEL_VERSION, Col.VECTOR, Col.WRITTEN_AT, Col.LAST_EVENT_TS);
  /** A vector waits at most this long for its events, in case they reach the warehouse another way. */
  private static final long MAX_WAIT_MILLIS = 30_000;
  /**
   * How long an event's id is remembered after the user's newest event: an event posted here is
   * applied at once and comes back through the events table later, minutes at most, and must not be
   * counted again.
   */
  private static final long POSTED_DEDUP_MILLIS = 24 * 3_600_000L;

  private record Live(float[] vector, long writtenAt, long lastEventMillis, long seenAtMillis) {}

  private final ModelSnapshot snapshot;
  private final DeltaReader reader;
  private final Erasures erasures;
  private final Map<String, Live> vectors = new ConcurrentHashMap<>();
  /** Vectors read whose events the history does not hold yet; only the catching-up thread uses it. */
  private final Map<String, Live> pending = new HashMap<>();
  private final Map<String, InterestState> histories = new ConcurrentHashMap<>();
  private long eventsVersion;
  private long vectorsVersion = -1;
  private long itemsVersion;
  private volatile long caughtUpAtMillis;

  LiveState(ModelSnapshot snapshot, DeltaReader reader, Erasures erasures) throws RocksDBException {
    this.snapshot = snapshot;
    this.reader = reader;
    this.erasures = erasures;
    this.eventsVersion = snapshot.eventsVersion();
    this.itemsVersion = snapshot.itemsVersion();
  }

  /** The newest live vector of the user in the snapshot's model space, if the stream wrote one. */
  Optional<float[]> vector(String userId) {
    Live v = vectors.get(userId);
    return v == null ? Optional.empty() : Optional.of(v.vector);
  }

  /** The user's current history: the snapshot's, plus every event appended since. */
  Optional<InterestState> history(String userId) throws RocksDBException {
    InterestState live = histories.get(userId);
    return live != null ? Optional.of(live) : snapshot.history(userId);
  }

  /** Users with a live vector. */
  int liveUsers() {
    return vectors.size();
  }

  /** When the overlay last matched the newest versions of both tables (epoch ms; 0 = never). */
  long caughtUpAtMillis() {
    return caughtUpAtMillis;
  }

  /** Reads the commits added since the last call. Called by one thread at a time. */
  synchronized void catchUp() throws RocksDBException {
    long started = System.currentTimeMillis();
    long latestVectors = reader.version(Tables.USER_VECTORS_RT);
    if (latestVectors > vectorsVersion) {
      if (vectorsVersion < 0) {
        reader.scanWhere(Tables.USER_VECTORS_RT, latestVectors, Col.MODEL_VERSION, snapshot.version(), VECTOR_COLUMNS,
            (b, i) -> applyVector(b, i));
      } else {
        reader.added(Tables.USER_VECTORS_RT, vectorsVersion + 1, latestVectors, VECTOR_COLUMNS, this::applyVector);
      }
      vectorsVersion = latestVectors;
    }
    long latestEvents = reader.version(Tables.EVENTS);
    if (latestEvents > eventsVersion) {
      Map<String, List<Event>> byUser = new HashMap<>();
      long from = eventsVersion + 1;
      reader.added(Tables.EVENTS, from, latestEvents, EventColumns.NAMES, (b, i) -> {
        Event e = EventColumns.event(b, i);
        if (e.tsMillis() < erasures.before(e.userId())) {
          return; // reached the table before the stream learnt of the erasure; the next erasure run deletes it
        }
        byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
        snapshot.signals().trending().add(snapshot.items().row(e.itemId()), e.tsMillis());
      });
      for (Map.Entry<String, List<Event>> e : byUser.entrySet()) {
        apply(e.getKey(), e.getValue());
      }
      eventsVersion = latestEvents;
      LOG.debug("events {}..{}: {} users' histories updated", from, latestEvents, byUser.size());
    }
    long latestItems = reader.version(Tables.ITEMS);
    if (latestItems > itemsVersion) {
      followCatalog(latestItems);
      itemsVersion = latestItems;
    }
    publishReady(started);
    caughtUpAtMillis = started;
  }

  /**
   * A withdrawal or a new expiry in the catalog takes effect at the next catch-up, not the next
   * snapshot: the catalog's restricted items are read whole and swapped in at once.
   */
  private void followCatalog(long version) {
    int n = snapshot.items().size();
    BitSet withdrawn = new BitSet(n);
    long[] expiresAt = new long[n];
    Arrays.fill(expiresAt, Long.MAX_VALUE);
    SnapshotLoader.restricted(reader, version, (id, out, expiry) -> {
      int row = snapshot.items().row(id);
      if (row >= 0) {
        withdrawn.set(row, out);
        expiresAt[row] = expiry;
      }
    });
    snapshot.signals().availability(withdrawn, expiresAt);
    LOG.info("catalog version {}: {} items withdrawn, {} with an expiry", version, withdrawn.cardinality(),
        Arrays.stream(expiresAt).filter(t -> t != Long.MAX_VALUE).count());
  }

  /**
   * Events this server accepted, applied to their users' histories at once, so that the user's next
   * request already follows them; when the same events come back through the events table, their
   * ids are recognised and they are not counted twice.
   */
  void applyPosted(List<Event> events) {
    Map<String, List<Event>> byUser = new HashMap<>();
    events.forEach(e -> byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e));
    byUser.forEach(this::apply); // trending counts them when the tail brings them, once
  }

  /** Adds a user's events to a copy of their history, published whole: a request never sees one half updated. */
  private void apply(String userId, List<Event> events) {
    List<Event> ordered = new ArrayList<>(events);
    ordered.sort(InterestState.ORDER);
    histories.compute(userId, (u, current) -> {
      InterestState state;
      try {
        state = current != null ? InterestState.fromBytes(current.toBytes())
            : snapshot.history(u).map(h -> InterestState.fromBytes(h.toBytes())).orElseGet(InterestState::new);
      } catch (RocksDBException e) {
        throw new IllegalStateException("cannot read the history of user " + u + " from the snapshot", e);
      }
      ordered.forEach(ev -> state.add(ev, snapshot.weighting(), POSTED_DEDUP_MILLIS));
      return state;
    });
  }

  /** Serves the pending vectors whose events the histories now hold (or that waited too long). */
  private void publishReady(long now) throws RocksDBException {
    Iterator<Map.Entry<String, Live>> it = pending.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Live> e = it.next();
      long newest = history(e.getKey()).map(InterestState::newestTs).orElse(Long.MIN_VALUE);
      if (newest >= e.getValue().lastEventMillis || now - e.getValue().seenAtMillis > MAX_WAIT_MILLIS) {
        vectors.merge(e.getKey(), e.getValue(), (old, neu) -> neu.writtenAt >= old.writtenAt ? neu : old);
        it.remove();
      }
    }
  }

  private void applyVector(ColumnarBatch b, int i) {
    if (b.getColumnVector(1).getLong(i) != snapshot.version()) {
      return;
    }
    String user = b.getColumnVector(0).getString(i);
    long writtenAt = DeltaReader.millis(b.getColumnVector(3), i);
    if (writtenAt < erasures.before(user)) {
      return;
    }
    Live next = new Live(SnapshotLoader.toFloats(b.getColumnVector(2).getArray(i)), b.getColumnVector(3).getLong(i),
        DeltaReader.millis(b.getColumnVector(4), i), System.currentTimeMillis());
    pending.merge(user, next, (old, neu) -> neu.writtenAt >= old.writtenAt ? neu : old);
  }

  /**
   * Forgets what this overlay holds of a user from before their erasure (the caller has recorded it
   * in {@link Erasures}, which keeps older rows out from now on); erases them from the snapshot too
   * when it was loaded before the erasure.
   */
  synchronized void erase(String userId, long atMillis) throws RocksDBException {
    vectors.remove(userId);
    pending.remove(userId);
    histories.remove(userId);
    if (snapshot.loadedAtMillis() < atMillis) {
      snapshot.erase(userId);
    }
  }
}
