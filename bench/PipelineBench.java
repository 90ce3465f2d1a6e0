package io.recflow.serving;

import io.recflow.ranking.Candidate;
import io.recflow.ranking.Exploration;
import io.recflow.ranking.Features;
import io.recflow.ranking.ItemSignals;
import io.recflow.ranking.ListRules;
import io.recflow.ranking.RankingPipeline;
import io.recflow.ranking.UserSignals;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Where one request's ranking time goes, one thread, no HTTP (run by bench/pipeline.sh): each
 * candidate source's retrieval, the features of the merged candidates, the ranker, and the whole
 * pipeline, averaged over a snapshot's first users. Each user's history gives their seen items and
 * their ten newest items (the content profile and co-visitation's input), as the server's would.
 * Arguments: snapshot directory, users, candidates per source. In package io.recflow.serving to
 * open a snapshot as the server does.
 */
public class PipelineBench {
  public static void main(String[] args) throws Exception {
    ModelSnapshot s = ModelSnapshot.open(Path.of(args[0]));
    int users = Integer.parseInt(args[1]);
    int perSource = Integer.parseInt(args[2]);
    ItemSignals signals = s.signals();
    RankingPipeline p = new RankingPipeline(ServedRanking.DEFAULTS.pipeline().sources(), perSource);
    long now = System.currentTimeMillis();
    List<UserSignals> us = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      BitSet seen = new BitSet(s.items().size());
      s.history("u" + u).orElseThrow().confidences().keySet().forEach(id -> seen.set(s.items().row(id)));
      int[] recent = seen.stream().limit(10).toArray();
      long[] when = new long[recent.length];
      Arrays.fill(when, now - 60_000);
      us.add(new UserSignals(s.userVector("u" + u).orElseThrow(), recent, when, new int[0], seen, seen.cardinality(),
          now));
    }
    ListRules rules = new ListRules(true, new BitSet(), null, 0, 0, 0, 10);
    int sources = p.sources().size();
    double[] ms = new double[sources + 3];
    double candidates = 0;
    for (int round = 0; round < 5; round++) { // the first rounds warm the JIT; the last is kept
      long[] nanos = new long[ms.length];
      long count = 0;
      for (UserSignals user : us) {
        IntPredicate skip = rules.skip(user, signals);
        for (int i = 0; i < sources; i++) {
          long t = System.nanoTime();
          p.sources().get(i).retrieve(user, signals, perSource, skip, (row, score) -> { });
          nanos[i] += System.nanoTime() - t;
        }
        List<Candidate> merged = p.retrieve(user, signals, perSource, skip);
        count += merged.size();
        Features.Extractor features = p.features().forUser(user, signals);
        long t = System.nanoTime();
        float[][] rows = features.of(merged);
        nanos[sources] += System.nanoTime() - t;
        t = System.nanoTime();
        for (float[] r : rows) {
          s.ranker().score(r);
        }
        nanos[sources + 1] += System.nanoTime() - t;
        t = System.nanoTime();
        p.rank(user, signals, s.ranker(), Exploration.OFF, rules);
        nanos[sources + 2] += System.nanoTime() - t;
      }
      for (int i = 0; i < ms.length; i++) {
        ms[i] = nanos[i] / 1e6 / users;
      }
      candidates = (double) count / users;
    }
    System.out.println("| stage | ms per request |");
    System.out.println("|---|---|");
    for (int i = 0; i < sources; i++) {
      System.out.printf("| source %s | %.3f |%n", p.sources().get(i).name(), ms[i]);
    }
    System.out.printf("| features of %.0f candidates | %.3f |%n", candidates, ms[sources]);
    System.out.printf("| ranker (%s) | %.3f |%n", s.rankerStatus(), ms[sources + 1]);
    System.out.printf("| whole pipeline (sources, features, ranker, sort, page) | %.3f |%n", ms[sources + 2]);
  }
}
