package io.recflow.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one response showed: the list a server answered a request with, and how it came to be, so
 * that clicks can be attributed to it and variants compared on what users actually saw. A server
 * makes it durable, as one JSON line in the exposure landing directory, before it answers.
 *
 * @param requestId the response's request id, which events may carry back
 * @param userId the user, or null for an anonymous session
 * @param tsMillis when it was answered
 * @param experiment the experiment the user is in, or null
 * @param variant the variant that served it ("holdout" for the global holdout), or null
 * @param modelVersion the model version served
 * @param model served or sequence
 * @param ranker how the list was ordered: trained, als-order or sequence
 * @param items what was shown, in order
 * @param features the names of the ranking features a randomised slot's pool carries; empty when no
 *     slot was randomised
 */
public record Exposure(String requestId, String userId, long tsMillis, String experiment, String variant,
                       long modelVersion, String model, String ranker, List<Shown> items, List<String> features) {
  /** The line's marker field, which no event has. */
  public static final String FIELD = "exposure";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One shown item.
   *
   * @param itemId the item
   * @param position its 0-based position in the whole list (offset included)
   * @param sources the candidate sources that retrieved it
   * @param propensity the probability that the serving policy put it in this slot: 1 for a
   *     deterministic choice, below 1 where a random draw chose it
   * @param pool where a random draw chose it, the candidates drawn among, best ranked first
   */
  public record Shown(String itemId, int position, List<String> sources, double propensity, List<Drawn> pool) {
    public Shown {
      sources = List.copyOf(sources);
      pool = List.copyOf(pool);
    }

    /** An item the ranker put in its slot (propensity 1, no draw). */
    public Shown(String itemId, int position, List<String> sources) {
      this(itemId, position, sources, 1, List.of());
    }
  }

  /**
   * One candidate of a randomised slot's pool.
   *
   * @param itemId the item
   * @param features its ranking features in that list, in the order {@link #features} names
   */
  public record Drawn(String itemId, float[] features) {}

  public Exposure {
    items = List.copyOf(items);
    features = List.copyOf(features);
  }

  /** An exposure without randomised slots. */
  public Exposure(String requestId, String userId, long tsMillis, String experiment, String variant,
                  long modelVersion, String model, String ranker, List<Shown> items) {
    this(requestId, userId, tsMillis, experiment, variant, modelVersion, model, ranker, items, List.of());
  }

  /** The exposure as one JSON line. */
  public String toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put(FIELD, requestId);
    o.put("user_id", userId);
    o.put("ts", Instant.ofEpochMilli(tsMillis).toString());
    o.put("experiment", experiment);
    o.put("variant", variant);
    o.put("model_version", modelVersion);
    o.put("model", model);
    o.put("ranker", ranker);
    ArrayNode list = o.putArray("items");
    for (Shown s : items) {
      ObjectNode i = list.addObject();
      i.put("item_id", s.itemId());
      i.put("position", s.position());
      ArrayNode src = i.putArray("sources");
      s.sources().forEach(src::add);
      i.put("propensity", s.propensity());
      if (!s.pool().isEmpty()) {
        ArrayNode pool = i.putArray("pool");
        for (Drawn d : s.pool()) {
          ObjectNode p = pool.addObject();
          p.put("item_id", d.itemId());
          ArrayNode f = p.putArray("features");
          for (float v : d.features()) {
            if (Float.isNaN(v)) {
              f.addNull(); // JSON has no NaN: a missing feature
            } else {
              f.add(v);
            }
          }
        }
      }
    }
    if (!features.isEmpty()) {
      features.forEach(o.putArray("features")::add);
    }
    return o.toString();
  }

  /** The exposure a line holds, or empty when the line is not one (an event, say). */
  public static Optional<Exposure> parse(String line) {
    JsonNode o;
    try {
      o = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
    if (o == null || !o.isObject() || !o.path(FIELD).isTextual()) {
      return Optional.empty();
    }
    List<Shown> items = new ArrayList<>();
    for (JsonNode i : o.path("items")) {
      List<String> sources = new ArrayList<>();
      i.path("sources").forEach(s -> sources.add(s.asText()));
      List<Drawn> pool = new ArrayList<>();
      for (JsonNode d : i.path("pool")) {
        JsonNode f = d.path("features");
        float[] values = new float[f.size()];
        for (int k = 0; k < values.length; k++) {
          values[k] = f.get(k).isNull() ? Float.NaN : (float) f.get(k).asDouble();
        }
        pool.add(new Drawn(d.path("item_id").asText(), values));
      }
      items.add(new Shown(i.path("item_id").asText(), i.path("position").asInt(), sources,
          i.path("propensity").asDouble(1), pool));
    }
    List<String> features = new ArrayList<>();
    o.path("features").forEach(f -> features.add(f.asText()));
    return Optional.of(new Exposure(o.get(FIELD).asText(), textOrNull(o, "user_id"),
        Instant.parse(o.path("ts").asText()).toEpochMilli(), textOrNull(o, "experiment"), textOrNull(o, "variant"),
        o.path("model_version").asLong(), textOrNull(o, "model"), textOrNull(o, "ranker"), items, features));
  }

  private static String textOrNull(JsonNode o, String field) {
    JsonNode n = o.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }
}
