package io.recflow.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.unix_millis;

import io.recflow.core.ItemMatrix;
import io.recflow.core.Tables.Col;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Users' histories as the sequence model reads them: item rows of a catalog, oldest first, ordered
 * by time and then item id (the order every split and the co-visitation counts use). Every
 * interaction is a step, whatever its confidence: a film watched and disliked was still watched
 * next. Items without a row in the catalog are left out.
 */
public final class Sequences {
  private Sequences() {}

  /** @param interactions user_id, item_id, ts (and any other columns) */
  public static Map<String, int[]> of(Dataset<Row> interactions, ItemMatrix items) {
    Map<String, int[]> out = new HashMap<>();
    Dataset<Row> grouped = interactions.groupBy(Col.USER_ID)
        .agg(collect_list(struct(unix_millis(col(Col.TS)).as("t"), col(Col.ITEM_ID))).as("steps"));
    for (Row r : grouped.collectAsList()) {
      List<Row> steps = new ArrayList<>(r.getList(1));
      steps.sort(Comparator.<Row>comparingLong(s -> s.getLong(0)).thenComparing(s -> s.getString(1)));
      int[] rows = steps.stream().mapToInt(s -> items.row(s.getString(1))).filter(i -> i >= 0).toArray();
      if (rows.length > 0) {
        out.put(r.getString(0), rows);
      }
    }
    return out;
  }

  /**
   * The training windows of a history: its newest L + 1 items, then the L + 1 before them, and so
   * on (disjoint except the shared boundary item), each at least two items long. A window's first L
   * items are the input and its last L the targets, one step ahead.
   */
  public static List<int[]> windows(int[] history, int length) {
    List<int[]> out = new ArrayList<>();
    for (int end = history.length; end >= 2; end -= length) {
      int start = Math.max(0, end - length - 1);
      out.add(java.util.Arrays.copyOfRange(history, start, end));
    }
    return out;
  }
}
