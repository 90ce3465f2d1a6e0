package io.recflow.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;

import io.recflow.spark.EventRows;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The live event feed as raw events (schema {@code Schemas.RAW_EVENT}) with where each came from:
 * the landing file's path, or {@code kafka:topic/partition/offset}. The landing directory is always
 * read; with {@code stream.source=kafka} the topic is read beside it. Writers put a file into the
 * landing directory by writing it under a name starting with '.' and renaming it, so the stream
 * never reads half a file (Spark skips hidden files).
 */
final class LiveSource {
  private LiveSource() {}

  static Dataset<Row> read(SparkSession spark, StreamConfig c) {
    Dataset<Row> lines = landing(spark, c);
    if (c.fromKafka()) {
      // Servers and `forget` write to the landing directory whatever the source: read beside the
      // topic, it brings their events and erasure tombstones into the same query and checkpoint.
      // The landing files stay the union's first input, so their log is the checkpoint's sources/0
      // in both modes (where `forget` looks for the files the stream has consumed).
      lines = lines.unionByName(kafka(spark, c));
    }
    return EventRows.fromJsonLines(lines.filter(trim(col("value")).notEqual("")), col("origin"));
  }

  private static Dataset<Row> kafka(SparkSession spark, StreamConfig c) {
    return spark.readStream().format("kafka")
        .option("kafka.bootstrap.servers", c.kafkaServers())
        .option("subscribe", c.kafkaTopic())
        .option("startingOffsets", "earliest")
        .load()
        .select(col("value").cast("string").as("value"),
            concat_ws("/", lit("kafka:" + c.kafkaTopic()), col("partition"), col("offset")).as("origin"));
  }

  private static Dataset<Row> landing(SparkSession spark, StreamConfig c) {
    return files(spark, c.landingDir(), c);
  }

  /**
   * The lines of the JSON-lines files landing in {@code dir}, each with its file's path as
   * "origin", read and cleaned up as the stream's settings say.
   */
  static Dataset<Row> files(SparkSession spark, String dir, StreamConfig c) {
    mkdirs(spark, dir);
    var reader = spark.readStream().format("text")
        .option("maxFilesPerTrigger", c.maxFilesPerTrigger())
        // Spark removes a file only once the batch that read it is committed, so an event is
        // always in the landing directory or in the warehouse.
        .option("cleanSource", c.cleanSource());
    if (c.cleanSource().equals("archive")) {
      reader = reader.option("sourceArchiveDir", c.archiveDir());
    }
    return reader.load(dir).withColumn("origin", input_file_name());
  }

  /** The file source refuses a directory that does not exist; an empty one is a normal start. */
  private static void mkdirs(SparkSession spark, String dir) {
    try {
      Path p = new Path(dir);
      p.getFileSystem(spark.sparkContext().hadoopConfiguration()).mkdirs(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the landing directory " + dir, e);
    }
  }
}
