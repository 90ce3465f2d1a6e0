package io.recflow.batch;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.core.Tables.Status;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.collection.JavaConverters;

/**
 * The {@code models} table: one row per model version. A version is created as {@code training},
 * and becomes {@code published} only after all its tables are written and it passed the gate;
 * readers take the newest published version, so a failed or half-written run is never served.
 */
public final class ModelRegistry {
  private final Warehouse warehouse;

  public ModelRegistry(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** Registers a new version in status training and returns its number (1, 2, ...). */
  public long begin(Map<String, String> params, Map<String, Long> inputVersions, Timestamp now) {
    warehouse.ensure(Tables.MODELS, Schemas.MODELS);
    Row newest = warehouse.read(Tables.MODELS).agg(max(Col.MODEL_VERSION)).head();
    long version = newest.isNullAt(0) ? 1 : newest.getLong(0) + 1;
    Row row = RowFactory.create(version, Status.TRAINING, now, null, scalaMap(params), scalaMap(inputVersions),
        scalaMap(Map.<String, Double>of()), null);
    warehouse.append(Tables.MODELS, warehouse.spark().createDataFrame(List.of(row), Schemas.MODELS));
    return version;
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
    String status = status(version).orElseThrow(() -> new IllegalArgumentException("There is no model version "
        + version + ". 'bin/recflow models list' shows the versions."));
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

  /** Every version, newest first: version, status, created_at, published_at, note. */
  public List<Row> list() {
    if (!warehouse.exists(Tables.MODELS)) {
      return List.of();
    }
    return warehouse.read(Tables.MODELS).orderBy(col(Col.MODEL_VERSION).desc())
        .select(Col.MODEL_VERSION, Col.STATUS, Col.CREATED_AT, Col.PUBLISHED_AT, Col.NOTE).collectAsList();
  }

  /** The newest published version, if any. */
  public Optional<Long> latestPublished() {
    if (!warehouse.exists(Tables.MODELS)) {
      return Optional.empty();
    }
    Row r = warehouse.read(Tables.MODELS).filter(col(Col.STATUS).equalTo(Status.PUBLISHED))
        .agg(max(Col.MODEL_VERSION)).head();
    return r.isNullAt(0) ? Optional.empty() : Optional.of(r.getLong(0));
  }

  /** The status of a version, if it exists. */
  public Optional<String> status(long version) {
    List<Row> rows = warehouse.read(Tables.MODELS).filter(col(Col.MODEL_VERSION).equalTo(version))
        .select(Col.STATUS).collectAsList();
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0).getString(0));
  }

  /** The configuration a version was trained with (models.params), or empty if there is no such version. */
  public Map<String, String> params(long version) {
    List<Row> rows = warehouse.read(Tables.MODELS).filter(col(Col.MODEL_VERSION).equalTo(version))
        .select(Col.PARAMS).collectAsList();
    return rows.isEmpty() || rows.get(0).isNullAt(0) ? Map.of() : rows.get(0).getJavaMap(0);
  }

  private static <V> scala.collection.Map<String, V> scalaMap(Map<String, V> m) {
    return JavaConverters.mapAsScalaMap(m);
  }
}
