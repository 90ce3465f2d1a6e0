package io.recflow.serving;

import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.ranking.Exploration;
import io.recflow.ranking.Ranker;
import io.recflow.ranking.RankingPipeline;
import io.recflow.ranking.SequenceSource;
import java.util.List;

/**
 * How the server ranks: core's pipeline with the configured sources, exploration and trending
 * window (the ranking.* settings, the same ones the evaluator reads), and the sequence model alone
 * ({@code ?model=sequence}), ordered by its own score.
 */
record ServedRanking(RankingPipeline pipeline, Exploration exploration, int trendingHours,
                     RankingPipeline sequenceOnly, Ranker sequenceOrder) {
  /** The defaults of every ranking.* setting. */
  static final ServedRanking DEFAULTS = from(RecflowConfig.defaults());

  static ServedRanking from(RecflowConfig c) {
    RankingPipeline pipeline = RankingPipeline.from(c);
    RankingPipeline sequenceOnly = new RankingPipeline(List.of(new SequenceSource()), pipeline.perSource());
    return new ServedRanking(pipeline, Exploration.from(c), c.get(Settings.TRENDING_WINDOW_HOURS), sequenceOnly,
        Ranker.byFeature(SequenceSource.NAME + ":score", sequenceOnly.features()));
  }
}
