package io.recflow.online;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import io.recflow.core.EventType;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.core.Tables;
import io.recflow.core.Tables.AttributedBy;
import io.recflow.core.Tables.Col;
import io.recflow.spark.Warehouse;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Ties each click, cart and purchase to the list that showed its item to its user, and rewrites
 * {@code attributed_events}. An event carrying a request id is tied to that list when the list
 * showed the item (the client said where it came from); any other is tied to the latest list that
 * showed the item to the user within {@code experiments.attributionWindowMinutes} before the event.
 * Events no list showed stay unattributed: organic behaviour, which no variant may claim.
 *
 * <p>Rebuilt whole each run, so a late exposure or event is attributed as soon as both are in the
 * warehouse, and an erased user's rows never outlive their events.
 */
public final class Attribution {
  /** The behaviour attributed: what a shown list can be credited with. */
  static final List<String> TYPES = List.of(EventType.CLICK.wireName(), EventType.CART.wireName(),
      EventType.PURCHASE.wireName());

  private Attribution() {}

  /** What one run attributed. */
  public record Report(long byRequest, long byWindow) {
    @Override
    public String toString() {
      return byRequest + " events attributed by request id, " + byWindow + " by window";
    }
  }

  /** Rewrites attributed_events from events and exposures at time {@code now}. */
  public static Report run(Warehouse warehouse, RecflowConfig config, Timestamp now) {
    warehouse.ensure(Tables.ATTRIBUTED_EVENTS);
    if (!warehouse.exists(Tables.EXPOSURES) || !warehouse.exists(Tables.EVENTS)) {
      return new Report(0, 0);
    }
    Dataset<Row> attributed = attribute(warehouse.read(Tables.EVENTS), warehouse.read(Tables.EXPOSURES),
        config.get(Settings.EXPERIMENTS_ATTRIBUTION_MINUTES)).withColumn(Col.CREATED_AT, lit(now)).cache();
    try {
      Warehouse.conform(Tables.ATTRIBUTED_EVENTS, attributed).write().format("delta").mode("overwrite")
          .save(warehouse.path(Tables.ATTRIBUTED_EVENTS));
      long byRequest = attributed.filter(col(Col.ATTRIBUTED_BY).equalTo(AttributedBy.REQUEST)).count();
      return new Report(byRequest, attributed.count() - byRequest);
    } finally {
      attributed.unpersist();
    }
  }

  /** The attributed events (the table's columns but created_at) of {@code events} and {@code exposures}. */
  static Dataset<Row> attribute(Dataset<Row> events, Dataset<Row> exposures, int windowMinutes) {
    Dataset<Row> e = events.filter(col(Col.EVENT_TYPE).isin(TYPES.toArray()))
        .select(col(Col.EVENT_ID), col(Col.USER_ID), col(Col.ITEM_ID), col(Col.EVENT_TYPE), col(Col.TS),
            col(Col.REQUEST_ID).as("carried"));
    Dataset<Row> x = exposures.filter(col(Col.USER_ID).isNotNull())
        .select(col(Col.REQUEST_ID), col(Col.USER_ID).as("x_user"), col(Col.ITEM_ID).as("x_item"), col(Col.POSITION),
            col(Col.PROPENSITY), col(Col.EXPERIMENT), col(Col.VARIANT), col(Col.MODEL_VERSION),
            col(Col.TS).as(Col.EXPOSED_AT));
    var sameShown = e.col(Col.USER_ID).equalTo(x.col("x_user")).and(e.col(Col.ITEM_ID).equalTo(x.col("x_item")));
    // By request id: the client's word, whatever the clocks say (a client's ts may lag the server's).
    Dataset<Row> byRequest = e.join(x, sameShown.and(e.col("carried").equalTo(x.col(Col.REQUEST_ID))))
        .withColumn(Col.ATTRIBUTED_BY, lit(AttributedBy.REQUEST)).withColumn("priority", lit(0));
    Dataset<Row> byWindow = e.join(x, sameShown.and(x.col(Col.EXPOSED_AT).leq(e.col(Col.TS)))
            .and(x.col(Col.EXPOSED_AT).gt(e.col(Col.TS).minus(expr("INTERVAL " + windowMinutes + " MINUTES")))))
        .withColumn(Col.ATTRIBUTED_BY, lit(AttributedBy.WINDOW)).withColumn("priority", lit(1));
    var best = Window.partitionBy(Col.EVENT_ID).orderBy(col("priority"), col(Col.EXPOSED_AT).desc(),
        col(Col.POSITION), col(Col.REQUEST_ID));
    return byRequest.unionByName(byWindow)
        .withColumn("rn", row_number().over(best)).filter(col("rn").equalTo(1))
        .select(col(Col.EVENT_ID), col(Col.USER_ID), col(Col.ITEM_ID), col(Col.EVENT_TYPE), col(Col.TS),
            col(Col.REQUEST_ID), col(Col.POSITION), col(Col.PROPENSITY), col(Col.EXPERIMENT), col(Col.VARIANT),
            col(Col.MODEL_VERSION), col(Col.EXPOSED_AT), col(Col.ATTRIBUTED_BY));
  }
}
