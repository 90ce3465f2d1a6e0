package io.recflow.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.recflow.core.Tables.Col;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one reader of events as JSON: a line of a {@code .jsonl} input file, a line the stream reads
 * from the landing directory or Kafka, and each event of a {@code POST /v1/events} body all pass
 * through {@link #parse}, then through {@link EventValidator}, so a record accepted by one entry is
 * accepted by every entry, and a rejected one gets the same reason.
 *
 * <p>Strict on shape, because a lenient reader silently drops what it did not understand: the
 * record is exactly one JSON object, with only the fields of {@link #FIELDS} (matched exactly),
 * each at most once, each a string, a number or null; ids are strings or integers, event_type a
 * string. Values stay text here; the validator judges them.
 */
public final class EventJson {
  /** The fields an event may carry. */
  public static final List<String> FIELDS = List.of(Col.EVENT_ID, Col.USER_ID, Col.ITEM_ID, Col.EVENT_TYPE, Col.VALUE,
      Col.TS, Col.REQUEST_ID);
  private static final String FIELD_LIST = String.join(", ", FIELDS.stream().sorted().toList());
  private static final JsonFactory JSON = new JsonFactory();

  private EventJson() {}

  /** Reads one record; a record that is not one event object comes back unreadable, with the reason. */
  public static RawEvent parse(String source, String text) {
    try (JsonParser p = JSON.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        return RawEvent.unreadable(source, text, "an event must be a JSON object, not " + kind(t));
      }
      Map<String, String> fields = new HashMap<>();
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        if (!FIELDS.contains(name)) {
          return RawEvent.unreadable(source, text, "unknown field '" + name + "' (fields: " + FIELD_LIST + ")");
        }
        if (fields.containsKey(name)) {
          return RawEvent.unreadable(source, text, "field '" + name + "' appears twice");
        }
        JsonToken v = p.nextToken();
        if (v != JsonToken.VALUE_STRING && v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT
            && v != JsonToken.VALUE_NULL) {
          return RawEvent.unreadable(source, text, "field '" + name + "' must be a string or a number, not " + kind(v));
        }
        if (v == JsonToken.VALUE_NUMBER_FLOAT && !name.equals(Col.VALUE) && !name.equals(Col.TS)) {
          return RawEvent.unreadable(source, text, "field '" + name + "' must be a string or an integer, not "
              + p.getText());
        }
        if (v == JsonToken.VALUE_NUMBER_INT && name.equals(Col.EVENT_TYPE)) {
          return RawEvent.unreadable(source, text, "field 'event_type' must be a string, not a number");
        }
        fields.put(name, v == JsonToken.VALUE_NULL ? null : p.getText());
      }
      if (p.nextToken() != null) {
        return RawEvent.unreadable(source, text, "content after the event object (one JSON object per record)");
      }
      return new RawEvent(source, text, fields.get(Col.EVENT_ID), fields.get(Col.USER_ID), fields.get(Col.ITEM_ID),
          fields.get(Col.EVENT_TYPE), fields.get(Col.VALUE), fields.get(Col.TS), fields.get(Col.REQUEST_ID));
    } catch (JsonProcessingException e) {
      return RawEvent.unreadable(source, text, "not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An accepted event as one JSON line, the form the server lands events in: reading it back gives
   * the same event, id included, so a re-delivered line is recognised as a duplicate.
   */
  public static String toJson(Event e) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField(Col.EVENT_ID, e.eventId());
      g.writeStringField(Col.USER_ID, e.userId());
      g.writeStringField(Col.ITEM_ID, e.itemId());
      g.writeStringField(Col.EVENT_TYPE, e.type().wireName());
      if (e.value() != null) {
        g.writeNumberField(Col.VALUE, e.value());
      }
      g.writeStringField(Col.TS, Instant.ofEpochMilli(e.tsMillis()).toString());
      if (e.requestId() != null) {
        g.writeStringField(Col.REQUEST_ID, e.requestId());
      }
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out.toString();
  }

  private static String kind(JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.asString() == null ? t.name().toLowerCase() : t.asString();
    };
  }
}
