package io.recflow.online;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.recflow.core.ConfigException;
import io.recflow.core.EventType;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.experiment.Analysis;
import io.recflow.experiment.Experiment;
import io.recflow.experiment.ExperimentPlan;
import io.recflow.experiment.ReplayPolicy;
import io.recflow.spark.Warehouse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Gathers an experiment's per-user totals from the warehouse and analyses them: each user's lists
 * shown (exposures of the experiment within its times), and the clicks and purchases attributed to
 * them, attributed afresh from events and exposures so the report is as current as the tables. A
 * user seen in more than one variant (the plan was changed under them) is left out and counted.
 * Beside the verdict, the configured alternative ranking is replayed on the experiment's
 * randomised slots ({@link Replay}).
 *
 * @param analysis the figures and the verdict
 * @param usersInSeveralVariants users left out because they were served by more than one variant
 * @param counterfactual the alternative's estimated click-through against the served ranker's
 */
public record ExperimentReport(Analysis.Result analysis, long usersInSeveralVariants, Replay counterfactual) {

  /** The report on experiment {@code name} of the plan in {@code experiments.file}. */
  public static ExperimentReport of(Warehouse warehouse, RecflowConfig config, String name) {
    ExperimentPlan plan = ExperimentPlan.load(config.get(Settings.EXPERIMENTS_FILE));
    Experiment experiment = plan.experiment(name);
    if (experiment == null) {
      throw new ConfigException("no experiment '" + name + "' in experiments.file ("
          + (config.get(Settings.EXPERIMENTS_FILE).isBlank() ? "not set" : config.get(Settings.EXPERIMENTS_FILE))
          + "); the plan has " + plan.experiments().stream().map(Experiment::name).toList()
          + ". Name one of them, or point experiments.file at the plan the servers ran.");
    }
    if (!warehouse.exists(Tables.EXPOSURES)) {
      return new ExperimentReport(Analysis.of(experiment, Map.of(), config.get(Settings.EXPERIMENTS_ALPHA)), 0,
          new Replay(ReplayPolicy.parse(config.get(Settings.EXPERIMENTS_POLICY)).toString(), null, 0,
              "no exposures in the warehouse yet"));
    }
    Dataset<Row> exposures = warehouse.read(Tables.EXPOSURES).filter(col(Col.EXPERIMENT).equalTo(name)
        .and(col(Col.USER_ID).isNotNull()).and(col(Col.TS).geq(lit(java.sql.Timestamp.from(experiment.start())))));
    if (experiment.stop() != null) {
      exposures = exposures.filter(col(Col.TS).lt(lit(java.sql.Timestamp.from(experiment.stop()))));
    }
    // Attributed once, for the per-user totals and the counterfactual's clicks.
    Dataset<Row> attributed = warehouse.exists(Tables.EVENTS) ? Attribution.attribute(warehouse.read(Tables.EVENTS),
        exposures, config.get(Settings.EXPERIMENTS_ATTRIBUTION_MINUTES)).cache() : null;
    try {
      return of(experiment, exposures, attributed, warehouse, config);
    } finally {
      if (attributed != null) {
        attributed.unpersist();
      }
    }
  }

  private static ExperimentReport of(Experiment experiment, Dataset<Row> exposures, Dataset<Row> attributed,
                                     Warehouse warehouse, RecflowConfig config) {
    Dataset<Row> lists = exposures.groupBy(Col.USER_ID)
        .agg(countDistinct(Col.VARIANT).as("variants"), first(Col.VARIANT).as(Col.VARIANT),
            countDistinct(Col.REQUEST_ID).as("lists"));
    Dataset<Row> outcomes = attributed == null ? null
        : attributed.groupBy(Col.USER_ID).agg(
                sum(when(col(Col.EVENT_TYPE).equalTo(EventType.CLICK.wireName()), 1).otherwise(0)).as("clicks"),
                sum(when(col(Col.EVENT_TYPE).equalTo(EventType.PURCHASE.wireName()), 1).otherwise(0))
                    .as("purchases"),
                count(lit(1)).as("attributed"));
    Dataset<Row> perUser = outcomes == null
        ? lists.withColumn("clicks", lit(0L)).withColumn("purchases", lit(0L))
        : lists.join(outcomes, lists.col(Col.USER_ID).equalTo(outcomes.col(Col.USER_ID)), "left")
            .select(lists.col(Col.USER_ID), col("variants"), col(Col.VARIANT), col("lists"), col("clicks"),
                col("purchases"));
    Map<String, List<double[]>> rows = new HashMap<>();
    long several = 0;
    for (Row r : perUser.collectAsList()) {
      if (r.getLong(1) > 1) {
        several++;
        continue;
      }
      rows.computeIfAbsent(r.getString(2), v -> new ArrayList<>()).add(new double[] {r.getLong(3),
          r.isNullAt(4) ? 0 : r.getLong(4), r.isNullAt(5) ? 0 : r.getLong(5)});
    }
    Map<String, Analysis.Totals> totals = new HashMap<>();
    rows.forEach((variant, r) -> totals.put(variant, Analysis.Totals.of(r)));
    return new ExperimentReport(Analysis.of(experiment, totals, config.get(Settings.EXPERIMENTS_ALPHA)), several,
        Replay.of(warehouse, config, exposures, attributed));
  }
}
