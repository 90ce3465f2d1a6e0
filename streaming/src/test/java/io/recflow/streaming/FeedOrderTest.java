package io.recflow.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FeedOrderTest {
  @Test
  void landingFilesAreOrderedByTheTimeTheirNamesStartWith() {
    String earlier = "file:///w/landing/events/999-b.jsonl";
    String later = "file:///w/landing/events/1000-a.jsonl";
    assertTrue(FeedOrder.compare(earlier, later) < 0, "999 ms came before 1000 ms, whatever the string order");
    assertTrue(FeedOrder.compare(later, earlier) > 0);
    assertEquals(0, FeedOrder.compare("file:///l/5-a.jsonl", "file:///l/5-b.jsonl"), "one millisecond: no order");
  }

  @Test
  void kafkaRecordsAreOrderedWithinOnePartitionOnly() {
    assertTrue(FeedOrder.compare("kafka:t/0/9", "kafka:t/0/10") < 0);
    assertEquals(0, FeedOrder.compare("kafka:t/0/9", "kafka:t/1/10"), "two partitions: no order");
    assertEquals(0, FeedOrder.compare("kafka:t/0/9", "file:///l/5-a.jsonl"));
  }
}
