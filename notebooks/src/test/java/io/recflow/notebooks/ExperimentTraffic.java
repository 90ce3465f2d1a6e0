package io.recflow.notebooks;

import io.recflow.experiment.Assignment;
import io.recflow.experiment.ExperimentPlan;
import io.recflow.experiment.Exposure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Ten days of a synthetic two-arm experiment for the experiments notebook, landed as servers and
 * clients land it: exposure lines in an exposure directory, and clicks carrying their list's
 * request id in an event landing directory, for the real stream to write and the real nightly job
 * to attribute. Users and items are the generated shop's (only items its events touch, so that the
 * shop's untouched items stay cold); the treatment's items are clicked more often.
 */
final class ExperimentTraffic {
  static final String NAME = "ranking";
  static final int DAYS = 10;
  private static final int ITEMS_PER_LIST = 5;

  private ExperimentTraffic() {}

  /**
   * Writes the plan to {@code plan} and the traffic of {@code users} (u0, u1, …) over {@code items}
   * into the two directories, the last day ending before {@code end}'s.
   */
  static void write(Path plan, Path exposures, Path events, int users, List<String> items, Instant end)
      throws Exception {
    Instant start = end.truncatedTo(java.time.temporal.ChronoUnit.DAYS).minus(Duration.ofDays(DAYS));
    Files.writeString(plan, """
        {"salt": "notebook", "experiments": [{"name": "%s", "start": "%s",
          "variants": [{"name": "control"}, {"name": "treatment", "exploration": 0}]}]}""".formatted(NAME, start));
    ExperimentPlan p = ExperimentPlan.load(plan.toString());
    SplittableRandom random = new SplittableRandom(2026);
    List<String> shown = new ArrayList<>();
    List<String> clicks = new ArrayList<>();
    for (int day = 0; day < DAYS; day++) {
      for (int u = 0; u < users; u++) {
        if (random.nextDouble() >= 0.7) {
          continue; // not every user comes every day
        }
        String user = "u" + u;
        Instant at = start.plus(Duration.ofDays(day)).plusSeconds(random.nextInt(20 * 3600));
        Assignment a = p.assign(user, at);
        double chance = "treatment".equals(a.variantName()) ? 0.07 : 0.05;
        String requestId = "r-" + day + "-" + u;
        List<Exposure.Shown> list = new ArrayList<>();
        for (int position = 0; position < ITEMS_PER_LIST; position++) {
          String item = items.get(random.nextInt(items.size()));
          list.add(new Exposure.Shown(item, position, List.of("als")));
          if (random.nextDouble() < chance) {
            clicks.add(("{\"event_id\": \"x-%s-%d\", \"user_id\": \"%s\", \"item_id\": \"%s\", "
                + "\"event_type\": \"click\", \"ts\": \"%s\", \"request_id\": \"%s\"}")
                .formatted(requestId, position, user, item, at.plusSeconds(30), requestId));
          }
        }
        shown.add(new Exposure(requestId, user, at.toEpochMilli(), a.experiment(), a.variantName(), 1, "served",
            "als-order", list).toJson());
      }
    }
    Files.write(Files.createDirectories(exposures).resolve("1-traffic.jsonl"), shown);
    Files.write(Files.createDirectories(events).resolve("1-clicks.jsonl"), clicks);
  }
}
