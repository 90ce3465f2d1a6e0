package io.recflow.serving;

import io.javalin.http.ServiceUnavailableResponse;
import io.recflow.core.Explainer;
import io.recflow.core.InterestState;
import io.recflow.core.ItemMatrix;
import io.recflow.experiment.Assignment;
import io.recflow.experiment.Exposure;
import io.recflow.experiment.Variant;
import io.recflow.ranking.Candidate;
import io.recflow.ranking.Exploration;
import io.recflow.ranking.ItemSignals;
import io.recflow.ranking.ListRules;
import io.recflow.ranking.Ranker;
import io.recflow.ranking.RankingPipeline;
import io.recflow.ranking.UserSignals;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.rocksdb.RocksDBException;

/**
 * Builds a user's recommendation list from a leased snapshot with core's two-stage ranking. The
 * user's ALS vector is, in order of preference: the streaming job's live vector, the nightly
 * factor, a fold-in of the history the server has seen since, a fold-in of the recent items the
 * request names, and none (the other sources still retrieve, popular among them). Their newest
 * items (the request's recent ones first) feed the content profile and co-visitation. The
 * pipeline applies the request's rules, diversity, exploration and paging, and the served ranking
 * may randomise a slot of the page; this class turns the page into JSON, with the reasons when
 * asked, counts the exposures exploration made, and describes what was shown for the exposure log.
 */
final class Recommendations {
  /** History items named per explained recommendation. */
  static final int BECAUSE = 3;

  /**
   * What a request asks for; {@code userId} null for an anonymous session (its {@code recent} items
   * are all it has), {@code explore} null means as configured; {@code assignment} the user's place in
   * the experiments, whose variant may set the exploration share and the ranker.
   */
  record Request(String userId, int k, int offset, List<String> cursor, boolean excludeSeen, List<String> exclude,
                 List<String> attributes, double diversity, boolean explain, List<String> recent, Boolean explore,
                 Model model, Assignment assignment) {}

  /**
   * A response's body and what it showed, for the exposure record.
   *
   * @param ranker how the list was ordered: trained, als-order or sequence
   * @param features the names of the features a randomised slot's pool carries; empty without one
   */
  record Answer(Map<String, Object> body, long modelVersion, String ranker, List<Exposure.Shown> shown,
                List<String> features) {}

  /** Which ranking answers: the two-stage one, or one source alone (the sequence model, ALS, popularity). */
  enum Model { SERVED, SEQUENCE, ALS, POPULAR;

    /** The name requests, variants and exposures use. */
    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Where the user's vector came from. */
  enum Strategy { LIVE, ALS, FOLD_IN, RECENT, POPULAR }

  private Recommendations() {}

