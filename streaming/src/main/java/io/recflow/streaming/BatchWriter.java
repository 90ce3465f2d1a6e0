package io.recflow.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import io.recflow.batch.Schemas;
import io.recflow.batch.Vectors;
import io.recflow.batch.Warehouse;
import io.recflow.core.FoldIn;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * {@code events_quarantine}, and the touched users' fold-ins to {@code user_vectors_rt}.
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

  BatchWriter(Warehouse warehouse) {
    this.warehouse = warehouse;
    this.model = new LiveModel(warehouse);
  }

  /** What one batch wrote, for the log and the tests. */
  record Counts(long events, long duplicates, long quarantined, long vectors, Long modelVersion) {}

  void write(Dataset<StreamRecord> batch, long batchId) {
    String appId = "recflow-stream-" + queryId(batch);
    Timestamp now = new Timestamp(System.currentTimeMillis());
    Dataset<StreamRecord> records = batch.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<String, Long> kinds = new HashMap<>();
      for (Row r : records.groupBy("kind").count().collectAsList()) {
        kinds.put(r.getString(0), r.getLong(1));
      }
      if (kinds.getOrDefault(StreamRecord.EVENT, 0L) > 0) {
        Dataset<Row> events = records.filter(col("kind").equalTo(StreamRecord.EVENT)).select(
            col("eventId").as(Col.EVENT_ID), col("userId").as(Col.USER_ID), col("itemId").as(Col.ITEM_ID),
            col("eventType").as(Col.EVENT_TYPE), col("value").as(Col.VALUE), col("ts").as(Col.TS),
            lit(now).as(Col.INGESTED_AT), to_date(lit(now)).as(Col.INGEST_DATE));
        append(Tables.EVENTS, events, appId, batchId, Col.INGEST_DATE);
      }
      if (kinds.getOrDefault(StreamRecord.QUARANTINE, 0L) > 0) {
        Dataset<Row> rejected = records.filter(col("kind").equalTo(StreamRecord.QUARANTINE)).select(
            col("raw").as(Col.RAW), col("source").as(Col.SOURCE), col("reason").as(Col.REASON),
            lit(now).as(Col.INGESTED_AT));
        append(Tables.EVENTS_QUARANTINE, rejected, appId, batchId);
      }
      long vectors = 0;
      Optional<LiveModel.Loaded> m = model.current();
      if (m.isPresent() && kinds.getOrDefault(StreamRecord.USER, 0L) > 0) {
        Dataset<Row> rows = records.filter(col("kind").equalTo(StreamRecord.USER))
            .mapPartitions(foldIn(m.get().foldIn(), m.get().version(), batchId, now),
                Encoders.row(Schemas.USER_VECTORS_RT))
            .persist(StorageLevel.MEMORY_AND_DISK());
        vectors = rows.count();
        append(Tables.USER_VECTORS_RT, rows, appId, batchId);
        rows.unpersist();
      }
      Counts c = new Counts(kinds.getOrDefault(StreamRecord.EVENT, 0L), kinds.getOrDefault(StreamRecord.DUPLICATE, 0L),
          kinds.getOrDefault(StreamRecord.QUARANTINE, 0L), vectors, m.map(LiveModel.Loaded::version).orElse(null));
      LOG.info("batch {}: {}", batchId, c);
    } finally {
      records.unpersist();
    }
  }

  private void append(String table, Dataset<Row> rows, String appId, long batchId, String... partitionBy) {
    rows.write().format("delta").mode("append").partitionBy(partitionBy)
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
