package io.recflow.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.recflow.core.Tables.Col;
import io.recflow.ranking.CoVisitation;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;

/**
 * The co-visitation table: for each item, the items users turned to next, summed over all users
 * with core's {@link CoVisitation#pairs} and cut to the {@link CoVisitation#KEEP} heaviest per item.
 * The nightly job stores it; the evaluator computes it from its training split with the same code.
 */
public final class CoVisitationCounts {
  private static final StructType PAIRS = new StructType().add(Col.ITEM_ID, StringType, false)
      .add(Col.NEIGHBOR_ID, StringType, false).add(Col.SCORE, DoubleType, false);

  private CoVisitationCounts() {}

  /** item_id, neighbor_id (the follow-up) and score (summed weight) from user_id, item_id, confidence, ts. */
  public static Dataset<Row> compute(Dataset<Row> interactions, double halfLifeDays) {
    Dataset<Row> positive = interactions.filter(col(Col.CONFIDENCE).gt(0))
        .select(Col.USER_ID, Col.ITEM_ID, Col.TS);
    Row newestRow = positive.agg(max(unix_millis(col(Col.TS)))).head();
    long newest = newestRow.isNullAt(0) ? 0 : newestRow.getLong(0);
    FlatMapGroupsFunction<String, Row, Row> perUser = (user, rows) -> {
      List<Row> history = new ArrayList<>();
      rows.forEachRemaining(history::add);
      history.sort((a, b) -> a.getTimestamp(2).equals(b.getTimestamp(2)) ? a.getString(1).compareTo(b.getString(1))
          : a.getTimestamp(2).compareTo(b.getTimestamp(2)));
      List<String> items = new ArrayList<>(history.size());
      long[] ts = new long[history.size()];
      for (int i = 0; i < ts.length; i++) {
        items.add(history.get(i).getString(1));
        ts[i] = history.get(i).getTimestamp(2).getTime();
      }
      List<Row> out = new ArrayList<>();
      CoVisitation.pairs(items, ts, newest, halfLifeDays, p -> out.add(RowFactory.create(p.item(), p.next(),
          p.weight())));
      return out.iterator();
    };
    Dataset<Row> summed = positive
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
        .flatMapGroups(perUser, Encoders.row(PAIRS))
        .groupBy(Col.ITEM_ID, Col.NEIGHBOR_ID).agg(sum(Col.SCORE).as(Col.SCORE));
    return summed
        .withColumn("rn", row_number().over(Window.partitionBy(Col.ITEM_ID)
            .orderBy(col(Col.SCORE).desc(), col(Col.NEIGHBOR_ID))))
        .filter(col("rn").leq(CoVisitation.KEEP)).drop("rn");
  }
}
