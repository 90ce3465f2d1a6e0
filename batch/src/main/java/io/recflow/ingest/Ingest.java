package io.recflow.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.to_date;

import io.recflow.core.EventValidator;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.spark.EventRows;
import io.recflow.spark.Warehouse;
import java.sql.Timestamp;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Step 1 of the nightly job: validates raw events, quarantines every rejected one with its reason,
 * and merges the accepted ones into {@code events} by event_id, so that re-ingesting the same input
 * adds nothing. The catalog is merged into {@code items} the same way (see {@link CatalogIngest}).
 */
public final class Ingest {
  private final Warehouse warehouse;
  private final EventValidator validator;

  public Ingest(Warehouse warehouse, EventValidator validator) {
    this.warehouse = warehouse;
    this.validator = validator;
  }

  /** Ingests one input at time {@code now}; the report's counts always add up. */
  public IngestReport run(Input input, Timestamp now) {
    warehouse.ensure(Tables.EVENTS);
    Dataset<Row> validated = EventRows.validate(input.events(), validator, now.getTime()).persist();
    try {
      long inputRows = validated.count();
      Dataset<Row> rejected = validated.filter(col(Col.REASON).isNotNull());
      Dataset<Row> valid = validated.filter(col(Col.REASON).isNull());
      long validRows = valid.count();
      Dataset<Row> all = distinctValid(valid, now);
      long distinctRows = all.count();
      Dataset<Row> distinct = withoutErased(all).persist();
      long erased = distinctRows - distinct.count();
      Dataset<Row> stored = warehouse.read(Tables.EVENTS).select(Col.EVENT_ID);
      long alreadyStored = distinct.join(stored, distinct.col(Col.EVENT_ID).equalTo(stored.col(Col.EVENT_ID)),
          "left_semi").count();
      long inserted = warehouse.commitMetrics(Tables.EVENTS, () -> warehouse.delta(Tables.EVENTS).as("t")
          .merge(distinct.as("s"), "t." + Col.EVENT_ID + " = s." + Col.EVENT_ID)
          .whenNotMatched().insertAll().execute()).getOrDefault("numTargetRowsInserted", 0L);
      distinct.unpersist();
      long quarantined = quarantine(warehouse, rejected, now);
      IngestReport report = new IngestReport(inputRows, inserted, quarantined, validRows - distinctRows,
          alreadyStored, erased, warehouse.version(Tables.EVENTS));
      report.checkBalanced();
      return report;
    } finally {
      validated.unpersist();
    }
  }

  /**
   * The distinct valid events of an input, validated as an ingest would but written nowhere: what
   * {@code bin/recflow eval} learns from when it evaluates a data set outside the warehouse.
   */
  public static Dataset<Row> acceptedEvents(Input input, EventValidator validator, Timestamp now) {
    Dataset<Row> valid = EventRows.validate(input.events(), validator, now.getTime()).filter(col(Col.REASON).isNull());
    return distinctValid(valid, now);
  }

  /** The events, less those of erased users that happened before the erasure (tombstones in {@code erasures}). */
  private Dataset<Row> withoutErased(Dataset<Row> events) {
    if (!warehouse.exists(Tables.ERASURES)) {
      return events;
    }
    Dataset<Row> erasures = warehouse.read(Tables.ERASURES).select(col(Col.USER_ID).as("erased_user"),
        col(Col.REQUESTED_AT));
    return events.join(erasures, events.col(Col.USER_ID).equalTo(erasures.col("erased_user"))
        .and(events.col(Col.TS).lt(erasures.col(Col.REQUESTED_AT))), "left_anti");
  }

  private static Dataset<Row> distinctValid(Dataset<Row> valid, Timestamp now) {
    return valid
        .withColumn("rn", row_number().over(Window.partitionBy(Col.EVENT_ID).orderBy(Col.RAW, Col.SOURCE)))
        .filter(col("rn").equalTo(1))
        .select(col(Col.EVENT_ID), col(Col.USER_ID), col(Col.ITEM_ID), col(Col.EVENT_TYPE), col(Col.VALUE),
            col(Col.TS), lit(now).as(Col.INGESTED_AT), to_date(lit(now)).as(Col.INGEST_DATE), col(Col.REQUEST_ID));
  }

  /** Appends rejected rows (raw, source, reason) to the quarantine table and returns how many. */
  static long quarantine(Warehouse warehouse, Dataset<Row> rejected, Timestamp now) {
    warehouse.ensure(Tables.EVENTS_QUARANTINE);
    Dataset<Row> rows = rejected.select(col(Col.RAW), col(Col.SOURCE), col(Col.REASON), lit(now).as(Col.INGESTED_AT),
        col(Col.USER_ID));
    return warehouse.commitMetrics(Tables.EVENTS_QUARANTINE, () -> warehouse.append(Tables.EVENTS_QUARANTINE, rows))
        .getOrDefault("numOutputRows", 0L);
  }
}
