package io.recflow.serving;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * What GET /health says. {@code starting} until the first model is served or the first attempt to
 * find one fails; {@code degraded} with every reason while something is wrong (no model, a refused
 * version or a refused part of the served one, an unreadable warehouse, live state failing or far
 * behind, posted events the stream has not taken), even if a model is still served; {@code ok}
 * otherwise. Anyone may ask, so the reasons name no filesystem paths unless the caller holds an
 * admin key; the server's log has them too.
 */
final class Health {
  /** Live state further behind than this makes the server degraded: users' newest actions are missing. */
  static final long STALE_LIVE_MILLIS = 60_000;
  private static final Pattern PATH = Pattern.compile("(?<=^|[\\s'\"(=])(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?/{1,3}[^\\s'\",;:()]+");

  private Health() {}

  /** The body; with {@code showPaths} (an admin asks) reasons keep their paths. */
  static Map<String, Object> of(SnapshotHolder holder, StreamBacklog backlog, boolean showPaths) {
    UnaryOperator<String> redact = showPaths ? t -> t : Health::redact;
    List<String> reasons = new ArrayList<>();
    holder.warehouseProblem().ifPresent(reasons::add);
    holder.refusal().ifPresent(r -> reasons.add("model version " + r.version() + " was refused: " + r.reason()));
    holder.liveProblem().ifPresent(reasons::add);
    backlog.problem().ifPresent(reasons::add);
    Map<String, Object> served = new LinkedHashMap<>();
    var lease = holder.acquire();
    lease.ifPresent(l -> {
      try (l) {
        ModelSnapshot s = l.snapshot();
        served.put("modelVersion", s.version());
        served.put("items", s.items().size());
        served.put("search", s.approximate() ? "approximate" : "exact");
        served.put("searchRecallAt10", s.searchRecall());
        served.put("ranker", redact.apply(s.rankerStatus()));
        served.put("sequence", redact.apply(s.sequenceStatus()));
        // A part of the version refused: the rest serves without it, which is worth an operator's look.
        if (s.rankerStatus().startsWith("refused")) {
          reasons.add("the version's ranker was " + s.rankerStatus());
        }
        if (s.sequenceStatus().startsWith("refused")) {
          reasons.add("the version's sequence model was " + s.sequenceStatus());
        }
      }
    });
    if (holder.loadedAtMillis() > 0) {
      served.put("snapshotAgeSeconds", (System.currentTimeMillis() - holder.loadedAtMillis()) / 1000);
    }
    if (holder.liveCaughtUpAtMillis() > 0) {
      long lag = System.currentTimeMillis() - holder.liveCaughtUpAtMillis();
      served.put("liveLagMillis", lag);
      if (lag > STALE_LIVE_MILLIS) {
        reasons.add("live vectors and events were last read " + lag / 1000 + " s ago");
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", !reasons.isEmpty() ? "degraded" : lease.isEmpty() ? "starting" : "ok");
    body.put("reasons", reasons.stream().map(redact).toList());
    body.putAll(served);
    holder.refusal().ifPresent(r -> body.put("refused", Map.of("modelVersion", r.version(), "reason",
        redact.apply(r.reason()))));
    return body;
  }

  /** The text with every absolute path or URI replaced by {@code <path>}. */
  static String redact(String text) {
    return PATH.matcher(text).replaceAll("<path>");
  }
}
