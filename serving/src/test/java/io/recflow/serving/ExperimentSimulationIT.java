package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.recflow.core.ItemMatrix;
import io.recflow.core.RecflowConfig;
import io.recflow.experiment.Counterfactual;
import io.recflow.experiment.Exposure;
import io.recflow.experiment.Assignment;
import io.recflow.experiment.ExperimentPlan;
import io.recflow.ranking.Ranker;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The whole experiment loop on a simulator whose truth is known. Synthetic users, each with a true
 * affinity for every item (from the synthetic snapshot's tastes), ask a real server for a list and
 * click each shown item with that affinity, posting the clicks with the list's request id; the
 * real stream writes exposures and events to Delta, and {@code bin/recflow experiments report}
 * judges. An A/B test of {@code als} against {@code popular} must name the better one with an
 * interval holding the true lift (from the simulator's own affinities over every user, under both
 * policies); a variant that fails for its users (the sequence model on a version without one) must
 * trip the sample-ratio check. The two-stage lists randomise one slot each, and the report's replay
 * of another ranking (popularity alone) on those slots must find the click-through the simulator's
 * affinities give that ranking, and the served ranker's, on the same slots.
 */
class ExperimentSimulationIT {
  private static final String PLAN = """
      {"salt": "sim", "experiments": [
        {"name": "ab", "start": "2026-01-01T00:00:00Z", "slice": [0, 0.6],
         "variants": [{"name": "popular", "model": "popular"}, {"name": "als", "model": "als"}]},
        {"name": "broken", "start": "2026-01-01T00:00:00Z", "slice": [0.6, 1],
         "variants": [{"name": "control"}, {"name": "sequence", "model": "sequence"}]}
      ]}""";
  private static final int USERS = 1_500;

  /** The simulator's truth: the chance that {@code user} clicks {@code item} when shown it. */
  private static double affinity(float[] user, ItemMatrix items, int row) {
    double dot = items.score(user, row);
    double norms = Math.sqrt(dot(user, user) * dot(items, row));
    double cos = norms == 0 ? 0 : dot / norms;
    return 0.02 + 0.4 * Math.max(0, cos) * Math.max(0, cos);
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double dot(ItemMatrix items, int row) {
    double s = 0;
    float[] v = items.values();
    for (int d = 0; d < items.rank(); d++) {
      s += v[row * items.rank() + d] * v[row * items.rank() + d];
    }
    return s;
  }

  @Test
  void anAbTestFindsTheTrueLiftAndABrokenVariantTripsTheSampleRatioCheck() throws Exception {
    Path root = Files.createTempDirectory("recflow-sim-");
    SyntheticSnapshot.write(Files.createDirectories(root.resolve("snapshots")).resolve("model-1"), 1_000, USERS, 16, 7,
        32);
    Path planFile = Files.writeString(root.resolve("experiments.json"), PLAN);
    ExperimentPlan plan = ExperimentPlan.load(planFile.toString());
    ServedRanking randomised = ServedRanking.from(RecflowConfig.defaults().with(Map.of("ranking.randomise.share",
        "1")));
    SnapshotHolder holder = new SnapshotHolder(root.resolve("snapshots"),
        new DeltaReader(root.resolve("no-warehouse").toString()), ModelSnapshot.Search.EXACT, randomised);
    assertEquals(1, holder.openExisting());
    double[] expected = new double[2]; // popular, als: the expected clicks of one list, summed over users
    int abUsers = 0;
    double[] replayTruth = new double[3]; // slots; clicks expected of the served ranker's and popularity's choices
    Path landing;
    // Two servers over one snapshot: the experiment's, and one without it that gives the truth. Closing
    // them publishes their open exposure segments to the stream.
    try (TestServer truth = TestServer.start(holder, TestKeys.publicReads(), 20_000);
         TestServer server = TestServer.start(holder, TestKeys.publicReads(), 20_000, plan)) {
      ModelSnapshot s;
      try (SnapshotHolder.Lease l = holder.acquire().orElseThrow()) {
        s = l.snapshot();
      }
      ItemMatrix items = s.items();
      SplittableRandom random = new SplittableRandom(11);
      landing = server.landing();
      for (int u = 0; u < USERS; u++) {
        String user = "u" + u;
        float[] taste = s.userVector(user).orElseThrow();
        Assignment a = plan.assign(user, Instant.now());
        if ("ab".equals(a.experiment())) {
          abUsers++;
          List<String> models = List.of("popular", "als");
          for (int m = 0; m < 2; m++) {
            for (String id : Http.ids(truth.http().json("/v1/users/" + user + "/recommendations?k=10&model="
                + models.get(m)).path("items"))) {
              expected[m] += affinity(taste, items, items.row(id));
            }
          }
        }
        // The two-stage control lists are all randomised; three per user give the replay enough slots.
        int asks = "control".equals(a.variantName()) ? 3 : 1;
        for (int ask = 0; ask < asks; ask++) {
          HttpResponse<String> r = server.http().get("/v1/users/" + user + "/recommendations?k=10");
          if (r.statusCode() != 200) {
            continue; // the broken variant: no list, no exposure
          }
          click(server, user, taste, items, Http.JSON.readTree(r.body()), random);
        }
      }
      for (String line : server.exposureLines()) {
        Exposure e = Exposure.parse(line).orElseThrow();
        float[] taste = s.userVector(e.userId()).orElseThrow();
        for (Exposure.Shown shown : e.items()) {
          if (!shown.pool().isEmpty()) {
            float[][] pool = shown.pool().stream().map(Exposure.Drawn::features).toArray(float[][]::new);
            int popular = Counterfactual.best(Ranker.byFeature("popularity", e.features()), pool);
            replayTruth[0]++;
            replayTruth[1] += affinity(taste, items, items.row(shown.pool().get(0).itemId()));
            replayTruth[2] += affinity(taste, items, items.row(shown.pool().get(popular).itemId()));
          }
        }
      }
    }
    double trueLift = expected[1] / expected[0] - 1;
    assertTrue(abUsers > 500, abUsers + " users in the A/B test");
    assertTrue(replayTruth[0] > 500, replayTruth[0] + " randomised slots");

    Path warehouse = root.resolve("warehouse");
    String[] settings = {"--set", "recflow.warehouse=" + warehouse, "--set", "stream.landingDir=" + landing,
        "--set", "stream.exposureDir=" + TestServer.exposures(landing), "--set", "stream.cleanSource=off",
        "--set", "experiments.file=" + planFile, "--set", "spark.master=local[2]", "--set",
        "experiments.counterfactual.policy=feature:popularity", "--conf", "../conf/local.properties"};
    NightlyWarehouse.run("io.recflow.streaming.StreamCommand", concat(new String[] {"--available-now"}, settings));
    JsonNode ab = report("ab", settings);
    JsonNode lift = ab.path("analysis").path("comparisons").get(0).path("clickThrough");
    assertTrue(lift.path("low").asDouble() <= trueLift && trueLift <= lift.path("high").asDouble(),
        "the interval " + lift + " misses the true lift " + trueLift);
    assertTrue(ab.path("analysis").path("verdict").asText().startsWith("als is better than popular"), ab.toString());
    assertTrue(ab.path("analysis").path("sampleRatio").path("pValue").asDouble() > 0.001, ab.toString());
    assertTrue(ab.path("counterfactual").path("result").isNull(), "single-source lists are not randomised: " + ab);
    JsonNode broken = report("broken", settings);
    assertTrue(broken.path("analysis").path("verdict").asText().startsWith("assignment is broken"),
        broken.toString());
    JsonNode replay = broken.path("counterfactual").path("result");
    assertEquals((long) replayTruth[0], replay.path("slots").asLong(), broken.toString());
    // Unbiased estimates: within four standard errors of the truth (a miss once in 16,000 runs).
    String[] estimates = {"served", "alternative"};
    for (int p = 0; p < 2; p++) {
      JsonNode ctr = replay.path(estimates[p]).path("clickThrough");
      double truth = replayTruth[1 + p] / replayTruth[0];
      assertTrue(Math.abs(ctr.path("value").asDouble() - truth) <= 4 * ctr.path("standardError").asDouble(),
          estimates[p] + ": " + ctr + " against the true " + truth);
    }
  }

  /** The user clicks each shown item with their affinity for it, naming the list's request id. */
  private static void click(TestServer server, String user, float[] taste, ItemMatrix items, JsonNode list,
                            SplittableRandom random) throws Exception {
    List<String> clicks = new ArrayList<>();
    for (String id : Http.ids(list.path("items"))) {
      if (random.nextDouble() < affinity(taste, items, items.row(id))) {
        clicks.add("{\"user_id\": \"" + user + "\", \"item_id\": \"" + id + "\", \"event_type\": \"click\", "
            + "\"ts\": \"" + Instant.now() + "\", \"request_id\": \"" + list.path("requestId").asText() + "\"}");
      }
    }
    if (!clicks.isEmpty()) {
      HttpResponse<String> posted = server.http().post("/v1/events", TestKeys.secret(),
          "[" + String.join(",", clicks) + "]");
      assertEquals(202, posted.statusCode(), posted.body());
    }
  }

  private static JsonNode report(String name, String[] settings) throws Exception {
    String out = NightlyWarehouse.run("io.recflow.cli.Main", concat(new String[] {"experiments", "report", name,
        "--json"}, settings));
    String json = out.lines().filter(l -> l.startsWith("{\"analysis\"")).findFirst()
        .orElseThrow(() -> new AssertionError("no JSON report in:\n" + out));
    return Http.JSON.readTree(json);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
