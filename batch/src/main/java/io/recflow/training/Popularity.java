package io.recflow.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_millis;

import io.recflow.core.Tables.Col;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Item popularity: the number of users with a positive interest in the item, each counted with a
 * weight that halves every half-life before the newest interaction (a half-life of 0 counts all
 * equally). It ranks items for cold-start users and is the baseline every model must beat.
 */
public final class Popularity {
  private Popularity() {}

  /** item_id and score for every item with a positive interaction. */
  public static Dataset<Row> scores(Dataset<Row> interactions, double halfLifeDays) {
    Dataset<Row> positive = interactions.filter(col(Col.CONFIDENCE).gt(0));
    Column weight;
    if (halfLifeDays <= 0) {
      weight = lit(1.0);
    } else {
      Row newest = positive.agg(max(unix_millis(col(Col.TS)))).head();
      long ref = newest.isNullAt(0) ? 0 : newest.getLong(0);
      Column ageDays = lit(ref).minus(unix_millis(col(Col.TS))).divide(86_400_000d);
      weight = pow(lit(0.5), ageDays.divide(halfLifeDays));
    }
    return positive.groupBy(Col.ITEM_ID).agg(sum(weight).as(Col.SCORE));
  }
}
