package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.recflow.core.ColumnType;
import io.recflow.core.LandingFile;
import io.recflow.core.RecflowConfig;
import io.recflow.core.TableDef;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * Erasure end to end: a user planted in every store (events, quarantine, ALS factors of a version,
 * live vectors, the stream's state, the server's snapshot and live overlay, a landing file not yet
 * streamed) is erased through {@code DELETE /v1/users/{id}} and {@code bin/recflow forget}; then no
 * table, file, snapshot or state holds their id, other users' recommendations are unchanged, and a
 * later event under the same id starts a new user.
 */
class ErasureIT {
  @TempDir
  Path tmp;

  private final String user = "erase-me-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<String> others = List.of("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8");

  @Test
  void anErasedUserLeavesNoTraceAndOthersAreUnchanged() throws Exception {
    Path wh = NightlyWarehouse.copy();
    Path landing = wh.resolve("landing/events");
    // Planted through the stream (events, a rejected record, live vectors, state), then trained into version 2.
    LandingFile.write(landing, plantedEvents(0));
    stream(wh);
    NightlyWarehouse.nightly(wh, "sequence.enabled=false");
    LandingFile.write(landing, plantedEvents(100));
    stream(wh);
    List<String> planted = rowsNaming(wh);
    for (TableDef t : List.of(Tables.EVENTS, Tables.EVENTS_QUARANTINE, Tables.USER_FACTORS, Tables.USER_VECTORS_RT)) {
      assertTrue(planted.stream().anyMatch(p -> p.startsWith(t.name() + ".")), "not planted in " + t + ": " + planted);
    }

    Path snapshots = tmp.resolve("snapshots");
    RecflowConfig config = RecflowConfig.defaults().with(Map.of("recflow.warehouse", wh.toString(),
        "serve.snapshotDir", snapshots.toString(), "serve.port", "0", "serve.keys", TestKeys.entries(),
        // Off: this test asks for the erased id's list after the erasure, and such a list's exposure
        // belongs to a new user of that id; ErasureJobIT covers the erasure of exposures.
        "serve.liveTailMillis", "200", "serve.exposures", "off"));
    Map<String, JsonNode> othersBefore;
    try (ServeCommand.Server server = ServeCommand.Server.start(config)) {
      Http http = new Http(server.port());
      await(() -> http.get("/ready").statusCode() == 200, "the server never became ready");
      await(() -> "live".equals(http.json(recs(user)).get("strategy").asText()), "the user's live vector never came");
      othersBefore = recommendations(http);
      // Posted, not yet streamed: in flight when the erasure comes.
      assertEquals(202, http.post("/v1/events", TestKeys.secret(), line("inflight", user, "i3", 500)).statusCode());

      HttpResponse<String> erased = http.delete("/v1/users/" + user, TestKeys.secret());
      assertEquals(403, erased.statusCode(), "a read-write key may not erase: " + erased.body());
      erased = http.delete("/v1/users/" + user, TestKeys.ADMIN.secret());
      assertEquals(202, erased.statusCode(), erased.body());
      assertTrue(http.get("/metrics").body().contains("recflow_erasures_held 1.0"), "the server keeps the user out");
      JsonNode now = http.json(recs(user) + "&explain=true");
      assertEquals("popular", now.get("strategy").asText(), "this server still knows the user: " + now);
      assertEquals(http.json(recs("never-seen") + "&explain=true").get("items"), now.get("items"),
          "the erased user's list differs from a new user's");

      stream(wh);
      // Written before the erasure and not streamed yet: the landing scrub takes the user's line only.
      Path late = landing.resolve((System.currentTimeMillis() - 60_000) + "-late.jsonl");
      Files.write(late, List.of(line("late", user, "i4", 700), line("other-late", "u50", "i4", 700)));
      server.holder().catchUp();
      forget(wh);
      assertEquals(List.of(line("other-late", "u50", "i4", 700)), Files.readAllLines(late));
      server.holder().catchUp();
      assertEquals(othersBefore, recommendations(http), "erasing one user changed others' recommendations");
      assertEquals("popular", http.json(recs(user)).get("strategy").asText());
      // forget ran with no retention: the tombstone has expired, so the server lets the id go too.
      assertTrue(http.get("/metrics").body().contains("recflow_erasures_held 0.0"), "the server still holds the id");
    }
    assertEquals(List.of(), rowsNaming(wh), "tables still name the user");
    assertEquals(List.of(), filesHolding(wh, snapshots), "files still hold the user's id");
    assertEquals(List.of(), snapshotEntries(snapshots), "the snapshot still holds the user");

    // The same id later is a new user: the stream's state starts empty, not from the erased history.
    LandingFile.write(landing, List.of(line("after", user, "i9", 900)));
    stream(wh);
    assertEquals(List.of(1), liveItemCounts(wh), "the stream folded the new event into the erased history");
  }

