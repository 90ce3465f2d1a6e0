package io.recflow.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.recflow.core.InterestWeighting;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.spark.Schemas;
import io.recflow.spark.SparkFixture;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class InterestModelIT {
  private static final long DAY = 86_400_000L;

  @Test
  void sumsDecayedWeightsPerUserAndItemFromTheNewestEvent() {
    InterestWeighting w = InterestWeighting.from(SparkFixture.config(Map.of("interest.halfLifeDays", "1",
        "interest.rating.neutral", "3")));
    long t = 1_700_000_000_000L;
    Timestamp now = new Timestamp(t);
    java.sql.Date today = new java.sql.Date(t);
    List<Row> rows = List.of(
        RowFactory.create("e1", "u", "a", "view", null, new Timestamp(t), now, today, null),
        RowFactory.create("e2", "u", "a", "purchase", null, new Timestamp(t - DAY), now, today, null),
        RowFactory.create("e3", "u", "b", "rating", 1.0, new Timestamp(t - 2 * DAY), now, today, null),
        RowFactory.create("e4", "v", "a", "cart", null, new Timestamp(t), now, today, null));
    Dataset<Row> events = SparkFixture.spark().createDataFrame(rows, Schemas.of(Tables.EVENTS));
    Map<String, Double> c = new java.util.HashMap<>();
    for (Row r : InterestModel.interactions(events, w).collectAsList()) {
      c.put(r.getString(r.fieldIndex(Col.USER_ID)) + "/" + r.getString(r.fieldIndex(Col.ITEM_ID)),
          r.getDouble(r.fieldIndex(Col.CONFIDENCE)));
    }
    assertEquals(3, c.size());
    assertEquals(1.0 + 8.0 / 2, c.get("u/a"), 1e-9);
    assertEquals((1.0 - 3.0) / 4, c.get("u/b"), 1e-9, "a low rating is a negative preference");
    assertEquals(4.0, c.get("v/a"), 1e-9);
  }
}
