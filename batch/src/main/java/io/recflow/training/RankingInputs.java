package io.recflow.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

import io.recflow.core.ItemMatrix;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.core.SphericalKMeans;
import io.recflow.core.Tables.Col;
import io.recflow.ranking.CoVisitation;
import io.recflow.ranking.ItemSignals;
import io.recflow.ranking.Trending;
import io.recflow.ranking.UserSignals;
import io.recflow.sequence.SequenceModel;
import io.recflow.spark.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Fills the ranking's inputs ({@link ItemSignals}, {@link UserSignals}) from interactions
 * (user_id, item_id, confidence, ts) as of a moment, on the driver: what the evaluator ranks with
 * and the ranker trains on. The server fills the same classes from its snapshot.
 */
public final class RankingInputs {
  private final double recentDays;
  private final int trendingHours;
  private final double coVisitHalfLife;

  public RankingInputs(double recentDays, int trendingHours, double coVisitHalfLife) {
    this.recentDays = recentDays;
    this.trendingHours = trendingHours;
    this.coVisitHalfLife = coVisitHalfLife;
  }

  public static RankingInputs from(RecflowConfig c) {
    return new RankingInputs(c.get(Settings.RECENT_POPULARITY_DAYS), c.get(Settings.TRENDING_WINDOW_HOURS),
        c.get(Settings.COVISIT_HALF_LIFE_DAYS));
  }

  /** The newest interaction time: "now" for rankings computed from these interactions. */
  public static long newestMillis(Dataset<Row> interactions) {
    Row r = interactions.agg(max(unix_millis(col(Col.TS)))).head();
    return r.isNullAt(0) ? 0 : r.getLong(0);
  }

  /**
   * item_id, interactions, positive, positive_recent and first_seen (the item_stats columns) as of
   * {@code nowMillis}: what the nightly job stores for the server and the evaluator reads directly.
   */
  public Dataset<Row> itemStats(Dataset<Row> interactions, long nowMillis) {
    long recentFrom = nowMillis - (long) (recentDays * 86_400_000L);
    Column positive = col(Col.CONFIDENCE).gt(0);
    return interactions.groupBy(Col.ITEM_ID).agg(count(lit(1)).as(Col.INTERACTIONS),
        sum(when(positive, 1L).otherwise(0L)).as(Col.POSITIVE),
        sum(when(positive.and(unix_millis(col(Col.TS)).geq(recentFrom)), 1L).otherwise(0L)).as(Col.POSITIVE_RECENT),
        min(col(Col.TS)).as(Col.FIRST_SEEN));
  }

  /**
   * Every item of {@code factors} described as of {@code nowMillis}; {@code embeddings} and
   * {@code sequence} (a sequence model over any catalog order, aligned here) may be null.
   */
  public ItemSignals items(Dataset<Row> interactions, ItemMatrix factors, ItemMatrix embeddings,
                           SequenceModel sequence, long nowMillis) {
    int n = factors.size();
    float[] popularity = new float[n];
    float[] recent = new float[n];
    int[] count = new int[n];
    long[] first = new long[n];
    Arrays.fill(first, Long.MIN_VALUE);
    for (Row r : itemStats(interactions, nowMillis).collectAsList()) {
      int row = factors.row(r.getString(0));
      if (row >= 0) {
        count[row] = (int) r.getLong(1);
        popularity[row] = r.getLong(2);
        recent[row] = r.getLong(3);
        first[row] = r.getTimestamp(4).getTime();
      }
    }
    CoVisitation.Builder covis = new CoVisitation.Builder(n);
    for (Row r : CoVisitationCounts.compute(interactions, coVisitHalfLife).collectAsList()) {
      covis.add(factors.row(r.getString(0)), factors.row(r.getString(1)), r.getDouble(2));
    }
    Trending trending = new Trending(n, trendingHours);
    long trendFrom = nowMillis - (long) (Trending.BASELINE + 1) * trendingHours * 3_600_000L;
    for (Row r : interactions.filter(unix_millis(col(Col.TS)).geq(trendFrom).and(col(Col.CONFIDENCE).gt(0)))
        .select(col(Col.ITEM_ID), unix_millis(col(Col.TS))).collectAsList()) {
      trending.add(factors.row(r.getString(0)), r.getLong(1));
    }
    return ItemSignals.builder(factors).embeddings(embeddings, null)
        .sequence(sequence == null ? null : sequence.alignedTo(factors), null).popularity(popularity, recent)
        .history(count, first).coVisitation(covis.build()).trending(trending).build();
  }

