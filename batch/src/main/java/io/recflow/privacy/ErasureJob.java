package io.recflow.privacy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.recflow.core.ConsumedFiles;
import io.recflow.core.ErasureRequest;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.core.TableDef;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.core.Tables.Step;
import io.recflow.spark.Schemas;
import io.recflow.spark.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;

/**
 * Applies the erasure tombstones to the warehouse. Every table whose contract marks a user-id
 * column loses the rows of each erased user that were written before the request; the landing
 * files lose their not-yet-streamed events; the stream's seed is removed. Then VACUUM (with
 * {@code erasure.retentionHours}) deletes the files the rewrites left behind, and tombstones older
 * than the retention are removed themselves. Each run re-applies every live tombstone, so rows of
 * an erased user that arrived late (an event in flight in the stream) go at the next run.
 *
 * <p>Deletes are MERGEs with the tombstones as source, not DELETEs with the id in a predicate: Delta
 * records a DELETE's predicate, literals included, in its log, where no row deletion reaches it.
 */
public final class ErasureJob {
  private static final Logger LOG = LoggerFactory.getLogger(ErasureJob.class);
  private static final int DEFAULT_RETENTION_HOURS = 168;

  private final Warehouse warehouse;
  private final RecflowConfig config;

  public ErasureJob(Warehouse warehouse, RecflowConfig config) {
    this.warehouse = warehouse;
    this.config = config;
  }

  /**
   * What a run did.
   *
   * @param erasures tombstones applied
   * @param rowsDeleted rows deleted per table
   * @param landingLines not-yet-streamed lines removed from landing and archive files
   * @param expired tombstones removed because their retention had passed
   */
  public record Report(int erasures, Map<String, Long> rowsDeleted, long landingLines, int expired) {
    @Override
    public String toString() {
      return erasures + " erasure(s) applied, rows deleted " + rowsDeleted + ", " + landingLines
          + " landing line(s) removed, " + expired + " tombstone(s) expired";
    }
  }

  /** Whether erasure knows when a table's rows were written, which it must for every table holding user ids. */
  public static boolean covers(TableDef table) {
    return table.equals(Tables.ERASURES) || rule(table).isPresent();
  }

  /** Records new requests, applies every tombstone, vacuums and expires old tombstones. */
  public Report run(List<ErasureRequest> requested) {
    Timestamp now = new Timestamp(System.currentTimeMillis());
    record(requested, now);
    if (!warehouse.exists(Tables.ERASURES)) {
      return new Report(0, Map.of(), 0, 0);
    }
    List<Row> erasures = warehouse.read(Tables.ERASURES).dropDuplicates(Col.ERASURE_ID)
        .select(Col.ERASURE_ID, Col.USER_ID, Col.REQUESTED_AT, Col.REQUESTED_BY).collectAsList();
    Map<String, Long> erasedBefore = new HashMap<>();
    for (Row r : erasures) {
      erasedBefore.merge(r.getString(1), r.getTimestamp(2).getTime(), Math::max);
    }
    Map<String, Long> deleted = new TreeMap<>();
    if (!erasures.isEmpty()) {
      // From the rows read above, not a second read: the stream may append a tombstone meanwhile,
      // and every erasure applied must be one the audit records.
      List<Row> latest = new ArrayList<>();
      erasedBefore.forEach((user, at) -> latest.add(RowFactory.create(user, new Timestamp(at))));
      StructType schema = Schemas.of(Tables.ERASURES);
      Dataset<Row> tombstones = warehouse.spark().createDataFrame(latest,
          new StructType(new StructField[] {schema.apply(Col.USER_ID), schema.apply(Col.REQUESTED_AT)})).cache();
      for (TableDef t : Tables.ALL) {
        if (t.userIdColumn().isPresent() && !t.equals(Tables.ERASURES) && warehouse.exists(t)) {
          deleted.put(t.name(), delete(t, tombstones));
        }
      }
      tombstones.unpersist();
      removeSeed();
    }
    long lines = LandingScrub.scrub(Path.of(config.landingDir()), Path.of(config.landingArchiveDir()), erasedBefore,
        ConsumedFiles.read(config.streamCheckpointDir()))
        + LandingScrub.scrubFeed(Path.of(config.exposureDir()), erasedBefore,
            ConsumedFiles.read(config.exposureCheckpointDir()));
    audit(erasures, Step.APPLIED, deleted, now);
    int expired = expire(now);
    vacuum();
    Report report = new Report(erasures.size(), deleted, lines, expired);
    LOG.info("erasure: {}", report);
    return report;
  }

