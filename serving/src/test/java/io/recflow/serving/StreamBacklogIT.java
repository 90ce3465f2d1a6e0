package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.recflow.core.LandingFile;
import io.recflow.core.RecflowConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream that is not running leaves posted events in the landing directory, and only /health can
 * tell: the server's own catch-up finds nothing new and is current. A landing file older than the
 * threshold makes the server degraded, naming no path; once a real stream has taken it in a
 * committed batch, the reason goes, although the file is still there (cleanSource=off here, and
 * Spark deletes files only some batches later anyway).
 */
class StreamBacklogIT {
  private static final String EVENT =
      "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":1767300000}";

  @TempDir
  Path tmp;

  @Test
  void landingFilesTheStreamHasNotTakenMakeTheServerDegradedUntilItTakesThem() throws Exception {
    Path wh = tmp.resolve("warehouse");
    RecflowConfig config = RecflowConfig.defaults().with(Map.of("recflow.warehouse", wh.toString(),
        "serve.snapshotDir", tmp.resolve("snapshots").toString(), "serve.port", "0", "serve.keys",
        TestKeys.entries(), "stream.cleanSource", "off"));
    Path landing = Path.of(config.landingDir());
    // Named as LandingFile names files, two minutes ago; and one just written, which is not late yet.
    Path old = Files.createDirectories(landing).resolve((System.currentTimeMillis() - 120_000) + "-old.jsonl");
    Files.write(old, List.of(EVENT));
    LandingFile.write(landing, List.of(EVENT.replace("e1", "e2")));

    try (ServeCommand.Server server = ServeCommand.Server.start(config)) {
      Http http = new Http(server.port());
      JsonNode health = http.json("/health");
      assertEquals("degraded", health.get("status").asText());
      String reason = backlogReason(health);
      assertTrue(reason.startsWith("the stream has not taken 1 landing file(s), the oldest written 1"),
          health.toString());
      assertFalse(health.toString().contains(tmp.toString()), "a path shown to anyone: " + health);

      NightlyWarehouse.run("io.recflow.streaming.StreamCommand", "--available-now", "--set",
          "recflow.warehouse=" + wh, "--set", "stream.cleanSource=off", "--set", "spark.master=local[2]");
      assertTrue(Files.exists(old), "kept by cleanSource=off");
      Thread.sleep(StreamBacklog.RECHECK_MILLIS);
      assertEquals("", backlogReason(http.json("/health")), "the stream took the file in a committed batch");
    }
  }

  private static String backlogReason(JsonNode health) {
    for (JsonNode r : health.get("reasons")) {
      if (r.asText().startsWith("the stream has not taken")) {
        return r.asText();
      }
    }
    return "";
  }
}
