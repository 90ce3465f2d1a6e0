package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.OperatingSystemMXBean;
import io.javalin.Javalin;
import io.recflow.experiment.ExperimentPlan;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one request may cost. On a catalog of 20,000 items with the whole two-stage ranking (text
 * embeddings, co-visitation, a ranker of 150 trees), the costliest requests the default bounds
 * allow stay within {@link #BUDGET_MILLIS} of CPU time (the process's, so the server's every
 * thread counts); a request past a bound is refused with 400 before any work. Before the bounds, one
 * keyless request (k=1000, diversity=1, explain=true) cost seconds.
 */
class QueryCostIT {
  private static final int ITEMS = 20_000;
  /** The stated CPU budget of the costliest legal request, median of five. */
  private static final long BUDGET_MILLIS = 500;
  private static final QueryParams BOUNDS = QueryParams.defaults();
  private static final List<AutoCloseable> OPEN = new ArrayList<>();
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    Path root = Files.createTempDirectory("recflow-snapshots-cost-");
    SyntheticSnapshot.write(root.resolve("model-1"), ITEMS, 500, 64, 42, 384);
    SnapshotHolder holder = new SnapshotHolder(root, new DeltaReader(root.resolve("no-warehouse").toString()));
    assertEquals(1, holder.openExisting());
    Path landing = Files.createTempDirectory("recflow-landing-");
    EventIntake intake = TestServer.intake(landing, 10);
    Javalin app = new RecServer(holder, intake, ExperimentPlan.NONE, TestServer.backlog(landing),
        TestKeys.publicReads(), BOUNDS, 100_000).app().start(0);
    OPEN.addAll(List.of(holder, intake, app::stop));
    http = new Http(app.port());
  }

  @AfterAll
  static void stop() throws Exception {
    for (int i = OPEN.size() - 1; i >= 0; i--) {
      OPEN.get(i).close();
    }
  }

  private static String ids(int from, int count) {
    return IntStream.range(from, from + count).mapToObj(i -> "i" + i).collect(Collectors.joining(","));
  }

  /** Median CPU milliseconds of the request, after warm-up runs. */
  private static double cpuMillis(String path) throws Exception {
    var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = http.get(path);
      assertEquals(200, r.statusCode(), path + " -> " + r.body());
    }
    double[] ms = new double[5];
    for (int i = 0; i < ms.length; i++) {
      long before = os.getProcessCpuTime();
      assertEquals(200, http.get(path).statusCode());
      ms[i] = (os.getProcessCpuTime() - before) / 1e6;
    }
    Arrays.sort(ms);
    return ms[ms.length / 2];
  }

  @Test
  void theCostliestLegalRequestsStayWithinTheirCpuBudget() throws Exception {
    String heavyLists = "exclude=" + ids(100, QueryParams.MAX_EXCLUDE) + "&recent=" + ids(0, QueryParams.MAX_RECENT)
        + "&explore=true";
    int explained = Math.min(BOUNDS.maxExplained(), BOUNDS.maxDiverse());
    Map<String, String> costliest = Map.of(
        "explained and diversified", "/v1/users/u1/recommendations?k=" + explained + "&offset="
            + (BOUNDS.maxDiverse() - explained) + "&diversity=1&explain=true&" + heavyLists,
        "longest and deepest", "/v1/users/u1/recommendations?k=" + BOUNDS.maxK() + "&offset=" + BOUNDS.maxOffset()
            + "&" + heavyLists,
        "anonymous session", "/v1/recommendations?k=" + BOUNDS.maxK() + "&" + heavyLists);
    for (var e : costliest.entrySet()) {
      double ms = cpuMillis(e.getValue());
      System.out.printf("QueryCostIT: %s: %.1f ms CPU%n", e.getKey(), ms);
      assertTrue(ms <= BUDGET_MILLIS, e.getKey() + " cost " + ms + " ms of CPU, over " + BUDGET_MILLIS);
    }
  }

  @Test
  void aRequestPastABoundIsRefusedSayingWhichSetting() throws Exception {
    Map<String, String> past = Map.of(
        "/v1/users/u1/recommendations?k=" + (BOUNDS.maxK() + 1), "k must be an integer from 1 to " + BOUNDS.maxK(),
        "/v1/users/u1/recommendations?offset=" + (BOUNDS.maxOffset() + 1), "offset must be an integer",
        "/v1/users/u1/recommendations?diversity=0.5&k=10&offset=" + (BOUNDS.maxDiverse() - 9),
        "serve.maxDiverseItems",
        "/v1/users/u1/recommendations?explain=true&k=" + (BOUNDS.maxExplained() + 1), "serve.maxExplainedItems");
    for (var e : past.entrySet()) {
      HttpResponse<String> r = http.get(e.getKey());
      assertEquals(400, r.statusCode(), e.getKey() + " -> " + r.body());
      assertTrue(Http.JSON.readTree(r.body()).get("error").asText().contains(e.getValue()), r.body());
    }
  }
}
