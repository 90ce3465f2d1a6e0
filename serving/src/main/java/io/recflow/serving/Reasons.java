package io.recflow.serving;

import io.recflow.ranking.AlsSource;
import io.recflow.ranking.Candidate;
import io.recflow.ranking.CoVisitationSource;
import io.recflow.ranking.ContentSource;
import io.recflow.ranking.FreshSource;
import io.recflow.ranking.PopularSource;
import io.recflow.ranking.RankingPipeline;
import io.recflow.ranking.SequenceSource;
import io.recflow.ranking.TrendingSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rocksdb.RocksDBException;

/**
 * Puts the ranking's reasons for an item into words a person can read: each source that found it,
 * with the user's item behind it where there is one ("people who viewed Y next viewed this").
 */
final class Reasons {
  private Reasons() {}

  static List<Map<String, Object>> describe(ModelSnapshot s, Candidate c, List<RankingPipeline.Reason> reasons)
      throws RocksDBException {
    List<Map<String, Object>> out = new ArrayList<>();
    if (c.explored()) {
      out.add(reason(s, "exploration", -1, "new arrival close to what you watch, shown so it can be discovered"));
    }
    for (RankingPipeline.Reason r : reasons) {
      Optional<String> title = r.evidenceRow() < 0 ? Optional.empty()
          : Optional.of(s.info(s.items().id(r.evidenceRow())).map(ModelSnapshot.ItemInfo::title)
              .filter(t -> !t.isEmpty()).orElse(s.items().id(r.evidenceRow())));
      String text = switch (r.source()) {
        case AlsSource.NAME -> "matches your taste";
        case ContentSource.NAME -> title.map(t -> "because you liked " + t).orElse("close to what you like");
        case CoVisitationSource.NAME -> title.map(t -> "people who viewed " + t + " next viewed this")
            .orElse("often viewed after your recent items");
        case SequenceSource.NAME -> title.map(t -> "likely next after " + t + " and what came before it")
            .orElse("likely next after what you just did");
        case FreshSource.NAME -> "new arrival close to what you watch";
        case TrendingSource.NAME -> "trending now";
        case PopularSource.NAME -> "popular with everyone";
        default -> "found by " + r.source();
      };
      out.add(reason(s, r.source(), r.evidenceRow(), text));
    }
    return out;
  }

  private static Map<String, Object> reason(ModelSnapshot s, String source, int evidenceRow, String text)
      throws RocksDBException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source", source);
    m.put("text", text);
    if (evidenceRow >= 0) {
      String id = s.items().id(evidenceRow);
      m.put("itemId", id);
      s.info(id).ifPresent(info -> m.put("title", info.title()));
    }
    return m;
  }
}
