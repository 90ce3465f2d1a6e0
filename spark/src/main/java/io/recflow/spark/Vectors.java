package io.recflow.spark;

import io.recflow.core.ItemMatrix;
import io.recflow.core.Tables.Col;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Conversions between Spark's array<float> columns and the float arrays core computes with. */
public final class Vectors {
  private Vectors() {}

  /** An array<float> value as read from a Row. */
  public static float[] toFloats(List<Object> list) {
    float[] v = new float[list.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = ((Number) list.get(i)).floatValue();
    }
    return v;
  }

  /** A float array as a value a Row encoder accepts for array<float>. */
  public static scala.collection.Seq<Float> toSeq(float[] v) {
    List<Float> out = new ArrayList<>(v.length);
    for (float x : v) {
      out.add(x);
    }
    return scala.collection.JavaConverters.asScalaBuffer(out);
  }

  /** Collects (id, vector) rows into a matrix, ordered by id. */
  public static ItemMatrix collectMatrix(Dataset<Row> factors) {
    List<String> ids = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    for (Row r : factors.select(Col.ID, Col.VECTOR).orderBy(Col.ID).collectAsList()) {
      ids.add(r.getString(0));
      vectors.add(toFloats(r.getList(1)));
    }
    return new ItemMatrix(ids, vectors);
  }
}
