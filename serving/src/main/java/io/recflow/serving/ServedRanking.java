package io.recflow.serving;

import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.ranking.AlsSource;
import io.recflow.ranking.CandidateSource;
import io.recflow.ranking.Exploration;
import io.recflow.ranking.PopularSource;
import io.recflow.ranking.Randomisation;
import io.recflow.ranking.Ranker;
import io.recflow.ranking.RankingPipeline;
import io.recflow.ranking.SequenceSource;
import java.util.List;

/**
 * How the server ranks: core's pipeline with the configured sources, exploration and trending
 * window (the ranking.* settings, the same ones the evaluator reads), the randomised slots that
 * only the server draws (they exist to judge other rankers later), and each single-source model
 * a request or an experiment's variant may ask for instead ({@code ?model=sequence|als|popular}),
 * ordered by that source's own score: the baselines a two-stage ranking must beat online.
 */
record ServedRanking(RankingPipeline pipeline, Exploration exploration, Randomisation randomisation,
                     int trendingHours, Single sequence, Single als, Single popular) {
  /** The defaults of every ranking.* setting. */
  static final ServedRanking DEFAULTS = from(RecflowConfig.defaults());

  /** One candidate source alone, in the order of its score. */
  record Single(RankingPipeline pipeline, Ranker order) {
    static Single of(CandidateSource source, int perSource) {
      RankingPipeline p = new RankingPipeline(List.of(source), perSource);
      return new Single(p, Ranker.byFeature(source.name() + ":score", p.features().names()));
    }
  }

  static ServedRanking from(RecflowConfig c) {
    RankingPipeline pipeline = RankingPipeline.from(c);
    int n = pipeline.perSource();
    return new ServedRanking(pipeline, Exploration.from(c), Randomisation.from(c),
        c.get(Settings.TRENDING_WINDOW_HOURS),
        Single.of(new SequenceSource(), n), Single.of(new AlsSource(), n), Single.of(new PopularSource(), n));
  }

  /** The single-source model a request asks for, or null for the two-stage ranking. */
  Single single(Recommendations.Model model) {
    return switch (model) {
      case SERVED -> null;
      case SEQUENCE -> sequence;
      case ALS -> als;
      case POPULAR -> popular;
    };
  }
}
