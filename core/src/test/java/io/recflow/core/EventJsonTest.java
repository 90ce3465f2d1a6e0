package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one JSON event reader: values stay text, anything it cannot read fully is refused with why. */
class EventJsonTest {
  private static final EventValidator VALIDATOR = EventValidator.from(RecflowConfig.defaults());

  private static String problem(String json) {
    return EventJson.parse("test", json).problem();
  }

  @Test
  void readsEveryFieldAsTextNumbersIncluded() {
    RawEvent e = EventJson.parse("test", "{\"event_id\":\"e1\",\"user_id\":42,\"item_id\":\"i\",\"event_type\":"
        + "\"rating\",\"value\":4.5,\"ts\":1767300000}");
    assertNull(e.problem());
    assertEquals("42", e.userId());
    assertEquals("4.5", e.value());
    assertEquals("1767300000", e.ts());
    assertEquals("test", e.source());
  }

  @Test
  void refusesWhatALenientReaderWouldHalfRead() {
    assertTrue(problem("{not json").startsWith("not valid JSON"), problem("{not json"));
    assertEquals("an event must be a JSON object, not an array", problem("[{\"user_id\":\"u\"}]"));
    assertTrue(problem("{\"colour\":\"red\"}").startsWith("unknown field 'colour'"));
    assertEquals("field 'user_id' appears twice", problem("{\"user_id\":\"a\",\"user_id\":\"b\"}"));
    assertEquals("field 'user_id' must be a string or a number, not a boolean", problem("{\"user_id\":true}"));
    assertEquals("field 'item_id' must be a string or a number, not an object", problem("{\"item_id\":{}}"));
    assertEquals("content after the event object (one JSON object per record)",
        problem("{\"user_id\":\"a\"}{\"user_id\":\"b\"}"));
    assertTrue(problem("{\"user_id\":\"a\"} trailing").startsWith("not valid JSON"));
    assertEquals("an event must be a JSON object, not nothing", problem(""));
    assertEquals("field 'user_id' must be a string or an integer, not 1.5", problem("{\"user_id\":1.5}"));
    assertEquals("field 'event_type' must be a string, not a number", problem("{\"event_type\":1}"));
    assertTrue(problem("{\"User_Id\":\"a\"}").startsWith("unknown field 'User_Id'"));
  }

  @Test
  void theValidatorRejectsAnUnreadableRecordForTheReadersReason() {
    EventValidator.Result r = VALIDATOR.validate(EventJson.parse("test", "{\"user_id\":true}"), 0);
    assertEquals("field 'user_id' must be a string or a number, not a boolean", r.reason());
  }

  @Test
  void anAcceptedEventWrittenAsJsonReadsBackAsTheSameEvent() {
    long now = 1_767_300_000_000L;
    for (String json : new String[] {
        "{\"user_id\":\"u\\\"1\",\"item_id\":\"i\",\"event_type\":\"view\",\"ts\":1767200000}",
        "{\"event_id\":\"r\",\"user_id\":\"u\",\"item_id\":\"i\",\"event_type\":\"RATING\",\"value\":\"3.5\","
            + "\"ts\":\"2026-01-01T00:00:00.123Z\"}",
        "{\"user_id\":\"u\",\"item_id\":\"i\",\"event_type\":\"click\",\"ts\":1767200000,\"request_id\":\"req-1\"}"}) {
      Event e = VALIDATOR.validate(EventJson.parse("test", json), now).event();
      Event back = VALIDATOR.validate(EventJson.parse("test", EventJson.toJson(e)), now).event();
      assertEquals(e, back, json);
    }
  }

  @Test
  void anEventCarriesTheRequestIdOfTheListItCameFrom() {
    long now = 1_767_300_000_000L;
    String json = "{\"user_id\":\"u\",\"item_id\":\"i\",\"event_type\":\"click\",\"ts\":1767200000,"
        + "\"request_id\":\" 3f2a \"}";
    assertEquals(" 3f2a ", EventJson.parse("test", json).requestId());
    Event e = VALIDATOR.validate(EventJson.parse("test", json), now).event();
    assertEquals("3f2a", e.requestId());
    assertTrue(EventJson.toJson(e).contains("\"request_id\":\"3f2a\""), EventJson.toJson(e));
    assertNull(VALIDATOR.validate(EventJson.parse("test", json.replace(",\"request_id\":\" 3f2a \"", "")), now)
        .event().requestId());
    EventValidator.Result bad = VALIDATOR.validate(EventJson.parse("test", json.replace(" 3f2a ", "a\\u0000b")), now);
    assertEquals("request_id contains a control character", bad.reason());
  }
}
