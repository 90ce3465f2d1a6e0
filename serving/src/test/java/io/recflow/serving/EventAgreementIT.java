package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.recflow.core.LandingFile;
import io.recflow.experiment.ExperimentPlan;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An event enters through three doors: a .jsonl file read by the nightly ingest, a line the stream
 * reads from the landing directory, and POST /v1/events. The same good and bad records sent through
 * each door get the same decision, and a rejected record the same reason, from all three.
 */
class EventAgreementIT {
  private static final String KEY = TestKeys.secret();
  private static final String GOOD = "\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":1767300000";

  /** One line each; their ids say what they test where they have one. */
  private static final List<String> RECORDS = List.of(
      "{\"event_id\":\"ok-view\"," + GOOD + "}",
      "{\"event_id\":\"ok-rating\",\"user_id\":\"u2\",\"item_id\":\"i2\",\"event_type\":\"RATING\",\"value\":4.5,"
          + "\"ts\":\"2026-01-01T10:00:00Z\"}",
      "{\"user_id\":\"u3\",\"item_id\":\"i3\",\"event_type\":\"purchase\",\"ts\":1767300000000}",
      "{\"event_id\":\"ok-numeric-ids\",\"user_id\":42,\"item_id\":7,\"event_type\":\"click\",\"ts\":1767300000}",
      "{\"event_id\":\"ok-null-value\",\"user_id\":\"u4\",\"item_id\":\"i4\",\"event_type\":\"cart\",\"value\":null,"
          + "\"ts\":\"2026-01-01\"}",
      "{not json at all",
      // (A JSON array is a batch at the HTTP door and a bad record at the others; a number is not an event anywhere.)
      "12345",
      "\"just a string\"",
      "{\"event_id\":\"unknown-field\",\"colour\":\"red\"," + GOOD + "}",
      "{\"event_id\":\"twice\",\"user_id\":\"u9\"," + GOOD + "}",
      "{\"event_id\":\"boolean-user\",\"user_id\":true,\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":1767300000}",
      "{\"event_id\":\"object-value\",\"user_id\":\"u1\",\"item_id\":{\"id\":1},\"event_type\":\"view\",\"ts\":1}",
      "{\"event_id\":\"trailing\"," + GOOD + "} and more",
      "{\"event_id\":\"two-a\"," + GOOD + "}{\"event_id\":\"two-b\"," + GOOD + "}",
      "{\"event_id\":\"no-user\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":1767300000}",
      "{\"event_id\":\"no-ts\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"view\"}",
      "{\"event_id\":\"teleport\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"teleport\",\"ts\":1767300000}",
      "{\"event_id\":\"future\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":\"2999-01-01T00:00:00Z\"}",
      "{\"event_id\":\"ancient\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":12}",
      "{\"event_id\":\"rating-11\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"rating\",\"value\":11,"
          + "\"ts\":1767300000}",
      "{\"event_id\":\"rating-high\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"rating\",\"value\":\"high\","
          + "\"ts\":1767300000}",
      "{\"event_id\":\"rating-none\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"rating\",\"ts\":1767300000}",
      "{\"event_id\":\"control\",\"user_id\":\"u\\u0001x\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":1767300000}",
      "{\"event_id\":\"long-id\",\"user_id\":\"" + "x".repeat(300) + "\",\"item_id\":\"i1\",\"event_type\":\"view\","
          + "\"ts\":1767300000}");

  @TempDir
  Path dir;

  @Test
  void fileIngestTheStreamAndTheHttpIntakeAcceptAndRejectTheSameRecordsForTheSameReasons() throws Exception {
    Map<String, String> http = throughHttp();
    assertEquals(5, http.values().stream().filter(d -> d.startsWith("accepted")).count(), http.toString());

    Path input = Files.createDirectories(dir.resolve("input"));
    Files.write(input.resolve("events-agreement.jsonl"), RECORDS);
    Path ingested = dir.resolve("ingested");
    NightlyWarehouse.run("io.recflow.cli.Main", "ingest", "--input", input.toString(), "--format", "jsonl",
        "--set", "recflow.warehouse=" + ingested, "--set", "spark.master=local[2]");
    assertEquals(http, decisions(ingested, http), "file ingest");

    Path streamed = dir.resolve("streamed");
    LandingFile.write(streamed.resolve("landing/events"), RECORDS);
    NightlyWarehouse.run("io.recflow.streaming.StreamCommand", "--available-now",
        "--set", "recflow.warehouse=" + streamed, "--set", "spark.master=local[2]");
    assertEquals(http, decisions(streamed, http), "stream");
  }

  /** Each record posted alone: "accepted <event id>" or "rejected <reason>", by record. */
  private Map<String, String> throughHttp() throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    try (SnapshotHolder holder = new SnapshotHolder(Files.createTempDirectory(dir, "snapshots-"),
             new DeltaReader(NightlyWarehouse.path().toString()));
         EventIntake intake = TestServer.intake(Files.createDirectories(dir.resolve("http-landing")), 100)) {
      Javalin app = new RecServer(holder, intake, ExperimentPlan.NONE, TestServer.backlog(dir.resolve("http-landing")),
          TestKeys.publicReads(), TestServer.WIDE, 20_000).app().start(0);
      try {
        Http client = new Http(app.port());
        for (String record : RECORDS) {
          HttpResponse<String> r = client.post("/v1/events", KEY, record);
          JsonNode body = Http.JSON.readTree(r.body());
          if (r.statusCode() == 202) {
            out.put(record, "accepted " + body.get("eventIds").get(0).asText());
          } else {
            assertEquals(400, r.statusCode(), r.body());
            out.put(record, "rejected " + body.get("problems").get(0).get("reason").asText());
          }
        }
      } finally {
        app.stop();
      }
    }
    return out;
  }

  /**
   * What a warehouse made of the records: a quarantined one's reason, by its raw text, and for
   * the others, whether the events table holds the id the server gave them.
   */
  private static Map<String, String> decisions(Path warehouse, Map<String, String> http) {
    DeltaReader reader = new DeltaReader(warehouse.toString());
    Map<String, String> rejected = new HashMap<>();
    reader.scan(Tables.EVENTS_QUARANTINE, reader.version(Tables.EVENTS_QUARANTINE),
        List.of(Col.RAW, Col.REASON), (b, i) -> rejected.put(b.getColumnVector(0).getString(i),
            b.getColumnVector(1).getString(i)));
    Set<String> stored = new HashSet<>();
    reader.scan(Tables.EVENTS, reader.version(Tables.EVENTS), List.of(Col.EVENT_ID),
        (b, i) -> stored.add(b.getColumnVector(0).getString(i)));
    Map<String, String> out = new LinkedHashMap<>();
    for (String record : RECORDS) {
      if (rejected.containsKey(record)) {
        out.put(record, "rejected " + rejected.get(record));
      } else {
        String id = http.get(record).startsWith("accepted ") ? http.get(record).substring("accepted ".length()) : "?";
        out.put(record, stored.contains(id) ? "accepted " + id : "neither stored nor quarantined");
      }
    }
    assertTrue(stored.size() + rejected.size() == RECORDS.size(), "every record is stored or quarantined, once: "
        + stored + " " + rejected.keySet());
    return out;
  }
}
