package io.recflow.ranking;

import io.recflow.core.ConfigException;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * recflow's ranking, the same for the server and the evaluator: every source retrieves its best
 * items (never one the rules forbid), the candidates are described by {@link Features} and ordered
 * by the {@link Ranker}, diversity re-orders them if asked, exploration gives its slots to new
 * items, and the requested page is cut. It has no side effects: the server counts exposures.
 */
public final class RankingPipeline {
  /** Why an item is in a list: a source, and the user's item behind it (-1 when none). */
  public record Reason(String source, int evidenceRow) {}

  private final List<CandidateSource> sources;
  private final Features features;
  private final int perSource;
  private final int freshIndex;

  /**
   * @param sources the candidate sources, in feature order
   * @param perSource how many candidates each source retrieves (more when a page reaches further)
   */
  public RankingPipeline(List<CandidateSource> sources, int perSource) {
    this.sources = List.copyOf(sources);
    this.features = new Features(sources);
    this.perSource = perSource;
    int fresh = -1;
    for (int i = 0; i < sources.size(); i++) {
      fresh = sources.get(i) instanceof FreshSource ? i : fresh;
    }
    this.freshIndex = fresh;
  }

  /** The seven standard sources: als, content, co-visitation, sequence, fresh, trending, popular. */
  public static RankingPipeline standard(FreshSource fresh, int perSource) {
    return new RankingPipeline(List.of(new AlsSource(), new ContentSource(), new CoVisitationSource(),
        new SequenceSource(), fresh, new TrendingSource(), new PopularSource()), perSource);
  }

  /** The pipeline of a run's settings: the sources ranking.sources names, in the standard order. */
  public static RankingPipeline from(RecflowConfig c) {
    FreshSource fresh = new FreshSource(c.get(Settings.FRESH_MAX_INTERACTIONS), c.get(Settings.FRESH_WINDOW_DAYS));
    List<CandidateSource> all = standard(fresh, 1).sources();
    List<String> names = List.of(c.get(Settings.RANKING_SOURCES).split(",")).stream().map(String::trim)
        .filter(n -> !n.isEmpty()).toList();
    List<String> known = all.stream().map(CandidateSource::name).toList();
    for (String n : names) {
      if (!known.contains(n)) {
        throw new ConfigException("ranking.sources names unknown source '" + n + "'; the sources are "
            + String.join(", ", known) + ".");
      }
    }
    if (names.isEmpty()) {
      throw new ConfigException("ranking.sources is empty; name at least one of " + String.join(", ", known) + ".");
    }
    return new RankingPipeline(all.stream().filter(s -> names.contains(s.name())).toList(),
        c.get(Settings.RANKING_PER_SOURCE));
  }

  /** How many candidates each source retrieves. */
  public int perSource() {
    return perSource;
  }

  public Features features() {
    return features;
  }

  public List<CandidateSource> sources() {
    return sources;
  }

  /** Stage one: every source's candidates for the user, merged by item, in order of first retrieval. */
  public List<Candidate> retrieve(UserSignals user, ItemSignals items, int n, IntPredicate skip) {
    Map<Integer, Candidate> byRow = new LinkedHashMap<>();
    for (int s = 0; s < sources.size(); s++) {
      int source = s;
      int[] rank = {0};
      sources.get(s).retrieve(user, items, n, skip, (row, score) ->
          byRow.computeIfAbsent(row, r -> new Candidate(r, sources.size())).retrieved(source, score, ++rank[0]));
    }
    return new ArrayList<>(byRow.values());
  }

  /** Both stages, exploration and the rules: the requested page, best first. */
  public List<Candidate> rank(UserSignals user, ItemSignals items, Ranker ranker, Exploration exploration,
                              ListRules rules) {
    List<Candidate> candidates = retrieve(user, items, Math.max(perSource, rules.needed()), rules.skip(user, items));
    float[][] rows = features.forUser(user, items).of(candidates);
    for (int i = 0; i < rows.length; i++) {
      candidates.get(i).features(rows[i]);
      candidates.get(i).score(ranker.score(rows[i]));
    }
    candidates.sort(Comparator.comparingDouble((Candidate c) -> -c.score()).thenComparingInt(Candidate::row));
    candidates.removeIf(c -> rules.excludes(c.row()));
    List<Candidate> list = explore(rules.diversify(candidates, items), candidates, items, exploration,
        rules.length(), rules.shown());
    return list.subList(Math.min(rules.offset(), list.size()), list.size());
  }

  /** The first {@code length} items, exploration's slots numbered from {@code start} (items shown before). */
  private List<Candidate> explore(List<Candidate> ranked, List<Candidate> all, ItemSignals items,
                                  Exploration exploration, int length, int start) {
    List<Candidate> fresh = new ArrayList<>();
    if (freshIndex >= 0 && exploration.share() > 0) {
      for (Candidate c : all) {
        if (c.from(freshIndex)) {
          fresh.add(c);
        }
      }
      Comparator<Candidate> byUcb = Comparator.comparingDouble(
          c -> exploration.ucb(items, c.row(), c.sourceScore(freshIndex)));
      fresh.sort(byUcb.reversed().thenComparingInt(Candidate::row));
    }
    BitSet used = new BitSet();
    List<Candidate> out = new ArrayList<>(length);
    int nextRanked = 0;
    int nextFresh = 0;
    while (out.size() < length) {
      Candidate pick = null;
      while (nextRanked < ranked.size() && used.get(ranked.get(nextRanked).row())) {
        nextRanked++;
      }
      if (exploration.isSlot(start + out.size())) {
        while (nextFresh < fresh.size() && used.get(fresh.get(nextFresh).row())) {
          nextFresh++;
        }
        if (nextFresh < fresh.size()) {
          pick = fresh.get(nextFresh++);
          pick.explored(true);
        }
      }
      if (pick == null) {
        if (nextRanked == ranked.size()) {
          break;
        }
        pick = ranked.get(nextRanked++);
      }
      used.set(pick.row());
      out.add(pick);
    }
    return out;
  }

  /** The names of the sources that retrieved a candidate, the one that ranked it best first. */
  public List<String> sourceNames(Candidate c) {
    return retrievedBy(c).stream().map(s -> sources.get(s).name()).toList();
  }

  /** Why a listed item is there: each source that retrieved it, best rank first, with its evidence. */
  public List<Reason> reasons(Candidate c, UserSignals user, ItemSignals items) {
    List<Reason> out = new ArrayList<>();
    for (int s : retrievedBy(c)) {
      out.add(new Reason(sources.get(s).name(), sources.get(s).evidence(user, items, c.row())));
    }
    return out;
  }

  private List<Integer> retrievedBy(Candidate c) {
    List<Integer> from = new ArrayList<>();
    for (int s = 0; s < sources.size(); s++) {
      if (c.from(s)) {
        from.add(s);
      }
    }
    from.sort(Comparator.comparingInt(c::sourceRank));
    return from;
  }
}
