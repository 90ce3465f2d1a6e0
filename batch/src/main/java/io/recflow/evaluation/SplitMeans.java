package io.recflow.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one protocol run on several seeded splits, averaged, with the standard error of
 * each ranking metric over the splits beside it ({@code ndcg_se}, …). Which tenth of the items a
 * cold-item split holds out moves its figures by a factor of two or more (a few popular films
 * more or fewer among them), so one split's figure alone says little; the mean and its error do.
 */
final class SplitMeans {
  /** The metrics given a standard error; {@code users} and coverage are averaged only. */
  private static final List<String> WITH_ERROR = List.of("precision", "recall", "ndcg", "map");

  private SplitMeans() {}

  /**
   * @param splits each split's results, every split with the same (protocol, model, metric) rows
   * @return one row per (protocol, model, metric) holding the mean, in the first split's order, and
   *     after each ranking metric its standard error (sample standard deviation / √splits) when there
   *     are two splits or more
   */
  static List<EvalResult> of(List<List<EvalResult>> splits) {
    if (splits.size() == 1) {
      return splits.get(0);
    }
    Map<String, List<EvalResult>> byKey = new LinkedHashMap<>();
    for (List<EvalResult> split : splits) {
      for (EvalResult r : split) {
        byKey.computeIfAbsent(r.protocol() + "\t" + r.model() + "\t" + r.metric(), x -> new ArrayList<>()).add(r);
      }
    }
    List<EvalResult> out = new ArrayList<>();
    byKey.forEach((key, rows) -> {
      if (rows.size() != splits.size()) {
        throw new IllegalStateException(key.replace('\t', '/') + " is in " + rows.size() + " of " + splits.size()
            + " splits; every split must report the same figures");
      }
      double sum = 0;
      for (EvalResult r : rows) {
        sum += r.value();
      }
      double mean = sum / rows.size();
      EvalResult first = rows.get(0);
      out.add(new EvalResult(first.protocol(), first.model(), first.metric(), first.k(), mean));
      if (WITH_ERROR.contains(first.metric())) {
        double sq = 0;
        for (EvalResult r : rows) {
          sq += (r.value() - mean) * (r.value() - mean);
        }
        double se = Math.sqrt(sq / (rows.size() - 1) / rows.size());
        out.add(new EvalResult(first.protocol(), first.model(), first.metric() + "_se", first.k(), se));
      }
    });
    return out;
  }
}
