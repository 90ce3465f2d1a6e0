package io.recflow.serving;

import io.recflow.core.Explainer;
import io.recflow.core.InterestState;
import io.recflow.core.ItemMatrix;
import io.recflow.core.MmrReranker;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;
import org.rocksdb.RocksDBException;

/**
 * Builds a user's recommendation list from a leased snapshot. The user's vector is, in order of
 * preference: the streaming job's live vector, the nightly factor, a fold-in of the history the
 * server has seen since, a fold-in of the recent items the request names, and otherwise the list
 * falls back to popular items. Then come the request's exclusions and attribute filters, MMR
 * diversity and, when asked, the history items that explain each score.
 */
final class Recommendations {
  /** Candidates taken for diversity re-ranking, as a multiple of k (at least {@link #MIN_POOL}). */
  private static final int POOL_FACTOR = 4;
  private static final int MIN_POOL = 50;
  /** History items named per explained recommendation. */
  static final int BECAUSE = 3;

  /** What a request asks for. */
  record Request(String userId, int k, boolean excludeSeen, List<String> attributes, double diversity,
                 boolean explain, List<String> recent) {}

  /** Where the user's vector came from. */
  enum Strategy { LIVE, ALS, FOLD_IN, RECENT, POPULAR }

  private Recommendations() {}

  static Map<String, Object> answer(SnapshotHolder.Lease lease, Request r) throws RocksDBException {
    ModelSnapshot s = lease.snapshot();
    ItemMatrix items = s.items();
    Map<Integer, Double> history = confidencesByRow(items, lease.live().history(r.userId()));
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
    Optional<float[]> live = lease.live().vector(r.userId());
    Optional<float[]> nightly = live.isPresent() ? Optional.empty() : s.userVector(r.userId());
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
    BitSet excluded = new BitSet(items.size());
    if (r.excludeSeen()) {
      history.keySet().forEach(excluded::set);
      recent.keySet().forEach(excluded::set);
    }
    BitSet allowed = null;
    for (String a : r.attributes()) {
      BitSet rows = (BitSet) s.rowsWithAttribute(a).clone();
      if (allowed != null) {
        rows.and(allowed);
      }
      allowed = rows;
    }
    BitSet only = allowed;
    IntPredicate skip = row -> excluded.get(row) || (only != null && !only.get(row));

    int pool = r.diversity() > 0 ? Math.max(MIN_POOL, POOL_FACTOR * r.k()) : r.k();
    List<Integer> rows = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    if (vector != null) {
      for (int row : s.topK(vector, pool, skip)) {
        rows.add(row);
        scores.add(items.score(vector, row));
      }
    } else {
      for (ModelSnapshot.Scored p : s.popular()) {
        int row = items.row(p.itemId());
        if (row >= 0 && !skip.test(row) && rows.size() < pool) {
          rows.add(row);
          scores.add(p.score());
        }
      }
    }
    int[] order = r.diversity() > 0
        ? new MmrReranker(1 - r.diversity()).rerank(scores.stream().mapToDouble(Double::doubleValue).toArray(),
            diversityVectors(s, rows), r.k())
        : java.util.stream.IntStream.range(0, Math.min(r.k(), rows.size())).toArray();

    Explainer explainer = r.explain() && vector != null ? s.foldIn().explainer(basis) : null;
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i : order) {
      int row = rows.get(i);
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("itemId", items.id(row));
      item.put("score", scores.get(i));
      s.info(items.id(row)).ifPresent(info -> item.put("title", info.title()));
      if (explainer != null) {
        item.put("because", because(s, explainer, row));
      }
      out.add(item);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("userId", r.userId());
    body.put("modelVersion", s.version());
    body.put("strategy", strategy.name().toLowerCase().replace('_', '-'));
    body.put("items", out);
    return body;
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

  /** Text embeddings where the items have them, otherwise their ALS factors. */
  private static List<float[]> diversityVectors(ModelSnapshot s, List<Integer> rows) throws RocksDBException {
    List<float[]> vectors = new ArrayList<>(rows.size());
    boolean allEmbedded = true;
    for (int row : rows) {
      Optional<float[]> e = s.embedding(s.items().id(row));
      allEmbedded &= e.isPresent();
      vectors.add(e.orElse(null));
    }
    if (!allEmbedded) {
      // Mixing spaces would make similarities meaningless; factors exist for every candidate.
      vectors.clear();
      int k = s.items().rank();
      for (int row : rows) {
        float[] v = new float[k];
        System.arraycopy(s.items().values(), row * k, v, 0, k);
        vectors.add(v);
      }
    }
    return vectors;
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
