package io.recflow.training;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.batch.NightlyJob;
import io.recflow.cli.Recommender;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.core.Tables.Source;
import io.recflow.ingest.Input;
import io.recflow.spark.SparkFixture;
import io.recflow.spark.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hand-built shop with three topics; each user likes one topic. An item nobody has touched yet,
 * whose text is plainly about music, must get a factor from its text and reach music lovers.
 */
class ColdStartIT {
  private static final String[][] TOPICS = {
      {"music", "guitar", "vinyl album", "jazz piano", "drum kit", "concert"},
      {"garden", "flower seeds", "lawn mower", "garden hose", "shovel", "compost"},
      {"kitchen", "chef knife", "frying pan", "blender", "kettle", "recipe book"}};

  @TempDir
  Path dir;

  @Test
  void aColdItemIsPlacedByItsTextAndRecommendedToUsersOfItsTopic() throws Exception {
    Random rnd = new Random(SparkFixture.SEED);
    List<String> items = new ArrayList<>(List.of("item_id,title,category,description"));
    for (int t = 0; t < TOPICS.length; t++) {
      for (int i = 0; i < 15; i++) {
        String a = TOPICS[t][1 + rnd.nextInt(5)];
        String b = TOPICS[t][1 + rnd.nextInt(5)];
        items.add("t" + t + "-" + i + "," + a + " " + i + "," + TOPICS[t][0] + ",A " + a + " and a " + b
            + " for " + TOPICS[t][0] + " lovers");
      }
    }
    items.add("cold,Vinyl album of jazz guitar,music,A vinyl album and a jazz piano concert for music lovers");
    List<String> events = new ArrayList<>(List.of("user_id,item_id,event_type,value,ts,event_id"));
    for (int u = 0; u < 60; u++) {
      int t = u % TOPICS.length;
      for (int e = 0; e < 8; e++) {
        events.add("u" + u + ",t" + t + "-" + rnd.nextInt(15) + ",purchase,," + (1_700_000_000 + u * 100 + e) + ",");
      }
    }
    Files.write(dir.resolve("items.csv"), items);
    Files.write(dir.resolve("events.csv"), events);
    Warehouse warehouse = SparkFixture.newWarehouse();
    NightlyJob.Report report = new NightlyJob(warehouse, SparkFixture.config(Map.of("als.rank", "8",
        "input.format", "csv", "input.path", dir.toString(), "eval.protocols", "stratified")))
        .run(Input.read(SparkFixture.spark(), "csv", dir.toString()), Timestamp.from(Instant.now()));
    assertEquals("published", report.status(), report.note());

    List<Row> cold = warehouse.read(Tables.ITEM_FACTORS).filter(col(Col.ID).equalTo("cold")).collectAsList();
    assertEquals(1, cold.size(), "the cold item has a factor");
    assertEquals(Source.CONTENT, cold.get(0).getString(cold.get(0).fieldIndex(Col.SOURCE)));
    assertEquals(45, warehouse.read(Tables.ITEM_FACTORS).filter(col(Col.SOURCE).equalTo(Source.ALS)).count());

    // Every item's nearest neighbour by content is on its own topic, and the cold item has neighbours too.
    List<Row> top = warehouse.read(Tables.ITEM_NEIGHBORS).filter(col(Col.KIND).equalTo("content"))
        .groupBy(Col.ITEM_ID).agg(org.apache.spark.sql.functions.max_by(col(Col.NEIGHBOR_ID), col(Col.SCORE)))
        .collectAsList();
    assertEquals(46, top.size());
    for (Row r : top) {
      String topic = r.getString(0).equals("cold") ? "t0" : r.getString(0).substring(0, 2);
      assertEquals(topic, r.getString(1).substring(0, 2), "top content neighbour of " + r.getString(0));
    }
    assertEquals(46 * 20, warehouse.read(Tables.ITEM_NEIGHBORS).filter(col(Col.KIND).equalTo("cf")).count());

    Recommender rec = Recommender.latest(warehouse).orElseThrow();
    int musicLovers = 0;
    int reached = 0;
    for (int u = 0; u < 60; u += TOPICS.length) {
      musicLovers++;
      if (rec.recommend("u" + u, 10).stream().anyMatch(i -> i.itemId().equals("cold"))) {
        reached++;
      }
    }
    assertTrue(reached >= musicLovers * 3 / 4, "cold item in the top-10 of " + reached + " of " + musicLovers
        + " music lovers");
    for (int u = 1; u < 60; u += TOPICS.length) {
      List<Recommender.Item> garden = rec.recommend("u" + u, 5);
      assertTrue(garden.stream().noneMatch(i -> i.itemId().equals("cold")), "a garden user got the music item");
    }
  }
}
