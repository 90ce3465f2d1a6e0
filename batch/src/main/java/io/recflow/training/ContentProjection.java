package io.recflow.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.recflow.core.RidgeProjection;
import io.recflow.core.Tables.Col;
import io.recflow.core.Tables.Source;
import io.recflow.spark.Vectors;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Gives cold items (in the catalog with an embedding, but without interactions) a factor in the
 * ALS space: a ridge regression from embedding to factor is fitted on the items that have both,
 * distributed over Spark partitions, and applied to the cold ones.
 */
public final class ContentProjection {
  private static final StructType FACTOR = new StructType().add(Col.ID, DataTypes.StringType)
      .add(Col.VECTOR, DataTypes.createArrayType(DataTypes.FloatType, false));

  private ContentProjection() {}

  /** The fitted map and the factors it gives the cold items (id, vector, source = content). */
  public record Result(RidgeProjection projection, long trainedOn, Dataset<Row> coldFactors) {}

  /**
   * @param itemFactors ALS item factors: id, vector
   * @param embeddings item features such as item_embeddings rows: item_id, vector (all of one length)
   */
  public static Result fit(Dataset<Row> itemFactors, Dataset<Row> embeddings, double lambda) {
    Dataset<Row> pairs = embeddings.select(col(Col.ITEM_ID), col(Col.VECTOR).as("e"))
        .join(itemFactors.select(col(Col.ID).as(Col.ITEM_ID), col(Col.VECTOR).as("f")), Col.ITEM_ID);
    int rank = itemFactors.head().getList(itemFactors.head().fieldIndex(Col.VECTOR)).size();
    int dimension = embeddings.head().getList(embeddings.head().fieldIndex(Col.VECTOR)).size();
    RidgeProjection.Accumulator sums = pairs.select("e", "f").javaRDD().treeAggregate(
        new RidgeProjection.Accumulator(dimension, rank),
        (acc, r) -> acc.add(Vectors.toFloats(r.getList(0)), Vectors.toFloats(r.getList(1))),
        RidgeProjection.Accumulator::merge);
    if (sums.count() == 0) {
      throw new IllegalStateException("No item has both an embedding and an ALS factor; the content projection "
          + "cannot be fitted. Check that the catalog's item ids match the events' item ids.");
    }
    RidgeProjection projection = RidgeProjection.fit(sums, lambda);
    Dataset<Row> cold = embeddings.join(itemFactors,
        embeddings.col(Col.ITEM_ID).equalTo(itemFactors.col(Col.ID)), "left_anti");
    MapFunction<Row, Row> project = r -> RowFactory.create(r.getString(0),
        Vectors.toSeq(projection.project(Vectors.toFloats(r.getList(1)))));
    Dataset<Row> coldFactors = cold.select(Col.ITEM_ID, Col.VECTOR).map(project, Encoders.row(FACTOR))
        .withColumn(Col.SOURCE, lit(Source.CONTENT));
    return new Result(projection, sums.count(), coldFactors);
  }
}
