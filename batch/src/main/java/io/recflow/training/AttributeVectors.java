package io.recflow.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import io.recflow.core.Tables.Col;
import io.recflow.spark.Vectors;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Items as one-hot vectors of their attributes (genres, categories): the content baseline without text. */
public final class AttributeVectors {
  private static final StructType SCHEMA = new StructType().add(Col.ITEM_ID, DataTypes.StringType)
      .add(Col.VECTOR, DataTypes.createArrayType(DataTypes.FloatType, false));

  private AttributeVectors() {}

  /** item_id and a vector with a 1 for each attribute the item has; null when no item has any. */
  public static Dataset<Row> oneHot(Dataset<Row> attributes) {
    List<String> vocabulary = attributes.select(explode(col(Col.ATTRIBUTES)).as("a")).distinct().orderBy("a")
        .as(Encoders.STRING()).collectAsList();
    if (vocabulary.isEmpty()) {
      return null;
    }
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < vocabulary.size(); i++) {
      index.put(vocabulary.get(i), i);
    }
    int n = vocabulary.size();
    MapFunction<Row, Row> encode = r -> {
      float[] v = new float[n];
      if (!r.isNullAt(1)) {
        for (Object a : r.getList(1)) {
          v[index.get((String) a)] = 1f;
        }
      }
      return RowFactory.create(r.getString(0), Vectors.toSeq(v));
    };
    return attributes.select(Col.ITEM_ID, Col.ATTRIBUTES).map(encode, Encoders.row(SCHEMA));
  }
}
