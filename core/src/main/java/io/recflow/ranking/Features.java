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
      float[][] rows = new float[candidates.size()][];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = of(candidates.get(i));
      }
      int common = names.size() - COMMON.size();
      for (int[] pair : STANDARDISED) {
        int from = common + pair[0];
        int to = common + pair[1];
        double sum = 0;
        double sq = 0;
        int n = 0;
        for (float[] r : rows) {
          if (!Float.isNaN(r[from])) {
            sum += r[from];
            sq += (double) r[from] * r[from];
            n++;
          }
        }
        double mean = n == 0 ? 0 : sum / n;
        double std = n == 0 ? 0 : Math.sqrt(Math.max(0, sq / n - mean * mean));
        for (float[] r : rows) {
          r[to] = Float.isNaN(r[from]) || std == 0 ? Float.NaN : (float) ((r[from] - mean) / std);
        }
      }
      return rows;
    }

    private float[] of(Candidate c) {
      float[] f = new float[names.size()];
      int i = 0;
      for (int s = 0; s < sources.size(); s++) {
        f[i++] = c.sourceScore(s);
        f[i++] = c.from(s) ? c.sourceRank(s) : Float.NaN;
      }
      int row = c.row();
      f[i++] = user.vector() == null ? Float.NaN : (float) items.factors().score(user.vector(), row);
      boolean hasText = items.hasText(row);
      f[i++] = profile == null || !hasText ? Float.NaN : (float) items.embeddings().score(profile, row);
      f[i++] = last == null || !hasText ? Float.NaN : (float) items.embeddings().score(last, row);
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
      f[i] = sequenceQuery == null ? Float.NaN : (float) items.sequence().items().score(sequenceQuery, row);
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
