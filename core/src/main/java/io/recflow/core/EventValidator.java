package io.recflow.core;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;

/**
 * Decides whether a raw event can be learned from. Every rejection carries a reason a person can act
 * on; the nightly ingest, the streaming job and the server's event endpoint all use this one class,
 * so an event is judged the same way wherever it enters.
 */
public final class EventValidator implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Longest accepted id, in characters. */
  public static final int MAX_ID_LENGTH = 256;
  private static final double EPOCH_MILLIS_THRESHOLD = 1e11;

  private final long minTsMillis;
  private final long maxFutureMillis;
  private final double ratingMin;
  private final double ratingMax;

  public EventValidator(long minTsMillis, long maxFutureMillis, double ratingMin, double ratingMax) {
    this.minTsMillis = minTsMillis;
    this.maxFutureMillis = maxFutureMillis;
    this.ratingMin = ratingMin;
    this.ratingMax = ratingMax;
  }

  /** A validator with the limits of a run's configuration. */
  public static EventValidator from(RecflowConfig c) {
    long min;
    try {
      min = Instant.parse(c.get(Settings.MIN_EVENT_TIME)).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new ConfigException(Settings.MIN_EVENT_TIME.name() + " '" + c.get(Settings.MIN_EVENT_TIME)
          + "' is not an ISO-8601 instant such as 1990-01-01T00:00:00Z.");
    }
    return new EventValidator(min, c.get(Settings.MAX_FUTURE_HOURS) * 3_600_000L,
        c.get(Settings.RATING_MIN), c.get(Settings.RATING_MAX));
  }

  /** The outcome: exactly one of {@code event} and {@code reason} is set. */
  public record Result(Event event, String reason) {
    public boolean accepted() {
      return event != null;
    }
  }

  /** Validates one raw event received at {@code nowMillis}. */
  public Result validate(RawEvent r, long nowMillis) {
    if (r.problem() != null) {
      return reject(r.problem());
    }
    if (r.userId() == null && r.itemId() == null && r.eventType() == null && r.ts() == null && r.value() == null
        && r.eventId() == null) {
      return reject("record could not be parsed: no field was readable (malformed line?)");
    }
    String problem = firstNonNull(checkId("user_id", r.userId()), checkId("item_id", r.itemId()));
    if (problem != null) {
      return reject(problem);
    }
    if (isBlank(r.eventType())) {
      return reject("missing event_type (expected one of view, click, cart, purchase, rating)");
    }
    EventType type = EventType.parse(r.eventType()).orElse(null);
    if (type == null) {
      return reject("unknown event_type '" + r.eventType() + "' (expected one of view, click, cart, purchase, rating)");
    }
    if (isBlank(r.ts())) {
      return reject("missing ts (expected epoch seconds, epoch milliseconds or an ISO-8601 time)");
    }
    Long ts = parseTime(r.ts().trim());
    if (ts == null) {
      return reject("ts '" + r.ts() + "' is not epoch seconds, epoch milliseconds or an ISO-8601 time");
    }
    if (ts < minTsMillis) {
      return reject("ts " + Instant.ofEpochMilli(ts) + " is before validation.minEventTime "
          + Instant.ofEpochMilli(minTsMillis));
    }
    if (ts > nowMillis + maxFutureMillis) {
      // The reason does not name the clock's time, so every door that receives an event gives the same one.
      return reject("ts " + Instant.ofEpochMilli(ts) + " is in the future (more than validation.maxFutureHours = "
          + maxFutureMillis / 3_600_000d + " h after it was received)");
    }
    Double value = null;
    if (type == EventType.RATING) {
      if (isBlank(r.value())) {
        return reject("rating event without a value");
      }
      try {
        value = Double.valueOf(r.value().trim());
      } catch (NumberFormatException e) {
        return reject("rating value '" + r.value() + "' is not a number");
      }
      if (!(value >= ratingMin && value <= ratingMax)) {
        return reject("rating value " + r.value().trim() + " is outside [" + ratingMin + ", " + ratingMax + "]");
      }
    } else if (!isBlank(r.value())) {
      // Accepting it would drop it silently: a client sending one believes it counts.
      return reject("a " + type.wireName() + " event carries no value (only ratings do; how much a "
          + type.wireName() + " counts is set by interest.weight." + type.wireName() + ")");
    }
    for (String[] optional : new String[][] {{"event_id", r.eventId()}, {"request_id", r.requestId()}}) {
      if (!isBlank(optional[1])) {
        String p = checkId(optional[0], optional[1]);
        if (p != null) {
          return reject(p);
        }
      }
    }
    String userId = r.userId().trim();
    String itemId = r.itemId().trim();
    String eventId = isBlank(r.eventId()) ? derivedId(userId, itemId, type, value, ts) : r.eventId().trim();
    String requestId = isBlank(r.requestId()) ? null : r.requestId().trim();
    return new Result(new Event(eventId, userId, itemId, type, value, ts, requestId), null);
  }

  private static Result reject(String reason) {
    return new Result(null, reason);
  }

  /** Why {@code v} cannot be an id of field {@code field} (a user id in a URL, say), or null when it can. */
  public static String checkId(String field, String v) {
    if (isBlank(v)) {
      return "missing " + field;
    }
    if (v.length() > MAX_ID_LENGTH) {
      return field + " is longer than " + MAX_ID_LENGTH + " characters";
    }
    for (int i = 0; i < v.length(); i++) {
      if (Character.isISOControl(v.charAt(i))) {
        return field + " contains a control character";
      }
    }
    return null;
  }

  /** Epoch seconds or milliseconds (told apart by magnitude), or ISO-8601; null when unreadable. */
  static Long parseTime(String s) {
    try {
      double d = Double.parseDouble(s);
      if (!Double.isFinite(d)) {
        return null;
      }
      return Math.abs(d) < EPOCH_MILLIS_THRESHOLD ? Math.round(d * 1000) : Math.round(d);
    } catch (NumberFormatException notANumber) {
      // fall through to the ISO forms
    }
    try {
      return Instant.parse(s).toEpochMilli();
    } catch (DateTimeParseException e) {
      // try the next form
    }
    try {
      return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      // try the next form
    }
    try {
      return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** A stable id for an event that came without one, so that re-ingesting it is recognised. */
  static String derivedId(String user, String item, EventType type, Double value, long ts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      String key = user + '\u0000' + item + '\u0000' + type.wireName() + '\u0000' + value + '\u0000' + ts;
      byte[] h = md.digest(key.getBytes(StandardCharsets.UTF_8));
      return "h-" + HexFormat.of().formatHex(h, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }
}
