package io.recflow.spark;

import static org.apache.spark.sql.functions.col;

import io.recflow.core.ErasureRequest;
import io.recflow.core.Event;
import io.recflow.core.EventJson;
import io.recflow.core.EventType;
import io.recflow.core.EventValidator;
import io.recflow.core.RawEvent;
import io.recflow.core.Tables.Col;
import java.io.Serializable;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;

/**
 * Events on their way into the warehouse, as Spark rows: JSON lines read by core's
 * {@link EventJson} (the nightly {@code .jsonl} ingest and the stream both call this), and raw
 * rows judged by core's {@link EventValidator}, the same two steps the server's event endpoint
 * takes, so all three accept and reject the same records for the same reasons.
 */
public final class EventRows {
  /** The event_type of a validated row that is an erasure tombstone, which no event can have. */
  public static final String ERASURE = ErasureRequest.FIELD;

  private EventRows() {}

  /**
   * JSON-lines text (a string column {@code value}, one event per line) as raw events with the
   * {@link Schemas#RAW_EVENT} schema, each tagged with {@code source}.
   */
  public static Dataset<Row> fromJsonLines(Dataset<Row> lines, Column source) {
    MapFunction<Row, Row> parse = r -> toRow(EventJson.parse(r.getString(0), r.getString(1)));
    return lines.select(source.as(Col.SOURCE), col("value").as(Col.RAW))
        .map(parse, Encoders.row(Schemas.RAW_EVENT));
  }

  /** Validates raw rows against a fixed time, the nightly ingest's "now". */
  public static Dataset<Row> validate(Dataset<Row> raw, EventValidator v, long nowMillis) {
    return validate(raw, v, (LongSupplier & Serializable) () -> nowMillis, false);
  }

  /**
   * Validates raw rows as they are read, against the clock at that moment: the stream's future-time
   * check is relative to when an event arrives. An erasure tombstone of the live feed
   * ({@link ErasureRequest}) becomes a row of event_type {@link #ERASURE}, the erasure id as
   * event_id and its time as ts; the stream drops the user's state with it.
   */
  public static Dataset<Row> validateLive(Dataset<Row> raw, EventValidator v) {
    return validate(raw, v, (LongSupplier & Serializable) System::currentTimeMillis, true);
  }

  /** Raw rows (schema {@link Schemas#RAW_EVENT}) as rows of {@link Schemas#VALIDATED_EVENT}. */
  private static Dataset<Row> validate(Dataset<Row> raw, EventValidator v, LongSupplier clock, boolean live) {
    MapFunction<Row, Row> check = r -> {
      RawEvent e = new RawEvent(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
          r.getString(5), r.getString(6), r.getString(7), r.getString(8), r.getString(9));
      Optional<ErasureRequest> erasure = live ? ErasureRequest.parse(e.raw()) : Optional.empty();
      if (erasure.isPresent()) {
        ErasureRequest q = erasure.get();
        return RowFactory.create(q.erasureId(), q.userId(), null, ERASURE, null, new Timestamp(q.requestedAtMillis()),
            null, e.raw(), e.source(), null);
      }
      return toRow(v.validate(e, clock.getAsLong()), e);
    };
    Column[] rawColumns = Arrays.stream(Schemas.RAW_EVENT.fieldNames()).map(functions::col).toArray(Column[]::new);
    return raw.select(rawColumns).map(check, Encoders.row(Schemas.VALIDATED_EVENT));
  }

  /**
   * The event columns in the order {@link #toEvent} reads them; select them first, because rows
   * handed to a grouped function carry no schema to look names up in.
   */
  public static Column[] eventColumns() {
    return new Column[] {col(Col.EVENT_ID), col(Col.USER_ID), col(Col.ITEM_ID), col(Col.EVENT_TYPE), col(Col.VALUE),
        col(Col.TS)};
  }

  /** A row of {@link #eventColumns()} as core's {@link Event}. */
  public static Event toEvent(Row r) {
    return new Event(r.getString(0), r.getString(1), r.getString(2),
        EventType.parse(r.getString(3)).orElseThrow(() -> new IllegalStateException(
            "the events table holds an unknown event_type '" + r.getString(3) + "'")),
        r.isNullAt(4) ? null : r.getDouble(4), r.getTimestamp(5).getTime());
  }

  private static Row toRow(RawEvent e) {
    return RowFactory.create(e.source(), e.raw(), e.eventId(), e.userId(), e.itemId(), e.eventType(), e.value(),
        e.ts(), e.requestId(), e.problem());
  }

  private static Row toRow(EventValidator.Result result, RawEvent raw) {
    Event e = result.event();
    if (e == null) {
      // The user a rejected record names, if it names one at all, is kept beside it: erasure finds it by that.
      String user = raw.userId() != null && raw.userId().length() <= EventValidator.MAX_ID_LENGTH ? raw.userId() : null;
      return RowFactory.create(null, user, null, null, null, null, result.reason(), raw.raw(), raw.source(), null);
    }
    return RowFactory.create(e.eventId(), e.userId(), e.itemId(), e.type().wireName(), e.value(),
        new Timestamp(e.tsMillis()), null, raw.raw(), raw.source(), e.requestId());
  }
}
