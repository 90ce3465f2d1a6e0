package io.recflow.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recflow.core.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The experiments a server runs, read once at start-up from the JSON file {@code experiments.file}
 * names, and refused with every problem listed if any part is wrong. A user is first hashed into
 * the global holdout (a share of all users kept out of every experiment, to measure their sum);
 * the rest into one layer, where each experiment owns a slice; within a running experiment's slice,
 * a second hash, salted with the experiment's name, picks the variant by the variants' shares.
 * See docs/experiments.md for the file's form.
 *
 * @param salt salts every hash; changing it reshuffles all users, so change it only between experiments
 * @param holdout the share of users in the global holdout, 0 to 0.5
 */
public record ExperimentPlan(String salt, double holdout, List<Experiment> experiments) {
  /** No experiments, no holdout. */
  public static final ExperimentPlan NONE = new ExperimentPlan("recflow", 0, List.of());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> PLAN_FIELDS = Set.of("salt", "holdout", "experiments");
  private static final Set<String> EXPERIMENT_FIELDS = Set.of("name", "start", "stop", "slice", "variants");
  private static final Set<String> VARIANT_FIELDS = Set.of("name", "share", "model", "ranker", "exploration",
      "diversity");

  public ExperimentPlan {
    experiments = List.copyOf(experiments);
  }

  /** The plan in {@code file}; an empty path is {@link #NONE}. Throws with every problem found. */
  public static ExperimentPlan load(String file) {
    if (file == null || file.isBlank()) {
      return NONE;
    }
    String text;
    try {
      text = Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new ConfigException("experiments.file: cannot read " + file + " (" + e.getMessage() + "). Fix the path, "
          + "or leave experiments.file empty to run no experiment.");
    }
    return parse(text, file);
  }

  /** Reads a plan's JSON text; {@code origin} names it in messages. */
  public static ExperimentPlan parse(String text, String origin) {
    List<String> problems = new ArrayList<>();
    ExperimentPlan plan = null;
    try {
      plan = read(JSON.readTree(text), problems);
    } catch (JsonProcessingException e) {
      problems.add("not valid JSON: " + e.getOriginalMessage());
    }
    if (plan != null) {
      problems.addAll(plan.problems());
    }
    if (!problems.isEmpty()) {
      throw new ConfigException("experiments.file " + origin + " cannot be used; nothing was started:\n  - "
          + String.join("\n  - ", problems) + "\nFix the file (docs/experiments.md describes it) and start again.");
    }
    return plan;
  }

  /** Where {@code userId} falls at {@code now}. */
  public Assignment assign(String userId, Instant now) {
    if (userId == null || (holdout == 0 && experiments.isEmpty())) {
      return Assignment.NONE;
    }
    double u = Assignment.unit(salt, "layer", userId);
    if (u < holdout) {
      return Assignment.HOLDOUT;
    }
    double position = (u - holdout) / (1 - holdout);
    for (Experiment e : experiments) {
      if (position >= e.from() && position < e.to() && e.running(now)) {
        double[] shares = e.shares();
        double v = Assignment.unit(salt, e.name(), userId);
        double sum = 0;
        for (int i = 0; i < shares.length; i++) {
          sum += shares[i];
          if (v < sum || i == shares.length - 1) {
            return new Assignment(e.name(), e.variants().get(i), false);
          }
        }
      }
    }
    return Assignment.NONE;
  }

  /** The experiment with this name, or null. */
  public Experiment experiment(String name) {
    return experiments.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
  }

  private List<String> problems() {
    List<String> out = new ArrayList<>();
    if (salt == null || salt.isBlank()) {
      out.add("salt must be a non-empty string");
    }
    if (!(holdout >= 0 && holdout <= 0.5)) {
      out.add("holdout must be from 0 to 0.5, got " + holdout);
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < experiments.size(); i++) {
      Experiment e = experiments.get(i);
      List<String> own = e.problems();
      out.addAll(own);
      if (e.name() != null && !names.add(e.name())) {
        out.add("experiment '" + e.name() + "' appears twice");
      }
      for (int j = 0; j < i && own.isEmpty(); j++) {
        Experiment o = experiments.get(j);
        if (o.problems().isEmpty() && o.overlapsInTime(e) && e.from() < o.to() && o.from() < e.to()) {
          out.add("experiments '" + o.name() + "' and '" + e.name() + "' run at the same time on overlapping slices "
              + "of users; give them disjoint slices (\"slice\": [from, to]) or times that do not overlap");
        }
      }
    }
    return out;
  }

