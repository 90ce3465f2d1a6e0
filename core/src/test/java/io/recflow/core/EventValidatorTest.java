package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EventValidatorTest {
  private static final long NOW = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private final EventValidator validator = EventValidator.from(RecflowConfig.defaults());

  private EventValidator.Result check(String id, String user, String item, String type, String value, String ts) {
    return validator.validate(new RawEvent("test", "raw", id, user, item, type, value, ts), NOW);
  }

  @Test
  void acceptsAWellFormedRating() {
    EventValidator.Result r = check("e1", " u1 ", "i1", "Rating", "4.5", "964982703");
    assertTrue(r.accepted());
    assertEquals(new Event("e1", "u1", "i1", EventType.RATING, 4.5, 964982703000L), r.event());
  }

  @ParameterizedTest(name = "{6}")
  @CsvSource(delimiter = '|', value = {
      "e|  |i|view|  |964982703|missing user_id",
      "e|u|  |view|  |964982703|missing item_id",
      "e|u|i|    |  |964982703|missing event_type",
      "e|u|i|like|  |964982703|unknown event_type 'like'",
      "e|u|i|view|  |         |missing ts",
      "e|u|i|view|  |yesterday|ts 'yesterday' is not epoch seconds",
      "e|u|i|view|  |100      |is before validation.minEventTime",
      "e|u|i|view|  |2030-01-01T00:00:00Z|is in the future",
      "e|u|i|rating| |964982703|rating event without a value",
      "e|u|i|rating|five|964982703|rating value 'five' is not a number",
      "e|u|i|rating|7|964982703|rating value 7 is outside [0.5, 5.0]",
      "e|u|i|rating|NaN|964982703|rating value NaN is outside",
  })
  void rejectsWithAnActionableReason(String id, String user, String item, String type, String value, String ts,
                                     String reason) {
    EventValidator.Result r = check(id, user, item, type, value, ts);
    assertFalse(r.accepted());
    assertNull(r.event());
    assertTrue(r.reason().contains(reason), () -> "reason was: " + r.reason());
  }

  @Test
  void rejectsOverlongAndControlCharacterIds() {
    assertTrue(check("e", "u".repeat(257), "i", "view", null, "964982703").reason().contains("longer than 256"));
    assertTrue(check("e", "u\u0001", "i", "view", null, "964982703").reason().contains("control character"));
    assertTrue(check("e\n", "u", "i", "view", null, "964982703").reason().contains("event_id contains"));
  }

  @Test
  void readsEpochSecondsMillisAndIsoTimes() {
    long t = 964982703000L;
    assertEquals(t, EventValidator.parseTime("964982703"));
    assertEquals(t, EventValidator.parseTime("964982703000"));
    assertEquals(t, EventValidator.parseTime("2000-07-30T18:45:03Z"));
    assertEquals(t, EventValidator.parseTime("2000-07-30T18:45:03"));
    assertEquals(Instant.parse("2000-07-30T00:00:00Z").toEpochMilli(), EventValidator.parseTime("2000-07-30"));
    assertNull(EventValidator.parseTime("Infinity"));
  }

  @Test
  void derivesTheSameIdForTheSameEventWhenNoneIsGiven() {
    EventValidator.Result a = check(null, "u", "i", "click", null, "964982703");
    EventValidator.Result b = check("", "u", "i", "CLICK", "", "964982703000");
    EventValidator.Result c = check(null, "u", "i", "click", null, "964982704");
    assertTrue(a.event().eventId().startsWith("h-"));
    assertEquals(a.event().eventId(), b.event().eventId());
    assertFalse(a.event().eventId().equals(c.event().eventId()));
  }

  @Test
  void aRecordWithNoReadableFieldIsReportedAsUnparseable() {
    assertTrue(check(null, null, null, null, null, null).reason().contains("could not be parsed"));
  }

  @Test
  void refusesAValueOnEventsThatCarryNone() {
    assertTrue(check("e", "u", "i", "view", "abc", "964982703").reason().startsWith("a view event carries no value"));
    assertTrue(check("e", "u", "i", "purchase", "19.99", "964982703").reason().contains("interest.weight.purchase"));
    assertNull(check("e", "u", "i", "purchase", " ", "964982703").event().value());
  }
}
