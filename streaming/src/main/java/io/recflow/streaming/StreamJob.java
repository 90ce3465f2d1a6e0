package io.recflow.streaming;

import io.recflow.core.EventValidator;
import io.recflow.core.InterestWeighting;
import io.recflow.core.RecflowConfig;
import io.recflow.core.TableDef;
import io.recflow.core.Tables;
import io.recflow.spark.EventRows;
import io.recflow.spark.Warehouse;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * Builds and starts the streaming query: live source, the same validation as the nightly ingest,
 * per-user state in the RocksDB state store ({@link InterestUpdate}), and {@link BatchWriter}.
 */
public final class StreamJob {
  static final String ROCKSDB_PROVIDER =
      "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider";

  private StreamJob() {}

  /**
   * Starts the query and returns it running. With {@code availableNow} it processes what has landed
   * so far and stops (for catch-up runs and tests); otherwise it runs until stopped.
   */
  public static StreamingQuery start(SparkSession spark, RecflowConfig config, boolean availableNow)
      throws TimeoutException {
    StreamConfig sc = StreamConfig.from(config);
    spark.conf().set("spark.sql.streaming.stateStore.providerClass", ROCKSDB_PROVIDER);
    // Each batch then uploads only the changed keys' log instead of fresh RocksDB files.
    spark.conf().set("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true");
    // Fixed for the life of a checkpoint; later changes are ignored by Spark, so set it before the first start.
    spark.conf().set("spark.sql.shuffle.partitions", sc.shufflePartitions());
    Warehouse warehouse = Warehouse.of(spark, config);
    // Created by the contract, not by a first append: tables holding user ids keep no statistics of them.
    for (TableDef t : List.of(Tables.EVENTS, Tables.EVENTS_QUARANTINE, Tables.USER_VECTORS_RT, Tables.ERASURES)) {
      warehouse.ensure(t);
    }
    InterestWeighting weighting = StreamWeighting.resolve(warehouse, config, sc.checkpointDir());
    Dataset<Row> validated = EventRows.validateLive(LiveSource.read(spark, sc), EventValidator.from(config));
    Dataset<StreamRecord> records = validated
        .groupByKey(InterestUpdate.key(), Encoders.STRING())
        .flatMapGroupsWithState(new InterestUpdate(weighting, sc.dedupWindowMillis()), OutputMode.Append(),
            Encoders.BINARY(), Encoders.bean(StreamRecord.class), GroupStateTimeout.NoTimeout(),
            StateSeed.initialState(warehouse, weighting, sc.dedupWindowMillis(), sc.checkpointDir(),
                config.streamSeedDir()));
    BatchWriter writer = new BatchWriter(warehouse, weighting);
    return records.writeStream()
        .queryName("recflow-stream")
        .option("checkpointLocation", sc.checkpointDir())
        .trigger(availableNow ? Trigger.AvailableNow() : Trigger.ProcessingTime(sc.triggerMillis()))
        .foreachBatch((VoidFunction2<Dataset<StreamRecord>, Long>) writer::write)
        .start();
  }
}
