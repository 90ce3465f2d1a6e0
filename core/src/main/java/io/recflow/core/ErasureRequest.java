package io.recflow.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.recflow.core.Tables.Col;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.UUID;

/**
 * A request to erase a user, as it travels the live feed beside events: one line
 * {@code {"recflow_erasure":{"erasure_id":..,"user_id":..,"requested_at":millis,"requested_by":..}}}
 * in the landing directory or on the Kafka topic. Riding the feed orders it among the user's events,
 * so the stream drops exactly the events that were in flight when it was made, and it is durable
 * in the same way an acknowledged event is.
 *
 * <p>Only recflow writes these lines: the server re-serialises every posted event with
 * {@link EventJson}, and a posted body shaped like this one is not an event, so no client can
 * erase another user by posting one.
 *
 * @param erasureId identifies the request in the audit table, which holds no user id
 * @param userId the user to erase
 * @param requestedAtMillis when it was made: the user's data written before it goes
 * @param requestedBy the API key's name or "cli", never personal data
 */
public record ErasureRequest(String erasureId, String userId, long requestedAtMillis, String requestedBy) {
  /** The one field of a tombstone line. */
  public static final String FIELD = "recflow_erasure";
  private static final String PREFIX = "{\"" + FIELD + "\"";
  private static final JsonFactory JSON = new JsonFactory();

  /** A new request, made now. */
  public static ErasureRequest now(String userId, String requestedBy) {
    return new ErasureRequest(UUID.randomUUID().toString(), userId, System.currentTimeMillis(), requestedBy);
  }

  /** The tombstone line. */
  public String toJson() {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart(FIELD);
      g.writeStringField(Col.ERASURE_ID, erasureId);
      g.writeStringField(Col.USER_ID, userId);
      g.writeNumberField(Col.REQUESTED_AT, requestedAtMillis);
      g.writeStringField(Col.REQUESTED_BY, requestedBy);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The request a line carries, or empty when the line is not a well-formed tombstone (an event, say). */
  public static Optional<ErasureRequest> parse(String line) {
    if (line == null || !line.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String id = null;
    String user = null;
    String by = null;
    Long at = null;
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME
          || p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case Col.ERASURE_ID -> id = t == JsonToken.VALUE_STRING ? p.getText() : null;
          case Col.USER_ID -> user = t == JsonToken.VALUE_STRING ? p.getText() : null;
          case Col.REQUESTED_BY -> by = t == JsonToken.VALUE_STRING ? p.getText() : null;
          case Col.REQUESTED_AT -> at = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : null;
          default -> {
            return Optional.empty();
          }
        }
      }
      if (p.nextToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        return Optional.empty();
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    if (id == null || user == null || user.isEmpty() || at == null) {
      return Optional.empty();
    }
    return Optional.of(new ErasureRequest(id, user, at, by == null ? "" : by));
  }
}
