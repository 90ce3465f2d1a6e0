package io.recflow.ranking;

import io.recflow.core.ItemMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ranker's inputs for one (user, candidate) pair, defined once for the nightly training, the
 * evaluator and the server. First each source's score and rank ({@code <source>:score},
 * {@code <source>:rank}; missing when the source did not retrieve the item), then the
 * {@link #COMMON} features. Missing values are NaN, which the trees route down their learned
 * default branch. Item popularity and interaction counts enter as percentiles among the items, whose
 * scale does not grow with the data (a ranker is trained on less data than it ranks with).
 */
public final class Features {
  /** The features every ranking has, whatever its sources. */
  public static final List<String> COMMON = List.of("als_dot", "content_profile", "content_last", "covis_recent",
      "popularity", "popularity_recent", "trending", "item_age_days", "item_interactions", "user_history",
      "user_idle_hours", "als_dot_z", "content_profile_z", "sequence_dot");
  /** Features standardised over the user's candidates: position within this list, whatever the user's scale. */
  private static final int[][] STANDARDISED = {{COMMON.indexOf("als_dot"), COMMON.indexOf("als_dot_z")},
      {COMMON.indexOf("content_profile"), COMMON.indexOf("content_profile_z")}};
  private final List<CandidateSource> sources;
  private final List<String> names;

  public Features(List<CandidateSource> sources) {
    this.sources = List.copyOf(sources);
    List<String> n = new ArrayList<>();
    for (CandidateSource s : sources) {
      n.add(s.name() + ":score");
      n.add(s.name() + ":rank");
    }
    n.addAll(COMMON);
    this.names = List.copyOf(n);
  }

  /** Feature names in vector order; stored with a trained ranker, which refuses a different list. */
  public List<String> names() {
    return names;
  }

  /** The per-request part: what is computed once for the user, then per candidate. */
  public Extractor forUser(UserSignals user, ItemSignals items) {
    return new Extractor(user, items);
  }

  /** Computes feature vectors for one user's candidates. */
  public final class Extractor {
    private final UserSignals user;
    private final ItemSignals items;
    private final float[] profile;
    private final float[] last;
    private final Map<Integer, Double> coVisits;
    private final float[] trending;
    private final float[] sequenceQuery;

    private Extractor(UserSignals user, ItemSignals items) {
      this.user = user;
      this.items = items;
      this.profile = user.profile(items.embeddings());
      int[] recent = user.recentRows();
      this.last = items.embeddings() == null || recent.length == 0 ? null : row(items.embeddings(), recent[0]);
      this.coVisits = CoVisitationSource.scores(user, items);
      this.trending = items.trending().scores(user.nowMillis());
      this.sequenceQuery = user.sequenceQuery(items.sequence());
    }

    /**
     * The feature rows of a user's candidate list, in list order. The {@code _z} features are
     * standardised over this list, so the same item can score differently in another list.
     */
    public float[][] of(List<Candidate> candidates) {
      int n = candidates.size();
      int[] at = new int[n];
      for (int i = 0; i < n; i++) {
        at[i] = candidates.get(i).row();
      }
      // The dot products of the whole list at once: vectorised in the server, where 384-float text
      // embeddings made them the costliest features.
      float[] als = dots(items.factors(), user.vector(), at);
      float[] toProfile = dots(items.embeddings(), profile, at);
      float[] toLast = dots(items.embeddings(), last, at);
      float[] sequence = dots(items.sequence() == null ? null : items.sequence().items(), sequenceQuery, at);
      float[][] rows = new float[n][];
      for (int i = 0; i < n; i++) {
        rows[i] = of(candidates.get(i), als[i], toProfile[i], toLast[i], sequence[i]);
      }
      int common = names.size() - COMMON.size();
      for (int[] pair : STANDARDISED) {
        int from = common + pair[0];
        int to = common + pair[1];
        double sum = 0;
        double sq = 0;
        int count = 0;
        for (float[] r : rows) {
          if (!Float.isNaN(r[from])) {
            sum += r[from];
            sq += (double) r[from] * r[from];
            count++;
          }
        }
        double mean = count == 0 ? 0 : sum / count;
        double std = count == 0 ? 0 : Math.sqrt(Math.max(0, sq / count - mean * mean));
        for (float[] r : rows) {
          r[to] = Float.isNaN(r[from]) || std == 0 ? Float.NaN : (float) ((r[from] - mean) / std);
        }
      }
      return rows;
    }

    /** {@code query} · each row of {@code m}, or NaN for all when there is no query. */
    private float[] dots(ItemMatrix m, float[] query, int[] rows) {
      float[] out = new float[rows.length];
      if (m == null || query == null) {
        java.util.Arrays.fill(out, Float.NaN);
      } else {
        items.rowScorer().scores(m, query, rows, out);
      }
      return out;
    }

    private float[] of(Candidate c, float als, float toProfile, float toLast, float sequence) {
      float[] f = new float[names.size()];
      int i = 0;
      for (int s = 0; s < sources.size(); s++) {
        f[i++] = c.sourceScore(s);
        f[i++] = c.from(s) ? c.sourceRank(s) : Float.NaN;
      }
      int row = c.row();
      f[i++] = als;
      boolean hasText = items.hasText(row);
      f[i++] = hasText ? toProfile : Float.NaN;
      f[i++] = hasText ? toLast : Float.NaN;
      f[i++] = coVisits.getOrDefault(row, 0.0).floatValue();
      f[i++] = items.popularityPercentile(row);
      f[i++] = items.recentPopularityPercentile(row);
      f[i++] = trending[row];
      long first = items.firstSeenMillis(row);
      f[i++] = first == Long.MIN_VALUE ? Float.NaN : (float) ((user.nowMillis() - first) / 86_400_000.0);
      f[i++] = items.interactionPercentile(row);
      f[i++] = (float) Math.log1p(user.historyLength());
      long lastEvent = user.lastEventMillis();
      f[i++] = lastEvent == Long.MIN_VALUE ? Float.NaN : (float) ((user.nowMillis() - lastEvent) / 3_600_000.0);
      i += STANDARDISED.length; // filled in over the whole list
      f[i] = sequence;
      return f;
    }
  }

  /** A copy of one row of a matrix. */
  static float[] row(ItemMatrix m, int row) {
    float[] v = new float[m.rank()];
    System.arraycopy(m.values(), row * m.rank(), v, 0, m.rank());
    return v;
  }
}
