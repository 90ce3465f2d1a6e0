package io.recflow.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.recflow.core.Tables.Col;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Train/test splits of (user, item) interactions for offline evaluation. Both are deterministic for
 * a seed and do not depend on how Spark partitions the data: order within a group comes from a hash
 * of the pair and the seed, not from {@code rand()}.
 */
public final class Splits {
  private Splits() {}

  /** A split; every pair is in exactly one side. */
  public record Split(String protocol, Dataset<Row> train, Dataset<Row> test) {}

  /**
   * Protocol {@code stratified}: each item's interactions are shuffled and the first
   * round(ratio * n) go to training, as in the Microsoft Recommenders MovieLens benchmark (ratio
   * 0.75, seed 42). Every test interaction counts as relevant.
   */
  public static Split stratifiedByItem(Dataset<Row> interactions, double ratio, int seed) {
    WindowSpec byItem = Window.partitionBy(Col.ITEM_ID);
    Dataset<Row> ranked = interactions
        .withColumn("h", xxhash64(col(Col.USER_ID), col(Col.ITEM_ID), lit(seed)))
        .withColumn("rn", row_number().over(byItem.orderBy(col("h"), col(Col.USER_ID))))
        .withColumn("n", count(lit(1)).over(byItem))
        .withColumn("is_train", col("rn").leq(round(col("n").multiply(ratio))))
        .drop("h", "rn", "n")
        .cache();
    return split("stratified", ranked);
  }

  /** Protocol {@code chronological}: the newest {@code holdout} share of each user's pairs is held out. */
  public static Split chronological(Dataset<Row> interactions, double holdout) {
    WindowSpec byUser = Window.partitionBy(Col.USER_ID);
    Dataset<Row> ranked = interactions
        .withColumn("rn", row_number().over(byUser.orderBy(col(Col.TS), col(Col.ITEM_ID))))
        .withColumn("n", count(lit(1)).over(byUser))
        .withColumn("is_train", col("rn").leq(col("n").minus(floor(col("n").multiply(holdout)))))
        .drop("rn", "n")
        .cache();
    return split("chronological", ranked);
  }

  /**
   * A time split: the newest {@code share} of all interactions (by time, one cutoff for everyone)
   * is held out. What the nightly ranker trains on: features as of the cutoff, labels after it, as
   * the server ranks with what it knows now for what users do next.
   */
  public static Split byTime(Dataset<Row> interactions, double share) {
    double cutoff = interactions.withColumn("t", unix_millis(col(Col.TS))).stat()
        .approxQuantile("t", new double[] {1 - share}, 0)[0];
    Dataset<Row> marked = interactions.withColumn("is_train", unix_millis(col(Col.TS)).lt((long) cutoff)).cache();
    return split("time", marked);
  }

  /**
   * The split the ranker's features and labels come from: {@code time} ({@link #byTime}) or
   * {@code user} (each user's newest {@code share}, as {@link #chronological}), per ranker.labelSplit.
   */
  public static Split forRanker(Dataset<Row> interactions, String labelSplit, double share) {
    return labelSplit.equals("user") ? chronological(interactions, share) : byTime(interactions, share);
  }

  /** The split a protocol name stands for, with the protocol's standard parameters. */
  public static Split of(String protocol, Dataset<Row> interactions, int seed) {
    return switch (protocol) {
      case "stratified" -> stratifiedByItem(interactions, 0.75, seed);
      case "chronological" -> chronological(interactions, 0.2);
      default -> throw new IllegalArgumentException("Unknown evaluation protocol '" + protocol
          + "'; use stratified or chronological.");
    };
  }

  /**
   * A validation split carved from a training side the way {@code protocol} split the data (another
   * seed for stratified), so a model tuned on it is tuned for the question the protocol asks and
   * never sees the test side.
   */
  public static Split validation(String protocol, Dataset<Row> train, int seed) {
    return switch (protocol) {
      case "stratified" -> stratifiedByItem(train, 0.75, seed + 1);
      default -> of(protocol, train, seed);
    };
  }

  /** A seeded tenth of the items, with all their interactions, held out: the cold-items split. */
  public static Split byItem(Dataset<Row> interactions, int seed) {
    Dataset<Row> marked = interactions.withColumn("is_train",
        pmod(xxhash64(col(Col.ITEM_ID), lit(seed)), lit(10)).notEqual(0)).cache();
    return split("cold-items", marked);
  }

  /** The next-item split: what every model trains on, the validation item and the test item of each user. */
  public record NextItem(Dataset<Row> train, Dataset<Row> validation, Dataset<Row> test) {
    /** What is known when the test item is predicted: the training side and the validation items. */
    public Dataset<Row> context() {
      return train.unionByName(validation);
    }
  }

  /**
   * Protocol {@code next-item}: of each user with at least three interactions, the newest (by time,
   * then item id) is the test item and the one before it the validation item; everything else,
   * including every interaction of users with fewer than three, is the training side.
   */
  public static NextItem nextItem(Dataset<Row> interactions) {
    WindowSpec byUser = Window.partitionBy(Col.USER_ID);
    Dataset<Row> ranked = interactions
        .withColumn("from_end", row_number().over(byUser.orderBy(col(Col.TS).desc(), col(Col.ITEM_ID).desc())))
        .withColumn("n", count(lit(1)).over(byUser))
        .withColumn("part", when(col("n").lt(3).or(col("from_end").gt(2)), lit(0))
            .otherwise(col("from_end")))
        .drop("from_end", "n")
        .cache();
    return new NextItem(ranked.filter(col("part").equalTo(0)).drop("part"),
        ranked.filter(col("part").equalTo(2)).drop("part"), ranked.filter(col("part").equalTo(1)).drop("part"));
  }

  private static Split split(String protocol, Dataset<Row> ranked) {
    return new Split(protocol, ranked.filter(col("is_train")).drop("is_train"),
        ranked.filter(col("is_train").equalTo(false)).drop("is_train"));
  }
}
