package io.recflow.training;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.recflow.core.Event;
import io.recflow.core.InterestState;
import io.recflow.core.InterestWeighting;
import io.recflow.core.Tables.Col;
import io.recflow.spark.EventRows;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Step 2 of the nightly job: turns each user's events into one confidence per (user, item) with
 * core's {@link InterestState}, the builder the stream and the server use too, so all three hold
 * the same numbers to the bit. Time decay is measured from each user's newest event, not from the
 * wall clock, so re-running on the same data gives the same model and a user's confidences depend
 * on that user's events alone.
 */
public final class InterestModel {
  private static final StructType SCHEMA = new StructType().add(Col.USER_ID, StringType, false)
      .add(Col.ITEM_ID, StringType, false).add(Col.CONFIDENCE, DoubleType, false).add(Col.TS, TimestampType, false);

  private InterestModel() {}

  /**
   * Returns user_id, item_id, confidence and ts (the pair's newest event) for every pair with at
   * least one event.
   */
  public static Dataset<Row> interactions(Dataset<Row> events, InterestWeighting weighting) {
    FlatMapGroupsFunction<String, Row, Row> perUser = (user, rows) -> {
      List<Event> history = new ArrayList<>();
      Map<String, Long> newest = new HashMap<>();
      rows.forEachRemaining(r -> {
        Event e = EventRows.toEvent(r);
        history.add(e);
        newest.merge(e.itemId(), e.tsMillis(), Math::max);
      });
      // The stored events are distinct by event_id already; no de-duplication window is needed.
      InterestState state = InterestState.of(history, weighting, 0);
      List<Row> out = new ArrayList<>(state.confidences().size());
      state.confidences().forEach((item, c) -> out.add(RowFactory.create(user, item, c,
          new Timestamp(newest.get(item)))));
      return out.iterator();
    };
    return events.select(EventRows.eventColumns())
        .groupByKey((MapFunction<Row, String>) r -> r.getString(1), Encoders.STRING())
        .flatMapGroups(perUser, Encoders.row(SCHEMA));
  }
}
