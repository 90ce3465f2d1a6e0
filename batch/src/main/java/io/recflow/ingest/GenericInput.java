package io.recflow.ingest;

import static org.apache.spark.sql.functions.array_remove;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.from_csv;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.recflow.core.EventJson;
import io.recflow.core.Tables.Col;
import io.recflow.spark.EventRows;
import io.recflow.spark.Schemas;
import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Reads recflow's own file format: {@code events*.csv} or {@code events*.jsonl} with fields
 * user_id, item_id, event_type, value, ts, event_id (value and event_id optional), and optionally
 * {@code items*.csv}/{@code items*.jsonl} with item_id, title, category ({@code |}-separated),
 * description, and optionally available (true/false) and expires_at (an ISO-8601 time). Lines are
 * kept as they arrived so that a rejected one is quarantined verbatim.
 */
public final class GenericInput {
  private GenericInput() {}

  private static final List<String> REQUIRED = List.of(Col.USER_ID, Col.ITEM_ID, Col.EVENT_TYPE, Col.TS);
  private static final StructType ITEM_SCHEMA = new StructType().add(Col.ITEM_ID, StringType)
      .add("title", StringType).add("category", StringType).add("description", StringType)
      .add(Col.AVAILABLE, StringType).add(Col.EXPIRES_AT, StringType);

  static Input read(SparkSession spark, String format, String dir) {
    String events = dir + "/events*." + format;
    String items = dir + "/items*." + format;
    if (Input.isLocal(dir) && !hasFile(dir, "events", format)) {
      throw new IllegalArgumentException("No events*." + format + " file in " + dir + ". The " + format
          + " format reads events*." + format + " and optionally items*." + format + " from the input directory.");
    }
    Dataset<Row> lines = spark.read().text(events).filter(trim(col("value")).notEqual(""));
    if (lines.isEmpty()) {
      return new Input(spark.createDataFrame(List.of(), Schemas.RAW_EVENT), readItems(spark, format, dir, items), items);
    }
    Dataset<Row> raw = format.equals("csv") ? toRaw(parseCsv(lines, events), input_file_name())
        : EventRows.fromJsonLines(lines, input_file_name());
    return new Input(raw, readItems(spark, format, dir, items), items);
  }

  private static Dataset<Row> toRaw(Dataset<Row> parsed, Column source) {
    return parsed.select(source.as(Col.SOURCE), col("value").as(Col.RAW),
        col("e." + Col.EVENT_ID), col("e." + Col.USER_ID), col("e." + Col.ITEM_ID), col("e." + Col.EVENT_TYPE),
        col("e." + Col.VALUE), col("e." + Col.TS), col("e." + Col.REQUEST_ID), lit(null).cast("string").as(Col.REASON));
  }

  private static Dataset<Row> parseCsv(Dataset<Row> lines, String path) {
    String header = lines.first().getString(0).trim();
    List<String> columns = Arrays.stream(header.split(",")).map(String::trim).toList();
    for (String required : REQUIRED) {
      if (!columns.contains(required)) {
        throw new IllegalArgumentException("The CSV header of " + path + " is '" + header + "' but has no "
            + required + " column. The first line of each events CSV must name the columns, e.g. "
            + String.join(",", EventJson.FIELDS) + ".");
      }
    }
    StructType schema = new StructType();
    for (String c : columns) {
      schema = schema.add(c, StringType);
    }
    Dataset<Row> parsed = lines.filter(trim(col("value")).notEqual(header))
        .withColumn("p", from_csv(col("value"), lit(schema.toDDL()), Map.of("mode", "PERMISSIVE")));
    Column[] fields = EventJson.FIELDS.stream()
        .map(f -> columns.contains(f) ? col("p." + f).as(f) : lit(null).cast("string").as(f))
        .toArray(Column[]::new);
    return parsed.withColumn("e", org.apache.spark.sql.functions.struct(fields));
  }


  private static Dataset<Row> readItems(SparkSession spark, String format, String dir, String glob) {
    Dataset<Row> df;
    boolean present = !Input.isLocal(dir) || hasFile(dir, "items", format);
    if (!present) {
      df = spark.createDataFrame(List.of(), ITEM_SCHEMA);
    } else if (format.equals("csv")) {
      // By header name, not position: the optional columns may be absent or in any order.
      Dataset<Row> named = spark.read().option("header", true).csv(glob);
      List<String> header = Arrays.asList(named.columns());
      if (!header.contains(Col.ITEM_ID)) {
        throw new IllegalArgumentException("The CSV header of " + glob + " is " + header + " but has no item_id"
            + " column. The first line of each items CSV must name the columns, e.g. "
            + String.join(",", ITEM_SCHEMA.fieldNames()) + ".");
      }
      df = named.select(Arrays.stream(ITEM_SCHEMA.fieldNames())
          .map(f -> header.contains(f) ? col(f) : lit(null).cast("string").as(f)).toArray(Column[]::new));
    } else {
      df = spark.read().schema(ITEM_SCHEMA).json(glob);
    }
    Column attributes = array_remove(split(coalesce(col("category"), lit("")), "\\|"), "");
    return df.select(col(Col.ITEM_ID), col("title").as(Col.TITLE),
        concat_ws(". ", col("title"), concat_ws(", ", attributes), col("description")).as(Col.TEXT),
        attributes.as(Col.ATTRIBUTES), col(Col.AVAILABLE), col(Col.EXPIRES_AT));
  }

  private static boolean hasFile(String dir, String prefix, String ext) {
    File[] files = new File(dir).listFiles((d, n) -> n.startsWith(prefix) && n.endsWith("." + ext));
    return files != null && files.length > 0;
  }
}
