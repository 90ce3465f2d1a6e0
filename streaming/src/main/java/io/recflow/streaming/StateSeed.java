package io.recflow.streaming;

import io.recflow.core.Event;
import io.recflow.core.InterestState;
import io.recflow.core.InterestWeighting;
import io.recflow.core.Tables;
import io.recflow.spark.EventRows;
import io.recflow.spark.Schemas;
import io.recflow.spark.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapGroupsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.KeyValueGroupedDataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * The state a new stream starts from: every user's confidences over the events already in the
 * warehouse, so that a user's first live event is folded in on top of their whole history.
 *
 * <p>The seed is computed once, when the query first starts, and written as Parquet into the
 * checkpoint directory (complete only with its {@code _SUCCESS} marker). Two reasons: should the
 * stream crash before its first commit, the restart reads the same seed, not an events table
 * that already holds part of the crashed batch; and Spark plans the seed into every micro-batch,
 * which costs a few milliseconds for a Parquet directory but over half a second for a Delta
 * table read at a version.
 */
final class StateSeed {
  private StateSeed() {}

  /**
   * The initial state of the query: the seed until the first batch commits; then none, since Spark
   * reads the state from the checkpoint from then on, and the seed (every user's history) is deleted
   * rather than kept where an erasure would have to find it.
   */
  static KeyValueGroupedDataset<String, byte[]> initialState(Warehouse warehouse, InterestWeighting weighting,
                                                             long dedupWindowMillis, String checkpointDir,
                                                             String dir) {
    SparkSession spark = warehouse.spark();
    Dataset<Tuple2<String, byte[]>> seed;
    if (exists(spark, new Path(new Path(checkpointDir, "commits"), "0"))) {
      delete(spark, new Path(dir));
      seed = spark.createDataset(List.of(), Encoders.tuple(Encoders.STRING(), Encoders.BINARY()));
    } else {
      if (!exists(spark, new Path(dir, "_SUCCESS"))) {
        compute(warehouse, weighting, dedupWindowMillis).write().mode(SaveMode.Overwrite).parquet(dir);
      }
      seed = spark.read().parquet(dir).as(Encoders.tuple(Encoders.STRING(), Encoders.BINARY()));
    }
    return seed.groupByKey((MapFunction<Tuple2<String, byte[]>, String>) Tuple2::_1, Encoders.STRING())
        .mapValues((MapFunction<Tuple2<String, byte[]>, byte[]>) Tuple2::_2, Encoders.BINARY());
  }

  /** Every user's state over the stored events, as (user, InterestState bytes). */
  static Dataset<Tuple2<String, byte[]>> compute(Warehouse warehouse, InterestWeighting weighting,
                                                         long dedupWindowMillis) {
    Dataset<Row> events = warehouse.exists(Tables.EVENTS)
        ? warehouse.read(Tables.EVENTS)
        : warehouse.spark().createDataFrame(List.of(), Schemas.of(Tables.EVENTS));
    MapGroupsFunction<String, Row, Tuple2<String, byte[]>> seed = (user, rows) -> {
      List<Event> history = new ArrayList<>();
      rows.forEachRemaining(r -> history.add(EventRows.toEvent(r)));
      return new Tuple2<>(user, InterestState.of(history, weighting, dedupWindowMillis).toBytes());
    };
    return events.select(EventRows.eventColumns())
        .groupByKey((MapFunction<Row, String>) r -> r.getString(1), Encoders.STRING())
        .mapGroups(seed, Encoders.tuple(Encoders.STRING(), Encoders.BINARY()));
  }

  private static boolean exists(SparkSession spark, Path p) {
    try {
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  private static void delete(SparkSession spark, Path p) {
    try {
      p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + p, e);
    }
  }
}
