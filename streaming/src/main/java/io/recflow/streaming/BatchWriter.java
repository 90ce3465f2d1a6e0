package io.recflow.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import io.recflow.core.FoldIn;
import io.recflow.core.InterestWeighting;
import io.recflow.core.TableDef;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.spark.Schemas;
import io.recflow.spark.Vectors;
import io.recflow.spark.Warehouse;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one micro-batch: accepted events to {@code events}, rejected records to
 * {@code events_quarantine}, the touched users' fold-ins to {@code user_vectors_rt}, and erasure
 * tombstones to {@code erasures}, where the nightly job and every server find them.
 *
 * <p>Every write carries Delta's {@code txnAppId} (the query's id, which survives restarts from
 * the checkpoint) and {@code txnVersion} (the batch id). When a crash falls between these writes
 * and the checkpoint's commit, Spark runs the batch again, and Delta skips each write it has
 * already committed: no row is lost or duplicated.
 */
final class BatchWriter {
  private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

  private final Warehouse warehouse;
  private final LiveModel model;

  BatchWriter(Warehouse warehouse, InterestWeighting weighting) {
    this.warehouse = warehouse;
    this.model = new LiveModel(warehouse, weighting);
  }

  /** What one batch wrote and how long each step took, for the log. */
  record Counts(long events, long duplicates, long quarantined, long users, long erasures, long erasedEvents,
                Long modelVersion, Map<String, Long> millis) {}

  void write(Dataset<StreamRecord> batch, long batchId) throws Exception {
    String appId = "recflow-stream-" + queryId(batch);
    Timestamp now = new Timestamp(System.currentTimeMillis());
    Dataset<StreamRecord> records = batch.persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Long> millis = new ConcurrentSkipListMap<>();
    long start = System.nanoTime();
    try {
      Map<String, Long> kinds = new HashMap<>();
      for (Row r : records.groupBy("kind").count().collectAsList()) {
        kinds.put(r.getString(0), r.getLong(1));
      }
      millis.put("state", (System.nanoTime() - start) / 1_000_000);
      long modelStart = System.nanoTime();
      Optional<LiveModel.Loaded> m = model.current();
      millis.put("model", (System.nanoTime() - modelStart) / 1_000_000);
      // The three writes go to different tables and do not depend on each other; run concurrently,
      // a batch takes as long as its slowest commit instead of the sum of all three.
      List<Callable<Void>> writes = new ArrayList<>();
      if (kinds.getOrDefault(StreamRecord.EVENT, 0L) > 0) {
        writes.add(timed(millis, "events", () -> append(warehouse, Tables.EVENTS, events(records, now), appId,
            batchId)));
      }
      if (kinds.getOrDefault(StreamRecord.QUARANTINE, 0L) > 0) {
        writes.add(timed(millis, "quarantine", () -> append(warehouse, Tables.EVENTS_QUARANTINE,
            rejected(records, now), appId, batchId)));
      }
      if (m.isPresent() && kinds.getOrDefault(StreamRecord.USER, 0L) > 0) {
        Dataset<Row> vectors = records.filter(col("kind").equalTo(StreamRecord.USER))
            .mapPartitions(foldIn(m.get().foldIn(), m.get().version(), batchId, now),
                Encoders.row(Schemas.of(Tables.USER_VECTORS_RT)));
        writes.add(timed(millis, "vectors", () -> append(warehouse, Tables.USER_VECTORS_RT, vectors, appId,
            batchId)));
      }
      if (kinds.getOrDefault(StreamRecord.ERASURE, 0L) > 0) {
        writes.add(timed(millis, "erasures", () -> append(warehouse, Tables.ERASURES, erasures(records, now), appId,
            batchId)));
      }
      runAll(writes);
      Counts c = new Counts(kinds.getOrDefault(StreamRecord.EVENT, 0L),
          kinds.getOrDefault(StreamRecord.DUPLICATE, 0L), kinds.getOrDefault(StreamRecord.QUARANTINE, 0L),
          kinds.getOrDefault(StreamRecord.USER, 0L), kinds.getOrDefault(StreamRecord.ERASURE, 0L),
          kinds.getOrDefault(StreamRecord.ERASED, 0L), m.map(LiveModel.Loaded::version).orElse(null), millis);
      LOG.info("batch {}: {}", batchId, c);
    } finally {
      records.unpersist();
    }
  }

