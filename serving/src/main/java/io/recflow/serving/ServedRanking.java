package io.recflow.serving;

import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.ranking.Exploration;
import io.recflow.ranking.RankingPipeline;

/**
 * How the server ranks: core's pipeline with the configured sources, exploration and trending
 * window (the ranking.* settings, the same ones the evaluator reads).
 */
record ServedRanking(RankingPipeline pipeline, Exploration exploration, int trendingHours) {
  /** The defaults of every ranking.* setting. */
  static final ServedRanking DEFAULTS = from(RecflowConfig.defaults());

  static ServedRanking from(RecflowConfig c) {
    return new ServedRanking(RankingPipeline.from(c), Exploration.from(c), c.get(Settings.TRENDING_WINDOW_HOURS));
  }
}
