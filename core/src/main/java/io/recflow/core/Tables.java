package io.recflow.core;

import static io.recflow.core.ColumnDef.optional;
import static io.recflow.core.ColumnDef.required;
import static io.recflow.core.ColumnType.BOOLEAN;
import static io.recflow.core.ColumnType.DATE;
import static io.recflow.core.ColumnType.DOUBLE;
import static io.recflow.core.ColumnType.DOUBLE_MAP;
import static io.recflow.core.ColumnType.FLOAT_ARRAY;
import static io.recflow.core.ColumnType.FLOAT_MATRIX;
import static io.recflow.core.ColumnType.INT;
import static io.recflow.core.ColumnType.LONG;
import static io.recflow.core.ColumnType.LONG_MAP;
import static io.recflow.core.ColumnType.STRING;
import static io.recflow.core.ColumnType.STRING_ARRAY;
import static io.recflow.core.ColumnType.STRING_MAP;
import static io.recflow.core.ColumnType.TIMESTAMP;

import io.recflow.core.ColumnDef.Privacy;
import java.util.List;
import java.util.Map;

/**
 * The warehouse contract: every Delta table recflow reads or writes, defined once with its columns,
 * partitioning and key, plus the column names and the values of its enumerated columns. Spark
 * schemas (recflow-spark's {@code Schemas}), the server's Delta Kernel read schemas and
 * docs/data-model.md are derived from these definitions; tests hold them to it.
 */
public final class Tables {
  private Tables() {}

  /** Accepted events; the input of every model. */
  public static final TableDef EVENTS = new TableDef("events",
      "one accepted event; ingest and the stream MERGE or append it once by event_id",
      // A client's event ids are its own text, and may embed the user's id.
      List.of(required(Col.EVENT_ID, STRING).holding(Privacy.FREE_TEXT),
          required(Col.USER_ID, STRING).holding(Privacy.USER_ID),
          required(Col.ITEM_ID, STRING), required(Col.EVENT_TYPE, STRING), optional(Col.VALUE, DOUBLE),
          required(Col.TS, TIMESTAMP),
          required(Col.INGESTED_AT, TIMESTAMP), required(Col.INGEST_DATE, DATE),
          // Last, where ALTER TABLE ADD COLUMNS puts it in a table written before it existed.
          optional(Col.REQUEST_ID, STRING)),
      List.of(Col.INGEST_DATE), List.of(Col.EVENT_ID));

  /** Rejected input records with the reason, never dropped. */
  public static final TableDef EVENTS_QUARANTINE = new TableDef("events_quarantine",
      "one rejected input record, verbatim, with where it came from, a reason a person can act on, and the "
          + "user id it named (if it could be read), by which erasure finds it",
      List.of(optional(Col.RAW, STRING).holding(Privacy.FREE_TEXT), optional(Col.SOURCE, STRING),
          optional(Col.REASON, STRING), optional(Col.INGESTED_AT, TIMESTAMP),
          optional(Col.USER_ID, STRING).holding(Privacy.USER_ID)),
      List.of(), List.of());

  /** The item catalog. */
  public static final TableDef ITEMS = new TableDef("items",
      "one catalog item; never served while available is false or after expires_at (null: available, never"
          + " expires); updated_at changes only when another column does",
      List.of(required(Col.ITEM_ID, STRING), optional(Col.TITLE, STRING), optional(Col.TEXT, STRING),
          optional(Col.ATTRIBUTES, STRING_ARRAY), optional(Col.UPDATED_AT, TIMESTAMP),
          optional(Col.AVAILABLE, BOOLEAN), optional(Col.EXPIRES_AT, TIMESTAMP)),
      List.of(), List.of(Col.ITEM_ID));

  /** Text embeddings of items, merged by item_id; re-embedded only when their text changes. */
  public static final TableDef ITEM_EMBEDDINGS = new TableDef("item_embeddings",
      "an item's text embedding; content_hash (SHA-256 of model and text) decides when to re-embed",
      List.of(required(Col.ITEM_ID, STRING), required(Col.MODEL_NAME, STRING), required(Col.CONTENT_HASH, STRING),
          optional(Col.VECTOR, FLOAT_ARRAY), optional(Col.UPDATED_AT, TIMESTAMP)),
      List.of(), List.of(Col.ITEM_ID));

  /** ALS user factors, per model version. */
  public static final TableDef USER_FACTORS = factors("user_factors", "a user's ALS factor in one model version",
      Privacy.USER_ID);

