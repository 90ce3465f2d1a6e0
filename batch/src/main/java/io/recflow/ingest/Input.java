package io.recflow.ingest;

import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.spark.Schemas;
import java.io.File;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One night's input, read but not yet validated.
 *
 * @param events raw events in {@link Schemas#RAW_EVENT}, one row per input record
 * @param items catalog rows: item_id, title, text, attributes, and available and expires_at as the
 *     strings read (blank ids and unreadable values are still present; {@link CatalogIngest} judges them)
 * @param itemSource where the catalog came from, for quarantine rows
 */
public record Input(Dataset<Row> events, Dataset<Row> items, String itemSource) {

  /** Reads the input a configuration names. */
  public static Input read(SparkSession spark, RecflowConfig config) {
    return read(spark, config.get(Settings.INPUT_FORMAT), config.get(Settings.INPUT_PATH));
  }

  /** Reads a directory in one of the supported formats: movielens, csv or jsonl. */
  public static Input read(SparkSession spark, String format, String dir) {
    if (isLocal(dir) && !new File(dir).isDirectory()) {
      throw new IllegalArgumentException("Input directory " + dir + " does not exist. Set input.path in the "
          + "profile or pass --input to a directory with the " + format + " files.");
    }
    return switch (format) {
      case "movielens" -> MovieLensInput.read(spark, dir);
      case "csv", "jsonl" -> GenericInput.read(spark, format, dir);
      default -> throw new IllegalArgumentException("Unknown input format '" + format
          + "'; use movielens, csv or jsonl.");
    };
  }

  static boolean isLocal(String path) {
    return !path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") || path.startsWith("file:");
  }
}
