package io.recflow.core;

/**
 * An event as it arrived, every field still text, with where it came from and its original form.
 * The validator turns it into an {@link Event} or a reason for quarantine; nothing is dropped.
 *
 * @param requestId the request id of the list the event came from, or null
 * @param problem why the record could not even be read into fields (not JSON, an unknown field...),
 *     or null when it could; the validator rejects a record with a problem for that reason
 */
public record RawEvent(String source, String raw, String eventId, String userId, String itemId,
                       String eventType, String value, String ts, String requestId, String problem) {
  /** A record read into fields. */
  public RawEvent(String source, String raw, String eventId, String userId, String itemId, String eventType,
                  String value, String ts, String requestId) {
    this(source, raw, eventId, userId, itemId, eventType, value, ts, requestId, null);
  }

  /** A record read into fields, from no recommendation list. */
  public RawEvent(String source, String raw, String eventId, String userId, String itemId, String eventType,
                  String value, String ts) {
    this(source, raw, eventId, userId, itemId, eventType, value, ts, null, null);
  }

  /** A record that could not be read into fields, kept verbatim with the reason. */
  public static RawEvent unreadable(String source, String raw, String problem) {
    return new RawEvent(source, raw, null, null, null, null, null, null, null, problem);
  }
}