  /** ALS item factors, per model version; cold items are placed by their text. */
  public static final TableDef ITEM_FACTORS = factors("item_factors",
      "an item's factor in one model version: learned (source als) or placed by its text (source content)",
      Privacy.NONE);

  /** Time-decayed item popularity, per model version. */
  public static final TableDef POPULARITY = new TableDef("popularity",
      "an item's time-decayed count of users with a positive interest, in one model version",
      List.of(required(Col.MODEL_VERSION, LONG), required(Col.ITEM_ID, STRING), optional(Col.SCORE, DOUBLE)),
      List.of(Col.MODEL_VERSION), List.of(Col.MODEL_VERSION, Col.ITEM_ID));

  /** The most similar items of each item, by content and by ALS factors, per model version. */
  public static final TableDef ITEM_NEIGHBORS = new TableDef("item_neighbors",
      "one of an item's most similar items by cosine, of kind content (text) or cf (factors), in one model version",
      List.of(required(Col.MODEL_VERSION, LONG), required(Col.ITEM_ID, STRING), required(Col.NEIGHBOR_ID, STRING),
          optional(Col.SCORE, DOUBLE), required(Col.KIND, STRING)),
      List.of(Col.MODEL_VERSION), List.of(Col.MODEL_VERSION, Col.KIND, Col.ITEM_ID, Col.NEIGHBOR_ID));

  /** Per-item counts the ranking reads, per model version. */
  public static final TableDef ITEM_STATS = new TableDef("item_stats",
      "an item's interaction counts in one model version: all, positive (popularity) and positive within the "
          + "recent window, and its first interaction",
      List.of(required(Col.MODEL_VERSION, LONG), required(Col.ITEM_ID, STRING), required(Col.INTERACTIONS, LONG),
          required(Col.POSITIVE, LONG), required(Col.POSITIVE_RECENT, LONG), optional(Col.FIRST_SEEN, TIMESTAMP)),
      List.of(Col.MODEL_VERSION), List.of(Col.MODEL_VERSION, Col.ITEM_ID));

  /** Which items follow which in users' histories, per model version. */
  public static final TableDef CO_VISITATION = new TableDef("co_visitation",
      "one of the items users turned to after item_id (neighbor_id), with its summed recency-weighted count, in one "
          + "model version; the heaviest 50 per item",
      List.of(required(Col.MODEL_VERSION, LONG), required(Col.ITEM_ID, STRING), required(Col.NEIGHBOR_ID, STRING),
          required(Col.SCORE, DOUBLE)),
      List.of(Col.MODEL_VERSION), List.of(Col.MODEL_VERSION, Col.ITEM_ID, Col.NEIGHBOR_ID));

  /** The learned ranker of each model version. */
  public static final TableDef RANKERS = new TableDef("rankers",
      "the ranker trained with one model version: its XGBoost JSON model, the feature names it reads in order, "
          + "its validation figures, and whether it beat the ALS order (status published or rejected)",
      List.of(required(Col.MODEL_VERSION, LONG), required(Col.STATUS, STRING), required(Col.FEATURES, STRING_ARRAY),
          required(Col.MODEL_JSON, STRING), optional(Col.METRICS, DOUBLE_MAP), optional(Col.CREATED_AT, TIMESTAMP)),
      List.of(), List.of(Col.MODEL_VERSION));

  /** The sequence model of each model version: its shape, figures and gate decision. */
  public static final TableDef SEQUENCE_MODELS = new TableDef("sequence_models",
      "the sequence model trained with one model version: its shape (SequenceParams), its validation figures "
          + "beside the popularity baseline's, and whether it beat them (status published or rejected)",
      List.of(required(Col.MODEL_VERSION, LONG), required(Col.STATUS, STRING), required(Col.PARAMS, STRING_MAP),
          optional(Col.METRICS, DOUBLE_MAP), optional(Col.CREATED_AT, TIMESTAMP)),
      List.of(), List.of(Col.MODEL_VERSION));

  /** The weights of each version's sequence model, one named tensor per row. */
  public static final TableDef SEQUENCE_WEIGHTS = new TableDef("sequence_weights",
      "one weight tensor of a version's sequence model, row-major, named as io.recflow.sequence.SequenceWeights "
          + "names it",
      List.of(required(Col.MODEL_VERSION, LONG), required(Col.NAME, STRING), required(Col.VECTOR, FLOAT_ARRAY)),
      List.of(Col.MODEL_VERSION), List.of(Col.MODEL_VERSION, Col.NAME));

