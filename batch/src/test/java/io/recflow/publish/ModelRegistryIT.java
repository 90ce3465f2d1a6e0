package io.recflow.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.ModelParams;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.core.Tables.Status;
import io.recflow.spark.ModelTable;
import io.recflow.spark.SparkFixture;
import io.recflow.spark.Warehouse;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Operators publish an earlier version to roll back, and a later one to roll forward again. */
class ModelRegistryIT {
  private static final ModelParams PARAMS = ModelParams.from(SparkFixture.config(Map.of()));

  private static long version(ModelRegistry registry, String status) {
    long v = registry.begin(PARAMS, Map.of(), new Timestamp(0));
    registry.finish(v, status, Map.of(), "test");
    return v;
  }

  @Test
  void publishingAnEarlierVersionWithdrawsTheNewerOnesInOneCommit() {
    Warehouse warehouse = SparkFixture.newWarehouse();
    ModelRegistry registry = new ModelRegistry(warehouse);
    ModelTable models = new ModelTable(warehouse);
    long v1 = version(registry, Status.PUBLISHED);
    long v2 = version(registry, Status.PUBLISHED);
    long v3 = version(registry, Status.REJECTED);
    long v4 = version(registry, Status.FAILED);
    assertEquals(v2, models.latestPublished().orElseThrow());

    long commits = warehouse.delta(Tables.MODELS).history().count();
    registry.publish(v1, false);
    assertEquals(commits + 1, warehouse.delta(Tables.MODELS).history().count());
    assertEquals(v1, models.latestPublished().orElseThrow());
    assertEquals(Status.WITHDRAWN, models.status(v2).orElseThrow());
    assertEquals(Status.REJECTED, models.status(v3).orElseThrow());

    IllegalArgumentException failed = assertThrows(IllegalArgumentException.class, () -> registry.publish(v4, true));
    assertTrue(failed.getMessage().contains("incomplete"), failed.getMessage());
    IllegalArgumentException rejected = assertThrows(IllegalArgumentException.class, () -> registry.publish(v3, false));
    assertTrue(rejected.getMessage().contains("--force"), rejected.getMessage());
    assertThrows(IllegalArgumentException.class, () -> registry.publish(99, false));

    registry.publish(v2, false);
    assertEquals(v2, models.latestPublished().orElseThrow());
    // Rolling forward withdraws nothing newer; the version rolled back from stays as it was.
    assertEquals(Status.PUBLISHED, models.status(v1).orElseThrow());
    registry.publish(v3, true);
    assertEquals(v3, models.latestPublished().orElseThrow());
    assertEquals(4, models.list().size(), "list shows every version");
    assertEquals(v4, models.list().get(0).getLong(0), "newest first");
  }

  @Test
  void twoRunsStartedAtOnceGetDifferentVersionsAndNeitherOverwritesTheOther() throws Exception {
    Warehouse warehouse = SparkFixture.newWarehouse();
    long first = new ModelRegistry(warehouse).begin(PARAMS, Map.of(), new Timestamp(0));
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Long>> runs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        runs.add(pool.submit(() -> {
          start.await();
          return new ModelRegistry(warehouse).begin(PARAMS, Map.of(), new Timestamp(1));
        }));
      }
      start.countDown();
      long a = runs.get(0).get(5, TimeUnit.MINUTES);
      long b = runs.get(1).get(5, TimeUnit.MINUTES);
      assertNotEquals(a, b, "both runs claimed version " + a);
      assertEquals(Set.of(first + 1, first + 2), Set.of(a, b));
      List<Row> rows = warehouse.read(Tables.MODELS).select(Col.MODEL_VERSION, Col.NOTE).collectAsList();
      assertEquals(3, rows.size(), "one row per version: " + rows);
      assertEquals(3, rows.stream().map(r -> r.getString(1)).distinct().count(), "each row is its own run's: " + rows);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aVersionKeepsTheTypedParametersItWasTrainedWith() {
    Warehouse warehouse = SparkFixture.newWarehouse();
    ModelParams params = ModelParams.from(SparkFixture.config(Map.of("als.rank", "7", "interest.weight.cart", "5.5")));
    long v = new ModelRegistry(warehouse).begin(params, Map.of(), new Timestamp(0));
    assertEquals(params, new ModelTable(warehouse).params(v));
  }
}