  /**
   * Removes the stream's seed, which holds every user's state as of the stream's first start; a
   * stream that has committed never reads it again, and one that has not recomputes it from the
   * erased events.
   */
  private void removeSeed() {
    org.apache.hadoop.fs.Path seed = new org.apache.hadoop.fs.Path(config.streamSeedDir());
    try {
      seed.getFileSystem(warehouse.spark().sparkContext().hadoopConfiguration()).delete(seed, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the stream's seed " + seed, e);
    }
  }

  private void record(List<ErasureRequest> requested, Timestamp now) {
    if (requested.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    for (ErasureRequest r : requested) {
      rows.add(RowFactory.create(r.erasureId(), r.userId(), new Timestamp(r.requestedAtMillis()), r.requestedBy(),
          now));
    }
    warehouse.append(Tables.ERASURES, warehouse.spark().createDataFrame(rows, Schemas.of(Tables.ERASURES)));
  }

  /** How a table's rows of a user are matched to the tombstone: by when they were written. */
  private record Rule(String condition, boolean byModelVersion) {}

  private static Optional<Rule> rule(TableDef t) {
    String user = "t." + t.userIdColumn().orElse("") + " = s." + Col.USER_ID;
    if (t.equals(Tables.EVENTS) || t.equals(Tables.EVENTS_QUARANTINE)) {
      return Optional.of(new Rule(user + " AND t." + Col.INGESTED_AT + " < s." + Col.REQUESTED_AT, false));
    }
    if (t.equals(Tables.EXPOSURES) || t.equals(Tables.ATTRIBUTED_EVENTS)) {
      // By when the list was shown or the event happened: a stateless stream may append an erased
      // user's exposure after the erasure, which must go all the same; the next run catches it.
      return Optional.of(new Rule(user + " AND t." + Col.TS + " < s." + Col.REQUESTED_AT, false));
    }
    if (t.equals(Tables.USER_VECTORS_RT)) {
      return Optional.of(new Rule(user + " AND t." + Col.WRITTEN_AT + " < s." + Col.REQUESTED_AT, false));
    }
    if (t.equals(Tables.USER_FACTORS)) {
      // A version's factors were all written when it was created.
      return Optional.of(new Rule(user + " AND t." + Col.MODEL_VERSION + " = s." + Col.MODEL_VERSION, true));
    }
    return Optional.empty();
  }

  private long delete(TableDef t, Dataset<Row> tombstones) {
    Rule rule = rule(t).orElseThrow(() -> new IllegalStateException("Table " + t.name() + " holds user ids (column "
        + t.userIdColumn().orElseThrow() + ") but erasure has no rule for when its rows were written, so it cannot "
        + "erase them. Add one to ErasureJob.rule before the table is written."));
    Dataset<Row> source = tombstones;
    if (rule.byModelVersion()) {
      Dataset<Row> versions = warehouse.read(Tables.MODELS).select(Col.MODEL_VERSION, Col.CREATED_AT);
      source = tombstones.join(versions, versions.col(Col.CREATED_AT).lt(tombstones.col(Col.REQUESTED_AT)))
          .select(Col.USER_ID, Col.MODEL_VERSION);
    }
    Dataset<Row> s = source;
    return warehouse.commitMetrics(t, () -> warehouse.delta(t).as("t").merge(s.as("s"), rule.condition())
        .whenMatched().delete().execute()).getOrDefault("numTargetRowsDeleted", 0L);
  }

  private void audit(List<Row> erasures, String step, Map<String, Long> rows, Timestamp now) {
    if (erasures.isEmpty()) {
      return;
    }
    List<Row> out = new ArrayList<>();
    for (Row e : erasures) {
      out.add(RowFactory.create(e.getString(0), step, e.getTimestamp(2), e.getString(3),
          JavaConverters.mapAsScalaMap(rows), now));
    }
    warehouse.append(Tables.ERASURE_AUDIT, warehouse.spark().createDataFrame(out,
        Schemas.of(Tables.ERASURE_AUDIT)));
  }

  /** Removes tombstones older than the retention: the files their erasure rewrote are vacuumed by now. */
  private int expire(Timestamp now) {
    Timestamp cutoff = new Timestamp(now.getTime() - retentionHours() * 3_600_000L);
    List<Row> old = warehouse.read(Tables.ERASURES).filter(col(Col.REQUESTED_AT).leq(lit(cutoff)))
        .dropDuplicates(Col.ERASURE_ID).select(Col.ERASURE_ID, Col.USER_ID, Col.REQUESTED_AT, Col.REQUESTED_BY)
        .collectAsList();
    if (old.isEmpty()) {
      return 0;
    }
    warehouse.delta(Tables.ERASURES).delete(col(Col.REQUESTED_AT).leq(lit(cutoff)));
    audit(old, Step.EXPIRED, Map.of(), now);
    return old.size();
  }

  /** VACUUMs every table holding user ids, so the files erasure rewrote go once the retention has passed. */
  private void vacuum() {
    int hours = retentionHours();
    if (hours < DEFAULT_RETENTION_HOURS) {
      // Delta refuses a shorter retention unless told that no reader needs the older files for longer.
      warehouse.spark().conf().set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
    }
    for (TableDef t : Tables.ALL) {
      if (t.userIdColumn().isPresent() && warehouse.exists(t)) {
        warehouse.delta(t).vacuum(hours);
      }
    }
  }

  private int retentionHours() {
    return config.get(Settings.ERASURE_RETENTION_HOURS);
  }
}
