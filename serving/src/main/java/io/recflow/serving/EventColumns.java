package io.recflow.serving;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.recflow.core.Event;
import io.recflow.core.EventType;
import io.recflow.core.Tables.Col;
import java.util.List;

/**
 * Reads rows of the {@code events} table, scanned with the columns {@link #NAMES} in that order,
 * as core's {@link Event}: the snapshot loader builds users' histories from them, and the live
 * tail adds the events the stream appends.
 */
final class EventColumns {
  static final List<String> NAMES = List.of(Col.EVENT_ID, Col.USER_ID, Col.ITEM_ID, Col.EVENT_TYPE, Col.VALUE, Col.TS);

  private EventColumns() {}

  static Event event(ColumnarBatch b, int i) {
    ColumnVector value = b.getColumnVector(4);
    return new Event(b.getColumnVector(0).getString(i), b.getColumnVector(1).getString(i),
        b.getColumnVector(2).getString(i),
        EventType.parse(b.getColumnVector(3).getString(i)).orElseThrow(() -> new IllegalStateException(
            "the events table holds an unknown event_type '" + b.getColumnVector(3).getString(i) + "'")),
        value.isNullAt(i) ? null : value.getDouble(i), DeltaReader.millis(b.getColumnVector(5), i));
  }
}
