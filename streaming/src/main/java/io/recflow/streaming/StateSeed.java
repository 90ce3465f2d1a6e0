package io.recflow.streaming;

import io.recflow.batch.Schemas;
import io.recflow.batch.Warehouse;
import io.recflow.core.Event;
import io.recflow.core.EventType;
import io.recflow.core.InterestState;
import io.recflow.core.InterestWeighting;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapGroupsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.KeyValueGroupedDataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * The state a new stream starts from: every user's confidences over the events already in the
 * warehouse, so that a user's first live event is folded in on top of their whole history.
 *
 * <p>The seed reads {@code events} at one Delta version, written into the checkpoint directory
 * before the query first starts. Spark applies the seed until the first batch commits; should the
 * stream crash before that, the restart reads the same version, not one that already holds the
 * crashed batch's events.
 */
final class StateSeed {
  private static final String PIN_FILE = "recflow-seed-events-version";

  private StateSeed() {}

  static KeyValueGroupedDataset<String, byte[]> initialState(Warehouse warehouse, InterestWeighting weighting,
                                                             long dedupWindowMillis, String checkpointDir) {
    long version = pinnedVersion(warehouse, checkpointDir);
    Dataset<Row> events = version < 0
        ? warehouse.spark().createDataFrame(List.of(), Schemas.EVENTS)
        : warehouse.readAt(Tables.EVENTS, version);
    // Grouped rows carry no schema: the select fixes the positions read below.
    events = events.select(Col.USER_ID, Col.EVENT_ID, Col.ITEM_ID, Col.EVENT_TYPE, Col.VALUE, Col.TS);
    MapGroupsFunction<String, Row, Tuple2<String, byte[]>> seed = (user, rows) -> {
      List<Event> list = new ArrayList<>();
      rows.forEachRemaining(r -> list.add(new Event(r.getString(1), user, r.getString(2),
          EventType.parse(r.getString(3)).orElseThrow(), r.isNullAt(4) ? null : r.getDouble(4),
          r.getTimestamp(5).getTime())));
      list.sort(Comparator.comparingLong(Event::tsMillis).thenComparing(Event::eventId));
      InterestState s = new InterestState();
      list.forEach(e -> s.add(e, weighting, dedupWindowMillis));
      return new Tuple2<>(user, s.toBytes());
    };
    return events.groupByKey((MapFunction<Row, String>) r -> r.getString(0),
            Encoders.STRING())
        .mapGroups(seed, Encoders.tuple(Encoders.STRING(), Encoders.BINARY()))
        .groupByKey((MapFunction<Tuple2<String, byte[]>, String>) t -> t._1(),
            Encoders.STRING())
        .mapValues((MapFunction<Tuple2<String, byte[]>, byte[]>) t -> t._2(),
            Encoders.BINARY());
  }

  /** The events version this checkpoint seeds from: read from the checkpoint, or pinned now. */
  private static long pinnedVersion(Warehouse warehouse, String checkpointDir) {
    Path pin = new Path(checkpointDir, PIN_FILE);
    try {
      FileSystem fs = pin.getFileSystem(warehouse.spark().sparkContext().hadoopConfiguration());
      if (fs.exists(pin)) {
        try (FSDataInputStream in = fs.open(pin)) {
          return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
        }
      }
      long version = warehouse.exists(Tables.EVENTS) ? warehouse.version(Tables.EVENTS) : -1;
      fs.mkdirs(pin.getParent());
      try (FSDataOutputStream out = fs.create(pin, false)) {
        out.write(Long.toString(version).getBytes(StandardCharsets.UTF_8));
      }
      return version;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + pin, e);
    }
  }
}