  private static Dataset<Row> events(Dataset<StreamRecord> records, Timestamp now) {
    return records.filter(col("kind").equalTo(StreamRecord.EVENT)).select(
        col("eventId").as(Col.EVENT_ID), col("userId").as(Col.USER_ID), col("itemId").as(Col.ITEM_ID),
        col("eventType").as(Col.EVENT_TYPE), col("value").as(Col.VALUE), col("ts").as(Col.TS),
        lit(now).as(Col.INGESTED_AT), to_date(lit(now)).as(Col.INGEST_DATE), col("requestId").as(Col.REQUEST_ID));
  }

  private static Dataset<Row> erasures(Dataset<StreamRecord> records, Timestamp now) {
    return records.filter(col("kind").equalTo(StreamRecord.ERASURE)).select(
        col("eventId").as(Col.ERASURE_ID), col("userId").as(Col.USER_ID), col("ts").as(Col.REQUESTED_AT),
        col("requestedBy").as(Col.REQUESTED_BY), lit(now).as(Col.RECORDED_AT));
  }

  private static Dataset<Row> rejected(Dataset<StreamRecord> records, Timestamp now) {
    return records.filter(col("kind").equalTo(StreamRecord.QUARANTINE)).select(
        col("raw").as(Col.RAW), col("source").as(Col.SOURCE), col("reason").as(Col.REASON),
        lit(now).as(Col.INGESTED_AT), col("userId").as(Col.USER_ID));
  }

  /**
   * Runs the writes on threads started here, so they inherit the query's Spark properties (its
   * id among them), and rethrows the first failure: the batch then fails and is retried whole.
   */
  private static void runAll(List<Callable<Void>> writes) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, writes.size()));
    try {
      for (Future<Void> f : pool.invokeAll(writes)) {
        try {
          f.get();
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception ex ? ex : e;
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Callable<Void> timed(Map<String, Long> millis, String step, Runnable write) {
    return () -> {
      long t = System.nanoTime();
      write.run();
      millis.put(step, (System.nanoTime() - t) / 1_000_000);
      return null;
    };
  }

  /** Appends idempotently: Delta skips a (txnAppId, txnVersion) it has committed, as after a crash. */
  static void append(Warehouse warehouse, TableDef table, Dataset<Row> rows, String appId, long batchId) {
    Warehouse.conform(table, rows).write().format("delta").mode("append")
        .partitionBy(table.partitionBy().toArray(String[]::new))
        .option("txnAppId", appId).option("txnVersion", batchId)
        .save(warehouse.path(table));
  }

  /**
   * Folds each touched user into the model. Users none of whose items the model knows are left
   * out: the model has nothing to say about them yet, and a row would override a useful vector.
   */
  private static MapPartitionsFunction<StreamRecord, Row> foldIn(Broadcast<FoldIn> foldIn, long version,
                                                                 long batchId, Timestamp now) {
    return users -> {
      FoldIn f = foldIn.value();
      List<Row> out = new ArrayList<>();
      while (users.hasNext()) {
        StreamRecord u = users.next();
        Map<String, Double> known = new HashMap<>();
        for (int i = 0; i < u.getItems().length; i++) {
          if (f.items().row(u.getItems()[i]) >= 0) {
            known.put(u.getItems()[i], u.getConfidences()[i]);
          }
        }
        if (!known.isEmpty()) {
          out.add(RowFactory.create(u.getUserId(), version, Vectors.toSeq(f.solveByItemId(known)), known.size(),
              u.getTs(), batchId, now));
        }
      }
      return out.iterator();
    };
  }

  /** The streaming query's id: stable across restarts from the same checkpoint, new with a new one. */
  private static String queryId(Dataset<?> batch) {
    String id = batch.sparkSession().sparkContext().getLocalProperty("sql.streaming.queryId");
    if (id == null) {
      throw new IllegalStateException("BatchWriter runs only inside a streaming query's foreachBatch");
    }
    return id;
  }
}
