package io.recflow.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.recflow.core.EventValidator;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.spark.Warehouse;
import java.sql.Timestamp;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Merges the input catalog into {@code items}: new items are inserted, items of which any field
 * changed are updated (with a new updated_at), unchanged ones are left alone. Rows without a usable
 * item_id, or with an available or expires_at that cannot be read, are quarantined with the reason:
 * guessing would serve an item the shop meant to withdraw, or withdraw one it meant to sell.
 */
public final class CatalogIngest {
  private final Warehouse warehouse;

  public CatalogIngest(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** What the catalog merge did. */
  public record Report(long inputRows, long inserted, long updated, long quarantined, long itemsVersion) {
    @Override
    public String toString() {
      return String.format("%d catalog rows: %d new, %d changed, %d quarantined; items table at version %d",
          inputRows, inserted, updated, quarantined, itemsVersion);
    }
  }

  public Report run(Input input, Timestamp now) {
    warehouse.ensure(Tables.ITEMS);
    Column id = trim(col(Col.ITEM_ID));
    Column availableText = lower(trim(col(Col.AVAILABLE)));
    Column available = when(availableText.isin("true", "yes", "1"), lit(true))
        .when(availableText.isin("false", "no", "0"), lit(false));
    Column expiresText = trim(col(Col.EXPIRES_AT));
    Column expires = to_timestamp(expiresText);
    Column reason = when(id.isNull().or(id.equalTo("")), lit("missing item_id"))
        .when(length(id).gt(EventValidator.MAX_ID_LENGTH),
            lit("item_id is longer than " + EventValidator.MAX_ID_LENGTH + " characters"))
        .when(availableText.notEqual("").and(available.isNull()), concat(lit("available is '"),
            col(Col.AVAILABLE), lit("'; use true or false (or leave it empty: available)")))
        .when(expiresText.notEqual("").and(expires.isNull()), concat(lit("expires_at is '"), col(Col.EXPIRES_AT),
            lit("', not a time; use ISO-8601, e.g. 2026-12-31T23:59:59Z (or leave it empty: never expires)")));
    Dataset<Row> checked = input.items().withColumn(Col.REASON, reason).persist();
    try {
      long inputRows = checked.count();
      Dataset<Row> rejected = checked.filter(col(Col.REASON).isNotNull())
          .select(to_json(struct(col(Col.ITEM_ID), col(Col.TITLE), col(Col.TEXT), col(Col.ATTRIBUTES),
                  col(Col.AVAILABLE), col(Col.EXPIRES_AT))).as(Col.RAW),
              lit(input.itemSource()).as(Col.SOURCE), col(Col.REASON), lit(null).cast("string").as(Col.USER_ID));
      long quarantined = Ingest.quarantine(warehouse, rejected, now);
      // Several rows for one id: the last one in id order wins, the same way on every run.
      Dataset<Row> items = checked.filter(col(Col.REASON).isNull())
          .withColumn(Col.ITEM_ID, id)
          .withColumn("rn", row_number().over(Window.partitionBy(Col.ITEM_ID).orderBy(col(Col.TEXT).desc())))
          .filter(col("rn").equalTo(1))
          .select(col(Col.ITEM_ID), col(Col.TITLE), col(Col.TEXT), col(Col.ATTRIBUTES), lit(now).as(Col.UPDATED_AT),
              available.as(Col.AVAILABLE), expires.as(Col.EXPIRES_AT));
      String changed = "NOT (t.title <=> s.title AND t.text <=> s.text AND t.attributes <=> s.attributes"
          + " AND t.available <=> s.available AND t.expires_at <=> s.expires_at)";
      Map<String, Long> merged = warehouse.commitMetrics(Tables.ITEMS, () -> warehouse.delta(Tables.ITEMS).as("t")
          .merge(Warehouse.conform(Tables.ITEMS, items).as("s"), "t." + Col.ITEM_ID + " = s." + Col.ITEM_ID)
          .whenMatched(changed).updateExpr(Map.of(Col.TITLE, "s.title", Col.TEXT, "s.text",
              Col.ATTRIBUTES, "s.attributes", Col.UPDATED_AT, "s.updated_at", Col.AVAILABLE, "s.available",
              Col.EXPIRES_AT, "s.expires_at"))
          .whenNotMatched().insertAll()
          .execute());
      return new Report(inputRows, merged.getOrDefault("numTargetRowsInserted", 0L),
          merged.getOrDefault("numTargetRowsUpdated", 0L), quarantined, warehouse.version(Tables.ITEMS));
    } finally {
      checked.unpersist();
    }
  }
}
