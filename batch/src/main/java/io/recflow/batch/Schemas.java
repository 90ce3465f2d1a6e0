package io.recflow.batch;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createMapType;

import io.recflow.core.Tables.Col;
import org.apache.spark.sql.types.StructType;

/** Spark schemas of the warehouse tables and of raw input, built from the names in core. */
public final class Schemas {
  private Schemas() {}

  /** Input as read, every field text, before validation. */
  public static final StructType RAW_EVENT = new StructType()
      .add(Col.SOURCE, StringType).add(Col.RAW, StringType)
      .add(Col.EVENT_ID, StringType).add(Col.USER_ID, StringType).add(Col.ITEM_ID, StringType)
      .add(Col.EVENT_TYPE, StringType).add(Col.VALUE, StringType).add(Col.TS, StringType);

  /** A raw event after validation: the event's fields, or a reason (and the raw text either way). */
  public static final StructType VALIDATED_EVENT = new StructType()
      .add(Col.EVENT_ID, StringType).add(Col.USER_ID, StringType).add(Col.ITEM_ID, StringType)
      .add(Col.EVENT_TYPE, StringType).add(Col.VALUE, DoubleType).add(Col.TS, TimestampType)
      .add(Col.REASON, StringType).add(Col.RAW, StringType).add(Col.SOURCE, StringType);

  public static final StructType EVENTS = new StructType()
      .add(Col.EVENT_ID, StringType, false).add(Col.USER_ID, StringType, false).add(Col.ITEM_ID, StringType, false)
      .add(Col.EVENT_TYPE, StringType, false).add(Col.VALUE, DoubleType, true).add(Col.TS, TimestampType, false)
      .add(Col.INGESTED_AT, TimestampType, false).add(Col.INGEST_DATE, DateType, false);

  public static final StructType QUARANTINE = new StructType()
      .add(Col.RAW, StringType).add(Col.SOURCE, StringType).add(Col.REASON, StringType)
      .add(Col.INGESTED_AT, TimestampType);

  public static final StructType ITEMS = new StructType()
      .add(Col.ITEM_ID, StringType, false).add(Col.TITLE, StringType).add(Col.TEXT, StringType)
      .add(Col.ATTRIBUTES, createArrayType(StringType)).add(Col.UPDATED_AT, TimestampType);

  public static final StructType ITEM_EMBEDDINGS = new StructType()
      .add(Col.ITEM_ID, StringType, false).add(Col.MODEL_NAME, StringType, false)
      .add(Col.CONTENT_HASH, StringType, false).add(Col.VECTOR, createArrayType(FloatType, false))
      .add(Col.UPDATED_AT, TimestampType);

  public static final StructType ITEM_NEIGHBORS = new StructType()
      .add(Col.MODEL_VERSION, LongType, false).add(Col.ITEM_ID, StringType, false)
      .add(Col.NEIGHBOR_ID, StringType, false).add(Col.SCORE, DoubleType).add(Col.KIND, StringType, false);

  /** user_factors and item_factors. */
  public static final StructType FACTORS = new StructType()
      .add(Col.MODEL_VERSION, LongType, false).add(Col.ID, StringType, false)
      .add(Col.VECTOR, createArrayType(FloatType, false)).add(Col.SOURCE, StringType, false);

  public static final StructType POPULARITY = new StructType()
      .add(Col.MODEL_VERSION, LongType, false).add(Col.ITEM_ID, StringType, false).add(Col.SCORE, DoubleType);

  public static final StructType MODELS = new StructType()
      .add(Col.MODEL_VERSION, LongType, false).add(Col.STATUS, StringType, false)
      .add(Col.CREATED_AT, TimestampType).add(Col.PUBLISHED_AT, TimestampType)
      .add(Col.PARAMS, createMapType(StringType, StringType))
      .add(Col.INPUT_VERSIONS, createMapType(StringType, LongType))
      .add(Col.METRICS, createMapType(StringType, DoubleType))
      .add(Col.NOTE, StringType);

  /** Live user vectors: appended by the streaming job, newest row per user and model version wins. */
  public static final StructType USER_VECTORS_RT = new StructType()
      .add(Col.USER_ID, StringType, false).add(Col.MODEL_VERSION, LongType, false)
      .add(Col.VECTOR, createArrayType(FloatType, false)).add(Col.N_ITEMS, IntegerType, false)
      .add(Col.LAST_EVENT_TS, TimestampType, false).add(Col.BATCH_ID, LongType, false)
      .add(Col.WRITTEN_AT, TimestampType, false);

  public static final StructType EVAL_RUNS = new StructType()
      .add(Col.MODEL_VERSION, LongType).add(Col.PROTOCOL, StringType).add(Col.MODEL, StringType)
      .add(Col.METRIC, StringType).add(Col.K, IntegerType).add(Col.VALUE, DoubleType)
      .add(Col.CREATED_AT, TimestampType);
}
