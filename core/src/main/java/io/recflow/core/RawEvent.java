package io.recflow.core;

/**
 * An event as it arrived, every field still text, with where it came from and its original form.
 * The validator turns it into an {@link Event} or a reason for quarantine; nothing is dropped.
 */
public record RawEvent(String source, String raw, String eventId, String userId, String itemId,
                       String eventType, String value, String ts) {}
