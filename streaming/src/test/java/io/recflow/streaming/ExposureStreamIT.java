package io.recflow.streaming;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.LandingFile;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.experiment.Exposure;
import io.recflow.spark.SparkFixture;
import io.recflow.spark.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The stream's exposure query on real files and Delta tables: each shown item becomes a row with
 * its list's fields, an unreadable line is quarantined with its reason, and a second run over the
 * same checkpoint adds nothing.
 */
class ExposureStreamIT {
  private static final long T = 1_765_000_000_000L;

  @Test
  void everyShownItemBecomesARowAndABadLineIsQuarantined() throws Exception {
    Path warehouse = Files.createTempDirectory("recflow-exposures-");
    RecflowConfig config = SparkFixture.config(Map.of("recflow.warehouse", warehouse.toString(),
        "stream.cleanSource", "off"));
    List<Exposure.Drawn> pool = List.of(new Exposure.Drawn("i9", new float[] {0.5f, Float.NaN}),
        new Exposure.Drawn("i2", new float[] {0.25f, 3}));
    Exposure a = new Exposure("r1", "u1", T, "exp", "b", 3, "served", "trained", List.of(
        new Exposure.Shown("i1", 0, List.of("als", "covisit")),
        new Exposure.Shown("i2", 1, List.of("als"), 0.5, pool)), List.of("als_dot", "popularity"));
    Exposure anonymous = new Exposure("r2", null, T + 1000, null, null, 3, "sequence", "sequence", List.of(
        new Exposure.Shown("i3", 5, List.of("sequence"))));
    LandingFile.write(Path.of(config.exposureDir()), List.of(a.toJson(), anonymous.toJson(), "{\"not\": 1}"));

    ExposureStream.start(SparkFixture.spark(), config, true).awaitTermination();
    Warehouse w = new Warehouse(SparkFixture.spark(), warehouse.toString());
    List<Row> rows = w.read(Tables.EXPOSURES).orderBy(Col.REQUEST_ID, Col.POSITION)
        .select(Col.REQUEST_ID, Col.USER_ID, Col.ITEM_ID, Col.POSITION, Col.SOURCES, Col.PROPENSITY, Col.EXPERIMENT,
            Col.VARIANT, Col.MODEL_VERSION, Col.RANKER, Col.TS, Col.POOL_ITEMS, Col.FEATURES)
        .collectAsList();
    assertEquals(3, rows.size(), rows.toString());
    Row first = rows.get(0);
    assertEquals(List.of("r1", "u1", "i1", 0), List.of(first.get(0), first.get(1), first.get(2), first.get(3)));
    assertEquals(List.of("als", "covisit"), first.getList(4));
    assertEquals(List.of("exp", "b", 3L, "trained"), List.of(first.get(6), first.get(7), first.get(8), first.get(9)));
    assertEquals(T, first.getTimestamp(10).getTime());
    Row drawn = rows.get(1);
    assertEquals(0.5, drawn.getDouble(5));
    assertEquals(List.of("i9", "i2"), drawn.getList(11), "a randomised slot keeps the pool it was drawn from");
    assertEquals(List.of("als_dot", "popularity"), drawn.getList(12));
    assertTrue(first.isNullAt(11) && first.isNullAt(12), "a ranked slot has no pool");
    Row features = w.read(Tables.EXPOSURES).filter(col(Col.ITEM_ID).equalTo("i2"))
        .selectExpr("pool_features[0][0]", "isnan(pool_features[0][1])", "pool_features[1]").first();
    assertEquals(0.5f, features.getFloat(0));
    assertTrue(features.getBoolean(1), "a missing feature stays missing");
    assertEquals(List.of(0.25f, 3f), features.getList(2));
    assertEquals(null, rows.get(2).get(1), "an anonymous session's list has no user");
    assertEquals(5, rows.get(2).getInt(3));

    List<Row> quarantined = w.read(Tables.EVENTS_QUARANTINE).select(Col.RAW, Col.REASON).collectAsList();
    assertEquals(1, quarantined.size());
    assertEquals("{\"not\": 1}", quarantined.get(0).getString(0));
    assertTrue(quarantined.get(0).getString(1).startsWith("not an exposure"), quarantined.toString());

    ExposureStream.start(SparkFixture.spark(), config, true).awaitTermination();
    assertEquals(3, w.read(Tables.EXPOSURES).count(), "a second run over the checkpoint adds nothing");
    assertEquals(1, w.read(Tables.EXPOSURES).filter(col(Col.ITEM_ID).equalTo("i2")).count());
  }
}
