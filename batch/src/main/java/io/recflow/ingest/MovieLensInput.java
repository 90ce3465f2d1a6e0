package io.recflow.ingest;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_remove;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.recflow.core.Tables.Col;
import java.io.File;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads the MovieLens layouts: ml-latest and ml-latest-small CSVs (ratings, movies, tags), ml-1m
 * {@code ::} files and ml-100k {@code u.data}/{@code u.item}. Every rating becomes a {@code rating}
 * event whose id is derived from user, movie and time, so re-reading a file recognises it.
 */
final class MovieLensInput {
  private MovieLensInput() {}

  static Input read(SparkSession spark, String dir) {
    if (exists(dir, "ratings.csv")) {
      return latest(spark, dir);
    }
    if (exists(dir, "ratings.dat")) {
      return oneMillion(spark, dir);
    }
    if (exists(dir, "u.data")) {
      return hundredK(spark, dir);
    }
    throw new IllegalArgumentException("No MovieLens ratings in " + dir + ": expected ratings.csv (ml-latest), "
        + "ratings.dat (ml-1m) or u.data (ml-100k).");
  }

  private static boolean exists(String dir, String file) {
    return !Input.isLocal(dir) || new File(dir, file).isFile();
  }

  private static Input latest(SparkSession spark, String dir) {
    Dataset<Row> events = ratingLines(spark, dir + "/ratings.csv", ",", "userId,movieId,rating,timestamp");
    Dataset<Row> movies = spark.read().option("header", true).csv(dir + "/movies.csv");
    Dataset<Row> tags = spark.read().option("header", true).csv(dir + "/tags.csv")
        .groupBy("movieId").agg(array_join(collect_set(lower(trim(col("tag")))), ", ").as("tags"));
    Dataset<Row> items = movies.join(tags, movies.col("movieId").equalTo(tags.col("movieId")), "left")
        .select(movies.col("movieId").as(Col.ITEM_ID), col("title"), genres(col("genres")).as(Col.ATTRIBUTES),
            col("tags"));
    return new Input(events, withText(items), dir + "/movies.csv");
  }

  private static Input oneMillion(SparkSession spark, String dir) {
    Dataset<Row> events = ratingLines(spark, dir + "/ratings.dat", "::", null);
    Dataset<Row> items = spark.read().option("sep", "::").option("encoding", "ISO-8859-1")
        .csv(dir + "/movies.dat").toDF("movieId", "title", "genres")
        .select(col("movieId").as(Col.ITEM_ID), col("title"), genres(col("genres")).as(Col.ATTRIBUTES),
            lit(null).cast("string").as("tags"));
    return new Input(events, withText(items), dir + "/movies.dat");
  }

  private static final String[] ML100K_GENRES = {"unknown", "Action", "Adventure", "Animation", "Children",
      "Comedy", "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
      "Romance", "Sci-Fi", "Thriller", "War", "Western"};

  private static Input hundredK(SparkSession spark, String dir) {
    Dataset<Row> events = ratingLines(spark, dir + "/u.data", "\t", null);
    Dataset<Row> raw = spark.read().option("sep", "|").option("encoding", "ISO-8859-1").csv(dir + "/u.item");
    Column[] flags = new Column[ML100K_GENRES.length];
    for (int g = 0; g < flags.length; g++) {
      flags[g] = when(col("_c" + (5 + g)).equalTo("1"), lit(ML100K_GENRES[g]));
    }
    Dataset<Row> items = raw.select(col("_c0").as(Col.ITEM_ID), col("_c1").as("title"),
        array_remove(org.apache.spark.sql.functions.filter(
            org.apache.spark.sql.functions.array(flags), Column::isNotNull), "unknown").as(Col.ATTRIBUTES),
        lit(null).cast("string").as("tags"));
    return new Input(events, withText(items), dir + "/u.item");
  }

  /** One raw rating event per non-blank, non-header line: user, movie, rating, seconds. */
  private static Dataset<Row> ratingLines(SparkSession spark, String path, String sep, String header) {
    Dataset<Row> lines = spark.read().text(path).filter(trim(col("value")).notEqual(""));
    if (header != null) {
      lines = lines.filter(col("value").notEqual(header));
    }
    Column f = split(col("value"), java.util.regex.Pattern.quote(sep));
    Column user = element_at(f, 1);
    Column item = element_at(f, 2);
    Column ts = element_at(f, 4);
    return lines.select(
        input_file_name().as(Col.SOURCE), col("value").as(Col.RAW),
        concat(lit("ml-"), user, lit("-"), item, lit("-"), ts).as(Col.EVENT_ID),
        user.as(Col.USER_ID), item.as(Col.ITEM_ID), lit("rating").as(Col.EVENT_TYPE),
        element_at(f, 3).as(Col.VALUE), ts.as(Col.TS), lit(null).cast("string").as(Col.REQUEST_ID),
        lit(null).cast("string").as(Col.REASON));
  }

  private static Column genres(Column pipeSeparated) {
    return array_remove(split(coalesce(pipeSeparated, lit("")), "\\|"), "(no genres listed)");
  }

  /** Item text: title, genres and user tags, the words a content model can learn from. */
  private static Dataset<Row> withText(Dataset<Row> items) {
    Column genreText = concat_ws(", ", col(Col.ATTRIBUTES));
    return items.select(col(Col.ITEM_ID), col("title").as(Col.TITLE),
        concat_ws(". ", col("title"), concat(lit("Genres: "), genreText),
            when(col("tags").isNotNull(), concat(lit("Tags: "), col("tags")))).as(Col.TEXT),
        array_remove(col(Col.ATTRIBUTES), "").as(Col.ATTRIBUTES),
        // MovieLens has no stock: every movie is available and never expires.
        lit(null).cast("string").as(Col.AVAILABLE), lit(null).cast("string").as(Col.EXPIRES_AT));
  }
}
