package io.recflow.serving;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.recflow.core.ColumnDef;
import io.recflow.core.TableDef;
import java.util.ArrayList;
import java.util.List;

/**
 * Delta Kernel schemas derived from core's warehouse contract: the server asks for the columns it
 * reads by name and gets their types from the one definition of the table, not from a list of its
 * own. Every field is nullable, as Delta stores it: Spark's Delta writer records each column of a
 * table it creates as nullable, so the contract's "never null" is the writers' promise (checked on
 * the data by the tests), not part of the stored schema.
 */
final class KernelSchemas {
  private KernelSchemas() {}

  /** The whole table's schema. */
  static StructType of(TableDef table) {
    return read(table, table.columnNames());
  }

  /** The read schema of some of a table's columns, in the order asked for. */
  static StructType read(TableDef table, List<String> columns) {
    List<StructField> fields = new ArrayList<>();
    for (String name : columns) {
      ColumnDef c = table.column(name).orElseThrow(() -> new IllegalArgumentException(
          "the warehouse contract defines no column " + name + " in table " + table.name()));
      fields.add(new StructField(c.name(), type(c), true));
    }
    return new StructType(fields);
  }

  private static DataType type(ColumnDef c) {
    return switch (c.type()) {
      case STRING -> StringType.STRING;
      case BOOLEAN -> BooleanType.BOOLEAN;
      case INT -> IntegerType.INTEGER;
      case LONG -> LongType.LONG;
      case DOUBLE -> DoubleType.DOUBLE;
      case TIMESTAMP -> TimestampType.TIMESTAMP;
      case DATE -> DateType.DATE;
      case FLOAT_ARRAY -> new ArrayType(FloatType.FLOAT, true);
      case FLOAT_MATRIX -> new ArrayType(new ArrayType(FloatType.FLOAT, true), true);
      case STRING_ARRAY -> new ArrayType(StringType.STRING, true);
      case STRING_MAP -> new MapType(StringType.STRING, StringType.STRING, true);
      case LONG_MAP -> new MapType(StringType.STRING, LongType.LONG, true);
      case DOUBLE_MAP -> new MapType(StringType.STRING, DoubleType.DOUBLE, true);
    };
  }
}