  /** Each item's vector in a version's sequence model. */
  public static final TableDef SEQUENCE_ITEMS = factors("sequence_items",
      "an item's vector in one version's sequence model: its learned id vector plus its projected text (source "
          + "sequence), or its text alone when no training history held it (source content)", Privacy.NONE);

  /** One row per model version with its parameters, inputs, metrics and status. */
  public static final TableDef MODELS = new TableDef("models",
      "one model version: status, the typed parameters it was trained with (ModelParams), the Delta versions "
          + "of its inputs, its metrics",
      List.of(required(Col.MODEL_VERSION, LONG), required(Col.STATUS, STRING), optional(Col.CREATED_AT, TIMESTAMP),
          optional(Col.PUBLISHED_AT, TIMESTAMP), optional(Col.PARAMS, STRING_MAP),
          optional(Col.INPUT_VERSIONS, LONG_MAP), optional(Col.METRICS, DOUBLE_MAP), optional(Col.NOTE, STRING)),
      List.of(), List.of(Col.MODEL_VERSION));

  /** Live user vectors from the streaming job, appended per micro-batch; the newest row per user wins. */
  public static final TableDef USER_VECTORS_RT = new TableDef("user_vectors_rt",
      "a user's exact fold-in against model_version after one micro-batch; the highest batch_id wins",
      List.of(required(Col.USER_ID, STRING).holding(Privacy.USER_ID), required(Col.MODEL_VERSION, LONG),
          required(Col.VECTOR, FLOAT_ARRAY), required(Col.N_ITEMS, INT), required(Col.LAST_EVENT_TS, TIMESTAMP), required(Col.BATCH_ID, LONG),
          required(Col.WRITTEN_AT, TIMESTAMP)),
      List.of(), List.of(Col.USER_ID, Col.MODEL_VERSION, Col.BATCH_ID));

  /** Offline evaluation results. */
  public static final TableDef EVAL_RUNS = new TableDef("eval_runs",
      "one figure of an offline evaluation of one model version",
      List.of(optional(Col.MODEL_VERSION, LONG), optional(Col.PROTOCOL, STRING), optional(Col.MODEL, STRING),
          optional(Col.METRIC, STRING), optional(Col.K, INT), optional(Col.VALUE, DOUBLE),
          optional(Col.CREATED_AT, TIMESTAMP)),
      List.of(), List.of(Col.MODEL_VERSION, Col.PROTOCOL, Col.MODEL, Col.METRIC));

  /**
   * Erasure tombstones: each asks that a user's data written before requested_at be erased. The
   * stream, the nightly job and every server apply them; they are kept for erasure.retentionHours,
   * until the data they erase is physically gone, then removed themselves.
   */
  public static final TableDef ERASURES = new TableDef("erasures",
      "a request to erase a user: every row of theirs written before requested_at goes; a later event under the "
          + "same id starts a new user. Recorded by bin/recflow forget or by the stream for DELETE /v1/users/{id}, "
          + "possibly twice; erasure_id identifies it",
      List.of(required(Col.ERASURE_ID, STRING), required(Col.USER_ID, STRING).holding(Privacy.USER_ID),
          required(Col.REQUESTED_AT, TIMESTAMP), optional(Col.REQUESTED_BY, STRING),
          optional(Col.RECORDED_AT, TIMESTAMP)),
      List.of(), List.of(Col.ERASURE_ID));

  /** What became of each erasure, without the user's id. */
  public static final TableDef ERASURE_AUDIT = new TableDef("erasure_audit",
      "one step of an erasure, without personal data: applied (by a run that deleted the rows of the users it "
          + "erased, counted per table for the whole run; every run until expiry applies it again) or expired (its "
          + "tombstone removed once the data was physically gone)",
      List.of(required(Col.ERASURE_ID, STRING), required(Col.STEP, STRING), optional(Col.REQUESTED_AT, TIMESTAMP),
          optional(Col.REQUESTED_BY, STRING), optional(Col.ROWS, LONG_MAP), optional(Col.CREATED_AT, TIMESTAMP)),
      List.of(), List.of(Col.ERASURE_ID, Col.STEP));

