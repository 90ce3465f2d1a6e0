package io.recflow.streaming;

import java.io.Serializable;
import java.sql.Timestamp;

/**
 * One output of the stateful step, which the batch writer routes by {@link #getKind() kind}: an
 * accepted event (for {@code events}), a rejected record (for {@code events_quarantine}), a
 * dropped duplicate (counted only), a touched user with all their confidences (to fold in), an
 * erasure of a user (for {@code erasures}: its id in eventId, its time in ts), or an event of an
 * erased user that was in flight when the erasure was made (dropped, counted only). A Java bean
 * because Spark's bean encoder needs one.
 */
public final class StreamRecord implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Values of {@link #getKind()}. */
  public static final String EVENT = "event";
  public static final String QUARANTINE = "quarantine";
  public static final String DUPLICATE = "duplicate";
  public static final String USER = "user";
  public static final String ERASURE = "erasure";
  public static final String ERASED = "erased";

  private String kind;
  private String userId;
  private String eventId;
  private String itemId;
  private String eventType;
  private Double value;
  private Timestamp ts;
  private String raw;
  private String source;
  private String reason;
  private String[] items;
  private double[] confidences;
  private String requestedBy;
  private String requestId;

  static StreamRecord of(String kind) {
    StreamRecord r = new StreamRecord();
    r.kind = kind;
    return r;
  }

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getUserId() {
    return userId;
  }

  public void setUserId(String userId) {
    this.userId = userId;
  }

  public String getEventId() {
    return eventId;
  }

  public void setEventId(String eventId) {
    this.eventId = eventId;
  }

  public String getItemId() {
    return itemId;
  }

  public void setItemId(String itemId) {
    this.itemId = itemId;
  }

  public String getEventType() {
    return eventType;
  }

  public void setEventType(String eventType) {
    this.eventType = eventType;
  }

  public Double getValue() {
    return value;
  }

  public void setValue(Double value) {
    this.value = value;
  }

  /** The event's time; for a user record, the time of the user's newest event. */
  public Timestamp getTs() {
    return ts;
  }

  public void setTs(Timestamp ts) {
    this.ts = ts;
  }

  public String getRaw() {
    return raw;
  }

  public void setRaw(String raw) {
    this.raw = raw;
  }

  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  /** For a user record: the items the user has touched, parallel to {@link #getConfidences()}. */
  public String[] getItems() {
    return items;
  }

  public void setItems(String[] items) {
    this.items = items;
  }

  public double[] getConfidences() {
    return confidences;
  }

  public void setConfidences(double[] confidences) {
    this.confidences = confidences;
  }

  /** For an erasure: who asked for it (an API key's name, or cli). */
  public String getRequestedBy() {
    return requestedBy;
  }

  public void setRequestedBy(String requestedBy) {
    this.requestedBy = requestedBy;
  }

  /** The request id of the recommendation list an event came from, or null. */
  public String getRequestId() {
    return requestId;
  }

  public void setRequestId(String requestId) {
    this.requestId = requestId;
  }
}
