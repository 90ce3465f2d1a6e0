package io.recflow.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Renders evaluation results as a text table (one row per protocol and model) or as JSON. */
public final class EvalTable {
  private EvalTable() {}

  /** A fixed-width table: protocol, model, then one column per metric. */
  public static String text(List<EvalResult> results) {
    Set<String> metrics = new LinkedHashSet<>();
    Map<String, Map<String, Double>> rows = group(results, metrics);
    StringBuilder sb = new StringBuilder(String.format("%-16s %-17s", "protocol", "model"));
    for (String m : metrics) {
      sb.append(String.format(" %10s", m.equals("users") ? m : m + "@" + results.get(0).k()));
    }
    sb.append('\n');
    rows.forEach((key, values) -> {
      String[] pm = key.split("\t");
      sb.append(String.format("%-16s %-17s", pm[0], pm[1]));
      for (String m : metrics) {
        Double v = values.get(m);
        sb.append(v == null ? String.format(" %10s", "-")
            : m.equals("users") ? String.format(" %10d", v.longValue()) : String.format(Locale.ROOT, " %10.4f", v));
      }
      sb.append('\n');
    });
    return sb.toString();
  }

  /** {"k":10,"results":{"stratified":{"als":{"ndcg":0.3,...},...},...}} */
  public static String json(List<EvalResult> results) {
    Map<String, Map<String, Map<String, Double>>> byProtocol = new LinkedHashMap<>();
    for (EvalResult r : results) {
      byProtocol.computeIfAbsent(r.protocol(), p -> new LinkedHashMap<>())
          .computeIfAbsent(r.model(), m -> new LinkedHashMap<>()).put(r.metric(), r.value());
    }
    List<String> protocols = new ArrayList<>();
    byProtocol.forEach((p, models) -> {
      List<String> ms = new ArrayList<>();
      models.forEach((m, values) -> {
        List<String> vs = new ArrayList<>();
        values.forEach((metric, v) -> vs.add(quote(metric) + ":" + number(v)));
        ms.add(quote(m) + ":{" + String.join(",", vs) + "}");
      });
      protocols.add(quote(p) + ":{" + String.join(",", ms) + "}");
    });
    int k = results.isEmpty() ? 0 : results.get(0).k();
    return "{\"k\":" + k + ",\"results\":{" + String.join(",", protocols) + "}}";
  }

  private static Map<String, Map<String, Double>> group(List<EvalResult> results, Set<String> metrics) {
    Map<String, Map<String, Double>> rows = new LinkedHashMap<>();
    for (EvalResult r : results) {
      metrics.add(r.metric());
      rows.computeIfAbsent(r.protocol() + "\t" + r.model(), x -> new LinkedHashMap<>()).put(r.metric(), r.value());
    }
    return rows;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String number(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6f", v) : "null";
  }
}
