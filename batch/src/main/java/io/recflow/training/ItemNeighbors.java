package io.recflow.training;

import io.recflow.core.SphericalKMeans;
import io.recflow.core.Tables.Col;
import io.recflow.core.TopK;
import io.recflow.spark.Vectors;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * The top-k most similar items of every item by cosine similarity, without comparing all pairs:
 * items are clustered (spherical k-means on a sample, about √n clusters), each item lives in its
 * nearest cluster, and is compared only with the members of its {@code probes} nearest clusters
 * (an inverted-file index). Work grows as n·√n·probes instead of n², which keeps a 1M-item
 * catalog within reach of a nightly job. A catalog smaller than {@link #EXACT_BELOW} is searched
 * exactly: its vectors are broadcast and every partition compares its items with all of them.
 */
public final class ItemNeighbors {
  /** Catalogs smaller than this are compared exhaustively. */
  public static final int EXACT_BELOW = 20_000;
  private static final int SAMPLE = 20_000;
  private static final StructType SCHEMA = new StructType().add(Col.ITEM_ID, DataTypes.StringType)
      .add(Col.NEIGHBOR_ID, DataTypes.StringType).add(Col.SCORE, DataTypes.DoubleType);

  private ItemNeighbors() {}

  private record Vec(String id, float[] v) implements Serializable {}

  private record Hit(String id, double score) implements Serializable {}

  /** (item_id, neighbor_id, score) for the {@code k} nearest neighbours of each row of (id, vector). */
  public static Dataset<Row> compute(Dataset<Row> vectors, int k, int probes, long seed) {
    return compute(vectors, k, probes, seed, EXACT_BELOW);
  }

  /** As {@link #compute(Dataset, int, int, long)}, searching exactly below {@code exactBelow} items. */
  static Dataset<Row> compute(Dataset<Row> vectors, int k, int probes, long seed, int exactBelow) {
    SparkSession spark = vectors.sparkSession();
    JavaRDD<Vec> items = vectors.javaRDD()
        .map(r -> new Vec(r.getString(0), SphericalKMeans.unit(Vectors.toFloats(r.getList(1))))).cache();
    long n = items.count();
    if (n == 0) {
      return spark.createDataFrame(List.of(), SCHEMA);
    }
    int dim = items.first().v().length;
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    if (n < exactBelow) {
      List<Vec> all = items.collect();
      Broadcast<List<Vec>> everything = jsc.broadcast(all);
      JavaRDD<Row> rows = items.repartition(jsc.defaultParallelism()).mapPartitions(part -> {
        List<Vec> queries = new ArrayList<>();
        part.forEachRemaining(queries::add);
        return searchCluster(queries, everything.value(), dim, k).stream()
            .map(t -> RowFactory.create(t._1(), t._2().id(), t._2().score())).iterator();
      });
      Dataset<Row> exact = spark.createDataFrame(rows, SCHEMA);
      items.unpersist();
      return exact;
    }
    int clusters = (int) Math.min(4096, Math.round(Math.sqrt(n)));
    float[] centroids = centroids(items, n, dim, clusters, seed);
    Broadcast<float[]> c = jsc.broadcast(centroids);
    int p = Math.min(probes, clusters);
    JavaPairRDD<Integer, Vec> members = items.mapToPair(v ->
        new Tuple2<>(TopK.byDotProduct(v.v(), c.value(), dim, 1, x -> false)[0], v));
    JavaPairRDD<Integer, Vec> queries = items.flatMapToPair(v -> {
      List<Tuple2<Integer, Vec>> out = new ArrayList<>();
      for (int cluster : TopK.byDotProduct(v.v(), c.value(), dim, p, x -> false)) {
        out.add(new Tuple2<>(cluster, v));
      }
      return out.iterator();
    });
    JavaRDD<Row> rows = queries.cogroup(members)
        .flatMapToPair(group -> searchCluster(group._2()._1(), group._2()._2(), dim, k).iterator())
        .groupByKey()
        .flatMap(q -> best(q._1(), q._2(), k).iterator());
    Dataset<Row> result = spark.createDataFrame(rows, SCHEMA);
    items.unpersist();
    return result;
  }

  private static float[] centroids(JavaRDD<Vec> items, long n, int dim, int clusters, long seed) {
    List<Vec> sample = items.takeSample(false, (int) Math.min(n, SAMPLE), seed);
    float[] data = new float[sample.size() * dim];
    for (int i = 0; i < sample.size(); i++) {
      System.arraycopy(sample.get(i).v(), 0, data, i * dim, dim);
    }
    return SphericalKMeans.fit(data, dim, Math.min(clusters, sample.size()), 10, seed);
  }

  /** Each query's k best members of one cluster, excluding itself. */
  private static List<Tuple2<String, Hit>> searchCluster(Iterable<Vec> queries, Iterable<Vec> members, int dim,
                                                         int k) {
    List<Vec> m = new ArrayList<>();
    members.forEach(m::add);
    float[] matrix = new float[m.size() * dim];
    for (int i = 0; i < m.size(); i++) {
      System.arraycopy(m.get(i).v(), 0, matrix, i * dim, dim);
    }
    List<Tuple2<String, Hit>> out = new ArrayList<>();
    for (Vec q : queries) {
      for (int i : TopK.byDotProduct(q.v(), matrix, dim, k, x -> m.get(x).id().equals(q.id()))) {
        double s = 0;
        for (int f = 0; f < dim; f++) {
          s += q.v()[f] * matrix[i * dim + f];
        }
        out.add(new Tuple2<>(q.id(), new Hit(m.get(i).id(), s)));
      }
    }
    return out;
  }

  private static List<Row> best(String item, Iterable<Hit> hits, int k) {
    List<Hit> all = new ArrayList<>();
    hits.forEach(all::add);
    all.sort(Comparator.comparingDouble(Hit::score).reversed().thenComparing(Hit::id));
    List<Row> out = new ArrayList<>();
    for (Hit h : all.subList(0, Math.min(k, all.size()))) {
      out.add(RowFactory.create(item, h.id(), h.score()));
    }
    return out;
  }
}
