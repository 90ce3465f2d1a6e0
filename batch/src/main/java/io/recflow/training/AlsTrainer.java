package io.recflow.training;

import static org.apache.spark.sql.functions.col;

import io.recflow.core.ModelParams;
import io.recflow.core.Settings;
import io.recflow.core.Tables.Col;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Step 3: trains Spark MLlib's implicit-feedback ALS on (user, item, confidence). Ids are strings in
 * recflow and integers in ALS, so each side gets a dense index for training and the factors come
 * back keyed by the original ids.
 */
public final class AlsTrainer {
  private AlsTrainer() {}

  /** The ALS hyperparameters; see {@link Settings} for defaults and ranges. */

  /** Trained factors: {@code id} (string) and {@code vector} (array of float) for users and items. */
  public record Factors(Dataset<Row> users, Dataset<Row> items) {}

  public static Factors train(Dataset<Row> interactions, ModelParams p) {
    Dataset<Row> userIndex = denseIndex(interactions.select(Col.USER_ID).distinct(), "u");
    Dataset<Row> itemIndex = denseIndex(interactions.select(Col.ITEM_ID).distinct(), "i");
    Dataset<Row> indexed = interactions
        .join(userIndex, interactions.col(Col.USER_ID).equalTo(userIndex.col("id")))
        .drop("id")
        .join(itemIndex, interactions.col(Col.ITEM_ID).equalTo(itemIndex.col("id")))
        .select(col("u"), col("i"), col(Col.CONFIDENCE).cast("float").as(Col.CONFIDENCE))
        .cache();
    int blocks = Math.max(2, indexed.sparkSession().sparkContext().defaultParallelism());
    ALSModel model = new ALS()
        .setImplicitPrefs(true)
        .setRank(p.rank()).setRegParam(p.regParam()).setAlpha(p.alpha()).setMaxIter(p.maxIter())
        .setSeed(p.seed())
        .setUserCol("u").setItemCol("i").setRatingCol(Col.CONFIDENCE)
        .setNumUserBlocks(blocks).setNumItemBlocks(blocks)
        .setCheckpointInterval(-1)
        .fit(indexed);
    // ALS leaves factors at the end of a lineage as long as its iterations; later jobs over them
    // (a tree aggregation, say) can overflow the stack deserialising it. Cut it here, once.
    Factors factors = new Factors(withIds(model.userFactors(), userIndex, "u").localCheckpoint(),
        withIds(model.itemFactors(), itemIndex, "i").localCheckpoint());
    indexed.unpersist();
    return factors;
  }

  private static Dataset<Row> withIds(Dataset<Row> factors, Dataset<Row> index, String indexCol) {
    return factors.join(index, factors.col("id").equalTo(index.col(indexCol)))
        .select(index.col("id").as(Col.ID), factors.col("features").as(Col.VECTOR));
  }

  /** Numbers distinct ids 0..n-1 (column {@code name}) next to the original id (column {@code id}). */
  static Dataset<Row> denseIndex(Dataset<Row> ids, String name) {
    StructType schema = new StructType().add("id", DataTypes.StringType).add(name, DataTypes.IntegerType);
    return ids.sparkSession().createDataFrame(
        ids.javaRDD().zipWithIndex().map(t -> RowFactory.create(t._1().getString(0), Math.toIntExact(t._2()))),
        schema);
  }
}
