package io.recflow.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What the streaming job remembers about one user: the confidence r_ui of every item the user has
 * touched, decayed to the user's newest event as {@link InterestWeighting} defines it, plus the
 * ids of recent events so that a re-delivered event is not counted twice.
 *
 * <p>State is kept per item, not as a vector, for two reasons: the user's vector can then be
 * recomputed exactly (the fold-in needs every r_ui), and it can be recomputed against any model
 * version, which is how the stream switches to a newly published model without a restart.
 *
 * <p>The byte form is recflow's own (a version byte, then fields), so Spark's state store holds
 * an opaque binary that does not change when this class gains fields.
 */
public final class InterestState {
  /**
   * The order in which to add a set of events (time, then id): the floating-point sums, and so the
   * vectors, then come out the same however the events were shuffled or batched.
   */
  public static final Comparator<Event> ORDER = Comparator.comparingLong(Event::tsMillis).thenComparing(Event::eventId);
  /** Format 2 added each item's newest event time; format 1 states are still read (without the times). */
  private static final byte FORMAT = 2;

  private final Map<String, Double> confidences;
  private final Map<String, Long> itemTs;
  private final Map<String, Long> recentEventIds;
  private long newestTs;

  public InterestState() {
    this(new HashMap<>(), new HashMap<>(), new HashMap<>(), Long.MIN_VALUE);
  }

  private InterestState(Map<String, Double> confidences, Map<String, Long> itemTs, Map<String, Long> recentEventIds,
                        long newestTs) {
    this.confidences = confidences;
    this.itemTs = itemTs;
    this.recentEventIds = recentEventIds;
    this.newestTs = newestTs;
  }

  /**
   * One user's state from a set of their events in any order: the nightly model, the stream's seed
   * and the server's snapshot all build states here, so that they hold the same numbers to the bit.
   */
  public static InterestState of(Collection<Event> events, InterestWeighting weighting, long dedupWindowMillis) {
    List<Event> ordered = new ArrayList<>(events);
    ordered.sort(ORDER);
    InterestState state = new InterestState();
    for (Event e : ordered) {
      state.add(e, weighting, dedupWindowMillis);
    }
    return state;
  }

  /**
   * Adds one event unless its id has been seen before and the user's newest event has moved less
   * than {@code dedupWindowMillis} past the point where it was first seen; returns whether it was
   * added. When the event is the user's newest, everything
   * remembered so far is decayed to its time first, so the confidences always equal a fresh
   * aggregation of all the user's events (up to floating-point rounding).
   */
  public boolean add(Event e, InterestWeighting weighting, long dedupWindowMillis) {
    return add(e, weighting, dedupWindowMillis, Long.MIN_VALUE);
  }

  /**
   * Like {@link #add(Event, InterestWeighting, long)} for an event that arrived together with
   * others, the newest of them at {@code arrivedWithTs}: its id is remembered against the user's
   * clock after all of them. Added in {@link #ORDER}, a batch's late event comes first, and its id,
   * remembered against the clock at that point, would be forgotten as soon as the batch's newer
   * events moved the clock a window further; a re-delivery in a later batch would then count again,
   * where the same re-delivery in the same batch does not.
   */
  public boolean add(Event e, InterestWeighting weighting, long dedupWindowMillis, long arrivedWithTs) {
    if (recentEventIds.containsKey(e.eventId())) {
      return false;
    }
    if (e.tsMillis() > newestTs) {
      if (newestTs != Long.MIN_VALUE) {
        double factor = weighting.decay(newestTs, e.tsMillis());
        if (factor != 1.0) {
          confidences.replaceAll((item, r) -> r * factor);
        }
      }
      newestTs = e.tsMillis();
      forgetIdsBefore(newestTs - dedupWindowMillis);
    }
    confidences.merge(e.itemId(), weighting.contribution(e.type(), e.value(), e.tsMillis(), newestTs), Double::sum);
    itemTs.merge(e.itemId(), e.tsMillis(), Math::max);
    // Remembered against the user's clock when it arrived, not its own time, so that a late
    // event's re-delivery is recognised as well as a fresh one's.
    recentEventIds.put(e.eventId(), Math.max(newestTs, arrivedWithTs));
    return true;
  }

  private void forgetIdsBefore(long cutoff) {
    Iterator<Map.Entry<String, Long>> it = recentEventIds.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getValue() < cutoff) {
        it.remove();
      }
    }
  }

  /** r_ui by item id, decayed to {@link #newestTs()}. */
  public Map<String, Double> confidences() {
    return Collections.unmodifiableMap(confidences);
  }

  /**
   * The items with positive interest, newest event first (ties by id): the order the ranking's
   * content profile and co-visitation read. A state stored before item times were kept (format 1)
   * orders by confidence instead.
   */
  public List<String> positiveItemsNewestFirst() {
    List<String> items = new ArrayList<>();
    confidences.forEach((item, c) -> {
      if (c > 0) {
        items.add(item);
      }
    });
    items.sort(Comparator.comparingLong((String i) -> -itemTs.getOrDefault(i, Long.MIN_VALUE))
        .thenComparing(i -> -confidences.get(i)).thenComparing(i -> i));
    return items;
  }

  /** When the item's newest event happened; {@code Long.MIN_VALUE} when unknown. */
  public long itemTs(String itemId) {
    return itemTs.getOrDefault(itemId, Long.MIN_VALUE);
  }

  /** Time of the user's newest event, epoch milliseconds; {@code Long.MIN_VALUE} when empty. */
  public long newestTs() {
    return newestTs;
  }

  /** How many event ids are remembered for de-duplication. */
  public int rememberedIds() {
    return recentEventIds.size();
  }

  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + confidences.size() * 24);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeLong(newestTs);
      out.writeInt(confidences.size());
      for (Map.Entry<String, Double> e : confidences.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeDouble(e.getValue());
      }
      out.writeInt(recentEventIds.size());
      for (Map.Entry<String, Long> e : recentEventIds.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue());
      }
      out.writeInt(itemTs.size());
      for (Map.Entry<String, Long> e : itemTs.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static InterestState fromBytes(byte[] b) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
      byte format = in.readByte();
      if (format != FORMAT && format != 1) {
        throw new IllegalStateException("streaming state has format " + format + " but this recflow reads format "
            + FORMAT + "; start the stream with a new checkpoint (stream.checkpointDir) to rebuild its state");
      }
      long newest = in.readLong();
      int n = in.readInt();
      Map<String, Double> conf = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        conf.put(in.readUTF(), in.readDouble());
      }
      int m = in.readInt();
      Map<String, Long> ids = new HashMap<>(m * 2);
      for (int i = 0; i < m; i++) {
        ids.put(in.readUTF(), in.readLong());
      }
      Map<String, Long> times = new HashMap<>();
      if (format >= 2) {
        int t = in.readInt();
        for (int i = 0; i < t; i++) {
          times.put(in.readUTF(), in.readLong());
        }
      }
      return new InterestState(conf, times, ids, newest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