  /** What servers showed: one row per item of each recommendation list, written by the stream. */
  public static final TableDef EXPOSURES = new TableDef("exposures",
      "one item of one recommendation list a server answered (request_id), at its 0-based position, with the sources "
          + "that found it, the probability the serving policy gave it that slot, and the experiment arm that served it; "
          + "user_id is null for an anonymous session. Where a random draw chose the item (propensity below 1), "
          + "pool_items are the candidates drawn among, best ranked first, pool_features their ranking features, "
          + "and features the features' names",
      List.of(required(Col.REQUEST_ID, STRING), optional(Col.USER_ID, STRING).holding(Privacy.USER_ID),
          required(Col.ITEM_ID, STRING), required(Col.POSITION, INT), optional(Col.SOURCES, STRING_ARRAY),
          required(Col.PROPENSITY, DOUBLE), optional(Col.EXPERIMENT, STRING), optional(Col.VARIANT, STRING),
          required(Col.MODEL_VERSION, LONG), optional(Col.MODEL, STRING), optional(Col.RANKER, STRING),
          required(Col.TS, TIMESTAMP), required(Col.INGESTED_AT, TIMESTAMP), required(Col.INGEST_DATE, DATE),
          optional(Col.POOL_ITEMS, STRING_ARRAY), optional(Col.POOL_FEATURES, FLOAT_MATRIX),
          optional(Col.FEATURES, STRING_ARRAY)),
      List.of(Col.INGEST_DATE), List.of(Col.REQUEST_ID, Col.POSITION));

  /** Clicks, carts and purchases tied to the list they came from; rebuilt by each nightly run. */
  public static final TableDef ATTRIBUTED_EVENTS = new TableDef("attributed_events",
      "one click, cart or purchase attributed to a list that showed its item to its user: the list its request_id "
          + "names (attributed_by request), else the latest such list within experiments.attributionWindowMinutes "
          + "before it (window); with that list's position, propensity and experiment arm",
      List.of(required(Col.EVENT_ID, STRING).holding(Privacy.FREE_TEXT),
          required(Col.USER_ID, STRING).holding(Privacy.USER_ID), required(Col.ITEM_ID, STRING),
          required(Col.EVENT_TYPE, STRING), required(Col.TS, TIMESTAMP), required(Col.REQUEST_ID, STRING),
          required(Col.POSITION, INT), required(Col.PROPENSITY, DOUBLE), optional(Col.EXPERIMENT, STRING),
          optional(Col.VARIANT, STRING), required(Col.MODEL_VERSION, LONG), required(Col.EXPOSED_AT, TIMESTAMP),
          required(Col.ATTRIBUTED_BY, STRING), required(Col.CREATED_AT, TIMESTAMP)),
      List.of(), List.of(Col.EVENT_ID));

  /** Every table a warehouse can hold. */
  public static final List<TableDef> ALL = List.of(EVENTS, EVENTS_QUARANTINE, ITEMS,
      MODELS, USER_FACTORS, ITEM_FACTORS, POPULARITY, ITEM_EMBEDDINGS, ITEM_NEIGHBORS, ITEM_STATS, CO_VISITATION,
      RANKERS, SEQUENCE_MODELS, SEQUENCE_WEIGHTS, SEQUENCE_ITEMS, EVAL_RUNS, USER_VECTORS_RT, ERASURES, ERASURE_AUDIT,
      EXPOSURES, ATTRIBUTED_EVENTS);

  private static TableDef factors(String name, String row, Privacy idPrivacy) {
    return new TableDef(name, row,
        List.of(required(Col.MODEL_VERSION, LONG), required(Col.ID, STRING).holding(idPrivacy),
            optional(Col.VECTOR, FLOAT_ARRAY), required(Col.SOURCE, STRING)),
        List.of(Col.MODEL_VERSION), List.of(Col.MODEL_VERSION, Col.ID));
  }

  /** Column names, shared by all tables that have the column. */
  public static final class Col {
    private Col() {}

