package io.recflow.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.Tables.Status;
import java.sql.Timestamp;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Operators publish an earlier version to roll back, and a later one to roll forward again. */
class ModelRegistryIT {
  private static long version(ModelRegistry registry, String status) {
    long v = registry.begin(Map.of(), Map.of(), new Timestamp(0));
    registry.finish(v, status, Map.of(), "test");
    return v;
  }

  @Test
  void publishingAnEarlierVersionWithdrawsTheNewerOnesInOneCommit() {
    Warehouse warehouse = SparkFixture.newWarehouse();
    ModelRegistry registry = new ModelRegistry(warehouse);
    long v1 = version(registry, Status.PUBLISHED);
    long v2 = version(registry, Status.PUBLISHED);
    long v3 = version(registry, Status.REJECTED);
    long v4 = version(registry, Status.FAILED);
    assertEquals(v2, registry.latestPublished().orElseThrow());

    long commits = warehouse.delta("models").history().count();
    registry.publish(v1, false);
    assertEquals(commits + 1, warehouse.delta("models").history().count());
    assertEquals(v1, registry.latestPublished().orElseThrow());
    assertEquals(Status.WITHDRAWN, registry.status(v2).orElseThrow());
    assertEquals(Status.REJECTED, registry.status(v3).orElseThrow());

    IllegalArgumentException failed = assertThrows(IllegalArgumentException.class, () -> registry.publish(v4, true));
    assertTrue(failed.getMessage().contains("incomplete"), failed.getMessage());
    IllegalArgumentException rejected = assertThrows(IllegalArgumentException.class, () -> registry.publish(v3, false));
    assertTrue(rejected.getMessage().contains("--force"), rejected.getMessage());
    assertThrows(IllegalArgumentException.class, () -> registry.publish(99, false));

    registry.publish(v2, false);
    assertEquals(v2, registry.latestPublished().orElseThrow());
    // Rolling forward withdraws nothing newer; the version rolled back from stays as it was.
    assertEquals(Status.PUBLISHED, registry.status(v1).orElseThrow());
    registry.publish(v3, true);
    assertEquals(v3, registry.latestPublished().orElseThrow());
    assertEquals(4, registry.list().size(), "list shows every version");
    assertEquals(v4, registry.list().get(0).getLong(0), "newest first");
  }
}
