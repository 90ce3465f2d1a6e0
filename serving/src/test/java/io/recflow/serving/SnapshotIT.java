package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.Event;
import io.recflow.core.InterestState;
import io.recflow.core.InterestWeighting;
import io.recflow.core.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * A snapshot loaded with Delta Kernel from a warehouse the real nightly job wrote (run in a
 * separate JVM, so that no Spark reaches this module's classpath) recommends exactly what the
 * nightly job's own Spark-side recommender printed.
 */
class SnapshotIT {
  @TempDir
  Path dir;

  @Test
  void theLoadedSnapshotRecommendsWhatTheNightlyJobPrinted() throws Exception {
    SnapshotLoader loader = new SnapshotLoader(new DeltaReader(NightlyWarehouse.path().toString()));
    assertEquals(1, loader.latestPublished());
    Path snap = dir.resolve("snapshot-1");
    loader.load(1, snap);
    try (ModelSnapshot s = ModelSnapshot.open(snap)) {
      assertEquals(1, s.version());
      float[] user = s.userVector("u1").orElseThrow();
      assertEquals(8, user.length);
      java.util.Set<String> seen = s.history("u1").orElseThrow().confidences().keySet();
      List<String> ours = java.util.Arrays.stream(s.items().topK(user, 10, row -> seen.contains(s.items().id(row))))
          .mapToObj(s.items()::id).toList();
      assertEquals(printedTopTen(), ours);
      assertFalse(s.userVector("nobody").isPresent());
    }
  }

  @Test
  void aNewSnapshotKnowsWhatIsTrendingBeforeAnyLiveEvent() throws Exception {
    Path warehouse = NightlyWarehouse.copy();
    long now = System.currentTimeMillis();
    List<String> lines = new ArrayList<>();
    for (int u = 0; u < 30; u++) { // a rarely touched item, viewed by thirty users in the last hours
      lines.add("{\"user_id\": \"u" + u + "\", \"item_id\": \"i199\", \"event_type\": \"view\", \"ts\": "
          + (now - 3_600_000L * (1 + u % 3)) + "}");
    }
    Path input = Files.createDirectories(dir.resolve("input"));
    Files.write(input.resolve("events.jsonl"), lines);
    NightlyWarehouse.run("io.recflow.cli.Main", "ingest", "--input", input.toString(), "--format", "jsonl",
        "--set", "recflow.warehouse=" + warehouse, "--set", "spark.master=local[2]");
    Path snap = dir.resolve("snapshot-trending");
    new SnapshotLoader(new DeltaReader(warehouse.toString())).load(1, snap);
    try (ModelSnapshot s = ModelSnapshot.open(snap)) {
      int row = s.items().row("i199");
      assertTrue(row >= 0);
      float[] scores = s.signals().trending().scores(now);
      assertTrue(scores[row] > 0, "i199 is not trending");
      assertEquals(row, s.signals().trending().order(now)[0], "the only item with recent events leads");
    }
    try (ModelSnapshot s = ModelSnapshot.open(NightlyWarehouse.snapshotOfVersion1(dir.resolve("plain")))) {
      assertEquals(0, s.signals().trending().order(now).length, "the generated events are months old");
    }
  }

  /**
   * The loader streams the events table through RocksDB; every user's history must still be the
   * state of all the user's events read into memory and added in InterestState.ORDER.
   */
  @Test
  void everyUsersHistoryIsTheStateOfAllTheirEvents() throws Exception {
    DeltaReader reader = new DeltaReader(NightlyWarehouse.path().toString());
    Path snap = dir.resolve("snapshot-1");
    new SnapshotLoader(reader).load(1, snap);
    Map<String, List<Event>> byUser = new HashMap<>();
    reader.scan(Tables.EVENTS, reader.version(Tables.EVENTS), EventColumns.NAMES,
        (b, i) -> byUser.computeIfAbsent(b.getColumnVector(1).getString(i), u -> new ArrayList<>())
            .add(EventColumns.event(b, i)));
    assertFalse(byUser.isEmpty());
    InterestWeighting weighting;
    try (ModelSnapshot s = ModelSnapshot.open(snap)) {
      weighting = s.weighting();
    }
    try (Options o = new Options(); RocksDB db = RocksDB.openReadOnly(o, snap.toString())) {
      for (Map.Entry<String, List<Event>> e : byUser.entrySet()) {
        e.getValue().sort(InterestState.ORDER);
        InterestState expected = new InterestState();
        e.getValue().forEach(ev -> expected.add(ev, weighting, 0));
        byte[] stored = db.get(SnapshotKeys.key(SnapshotKeys.HISTORY, e.getKey()));
        assertEquals(expected.confidences(), InterestState.fromBytes(stored).confidences(), e.getKey());
        // The record as the loader wrote it (a decoded state's hash map may iterate differently).
        assertArrayEquals(expected.toBytes(), stored, e.getKey());
      }
      try (RocksIterator it = db.newIterator()) {
        it.seek(new byte[] {SnapshotKeys.LOADING_EVENT});
        assertFalse(it.isValid() && it.key()[0] == SnapshotKeys.LOADING_EVENT, "the load left temporary keys");
      }
    }
  }

  @Test
  void anIncompleteSnapshotIsRefused() throws Exception {
    Path half = dir.resolve("half");
    try (Options o = new Options().setCreateIfMissing(true); RocksDB db = RocksDB.open(o, half.toString())) {
      db.put(SnapshotKeys.meta(SnapshotKeys.VERSION), "1".getBytes());
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ModelSnapshot.open(half));
    assertTrue(e.getMessage().contains("incomplete"), e.getMessage());
  }

  /** The item ids of the "Top-10 for user u1" list the batch command printed. */
  private static List<String> printedTopTen() throws Exception {
    String nightlyOutput = NightlyWarehouse.output();
    List<String> lines = nightlyOutput.lines().toList();
    int start = lines.indexOf(lines.stream().filter(l -> l.startsWith("Top-10 for user u1")).findFirst()
        .orElseThrow(() -> new AssertionError("no top-10 in the nightly output:\n" + nightlyOutput)));
    List<String> ids = new ArrayList<>();
    for (String l : lines.subList(start + 1, Math.min(lines.size(), start + 11))) {
      ids.add(l.trim().split("\\s+")[1]);
    }
    return ids;
  }
}