  private static ExperimentPlan read(JsonNode root, List<String> problems) {
    if (root == null || !root.isObject()) {
      problems.add("the file must hold one JSON object with \"experiments\"");
      return null;
    }
    unknown(root, PLAN_FIELDS, "the plan", problems);
    String salt = root.has("salt") ? text(root.get("salt"), "salt", problems) : NONE.salt();
    double holdout = root.has("holdout") ? number(root.get("holdout"), "holdout", problems) : 0;
    List<Experiment> experiments = new ArrayList<>();
    JsonNode list = root.get("experiments");
    if (list == null || !list.isArray()) {
      problems.add("\"experiments\" must be an array (it may be empty)");
    } else {
      for (JsonNode e : list) {
        Experiment x = experiment(e, problems);
        if (x != null) {
          experiments.add(x);
        }
      }
    }
    return new ExperimentPlan(salt, holdout, experiments);
  }

  private static Experiment experiment(JsonNode e, List<String> problems) {
    if (!e.isObject()) {
      problems.add("each experiment must be a JSON object");
      return null;
    }
    String name = e.has("name") ? text(e.get("name"), "name", problems) : null;
    String at = "experiment " + Variant.quote(name);
    unknown(e, EXPERIMENT_FIELDS, at, problems);
    Instant start = e.has("start") ? instant(e.get("start"), at + ": start", problems) : null;
    Instant stop = e.has("stop") && !e.get("stop").isNull() ? instant(e.get("stop"), at + ": stop", problems) : null;
    double from = 0;
    double to = 1;
    if (e.has("slice")) {
      JsonNode s = e.get("slice");
      if (!s.isArray() || s.size() != 2 || !s.get(0).isNumber() || !s.get(1).isNumber()) {
        problems.add(at + ": slice must be [from, to], two numbers");
      } else {
        from = s.get(0).asDouble();
        to = s.get(1).asDouble();
      }
    }
    List<Variant> variants = new ArrayList<>();
    JsonNode vs = e.get("variants");
    if (vs == null || !vs.isArray()) {
      problems.add(at + ": \"variants\" must be an array");
    } else {
      for (JsonNode v : vs) {
        if (!v.isObject()) {
          problems.add(at + ": each variant must be a JSON object");
          continue;
        }
        String vn = v.has("name") ? text(v.get("name"), at + ": variant name", problems) : null;
        String vat = at + ": variant " + Variant.quote(vn);
        unknown(v, VARIANT_FIELDS, vat, problems);
        double share = v.has("share") ? number(v.get("share"), vat + ": share", problems) : 1;
        variants.add(new Variant(vn, share, optionalText(v, "model", vat, problems),
            optionalText(v, "ranker", vat, problems), optionalNumber(v, "exploration", vat, problems),
            optionalNumber(v, "diversity", vat, problems)));
      }
    }
    return new Experiment(name, start, stop, from, to, variants);
  }

  private static void unknown(JsonNode node, Set<String> fields, String at, List<String> problems) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
      String f = it.next();
      if (!fields.contains(f)) {
        problems.add(at + ": unknown field '" + f + "' (fields: " + String.join(", ", fields.stream().sorted()
            .toList()) + ")");
      }
    }
  }

  private static String text(JsonNode n, String what, List<String> problems) {
    if (!n.isTextual()) {
      problems.add(what + " must be a string");
      return null;
    }
    return n.asText();
  }

  private static double number(JsonNode n, String what, List<String> problems) {
    if (!n.isNumber()) {
      problems.add(what + " must be a number");
      return Double.NaN;
    }
    return n.asDouble();
  }

  private static String optionalText(JsonNode v, String field, String at, List<String> problems) {
    return v.has(field) && !v.get(field).isNull() ? text(v.get(field), at + ": " + field, problems) : null;
  }

  private static Double optionalNumber(JsonNode v, String field, String at, List<String> problems) {
    return v.has(field) && !v.get(field).isNull() ? number(v.get(field), at + ": " + field, problems) : null;
  }

  private static Instant instant(JsonNode n, String what, List<String> problems) {
    String s = text(n, what, problems);
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      problems.add(what + " must be an ISO-8601 instant such as 2026-12-01T00:00:00Z, got '" + s + "'");
      return null;
    }
  }
}
