package io.recflow.spark;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.recflow.core.ColumnDef;
import io.recflow.core.TableDef;
import io.recflow.core.Tables.Col;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Spark schemas: each warehouse table's, derived from its definition in core's contract, and the two
 * in-flight shapes of an event on its way in (raw, then validated), which are not tables.
 */
public final class Schemas {
  private Schemas() {}

  /**
   * Input as read, every field text, before validation; {@code reason} is set when the record
   * could not even be parsed (core's EventJson says why).
   */
  public static final StructType RAW_EVENT = new StructType()
      .add(Col.SOURCE, StringType).add(Col.RAW, StringType)
      .add(Col.EVENT_ID, StringType).add(Col.USER_ID, StringType).add(Col.ITEM_ID, StringType)
      .add(Col.EVENT_TYPE, StringType).add(Col.VALUE, StringType).add(Col.TS, StringType)
      .add(Col.REQUEST_ID, StringType).add(Col.REASON, StringType);

  /** A raw event after validation: the event's fields, or a reason (and the raw text either way). */
  public static final StructType VALIDATED_EVENT = new StructType()
      .add(Col.EVENT_ID, StringType).add(Col.USER_ID, StringType).add(Col.ITEM_ID, StringType)
      .add(Col.EVENT_TYPE, StringType).add(Col.VALUE, DoubleType).add(Col.TS, TimestampType)
      .add(Col.REASON, StringType).add(Col.RAW, StringType).add(Col.SOURCE, StringType)
      .add(Col.REQUEST_ID, StringType);

  /** The Spark schema of a warehouse table. */
  public static StructType of(TableDef table) {
    StructType s = new StructType();
    for (ColumnDef c : table.columns()) {
      s = s.add(c.name(), type(c), c.nullable());
    }
    return s;
  }

  private static DataType type(ColumnDef c) {
    return switch (c.type()) {
      case STRING -> StringType;
      case BOOLEAN -> DataTypes.BooleanType;
      case INT -> DataTypes.IntegerType;
      case LONG -> DataTypes.LongType;
      case DOUBLE -> DoubleType;
      case TIMESTAMP -> TimestampType;
      case DATE -> DataTypes.DateType;
      case FLOAT_ARRAY -> DataTypes.createArrayType(DataTypes.FloatType, false);
      case FLOAT_MATRIX -> DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false);
      case STRING_ARRAY -> DataTypes.createArrayType(StringType, true);
      case STRING_MAP -> DataTypes.createMapType(StringType, StringType);
      case LONG_MAP -> DataTypes.createMapType(StringType, DataTypes.LongType);
      case DOUBLE_MAP -> DataTypes.createMapType(StringType, DoubleType);
    };
  }
}
