package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** /health is open to anyone, so its reasons name no paths; it says when the stream falls behind. */
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

  @Test
  void aLandingFileTheStreamHasNotTakenForAMinuteDegradesTheServer() throws Exception {
    try (SnapshotHolder holder = TestServer.empty()) {
      long now = System.currentTimeMillis();
      Map<String, Object> fresh = Health.of(holder, OptionalLong.of(now - 5_000), false);
      assertEquals("starting", fresh.get("status"), fresh.toString());
      assertEquals(List.of(), fresh.get("reasons"));
      Map<String, Object> stale = Health.of(holder, OptionalLong.of(now - 120_000), false);
      assertEquals("degraded", stale.get("status"), stale.toString());
      assertTrue(stale.get("reasons").toString().contains("the stream has not taken a landing file written 12"),
          stale.toString());
      assertTrue((Long) stale.get("streamBacklogSeconds") >= 120);
      assertFalse(Health.of(holder, OptionalLong.empty(), false).containsKey("streamBacklogSeconds"));
    }
  }
}
