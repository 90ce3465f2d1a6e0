package io.recflow.spark;

import static org.apache.spark.sql.functions.col;

import io.recflow.core.ModelParams;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.core.Tables.Status;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;

/**
 * Reads the {@code models} table from Spark: which version is published, a version's status and the
 * parameters it was trained with. The nightly job's registry writes it; the stream and the
 * notebooks only read it, through this class.
 */
public final class ModelTable {
  private final Warehouse warehouse;

  public ModelTable(Warehouse warehouse) {
    this.warehouse = warehouse;
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
    Map<Long, String> statuses = new HashMap<>();
    for (Row r : warehouse.read(Tables.MODELS).select(Col.MODEL_VERSION, Col.STATUS).collectAsList()) {
      statuses.put(r.getLong(0), r.getString(1));
    }
    long newest = Status.newestPublished(statuses);
    return newest < 0 ? Optional.empty() : Optional.of(newest);
  }

  /** The status of a version, if it exists. */
  public Optional<String> status(long version) {
    List<Row> rows = warehouse.read(Tables.MODELS).filter(col(Col.MODEL_VERSION).equalTo(version))
        .select(Col.STATUS).collectAsList();
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0).getString(0));
  }

  /**
   * The parameters a version was trained with, read from models.params by core's ModelParams.
   *
   * @throws IllegalArgumentException when there is no such version
   */
  public ModelParams params(long version) {
    List<Row> rows = warehouse.read(Tables.MODELS).filter(col(Col.MODEL_VERSION).equalTo(version))
        .select(Col.PARAMS).collectAsList();
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("There is no model version " + version + " in "
          + warehouse.path(Tables.MODELS) + ". 'bin/recflow models list' shows the versions.");
    }
    Map<String, String> stored = rows.get(0).isNullAt(0) ? Map.of() : rows.get(0).getJavaMap(0);
    return ModelParams.fromMap(version, stored);
  }
}
