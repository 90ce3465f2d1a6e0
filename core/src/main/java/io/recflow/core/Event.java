package io.recflow.core;

/**
 * One validated user event.
 *
 * @param eventId unique id; duplicates of it are dropped
 * @param userId who acted
 * @param itemId on what
 * @param type what kind of action
 * @param value the rating value for {@link EventType#RATING}, otherwise null
 * @param tsMillis when it happened, epoch milliseconds
 * @param requestId the request id of the recommendation list it came from, or null: an
 *     experiment's analysis attributes the event to that list
 */
public record Event(String eventId, String userId, String itemId, EventType type, Double value, long tsMillis,
                    String requestId) {
  /** An event not tied to a recommendation list. */
  public Event(String eventId, String userId, String itemId, EventType type, Double value, long tsMillis) {
    this(eventId, userId, itemId, type, value, tsMillis, null);
  }
}
