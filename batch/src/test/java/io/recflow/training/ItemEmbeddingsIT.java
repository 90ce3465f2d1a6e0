package io.recflow.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.ingest.CatalogIngest;
import io.recflow.ingest.Input;
import io.recflow.spark.SparkFixture;
import io.recflow.spark.Vectors;
import io.recflow.spark.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ItemEmbeddingsIT {
  private static final Timestamp NOW = Timestamp.from(Instant.parse("2026-01-02T00:00:00Z"));

  @TempDir
  Path dir;

  @Test
  void sparkNlpVectorsMatchTheModelsOwnJavaInference() {
    Warehouse warehouse = SparkFixture.newWarehouse();
    String text = "A wireless bluetooth speaker with a long battery life, for music lovers.";
    Row row = EmbeddingModel.load(warehouse)
        .embed(SparkFixture.spark().createDataFrame(List.of(org.apache.spark.sql.RowFactory.create(text)),
            new org.apache.spark.sql.types.StructType().add(Col.TEXT, "string")))
        .head();
    float[] spark = Vectors.toFloats(row.getList(row.fieldIndex(Col.VECTOR)));
    float[] reference = new BgeSmallEnV15QuantizedEmbeddingModel().embed(text).content().vector();
    assertEquals(EmbeddingModel.DIMENSION, spark.length);
    assertEquals(reference.length, spark.length);
    double cosine = cosine(spark, reference);
    assertTrue(cosine >= 0.999, "cosine " + cosine);
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void embedsOnlyNewAndChangedItems() throws Exception {
    Warehouse warehouse = SparkFixture.newWarehouse();
    CatalogIngest catalog = new CatalogIngest(warehouse);
    ItemEmbeddings step = new ItemEmbeddings(warehouse, "{title}. {attributes}. {text}");
    Files.write(dir.resolve("events.csv"), List.of("user_id,item_id,event_type,ts"));
    Files.write(dir.resolve("items.csv"), List.of("item_id,title,category,description",
        "i1,Lamp,home,bright", "i2,Chair,home,soft", "i3,Novel,books,long"));
    long v1 = catalog.run(Input.read(SparkFixture.spark(), "csv", dir.toString()), NOW).itemsVersion();
    assertEquals(3, step.run(v1, NOW).embedded());
    assertEquals(0, step.run(v1, NOW).embedded(), "an unchanged catalog embeds nothing");

    Files.write(dir.resolve("items.csv"), List.of("item_id,title,category,description",
        "i1,Lamp,home,bright", "i2,Chair,home,very soft", "i3,Novel,books,long"));
    long v2 = catalog.run(Input.read(SparkFixture.spark(), "csv", dir.toString()), NOW).itemsVersion();
    Map<String, String> before = hashes(warehouse);
    assertEquals(1, step.run(v2, NOW).embedded());
    Map<String, String> after = hashes(warehouse);
    assertEquals(before.get("i1"), after.get("i1"));
    assertTrue(!before.get("i2").equals(after.get("i2")));
    assertEquals(3, warehouse.read(Tables.ITEM_EMBEDDINGS).count());
    Row r = warehouse.read(Tables.ITEM_EMBEDDINGS).head();
    assertEquals(EmbeddingModel.NAME, r.getString(r.fieldIndex(Col.MODEL_NAME)));
  }

  private static Map<String, String> hashes(Warehouse w) {
    Map<String, String> m = new java.util.HashMap<>();
    w.read(Tables.ITEM_EMBEDDINGS).collectAsList().forEach(r -> m.put(r.getString(0), r.getString(2)));
    return m;
  }
}
