package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InterestStateTest {
  private static final long DAY = 86_400_000L;
  private static final InterestWeighting DECAYING = weighting(7.0);

  private static InterestWeighting weighting(double halfLifeDays) {
    Map<EventType, Double> w = new EnumMap<>(EventType.class);
    w.put(EventType.VIEW, 1.0);
    w.put(EventType.CLICK, 2.0);
    w.put(EventType.CART, 4.0);
    w.put(EventType.PURCHASE, 8.0);
    w.put(EventType.RATING, 1.0);
    return new InterestWeighting(w, 3.0, halfLifeDays);
  }

  private static Event event(String id, String item, EventType type, Double value, long ts) {
    return new Event(id, "u", item, type, value, ts);
  }

  /** The batch definition: every event decayed from the user's newest event, summed per item. */
  private static Map<String, Double> aggregate(List<Event> events, InterestWeighting w) {
    long newest = events.stream().mapToLong(Event::tsMillis).max().orElseThrow();
    Map<String, Double> out = new HashMap<>();
    for (Event e : events) {
      out.merge(e.itemId(), w.contribution(e.type(), e.value(), e.tsMillis(), newest), Double::sum);
    }
    return out;
  }

  @Test
  void eventsAddedInAnyOrderEqualTheBatchAggregation() {
    Random rnd = new Random(42);
    List<Event> events = new ArrayList<>();
    EventType[] types = EventType.values();
    for (int i = 0; i < 200; i++) {
      EventType t = types[rnd.nextInt(types.length)];
      Double value = t == EventType.RATING ? 0.5 + rnd.nextInt(10) * 0.5 : null;
      events.add(event("e" + i, "i" + rnd.nextInt(15), t, value, 1_700_000_000_000L + rnd.nextInt(60) * DAY));
    }
    Collections.shuffle(events, rnd);
    InterestState state = new InterestState();
    for (Event e : events) {
      assertTrue(state.add(e, DECAYING, 365 * DAY));
    }
    Map<String, Double> expected = aggregate(events, DECAYING);
    assertEquals(expected.keySet(), state.confidences().keySet());
    expected.forEach((item, r) -> assertEquals(r, state.confidences().get(item), 1e-9 * Math.max(1, Math.abs(r)),
        item));
  }

  @Test
  void aRepeatedEventIdCountsOnceWithinTheWindow() {
    InterestState state = new InterestState();
    long t0 = 1_700_000_000_000L;
    assertTrue(state.add(event("a", "x", EventType.PURCHASE, null, t0), DECAYING, DAY));
    assertFalse(state.add(event("a", "x", EventType.PURCHASE, null, t0), DECAYING, DAY));
    assertEquals(8.0, state.confidences().get("x"), 1e-12);
    // A late event (older than the newest) is recognised when it comes again, too.
    assertTrue(state.add(event("late", "z", EventType.VIEW, null, t0 - 5 * DAY), DECAYING, DAY));
    assertFalse(state.add(event("late", "z", EventType.VIEW, null, t0 - 5 * DAY), DECAYING, DAY));
    // Two days later both ids have left the one-day window and are forgotten.
    assertTrue(state.add(event("b", "y", EventType.VIEW, null, t0 + 2 * DAY), DECAYING, DAY));
    assertEquals(1, state.rememberedIds());
  }

  @Test
  void aLateEventIsRememberedAgainstTheClockOfTheBatchItCameWith() {
    long t0 = 1_700_000_000_000L;
    Event late = event("late", "z", EventType.VIEW, null, t0 - 30 * DAY);
    Event fresh = event("fresh", "x", EventType.CART, null, t0);
    // Both arrive in one batch, added in ORDER: the late one first, before the clock reaches t0.
    InterestState state = new InterestState();
    assertTrue(state.add(late, DECAYING, DAY, fresh.tsMillis()));
    assertTrue(state.add(fresh, DECAYING, DAY, fresh.tsMillis()));
    // An hour of the user's time later the late event is delivered again: within the window of its arrival.
    Event next = event("next", "y", EventType.VIEW, null, t0 + 3_600_000L);
    assertTrue(state.add(next, DECAYING, DAY, next.tsMillis()));
    assertFalse(state.add(late, DECAYING, DAY, late.tsMillis()), "the re-delivery counts once, as in one batch");
    InterestState oneBatch = InterestState.of(List.of(late, fresh, next, late), DECAYING, DAY);
    assertEquals(oneBatch.confidences(), state.confidences());
  }

  @Test
  void survivesTheRoundTripThroughBytes() {
    InterestState state = new InterestState();
    long t0 = 1_700_000_000_000L;
    state.add(event("a", "x", EventType.RATING, 1.0, t0), DECAYING, DAY);
    state.add(event("b", "y", EventType.CART, null, t0 + DAY), DECAYING, DAY);
    InterestState copy = InterestState.fromBytes(state.toBytes());
    assertEquals(state.confidences(), copy.confidences());
    assertEquals(state.newestTs(), copy.newestTs());
    assertFalse(copy.add(event("b", "y", EventType.CART, null, t0 + DAY), DECAYING, DAY), "ids survive too");
  }

  @Test
  void refusesAnUnknownFormatWithAFix() {
    byte[] bytes = new InterestState().toBytes();
    bytes[0] = 99;
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> InterestState.fromBytes(bytes));
    assertTrue(e.getMessage().contains("stream.checkpointDir"), e.getMessage());
  }
}
