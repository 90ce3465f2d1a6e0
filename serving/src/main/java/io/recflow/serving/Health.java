package io.recflow.serving;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What GET /health says. {@code starting} until the first model is served or the first attempt to
 * find one fails; {@code degraded} with every reason while something is wrong (no model, a refused
 * version or a refused part of the served one, an unreadable warehouse, live state failing or far
 * behind), even if a model is still served; {@code ok} otherwise. Anyone may ask, so the reasons
 * name no filesystem paths unless the caller holds an admin key; the server's log has them too.
 */
final class Health {
  /** Live state further behind than this makes the server degraded: users' newest actions are missing. */
  static final long STALE_LIVE_MILLIS = 60_000;
  private static final Pattern PATH = Pattern.compile("(?<=^|[\\s'\"(=])(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?/{1,3}[^\\s'\",;:()]+");

  private Health() {}

  /** The body; with {@code showPaths} (an admin asks) reasons keep their paths. */
  static Map<String, Object> of(SnapshotHolder holder, boolean showPaths) {
    java.util.function.UnaryOperator<String> redact = showPaths ? t -> t : Health::redact;
    Map<String, Object> body = new LinkedHashMap<>();
    List<String> reasons = new ArrayList<>();
    holder.warehouseProblem().ifPresent(reasons::add);
    holder.refusal().ifPresent(r -> reasons.add("model version " + r.version() + " was refused: " + r.reason()));
    holder.liveProblem().ifPresent(reasons::add);
    var lease = holder.acquire();
    lease.ifPresent(l -> {
      try (l) {
        body.put("modelVersion", l.snapshot().version());
        body.put("items", l.snapshot().items().size());
        body.put("search", l.snapshot().approximate() ? "approximate" : "exact");
        body.put("searchRecallAt10", l.snapshot().searchRecall());
        body.put("ranker", redact.apply(l.snapshot().rankerStatus()));
        body.put("sequence", redact.apply(l.snapshot().sequenceStatus()));
        // A part of the version refused: the rest serves without it, which is worth an operator's look.
        if (l.snapshot().rankerStatus().startsWith("refused")) {
          reasons.add("the version's ranker was " + l.snapshot().rankerStatus());
        }
        if (l.snapshot().sequenceStatus().startsWith("refused")) {
          reasons.add("the version's sequence model was " + l.snapshot().sequenceStatus());
        }
      }
    });
    if (holder.loadedAtMillis() > 0) {
      body.put("snapshotAgeSeconds", (System.currentTimeMillis() - holder.loadedAtMillis()) / 1000);
    }
    if (holder.liveCaughtUpAtMillis() > 0) {
      long lag = System.currentTimeMillis() - holder.liveCaughtUpAtMillis();
      body.put("liveLagMillis", lag);
      if (lag > STALE_LIVE_MILLIS) {
        reasons.add("live vectors and events were last read " + lag / 1000 + " s ago");
      }
    }
    if (lease.isEmpty() && reasons.isEmpty()) {
      body.put("status", "starting");
    } else {
      body.put("status", reasons.isEmpty() ? "ok" : "degraded");
    }
    holder.refusal().ifPresent(r -> body.put("refused", Map.of("modelVersion", r.version(), "reason",
        redact.apply(r.reason()))));
    body.put("reasons", reasons.stream().map(redact).toList());
    // status first, for people reading it with curl
    Map<String, Object> ordered = new LinkedHashMap<>();
    ordered.put("status", body.remove("status"));
    ordered.putAll(body);
    return ordered;
  }

  /** The text with every absolute path or URI replaced by {@code <path>}. */
  static String redact(String text) {
    return PATH.matcher(text).replaceAll("<path>");
  }
}
