package io.recflow.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import io.recflow.core.RecflowConfig;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.experiment.Exposure;
import io.recflow.spark.Warehouse;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming job's second query: the exposure lines servers land (one per list shown) become
 * rows of {@code exposures}, one per shown item. It needs no state, so it runs beside the event
 * query with its own checkpoint, and a burst of traffic never delays the users' vectors. A line
 * that is not a readable exposure goes to {@code events_quarantine} with the reason. Appends are
 * idempotent per micro-batch (Delta's txnAppId and txnVersion), as the event query's are.
 */
public final class ExposureStream {
  private static final Logger LOG = LoggerFactory.getLogger(ExposureStream.class);
  /** A parsed line: the exposure columns of one shown item, or a rejected line (raw, source, reason). */
  private static final StructType PARSED = new StructType()
      .add(Col.REQUEST_ID, StringType).add(Col.USER_ID, StringType).add(Col.ITEM_ID, StringType)
      .add(Col.POSITION, IntegerType).add(Col.SOURCES, createArrayType(StringType)).add(Col.PROPENSITY, DoubleType)
      .add(Col.EXPERIMENT, StringType).add(Col.VARIANT, StringType).add(Col.MODEL_VERSION, LongType)
      .add(Col.MODEL, StringType).add(Col.RANKER, StringType).add(Col.TS, TimestampType)
      .add(Col.POOL_ITEMS, createArrayType(StringType))
      .add(Col.POOL_FEATURES, createArrayType(createArrayType(FloatType))).add(Col.FEATURES, createArrayType(StringType))
      .add(Col.RAW, StringType).add(Col.SOURCE, StringType).add(Col.REASON, StringType);

  private ExposureStream() {}

  /**
   * Starts the query over {@code stream.exposureDir} and returns it running; with
   * {@code availableNow} it takes what has landed so far and stops.
   */
  public static StreamingQuery start(SparkSession spark, RecflowConfig config, boolean availableNow)
      throws TimeoutException {
    StreamConfig sc = StreamConfig.from(config);
    Warehouse warehouse = Warehouse.of(spark, config);
    warehouse.ensure(Tables.EXPOSURES);
    warehouse.ensure(Tables.EVENTS_QUARANTINE);
    Dataset<Row> lines = LiveSource.files(spark, config.exposureDir(), sc);
    return lines.writeStream()
        .queryName("recflow-exposures")
        .option("checkpointLocation", config.exposureCheckpointDir())
        .trigger(availableNow ? Trigger.AvailableNow() : Trigger.ProcessingTime(sc.triggerMillis()))
        .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> write(warehouse, batch, id))
        .start();
  }

  private static void write(Warehouse warehouse, Dataset<Row> lines, long batchId) {
    String appId = "recflow-exposures-" + lines.sparkSession().sparkContext().getLocalProperty("sql.streaming.queryId");
    Timestamp now = new Timestamp(System.currentTimeMillis());
    Dataset<Row> parsed = lines.select(col("value"), col("origin"))
        .flatMap(parse(), Encoders.row(PARSED)).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> shown = parsed.filter(col(Col.REASON).isNull()).drop(Col.RAW, Col.SOURCE, Col.REASON)
          .withColumn(Col.INGESTED_AT, lit(now)).withColumn(Col.INGEST_DATE, to_date(lit(now)));
      Dataset<Row> rejected = parsed.filter(col(Col.REASON).isNotNull()).select(col(Col.RAW), col(Col.SOURCE),
          col(Col.REASON), lit(now).as(Col.INGESTED_AT), col(Col.USER_ID));
      long items = shown.count();
      long bad = rejected.count();
      if (items > 0) {
        BatchWriter.append(warehouse, Tables.EXPOSURES, shown, appId, batchId);
      }
      if (bad > 0) {
        BatchWriter.append(warehouse, Tables.EVENTS_QUARANTINE, rejected, appId, batchId);
      }
      LOG.info("exposure batch {}: {} shown items, {} unreadable lines quarantined", batchId, items, bad);
    } finally {
      parsed.unpersist();
    }
  }

  /** One row per shown item of a line, or one rejected row with the reason. */
  private static FlatMapFunction<Row, Row> parse() {
    return r -> {
      String line = r.getString(0);
      String origin = r.getString(1);
      List<Row> out = new ArrayList<>();
      Optional<Exposure> e;
      try {
        e = Exposure.parse(line);
      } catch (RuntimeException unreadable) {
        out.add(rejected(line, origin, "unreadable exposure: " + unreadable.getMessage()));
        return out.iterator();
      }
      if (e.isEmpty()) {
        if (!line.isBlank()) {
          out.add(rejected(line, origin, "not an exposure (a JSON object with a string field 'exposure')"));
        }
        return out.iterator();
      }
      Exposure x = e.get();
      for (Exposure.Shown s : x.items()) {
        out.add(RowFactory.create(x.requestId(), x.userId(), s.itemId(), s.position(),
            s.sources().toArray(String[]::new), s.propensity(), x.experiment(),
            x.variant(), x.modelVersion(), x.model(), x.ranker(), new Timestamp(x.tsMillis()), poolItems(s),
            poolFeatures(s), s.pool().isEmpty() ? null : x.features().toArray(String[]::new), null, null, null));
      }
      return out.iterator();
    };
  }

  private static String[] poolItems(Exposure.Shown s) {
    return s.pool().isEmpty() ? null : s.pool().stream().map(Exposure.Drawn::itemId).toArray(String[]::new);
  }

  /** The pool's feature rows as Spark's arrays of boxed floats. */
  private static Float[][] poolFeatures(Exposure.Shown s) {
    if (s.pool().isEmpty()) {
      return null;
    }
    Float[][] out = new Float[s.pool().size()][];
    for (int j = 0; j < out.length; j++) {
      float[] f = s.pool().get(j).features();
      out[j] = new Float[f.length];
      for (int k = 0; k < f.length; k++) {
        out[j][k] = f[k];
      }
    }
    return out;
  }

  private static Row rejected(String line, String origin, String reason) {
    return RowFactory.create(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        line, origin,
        reason);
  }
}
