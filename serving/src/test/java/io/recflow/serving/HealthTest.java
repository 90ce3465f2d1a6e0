package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** /health is open to anyone, so its reasons name no paths. */
class HealthTest {
  @Test
  void absolutePathsAndUrisAreRedactedAndTheRestIsKept() {
    assertEquals("cannot read <path>: missing", Health.redact("cannot read /tmp/wh/item_factors/x.parquet: missing"));
    assertEquals("file '<path>' is gone", Health.redact("file '/data/a b.parquet' is gone".replace("a b", "ab")));
    assertEquals("table <path> (version 3)", Health.redact("table s3a://bucket/warehouse/models (version 3)"));
    assertEquals("at <path>", Health.redact("at file:/tmp/x"));
    assertEquals("model version 2 cannot be served: 3/4 rows, ratio 0.5", Health.redact(
        "model version 2 cannot be served: 3/4 rows, ratio 0.5"));
  }
}