    public static final String EVENT_ID = "event_id";
    public static final String REQUEST_ID = "request_id";
    public static final String POSITION = "position";
    public static final String SOURCES = "sources";
    public static final String PROPENSITY = "propensity";
    public static final String POOL_ITEMS = "pool_items";
    public static final String POOL_FEATURES = "pool_features";
    public static final String EXPERIMENT = "experiment";
    public static final String VARIANT = "variant";
    public static final String RANKER = "ranker";
    public static final String EXPOSED_AT = "exposed_at";
    public static final String ATTRIBUTED_BY = "attributed_by";
    public static final String USER_ID = "user_id";
    public static final String ITEM_ID = "item_id";
    public static final String EVENT_TYPE = "event_type";
    public static final String VALUE = "value";
    public static final String TS = "ts";
    public static final String INGESTED_AT = "ingested_at";
    public static final String INGEST_DATE = "ingest_date";
    public static final String RAW = "raw";
    public static final String SOURCE = "source";
    public static final String REASON = "reason";
    public static final String TITLE = "title";
    public static final String TEXT = "text";
    public static final String ATTRIBUTES = "attributes";
    public static final String UPDATED_AT = "updated_at";
    public static final String AVAILABLE = "available";
    public static final String EXPIRES_AT = "expires_at";
    public static final String MODEL_VERSION = "model_version";
    public static final String ID = "id";
    public static final String VECTOR = "vector";
    public static final String SCORE = "score";
    public static final String STATUS = "status";
    public static final String CREATED_AT = "created_at";
    public static final String PUBLISHED_AT = "published_at";
    public static final String PARAMS = "params";
    public static final String INPUT_VERSIONS = "input_versions";
    public static final String METRICS = "metrics";
    public static final String NOTE = "note";
    public static final String PROTOCOL = "protocol";
    public static final String MODEL = "model";
    public static final String METRIC = "metric";
    public static final String K = "k";
    public static final String CONFIDENCE = "confidence";
    public static final String MODEL_NAME = "model_name";
    public static final String CONTENT_HASH = "content_hash";
    public static final String ERASURE_ID = "erasure_id";
    public static final String REQUESTED_AT = "requested_at";
    public static final String REQUESTED_BY = "requested_by";
    public static final String RECORDED_AT = "recorded_at";
    public static final String STEP = "step";
    public static final String ROWS = "rows";
    public static final String NEIGHBOR_ID = "neighbor_id";
    public static final String KIND = "kind";
    public static final String N_ITEMS = "n_items";
    public static final String LAST_EVENT_TS = "last_event_ts";
    public static final String BATCH_ID = "batch_id";
    public static final String WRITTEN_AT = "written_at";
    public static final String INTERACTIONS = "interactions";
    public static final String POSITIVE = "positive";
    public static final String POSITIVE_RECENT = "positive_recent";
    public static final String FIRST_SEEN = "first_seen";
    public static final String FEATURES = "features";
    public static final String MODEL_JSON = "model_json";
    public static final String NAME = "name";
  }

  /** Values of item_factors.source: where a factor came from. */
  public static final class Source {
    private Source() {}

    /** Learned by ALS from interactions. */
    public static final String ALS = "als";
    /** Projected from the item's text embedding: a cold item. */
    public static final String CONTENT = "content";
    /** Learned by the sequence model (sequence_items). */
    public static final String SEQUENCE = "sequence";
  }

  /** Values of models.status. */
  public static final class Status {
    private Status() {}

    /** Tables are being written; never read. */
    public static final String TRAINING = "training";
    /** Complete and passed the gate; readers use the newest of these. */
    public static final String PUBLISHED = "published";
    /** Complete but did not beat the baseline on the gate metric. */
    public static final String REJECTED = "rejected";
    /** The run failed part-way; its rows are ignored. */
    public static final String FAILED = "failed";
    /** Was published, then withdrawn by an operator rolling back to an earlier version. */
    public static final String WITHDRAWN = "withdrawn";

    /**
     * The version readers serve, given every version's status: the newest published one, or -1 when
     * none is. The server (Delta Kernel) and the Spark jobs both decide through this method.
     */
    public static long newestPublished(Map<Long, String> statusByVersion) {
      long newest = -1;
      for (Map.Entry<Long, String> e : statusByVersion.entrySet()) {
        if (PUBLISHED.equals(e.getValue())) {
          newest = Math.max(newest, e.getKey());
        }
      }
      return newest;
    }
  }

  /** Values of erasure_audit.step. */
  public static final class Step {
    private Step() {}

    /** A run deleted the user's rows written before the request from every table; rows counts the run's deletions. */
    public static final String APPLIED = "applied";
    /** The tombstone was removed: the deleted rows' files had outlived the retention and were vacuumed. */
    public static final String EXPIRED = "expired";
  }

  /** Values of attributed_events.attributed_by: how an event was tied to a list. */
  public static final class AttributedBy {
    private AttributedBy() {}

    /** The event carried the list's request id. */
    public static final String REQUEST = "request";
    /** The latest list that showed the item to the user within the attribution window before the event. */
    public static final String WINDOW = "window";
  }
}
