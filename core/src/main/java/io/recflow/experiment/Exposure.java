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
 */
public record Exposure(String requestId, String userId, long tsMillis, String experiment, String variant,
                       long modelVersion, String model, String ranker, List<Shown> items) {
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
   */
  public record Shown(String itemId, int position, List<String> sources, double propensity) {
    public Shown {
      sources = List.copyOf(sources);
    }
  }

  public Exposure {
    items = List.copyOf(items);
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
      items.add(new Shown(i.path("item_id").asText(), i.path("position").asInt(), sources,
          i.path("propensity").asDouble(1)));
    }
    return Optional.of(new Exposure(o.get(FIELD).asText(), textOrNull(o, "user_id"),
        Instant.parse(o.path("ts").asText()).toEpochMilli(), textOrNull(o, "experiment"), textOrNull(o, "variant"),
        o.path("model_version").asLong(), textOrNull(o, "model"), textOrNull(o, "ranker"), items));
  }

  private static String textOrNull(JsonNode o, String field) {
    JsonNode n = o.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }
}
