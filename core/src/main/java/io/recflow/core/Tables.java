package io.recflow.core;

import java.util.List;

/**
 * Names of the Delta tables in a warehouse and of their columns. Every module refers to tables and
 * columns through these constants; the Spark schemas built from them live in the batch module.
 */
public final class Tables {
  private Tables() {}

  /** Accepted events, partitioned by ingest date. */
  public static final String EVENTS = "events";
  /** Rejected input records with the reason, never dropped. */
  public static final String EVENTS_QUARANTINE = "events_quarantine";
  /** The item catalog. */
  public static final String ITEMS = "items";
  /** ALS user factors, per model version. */
  public static final String USER_FACTORS = "user_factors";
  /** ALS item factors, per model version. */
  public static final String ITEM_FACTORS = "item_factors";
  /** Time-decayed item popularity, per model version. */
  public static final String POPULARITY = "popularity";
  /** Text embeddings of items, merged by item_id; re-embedded only when their text changes. */
  public static final String ITEM_EMBEDDINGS = "item_embeddings";
  /** The most similar items of each item, by content and by ALS factors, per model version. */
  public static final String ITEM_NEIGHBORS = "item_neighbors";
  /** One row per model version with its parameters, inputs, metrics and status. */
  public static final String MODELS = "models";
  /** Live user vectors from the streaming job, appended per micro-batch; the newest row per user wins. */
  public static final String USER_VECTORS_RT = "user_vectors_rt";
  /** Offline evaluation results. */
  public static final String EVAL_RUNS = "eval_runs";

  /** Every table a warehouse can hold. */
  public static final List<String> ALL = List.of(EVENTS, EVENTS_QUARANTINE, ITEMS,
      MODELS, USER_FACTORS, ITEM_FACTORS, POPULARITY, ITEM_EMBEDDINGS, ITEM_NEIGHBORS, EVAL_RUNS, USER_VECTORS_RT);

  /** Column names, shared by all tables that have the column. */
  public static final class Col {
    private Col() {}

    public static final String EVENT_ID = "event_id";
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
    public static final String NEIGHBOR_ID = "neighbor_id";
    public static final String KIND = "kind";
    public static final String N_ITEMS = "n_items";
    public static final String LAST_EVENT_TS = "last_event_ts";
    public static final String BATCH_ID = "batch_id";
    public static final String WRITTEN_AT = "written_at";
  }

  /** Values of item_factors.source: where a factor came from. */
  public static final class Source {
    private Source() {}

    /** Learned by ALS from interactions. */
    public static final String ALS = "als";
    /** Projected from the item's text embedding: a cold item. */
    public static final String CONTENT = "content";
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
  }
}
