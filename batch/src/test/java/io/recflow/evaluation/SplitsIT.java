package io.recflow.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.Tables.Col;
import io.recflow.spark.SparkFixture;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SplitsIT {
  private static final StructType SCHEMA = new StructType().add(Col.USER_ID, DataTypes.StringType)
      .add(Col.ITEM_ID, DataTypes.StringType).add(Col.CONFIDENCE, DataTypes.DoubleType)
      .add(Col.TS, DataTypes.TimestampType);

  /** 40 users x 8 items, every pair present, pair (u, i) at time u*100 + i. */
  private static Dataset<Row> grid() {
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 40; u++) {
      for (int i = 0; i < 8; i++) {
        rows.add(RowFactory.create("u" + u, "i" + i, 1.0, new Timestamp((u * 100L + i) * 1000)));
      }
    }
    return SparkFixture.spark().createDataFrame(rows, SCHEMA).repartition(3);
  }

  private static Set<String> pairs(Dataset<Row> df) {
    Set<String> s = new HashSet<>();
    df.collectAsList().forEach(r -> s.add(r.getString(0) + "/" + r.getString(1)));
    return s;
  }

  @Test
  void stratifiedSplitsEachItemThreeToOneAndIsDeterministic() {
    Splits.Split a = Splits.stratifiedByItem(grid(), 0.75, 42);
    Splits.Split b = Splits.stratifiedByItem(grid().repartition(1), 0.75, 42);
    Splits.Split other = Splits.stratifiedByItem(grid(), 0.75, 7);
    for (Row r : a.train().groupBy(Col.ITEM_ID).count().collectAsList()) {
      assertEquals(30, r.getLong(1), "item " + r.getString(0));
    }
    assertEquals(80, a.test().count());
    assertEquals(pairs(a.test()), pairs(b.test()), "the split must not depend on partitioning");
    assertTrue(!pairs(a.test()).equals(pairs(other.test())), "another seed gives another split");
    Set<String> both = pairs(a.train());
    both.retainAll(pairs(a.test()));
    assertTrue(both.isEmpty());
  }

  @Test
  void chronologicalHoldsOutEachUsersNewestFifth() {
    Splits.Split s = Splits.chronological(grid(), 0.2);
    // floor(0.2 * 8) = 1: each user's newest pair, item i7, is held out.
    assertEquals(40, s.test().count());
    s.test().collectAsList().forEach(r -> assertEquals("i7", r.getString(1)));
    assertEquals(280, s.train().count());
  }

  @Test
  void nextItemHoldsOutTheNewestItemForTestAndTheOneBeforeForValidation() {
    List<Row> rows = new ArrayList<>(grid().collectAsList());
    // u40 has two interactions only: too short to test on, so both stay in training.
    rows.add(RowFactory.create("u40", "i0", 1.0, new Timestamp(1_000)));
    rows.add(RowFactory.create("u40", "i1", 1.0, new Timestamp(2_000)));
    // u41's last two share a second: the tie is broken by item id, the larger being later.
    for (String item : List.of("i0", "i5", "i3")) {
      rows.add(RowFactory.create("u41", item, 1.0, new Timestamp(item.equals("i0") ? 1_000 : 9_000)));
    }
    Splits.NextItem s = Splits.nextItem(SparkFixture.spark().createDataFrame(rows, SCHEMA).repartition(3));

    Set<String> test = pairs(s.test());
    Set<String> validation = pairs(s.validation());
    assertEquals(41, test.size());
    for (int u = 0; u < 40; u++) {
      assertTrue(test.contains("u" + u + "/i7"), "user u" + u + "'s newest item is its test item");
      assertTrue(validation.contains("u" + u + "/i6"), "and the one before is for validation");
    }
    assertTrue(test.contains("u41/i5") && validation.contains("u41/i3"), test + " " + validation);
    Set<String> train = pairs(s.train());
    assertTrue(train.containsAll(Set.of("u40/i0", "u40/i1", "u41/i0")), train.toString());
    assertEquals(40 * 6 + 3, train.size());
    assertEquals(rows.size(), pairs(s.context()).size() + test.size());
  }
}
