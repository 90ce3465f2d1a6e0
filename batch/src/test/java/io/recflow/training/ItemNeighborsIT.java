package io.recflow.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.Tables.Col;
import io.recflow.spark.SparkFixture;
import io.recflow.spark.Vectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ItemNeighborsIT {
  /** 3,000 vectors in 16 dimensions around 30 topic centres. */
  private static Dataset<Row> clusteredVectors() {
    Random rnd = new Random(SparkFixture.SEED);
    float[][] centres = new float[30][16];
    for (float[] c : centres) {
      for (int f = 0; f < 16; f++) {
        c[f] = (float) rnd.nextGaussian();
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      float[] c = centres[i % 30];
      float[] v = new float[16];
      for (int f = 0; f < 16; f++) {
        v[f] = c[f] + 0.3f * (float) rnd.nextGaussian();
      }
      rows.add(RowFactory.create("i" + i, Vectors.toSeq(v)));
    }
    StructType schema = new StructType().add(Col.ID, DataTypes.StringType)
        .add(Col.VECTOR, DataTypes.createArrayType(DataTypes.FloatType, false));
    return SparkFixture.spark().createDataFrame(rows, schema);
  }

  private static Map<String, Set<String>> lists(Dataset<Row> neighbors) {
    Map<String, Set<String>> m = new HashMap<>();
    neighbors.collectAsList().forEach(r -> m.computeIfAbsent(r.getString(0), x -> new HashSet<>()).add(r.getString(1)));
    return m;
  }

  @Test
  void theClusteredIndexFindsNearlyAllExactNeighbours() {
    Dataset<Row> vectors = clusteredVectors().cache();
    Map<String, Set<String>> exact = lists(ItemNeighbors.compute(vectors, 10, 4, SparkFixture.SEED, 10_000));
    Map<String, Set<String>> approx = lists(ItemNeighbors.compute(vectors, 10, 4, SparkFixture.SEED, 100));
    assertEquals(3_000, exact.size());
    assertEquals(3_000, approx.size());
    long found = 0;
    for (Map.Entry<String, Set<String>> e : exact.entrySet()) {
      assertEquals(10, e.getValue().size());
      assertTrue(!e.getValue().contains(e.getKey()), "an item is not its own neighbour");
      found += e.getValue().stream().filter(approx.get(e.getKey())::contains).count();
    }
    double recall = found / 30_000.0;
    assertTrue(recall >= 0.95, "recall@10 of the clustered index: " + recall);
  }

  @Test
  void exactNeighboursAreSortedByCosine() {
    List<Row> rows = ItemNeighbors.compute(clusteredVectors(), 5, 1, SparkFixture.SEED).filter("item_id = 'i0'")
        .orderBy(org.apache.spark.sql.functions.col(Col.SCORE).desc()).collectAsList();
    assertEquals(5, rows.size());
    for (Row r : rows) {
      int other = Integer.parseInt(r.getString(1).substring(1));
      assertEquals(0, other % 30, "neighbours of i0 come from its topic: " + r);
      assertTrue(r.getDouble(2) <= 1.0 + 1e-6 && r.getDouble(2) > 0.5, r.toString());
    }
  }
}
