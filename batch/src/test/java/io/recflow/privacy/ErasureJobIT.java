package io.recflow.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.ErasureRequest;
import io.recflow.core.RecflowConfig;
import io.recflow.core.TableDef;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.core.Tables.Step;
import io.recflow.experiment.Exposure;
import io.recflow.spark.Schemas;
import io.recflow.spark.SparkFixture;
import io.recflow.spark.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * The warehouse half of erasure on real Delta tables: rows of the user written before the request
 * go, later ones (a new user under the same id) and other users' stay; factors go by their
 * version's creation; the audit names no user; an expired tombstone is removed and vacuumed.
 */
class ErasureJobIT {
  private static final long T = 1_790_000_000_000L; // 2026-09-21: an erasure in the past, as every real one is

  private final Warehouse warehouse = SparkFixture.newWarehouse();
  private final RecflowConfig config = SparkFixture.config(Map.of("recflow.warehouse", warehouse.root(),
      "erasure.retentionHours", "0"));

  @Test
  void erasesRowsWrittenBeforeTheRequestAndKeepsEverythingElse() throws Exception {
    append(Tables.EVENTS, event("a", "gone", T - 5_000), event("b", "gone", T + 5_000), event("c", "kept", T - 5_000));
    append(Tables.MODELS, model(1, T - 60_000), model(2, T + 60_000));
    append(Tables.USER_FACTORS, factor(1, "gone"), factor(1, "kept"), factor(2, "gone"));
    append(Tables.EXPOSURES, shown("r1", "gone", T - 5_000), shown("r2", "gone", T + 5_000), shown("r3", "kept", T));
    Path exposures = Files.createDirectories(Path.of(config.exposureDir()));
    Path unreadExposure = exposures.resolve((T - 1_000) + "-x.jsonl");
    String goneShown = new Exposure("r4", "gone", T - 2_000, null, null, 1, "served", "trained",
        List.of(new Exposure.Shown("i1", 0, List.of("als")))).toJson();
    String keptShown = goneShown.replace("\"gone\"", "\"kept\"");
    Files.write(unreadExposure, List.of(goneShown, keptShown));
    Path landing = Files.createDirectories(Path.of(config.landingDir()));
    Path unread = landing.resolve((T - 1_000) + "-x.jsonl");
    String gone = "{\"event_id\":\"l1\",\"user_id\":\"gone\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":1}";
    String kept = "{\"event_id\":\"l2\",\"user_id\":\"kept\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":1}";
    Files.write(unread, List.of(gone, kept));

    ErasureJob.Report r = new ErasureJob(warehouse, config).run(
        List.of(new ErasureRequest("x-1", "gone", T, "operator")));

    assertEquals(List.of("b", "c"), ids(Tables.EVENTS, Col.EVENT_ID), "event b came after the request");
    assertEquals(List.of("1 kept", "2 gone"), warehouse.read(Tables.USER_FACTORS).orderBy(Col.MODEL_VERSION, Col.ID)
        .collectAsList().stream().map(f -> f.getLong(0) + " " + f.getString(1)).toList(),
        "version 2 was trained after the request");
    assertEquals(List.of(kept), Files.readAllLines(unread));
    assertEquals(List.of("r2", "r3"), ids(Tables.EXPOSURES, Col.REQUEST_ID), "list r2 was shown after the request");
    assertEquals(List.of(keptShown), Files.readAllLines(unreadExposure));
    assertEquals(Map.of(Tables.EVENTS.name(), 1L, Tables.USER_FACTORS.name(), 1L, Tables.EXPOSURES.name(), 1L),
        Map.copyOf(r.rowsDeleted()));
    assertEquals(1, r.expired(), "with no retention the tombstone goes in the same run");
    assertEquals(0, warehouse.read(Tables.ERASURES).count());
    List<Row> audit = warehouse.read(Tables.ERASURE_AUDIT).orderBy(Col.STEP).collectAsList();
    assertEquals(List.of(Step.APPLIED, Step.EXPIRED), audit.stream().map(a -> a.getString(1)).toList());
    for (Row a : audit) {
      assertTrue(!a.toString().contains("gone"), "the audit names the user: " + a);
    }
  }

  private void append(TableDef t, Row... rows) {
    warehouse.append(t, SparkFixture.spark().createDataFrame(List.of(rows), Schemas.of(t)));
  }

  private static Row event(String id, String user, long ingestedAt) {
    Timestamp at = new Timestamp(ingestedAt);
    return RowFactory.create(id, user, "i1", "view", null, new Timestamp(T - 86_400_000L), at,
        new Date(ingestedAt), null);
  }

  /** One item of list {@code request}, shown to {@code user} at {@code shownAt}. */
  private static Row shown(String request, String user, long shownAt) {
    Timestamp at = new Timestamp(shownAt);
    return RowFactory.create(request, user, "i1", 0, new String[] {"als"}, 1.0, null, null, 1L, "served", "trained",
        at, at, new Date(shownAt), null, null, null);
  }

  private static Row model(long version, long createdAt) {
    return RowFactory.create(version, Tables.Status.PUBLISHED, new Timestamp(createdAt), null, null, null, null, null);
  }

  private static Row factor(long version, String user) {
    return RowFactory.create(version, user, null, Tables.Source.ALS);
  }

  private List<String> ids(TableDef t, String column) {
    return warehouse.read(t).select(column).orderBy(column).collectAsList().stream().map(r -> r.getString(0)).toList();
  }
}
