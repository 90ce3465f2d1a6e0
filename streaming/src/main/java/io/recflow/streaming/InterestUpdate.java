package io.recflow.streaming;

import io.recflow.core.ErasureRequest;
import io.recflow.core.Event;
import io.recflow.core.EventType;
import io.recflow.core.InterestState;
import io.recflow.core.InterestWeighting;
import io.recflow.core.Tables.Col;
import io.recflow.spark.EventRows;
import io.recflow.spark.Schemas;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.GroupState;

/**
 * The stateful step: for each user touched by a micro-batch, adds the batch's events to the user's
 * {@link InterestState} (kept in Spark's state store) and emits the accepted events, the dropped
 * duplicates and one record with all the user's confidences. Rejected records share the stream
 * under reserved keys (no valid user id can start with a control character) and pass through
 * without state, so one query, one checkpoint and one commit cover every output.
 *
 * <p>An erasure tombstone in the feed removes the user's state, and drops their events that came
 * before it in the feed ({@link FeedOrder}); the user's later events start a new state.
 */
final class InterestUpdate implements FlatMapGroupsWithStateFunction<String, Row, byte[], StreamRecord> {
  private static final long serialVersionUID = 1L;
  private static final String QUARANTINE_KEY = "\u0000quarantine-";
  private static final int QUARANTINE_BUCKETS = 4;
  // Rows reach a grouped function without their schema, so fields are found by position, once.
  private static final int EVENT_ID = Schemas.VALIDATED_EVENT.fieldIndex(Col.EVENT_ID);
  private static final int USER_ID = Schemas.VALIDATED_EVENT.fieldIndex(Col.USER_ID);
  private static final int ITEM_ID = Schemas.VALIDATED_EVENT.fieldIndex(Col.ITEM_ID);
  private static final int EVENT_TYPE = Schemas.VALIDATED_EVENT.fieldIndex(Col.EVENT_TYPE);
  private static final int VALUE = Schemas.VALIDATED_EVENT.fieldIndex(Col.VALUE);
  private static final int TS = Schemas.VALIDATED_EVENT.fieldIndex(Col.TS);
  private static final int REASON = Schemas.VALIDATED_EVENT.fieldIndex(Col.REASON);
  private static final int RAW = Schemas.VALIDATED_EVENT.fieldIndex(Col.RAW);
  private static final int SOURCE = Schemas.VALIDATED_EVENT.fieldIndex(Col.SOURCE);
  private static final int REQUEST_ID = Schemas.VALIDATED_EVENT.fieldIndex(Col.REQUEST_ID);

  private final InterestWeighting weighting;
  private final long dedupWindowMillis;

  InterestUpdate(InterestWeighting weighting, long dedupWindowMillis) {
    this.weighting = weighting;
    this.dedupWindowMillis = dedupWindowMillis;
  }

  /** Groups validated rows ({@code Schemas.VALIDATED_EVENT}) by user; rejected ones by a reserved key. */
  static MapFunction<Row, String> key() {
    return r -> r.isNullAt(REASON) ? r.getString(USER_ID)
        : QUARANTINE_KEY + Math.floorMod(String.valueOf(r.getString(RAW)).hashCode(), QUARANTINE_BUCKETS);
  }

  @Override
  public Iterator<StreamRecord> call(String key, Iterator<Row> rows, GroupState<byte[]> state) {
    List<StreamRecord> out = new ArrayList<>();
    if (key.startsWith(QUARANTINE_KEY)) {
      rows.forEachRemaining(r -> out.add(rejected(r)));
      return out.iterator();
    }
    List<Row> eventRows = new ArrayList<>();
    List<Row> erasures = new ArrayList<>();
    rows.forEachRemaining(r -> (EventRows.ERASURE.equals(r.getString(EVENT_TYPE)) ? erasures : eventRows).add(r));
    boolean erased = !erasures.isEmpty();
    if (erased) {
      // The user's events from the feed up to the tombstone were in flight when the erasure was
      // made: they go with the rest of the user's data. Later ones start a new user.
      String last = erasures.stream().map(r -> r.getString(SOURCE)).max(FeedOrder::compare).orElseThrow();
      eventRows.removeIf(r -> {
        boolean inFlight = FeedOrder.compare(r.getString(SOURCE), last) <= 0;
        if (inFlight) {
          out.add(accepted(event(r), StreamRecord.ERASED));
        }
        return inFlight;
      });
      erasures.forEach(r -> out.add(erasure(r)));
      state.remove();
    }
    List<Event> events = new ArrayList<>();
    eventRows.forEach(r -> events.add(event(r)));
    events.sort(InterestState.ORDER);
    if (events.isEmpty()) {
      // Called without events only in the first batch, for a key of the seed: Spark keeps a seeded
      // state only if the function writes it.
      if (!erased && state.exists()) {
        state.update(state.get());
      }
      return out.iterator();
    }
    InterestState s = !erased && state.exists() ? InterestState.fromBytes(state.get()) : new InterestState();
    boolean changed = false;
    for (Event e : events) {
      boolean added = s.add(e, weighting, dedupWindowMillis, events.get(events.size() - 1).tsMillis());
      changed |= added;
      out.add(accepted(e, added ? StreamRecord.EVENT : StreamRecord.DUPLICATE));
    }
    if (changed) {
      state.update(s.toBytes());
      out.add(user(key, s));
    }
    return out.iterator();
  }

  private static Event event(Row r) {
    Double value = r.isNullAt(VALUE) ? null : r.getDouble(VALUE);
    return new Event(r.getString(EVENT_ID), r.getString(USER_ID), r.getString(ITEM_ID),
        EventType.parse(r.getString(EVENT_TYPE)).orElseThrow(), value, r.getTimestamp(TS).getTime(),
        r.getString(REQUEST_ID));
  }

  private static StreamRecord erasure(Row r) {
    StreamRecord out = StreamRecord.of(StreamRecord.ERASURE);
    out.setEventId(r.getString(EVENT_ID));
    out.setUserId(r.getString(USER_ID));
    out.setTs(r.getTimestamp(TS));
    out.setRequestedBy(ErasureRequest.parse(r.getString(RAW)).map(ErasureRequest::requestedBy).orElse(""));
    return out;
  }

  private static StreamRecord rejected(Row r) {
    StreamRecord out = StreamRecord.of(StreamRecord.QUARANTINE);
    out.setRaw(r.getString(RAW));
    out.setSource(r.getString(SOURCE));
    out.setReason(r.getString(REASON));
    out.setUserId(r.getString(USER_ID));
    return out;
  }

  private static StreamRecord accepted(Event e, String kind) {
    StreamRecord out = StreamRecord.of(kind);
    out.setEventId(e.eventId());
    out.setUserId(e.userId());
    out.setItemId(e.itemId());
    out.setEventType(e.type().wireName());
    out.setValue(e.value());
    out.setTs(new Timestamp(e.tsMillis()));
    out.setRequestId(e.requestId());
    return out;
  }

  private static StreamRecord user(String userId, InterestState s) {
    StreamRecord out = StreamRecord.of(StreamRecord.USER);
    out.setUserId(userId);
    out.setTs(new Timestamp(s.newestTs()));
    Map<String, Double> c = s.confidences();
    String[] items = new String[c.size()];
    double[] values = new double[c.size()];
    int i = 0;
    for (Map.Entry<String, Double> e : c.entrySet()) {
      items[i] = e.getKey();
      values[i++] = e.getValue();
    }
    out.setItems(items);
    out.setConfidences(values);
    return out;
  }
}
