package io.recflow.publish;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import io.delta.exceptions.DeltaConcurrentModificationException;
import io.recflow.core.ModelParams;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.core.Tables.Status;
import io.recflow.spark.ModelTable;
import io.recflow.spark.Schemas;
import io.recflow.spark.Warehouse;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.collection.JavaConverters;

/**
 * The {@code models} table: one row per model version. A version is created as {@code training},
 * and becomes {@code published} only after all its tables are written and it passed the gate;
 * readers take the newest published version, so a failed or half-written run is never served.
 */
public final class ModelRegistry {
  private static final int MAX_CLAIMS = 8;
  private final Warehouse warehouse;

  public ModelRegistry(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /**
   * Registers a new version in status training and returns its number (1, 2, ...). Two runs that
   * start together get different numbers: the version is claimed with a MERGE that inserts the row
   * only if no row has that number, carrying a token of this run, and the claim counts only once
   * the row read back holds that token; a run that lost the race (a conflicting commit, or a MERGE
   * that found the number taken) claims the next number.
   */
  public long begin(ModelParams params, Map<String, Long> inputVersions, Timestamp now) {
    ensureTable();
    String token = "training: run " + UUID.randomUUID();
    for (int attempt = 1; attempt <= MAX_CLAIMS; attempt++) {
      Row newest = warehouse.read(Tables.MODELS).agg(max(Col.MODEL_VERSION)).head();
      long version = newest.isNullAt(0) ? 1 : newest.getLong(0) + 1;
      Row row = RowFactory.create(version, Status.TRAINING, now, null, scalaMap(params.toMap()),
          scalaMap(inputVersions), scalaMap(Map.<String, Double>of()), token);
      Dataset<Row> claim = warehouse.spark().createDataFrame(List.of(row), Schemas.of(Tables.MODELS));
      try {
        warehouse.delta(Tables.MODELS).as("m")
            .merge(claim.as("c"), "m." + Col.MODEL_VERSION + " = c." + Col.MODEL_VERSION)
            .whenNotMatched().insertAll().execute();
      } catch (DeltaConcurrentModificationException lostRace) {
        continue;
      }
      List<Row> holders = warehouse.read(Tables.MODELS).filter(col(Col.MODEL_VERSION).equalTo(version))
          .select(Col.NOTE).collectAsList();
      if (holders.size() == 1 && token.equals(holders.get(0).getString(0))) {
        return version;
      }
    }
    throw new IllegalStateException("Could not register a new model version in " + warehouse.path(Tables.MODELS)
        + " after " + MAX_CLAIMS + " attempts: other nightly runs claimed every number tried. Run one nightly job "
        + "at a time per warehouse (see docs/operations.md), then run it again.");
  }

  /** Creates the models table; a run that loses the race to create it uses the winner's. */
  private void ensureTable() {
    try {
      warehouse.ensure(Tables.MODELS);
    } catch (RuntimeException e) {
      if (!warehouse.exists(Tables.MODELS)) {
        throw e;
      }
    }
  }

  /** Records the outcome of a version: its status, metrics and a note saying why. */
  public void finish(long version, String status, Map<String, Double> metrics, String note) {
    Map<String, Column> set = new HashMap<>();
    set.put(Col.STATUS, lit(status));
    set.put(Col.NOTE, lit(note));
    List<Column> kv = new ArrayList<>();
    metrics.forEach((k, v) -> {
      kv.add(lit(k));
      kv.add(lit(v));
    });
    if (!kv.isEmpty()) {
      set.put(Col.METRICS, org.apache.spark.sql.functions.map(kv.toArray(Column[]::new)));
    }
    if (status.equals(Status.PUBLISHED)) {
      set.put(Col.PUBLISHED_AT, current_timestamp());
    }
    warehouse.delta(Tables.MODELS).update(col(Col.MODEL_VERSION).equalTo(version), set);
  }

  /**
   * Makes {@code version} the version readers serve (a rollback, or a roll forward again): it
   * becomes published and every newer published version withdrawn, in one Delta commit, so a
   * reader never sees two versions or none. Only a complete version can be published: one that
   * was published or withdrawn, or, with {@code force}, one the gate rejected.
   *
   * @throws IllegalArgumentException when the version does not exist or is not complete
   */
  public void publish(long version, boolean force) {
    String status = new ModelTable(warehouse).status(version).orElseThrow(() -> new IllegalArgumentException(
        "There is no model version " + version + ". 'bin/recflow models list' shows the versions."));
    boolean complete = status.equals(Status.PUBLISHED) || status.equals(Status.WITHDRAWN)
        || (force && status.equals(Status.REJECTED));
    if (!complete) {
      throw new IllegalArgumentException("Model version " + version + " is " + status + " and cannot be published"
          + (status.equals(Status.REJECTED) ? ": it did not beat the baseline. Add --force to publish it anyway."
              : ": its tables are incomplete. Publish a version that is published or withdrawn."));
    }
    Column target = col(Col.MODEL_VERSION).equalTo(version);
    Column newerPublished = col(Col.MODEL_VERSION).gt(version).and(col(Col.STATUS).equalTo(Status.PUBLISHED));
    Map<String, Column> set = new HashMap<>();
    set.put(Col.STATUS, when(target, lit(Status.PUBLISHED)).otherwise(lit(Status.WITHDRAWN)));
    set.put(Col.PUBLISHED_AT, when(target, current_timestamp()).otherwise(col(Col.PUBLISHED_AT)));
    set.put(Col.NOTE, when(target, col(Col.NOTE)).otherwise(lit("withdrawn: version " + version + " published by an "
        + "operator")));
    warehouse.delta(Tables.MODELS).update(target.or(newerPublished), set);
  }





  private static <V> scala.collection.Map<String, V> scalaMap(Map<String, V> m) {
    return JavaConverters.mapAsScalaMap(m);
  }
}