  /** The signals of the given users as of {@code nowMillis}, with their ALS vectors where known. */
  public static Map<String, UserSignals> users(Dataset<Row> interactions, Collection<String> users,
      Map<String, float[]> vectors, ItemMatrix factors, long nowMillis) {
    Dataset<Row> chosen = interactions.sparkSession().createDataset(new ArrayList<>(users), Encoders.STRING())
        .toDF(Col.USER_ID);
    Map<String, List<Row>> byUser = new HashMap<>();
    for (Row r : interactions.join(functions.broadcast(chosen), Col.USER_ID)
        .select(col(Col.USER_ID), col(Col.ITEM_ID), col(Col.CONFIDENCE), unix_millis(col(Col.TS)))
        .collectAsList()) {
      byUser.computeIfAbsent(r.getString(0), u -> new ArrayList<>()).add(r);
    }
    Map<String, UserSignals> out = new HashMap<>();
    for (String user : users) {
      List<Row> rows = byUser.getOrDefault(user, List.of());
      out.put(user, of(rows, vectors.get(user), factors, nowMillis));
    }
    return out;
  }

  /** One user's signals from their (user_id, item_id, confidence, ts millis) rows. */
  static UserSignals of(List<Row> rows, float[] vector, ItemMatrix factors, long nowMillis) {
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort((a, b) -> a.getLong(3) != b.getLong(3) ? Long.compare(b.getLong(3), a.getLong(3))
        : a.getString(1).compareTo(b.getString(1)));
    BitSet seen = new BitSet(factors.size());
    List<Integer> recent = new ArrayList<>();
    List<Long> when = new ArrayList<>();
    for (Row r : sorted) {
      int row = factors.row(r.getString(1));
      if (row >= 0) {
        seen.set(row);
        if (r.getDouble(2) > 0 && recent.size() < UserSignals.PROFILE_ITEMS) {
          recent.add(row);
          when.add(r.getLong(3));
        }
      }
    }
    // The sequence model's order: oldest first, ties by item id, as Sequences reads histories.
    sorted.sort(Comparator.<Row>comparingLong(r -> r.getLong(3)).thenComparing(r -> r.getString(1)));
    int[] sequence = sorted.stream().mapToInt(r -> factors.row(r.getString(1))).filter(row -> row >= 0).toArray();
    return new UserSignals(vector, recent.stream().mapToInt(Integer::intValue).toArray(),
        when.stream().mapToLong(Long::longValue).toArray(), sequence, seen, rows.size(), nowMillis);
  }

  /** Unit-length embeddings in the row order of {@code factors}; an item without one gets the zero vector. */
  public static ItemMatrix alignedEmbeddings(Dataset<Row> embeddings, ItemMatrix factors) {
    List<float[]> vectors = new ArrayList<>(java.util.Collections.nCopies(factors.size(), (float[]) null));
    int dim = 0;
    for (Row r : embeddings.select(Col.ITEM_ID, Col.VECTOR).collectAsList()) {
      int row = factors.row(r.getString(0));
      if (row >= 0 && !r.isNullAt(1)) {
        // The same normalisation as the server's snapshot, so both rank with the same numbers.
        float[] v = SphericalKMeans.unit(Vectors.toFloats(r.getList(1)));
        vectors.set(row, v);
        dim = v.length;
      }
    }
    List<String> ids = new ArrayList<>(factors.size());
    for (int i = 0; i < factors.size(); i++) {
      ids.add(factors.id(i));
      if (vectors.get(i) == null) {
        vectors.set(i, new float[dim]);
      }
    }
    return new ItemMatrix(ids, vectors);
  }
}