  /** Ten events of the user on catalog items, and one the validator rejects (it names the user). */
  private List<String> plantedEvents(int offset) {
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      lines.add(line("p" + (offset + i), user, "i" + (offset / 10 + i), offset + i));
    }
    lines.add("{\"event_id\":\"bad" + offset + "\",\"user_id\":\"" + user + "\",\"item_id\":\"i1\","
        + "\"event_type\":\"teleport\",\"ts\":" + System.currentTimeMillis() + "}");
    return lines;
  }

  private static String line(String id, String userId, String item, long offset) {
    return "{\"event_id\":\"" + id + "-" + userId + "\",\"user_id\":\"" + userId + "\",\"item_id\":\"" + item
        + "\",\"event_type\":\"purchase\",\"ts\":" + (1_700_000_000_000L + offset * 1000) + "}";
  }

  private static String recs(String userId) {
    return "/v1/users/" + userId + "/recommendations?k=10";
  }

  private Map<String, JsonNode> recommendations(Http http) throws Exception {
    Map<String, JsonNode> out = new HashMap<>();
    for (String u : others) {
      out.put(u, http.json(recs(u)).get("items"));
    }
    return out;
  }

  private static void stream(Path wh) throws Exception {
    NightlyWarehouse.run("io.recflow.streaming.StreamCommand", "--available-now", "--set", "recflow.warehouse=" + wh,
        "--set", "spark.master=local[2]", "--conf", "../conf/local.properties");
  }

  private static void forget(Path wh) throws Exception {
    NightlyWarehouse.run("io.recflow.cli.Main", "forget", "--set", "recflow.warehouse=" + wh,
        "--set", "erasure.retentionHours=0", "--set", "spark.master=local[2]", "--conf", "../conf/local.properties");
  }

  /** "table.column" for every string value of every table that holds the user's id. */
  private List<String> rowsNaming(Path wh) {
    DeltaReader reader = new DeltaReader(wh.toString());
    List<String> found = new ArrayList<>();
    for (TableDef t : Tables.ALL) {
      long v = reader.version(t);
      List<String> strings = t.columns().stream().filter(c -> c.type() == ColumnType.STRING)
          .filter(c -> !t.partitionBy().contains(c.name())).map(c -> c.name()).toList();
      if (v < 0 || strings.isEmpty()) {
        continue;
      }
      reader.scan(t, v, strings, (b, i) -> {
        for (int c = 0; c < strings.size(); c++) {
          if (!b.getColumnVector(c).isNullAt(i) && b.getColumnVector(c).getString(i).contains(user)) {
            found.add(t.name() + "." + strings.get(c));
          }
        }
      });
    }
    return found;
  }

  /**
   * Every file under the warehouse (Delta data and logs, landing, archive, checkpoint) and the
   * server's snapshots whose bytes hold the id. The stream's state store is left out: RocksDB keeps
   * its last spark.sql.streaming.minBatchesToRetain versions; that the user's state is gone is
   * shown by their next event starting a new state.
   */
  private List<String> filesHolding(Path... roots) throws Exception {
    byte[] id = user.getBytes(StandardCharsets.UTF_8);
    List<String> found = new ArrayList<>();
    for (Path root : roots) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          if (!f.toString().contains("/_checkpoints/stream/state/") && contains(Files.readAllBytes(f), id)) {
            found.add(root.relativize(f).toString());
          }
        }
      }
    }
    return found;
  }

  private static boolean contains(byte[] data, byte[] what) {
    outer:
    for (int i = 0; i + what.length <= data.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (data[i + j] != what[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** Keys or values of the snapshots' RocksDB that hold the id, read through RocksDB (files may be compressed). */
  private List<String> snapshotEntries(Path snapshots) throws Exception {
    byte[] id = user.getBytes(StandardCharsets.UTF_8);
    List<String> found = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(snapshots)) {
      for (Path dir : dirs.toList()) {
        try (Options o = new Options(); RocksDB db = RocksDB.openReadOnly(o, dir.toString());
             RocksIterator it = db.newIterator()) {
          for (it.seekToFirst(); it.isValid(); it.next()) {
            if (contains(it.key(), id) || contains(it.value(), id)) {
              found.add(dir.getFileName() + ": key kind " + (char) it.key()[0]);
            }
          }
        }
      }
    }
    return found;
  }

  /** n_items of the user's rows in user_vectors_rt. */
  private List<Integer> liveItemCounts(Path wh) {
    List<Integer> counts = new ArrayList<>();
    DeltaReader reader = new DeltaReader(wh.toString());
    reader.scan(Tables.USER_VECTORS_RT, reader.version(Tables.USER_VECTORS_RT), List.of(Col.USER_ID, Col.N_ITEMS),
        (b, i) -> {
          if (b.getColumnVector(0).getString(i).equals(user)) {
            counts.add(b.getColumnVector(1).getInt(i));
          }
        });
    return counts;
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static void await(Check check, String failure) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < end) {
      if (check.ok()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(failure);
  }
}
