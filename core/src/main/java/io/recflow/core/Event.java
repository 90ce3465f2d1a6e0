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
 */
public record Event(String eventId, String userId, String itemId, EventType type, Double value, long tsMillis) {}