  static Answer answer(SnapshotHolder.Lease lease, ServedRanking ranking, Request r)
      throws RocksDBException {
    ModelSnapshot s = lease.snapshot();
    ItemMatrix items = s.items();
    long now = System.currentTimeMillis();
    Optional<InterestState> state = r.userId() == null ? Optional.empty() : lease.live().history(r.userId());
    Map<Integer, Double> history = confidencesByRow(items, state);
    Map<Integer, Double> recent = new HashMap<>();
    for (String id : r.recent()) {
      int row = items.row(id);
      if (row >= 0) {
        recent.put(row, 1.0);
      }
    }
    Strategy strategy;
    float[] vector;
    Map<Integer, Double> basis = history;
    Optional<float[]> live = r.userId() == null ? Optional.empty() : lease.live().vector(r.userId());
    Optional<float[]> nightly = live.isPresent() || r.userId() == null ? Optional.empty() : s.userVector(r.userId());
    if (live.isPresent()) {
      strategy = Strategy.LIVE;
      vector = live.get();
    } else if (nightly.isPresent()) {
      strategy = Strategy.ALS;
      vector = nightly.get();
    } else if (history.values().stream().anyMatch(c -> c > 0)) {
      strategy = Strategy.FOLD_IN;
      vector = s.foldIn().solve(history);
    } else if (!recent.isEmpty()) {
      strategy = Strategy.RECENT;
      basis = recent;
      vector = s.foldIn().solve(recent);
    } else {
      strategy = Strategy.POPULAR;
      vector = null;
    }
    int sequenceLength = s.sequence() == null ? 0 : s.sequence().params().length();
    UserSignals user = userSignals(items, state, r.recent(), vector, sequenceLength, now);
    ItemSignals signals = s.signals();
    BitSet excluded = new BitSet(items.size());
    for (List<String> ids : List.of(r.exclude(), r.cursor())) {
      ids.forEach(id -> {
        int row = items.row(id);
        if (row >= 0) {
          excluded.set(row);
        }
      });
    }
    BitSet allowed = null;
    for (String a : r.attributes()) {
      BitSet rows = (BitSet) s.rowsWithAttribute(a).clone();
      if (allowed != null) {
        rows.and(allowed);
      }
      allowed = rows;
    }
    ListRules rules = new ListRules(r.excludeSeen(), excluded, allowed, r.diversity(), r.offset(), r.cursor().size(),
        r.k());
    ServedRanking.Single single = ranking.single(r.model());
    boolean alone = single != null;
    if (r.model() == Model.SEQUENCE && s.sequence() == null) {
      throw new ServiceUnavailableResponse("model=sequence: the served version has no sequence model to use ("
          + s.sequenceStatus() + "); ask without model for the two-stage ranking");
    }
    RankingPipeline pipeline = alone ? single.pipeline() : ranking.pipeline();
    Variant variant = r.assignment().variant();
    // explore=false asks for the ranker's order alone: no exploration slots, no randomised slot
    boolean deviate = !alone && !Boolean.FALSE.equals(r.explore());
    Exploration exploration = !deviate ? Exploration.OFF
        : variant != null && variant.exploration() != null ? ranking.exploration().withShare(variant.exploration())
        : ranking.exploration();
    Ranker ranker = alone ? single.order()
        : variant != null && "als-order".equals(variant.ranker()) ? Ranker.ALS_ORDER : s.ranker();
    List<Candidate> page = new ArrayList<>(pipeline.rank(user, signals, ranker, exploration, rules));
    if (deviate) {
      ranking.randomisation().apply(page, ThreadLocalRandom.current());
    }
    boolean drawn = false;
    int firstPosition = r.cursor().size() + r.offset();
    List<Exposure.Shown> shown = new ArrayList<>();

    Explainer explainer = r.explain() && vector != null && !alone ? s.foldIn().explainer(basis) : null;
    List<Map<String, Object>> out = new ArrayList<>();
    for (Candidate c : page) {
      int row = c.row();
      if (c.explored()) {
        signals.exposed(row);
      }
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("itemId", items.id(row));
      item.put("score", c.score());
      s.info(items.id(row)).ifPresent(info -> item.put("title", info.title()));
      List<String> sources = pipeline.sourceNames(c);
      item.put("sources", sources);
      List<Exposure.Drawn> pool = new ArrayList<>();
      c.pool().forEach(d -> pool.add(new Exposure.Drawn(items.id(d.row()), d.features())));
      drawn |= !pool.isEmpty();
      shown.add(new Exposure.Shown(items.id(row), firstPosition + shown.size(), sources, c.propensity(), pool));
      if (c.explored()) {
        item.put("explored", true);
      }
      if (r.explain()) {
        item.put("reasons", Reasons.describe(s, c, pipeline.reasons(c, user, signals)));
        if (explainer != null) {
          item.put("because", because(s, explainer, row));
        }
      }
      out.add(item);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    if (r.userId() != null) {
      body.put("userId", r.userId());
    }
    body.put("modelVersion", s.version());
    body.put("model", r.model().wireName());
    body.put("strategy", strategy.name().toLowerCase().replace('_', '-'));
    // A single source is ordered by its own score, which "ranker" names.
    String rankerName = alone ? r.model().wireName() : ranker.trained() ? "trained" : "als-order";
    body.put("ranker", rankerName);
    body.put("items", out);
    body.put("nextOffset", r.offset() + out.size());
    if (out.size() == r.k() && r.cursor().size() + out.size() <= PageCursor.MAX_ITEMS) {
      List<String> shownIds = new ArrayList<>(r.cursor());
      page.forEach(c -> shownIds.add(items.id(c.row())));
      body.put("cursor", PageCursor.encode(shownIds));
    }
    return new Answer(body, s.version(), rankerName, shown, drawn ? pipeline.features().names() : List.of());
  }

  /** The ranking's view of the user: their history's positive items newest first, the request's recent ones before them. */
  private static UserSignals userSignals(ItemMatrix items, Optional<InterestState> state, List<String> recentIds,
                                         float[] vector, int sequenceLength, long now) {
    List<Integer> rows = new ArrayList<>();
    List<Long> when = new ArrayList<>();
    BitSet seen = new BitSet(items.size());
    for (String id : recentIds) {
      int row = items.row(id);
      if (row >= 0 && !seen.get(row)) {
        seen.set(row);
        rows.add(row);
        when.add(now);
      }
    }
    state.ifPresent(st -> {
      st.confidences().keySet().forEach(id -> {
        int row = items.row(id);
        if (row >= 0) {
          seen.set(row);
        }
      });
      for (String id : st.positiveItemsNewestFirst()) {
        int row = items.row(id);
        if (row >= 0 && rows.size() < UserSignals.PROFILE_ITEMS && !rows.contains(row)) {
          rows.add(row);
          when.add(st.itemTs(id));
        }
      }
    });
    int historyLength = state.map(st -> st.confidences().size()).orElse(0) + recentIds.size();
    return new UserSignals(vector, rows.stream().mapToInt(Integer::intValue).toArray(),
        when.stream().mapToLong(Long::longValue).toArray(), sequence(items, state, recentIds, sequenceLength), seen,
        historyLength,
        now);
  }

  /**
   * The sequence model's input: the newest {@code length} items the model knows, the user's
   * history oldest first by time and then id (as the nightly job orders histories), then the
   * request's recent items, which are newer still. Only the newest are selected (a heap of
   * {@code length}), not the whole history sorted: a long history costs a pass, not a sort.
   */
  private static int[] sequence(ItemMatrix items, Optional<InterestState> state, List<String> recentIds, int length) {
    List<Integer> recent = new ArrayList<>();
    for (int i = recentIds.size() - 1; i >= 0; i--) {
      int row = items.row(recentIds.get(i)); // recent lists the newest first
      if (row >= 0) {
        recent.add(row);
      }
    }
    int fromHistory = Math.max(0, length - recent.size());
    List<String> newest = new ArrayList<>();
    if (fromHistory > 0 && state.isPresent()) {
      InterestState st = state.get();
      Comparator<String> byTime = Comparator.comparingLong(st::itemTs).thenComparing(Comparator.naturalOrder());
      PriorityQueue<String> heap = new PriorityQueue<>(byTime); // the oldest of the newest on top
      for (String id : st.confidences().keySet()) {
        if (items.row(id) >= 0) {
          heap.add(id);
          if (heap.size() > fromHistory) {
            heap.poll();
          }
        }
      }
      newest.addAll(heap);
      newest.sort(byTime);
    }
    int[] out = new int[newest.size() + Math.min(recent.size(), length)];
    int n = 0;
    for (String id : newest) {
      out[n++] = items.row(id);
    }
    for (int i = Math.max(0, recent.size() - length); i < recent.size(); i++) {
      out[n++] = recent.get(i);
    }
    return out;
  }

  private static Map<Integer, Double> confidencesByRow(ItemMatrix items, Optional<InterestState> state) {
    Map<Integer, Double> byRow = new HashMap<>();
    state.ifPresent(st -> st.confidences().forEach((id, c) -> {
      int row = items.row(id);
      if (row >= 0) {
        byRow.put(row, c);
      }
    }));
    return byRow;
  }

  private static List<Map<String, Object>> because(ModelSnapshot s, Explainer explainer, int row)
      throws RocksDBException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Explainer.Contribution c : explainer.contributions(row)) {
      if (out.size() == BECAUSE || c.value() <= 0) {
        break;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      String id = s.items().id(c.row());
      m.put("itemId", id);
      s.info(id).ifPresent(info -> m.put("title", info.title()));
      m.put("contribution", c.value());
      out.add(m);
    }
    return out;
  }
}
