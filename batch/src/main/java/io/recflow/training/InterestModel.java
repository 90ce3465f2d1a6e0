package io.recflow.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;

import io.recflow.core.EventType;
import io.recflow.core.InterestWeighting;
import io.recflow.core.Tables.Col;
import java.sql.Timestamp;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Step 2 of the nightly job: aggregates events into one confidence per (user, item), using the
 * weighting in core so that the streaming job computes the same numbers. Time decay is measured
 * from each user's newest event, not from the wall clock, so re-running on the same data gives
 * the same model and a user's confidences depend on that user's events alone.
 */
public final class InterestModel {
  private InterestModel() {}

  /**
   * Returns user_id, item_id, confidence and ts (the pair's newest event) for every pair with at
   * least one event.
   */
  public static Dataset<Row> interactions(Dataset<Row> events, InterestWeighting weighting) {
    UDF4<String, Double, Timestamp, Timestamp, Double> f = (type, value, ts, ref) ->
        weighting.contribution(EventType.parse(type).orElseThrow(), value, ts.getTime(), ref.getTime());
    UserDefinedFunction contribution = udf(f, DataTypes.DoubleType);
    Column userNewest = max(col(Col.TS)).over(Window.partitionBy(Col.USER_ID));
    return events
        .withColumn("c", contribution.apply(col(Col.EVENT_TYPE), col(Col.VALUE), col(Col.TS), userNewest))
        .groupBy(Col.USER_ID, Col.ITEM_ID)
        .agg(sum("c").as(Col.CONFIDENCE), max(Col.TS).as(Col.TS));
  }
}
