package io.recflow.ranking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.ConfigException;
import io.recflow.core.ItemMatrix;
import io.recflow.core.RecflowConfig;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The pipeline on a catalog of 30 items built so that each source has items only it would find:
 * items 0-9 lie along the user's ALS vector, 10-14 along their text profile, 15 and 16 follow their
 * recent items, 17 is trending, 18 is the most popular, 20-29 have no interactions (fresh).
 */
class RankingPipelineTest {
  private static final long NOW = 1_000_000_000_000L;
  private static final int N = 30;
  private static final RankingPipeline PIPELINE = RankingPipeline.standard(new FreshSource(5, 0), 5);
  private static final Exploration TEN_PERCENT = new Exploration(0.1, 0.1);

  private static ItemSignals items() {
    List<String> ids = new ArrayList<>();
    List<float[]> factors = new ArrayList<>();
    List<float[]> text = new ArrayList<>();
    int[] interactions = new int[N];
    long[] first = new long[N];
    float[] popularity = new float[N];
    for (int i = 0; i < N; i++) {
      ids.add("i" + i);
      factors.add(i < 10 ? new float[] {1f - i * 0.05f, 0f} : new float[] {0f, 0.1f + i * 0.001f});
      text.add(i >= 10 && i < 15 ? unit(1f, 0.1f * (i - 10), 0f) : i >= 20 ? unit(0.2f, 0.1f * (i - 20), 1f)
          : unit(0f, 1f, 0.1f * i));
      interactions[i] = i >= 20 ? 0 : 50;
      first[i] = i >= 20 ? Long.MIN_VALUE : NOW - 400L * 86_400_000L;
      popularity[i] = i == 18 ? 1000 : i >= 20 ? 0 : 10 + i;
    }
    ItemMatrix m = new ItemMatrix(ids, factors);
    CoVisitation.Builder co = new CoVisitation.Builder(N);
    co.add(1, 15, 3).add(2, 16, 1);
    Trending trending = new Trending(N, 24);
    for (int i = 0; i < 10; i++) {
      trending.add(17, NOW - i);
    }
    BitSet unavailable = new BitSet();
    unavailable.set(3);
    long[] expires = new long[N];
    java.util.Arrays.fill(expires, Long.MAX_VALUE);
    expires[4] = NOW - 1;
    return ItemSignals.builder(m).embeddings(new ItemMatrix(ids, text), null).popularity(popularity, popularity)
        .history(interactions, first).coVisitation(co.build()).trending(trending)
        .availability(unavailable, expires).build();
  }

  private static float[] unit(float... v) {
    double n = 0;
    for (float x : v) {
      n += x * x;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (v[i] / Math.sqrt(n));
    }
    return v;
  }

  /** A user who likes items 1 and 2 (newest first), with a vector along items 0-9 and a text profile near 10-14. */
  private static UserSignals user(ItemSignals items) {
    BitSet seen = new BitSet();
    seen.set(1);
    seen.set(2);
    return new UserSignals(new float[] {1f, 0f}, new int[] {1, 2}, new long[] {NOW - 1000, NOW - 2000}, new int[] {2, 1},
        seen, 2, NOW);
  }

  private static Set<Integer> from(List<Candidate> candidates, int source) {
    return candidates.stream().filter(c -> c.from(source)).map(Candidate::row).collect(Collectors.toSet());
  }

  @Test
  void eachSourceFindsTheItemsOnlyItWouldFind() {
    ItemSignals items = items();
    UserSignals user = user(items);
    List<Candidate> c = PIPELINE.retrieve(user, items, 5, ListRules.top(5).skip(user, items));
    List<String> names = PIPELINE.sources().stream().map(CandidateSource::name).toList();
    assertEquals(List.of("als", "content", "co-visitation", "sequence", "fresh", "trending", "popular"), names);
    assertEquals(Set.of(0, 5, 6, 7, 8), from(c, 0), "als: the best unseen, servable items along the vector");
    assertTrue(from(c, 2).containsAll(Set.of(15, 16)), "co-visitation: what followed items 1 and 2");
    assertTrue(from(c, 3).isEmpty(), "sequence: nothing without a sequence model");
    assertTrue(from(c, 4).stream().allMatch(r -> r >= 20), "fresh: only items without interactions");
    assertEquals(Set.of(17), from(c, 5), "trending");
    assertTrue(from(c, 6).contains(18), "popular");
    assertFalse(from(c, 1).isEmpty(), "content");
    for (Candidate x : c) {
      assertFalse(Set.of(1, 2, 3, 4).contains(x.row()), "seen, unavailable or expired item retrieved: " + x.row());
    }
  }

  @Test
  void explanationsNameTheUsersItemBehindACoVisit() {
    ItemSignals items = items();
    UserSignals user = user(items);
    Candidate c15 = PIPELINE.retrieve(user, items, 5, r -> false).stream().filter(c -> c.row() == 15).findFirst()
        .orElseThrow();
    assertEquals(new RankingPipeline.Reason("co-visitation", 1), PIPELINE.reasons(c15, user, items).get(0));
  }

  @Test
  void everyTenthSlotGoesToTheFreshItemWithTheBestUpperConfidence() {
    ItemSignals items = items();
    UserSignals user = user(items);
    List<Candidate> list = PIPELINE.rank(user, items, Ranker.ALS_ORDER, TEN_PERCENT, ListRules.top(20));
    for (int i = 0; i < list.size(); i++) {
      assertEquals(i == 9 || i == 19, list.get(i).explored(), "position " + i);
    }
    int first = list.get(9).row();
    assertTrue(first >= 20);
    // Shown often, the same item loses its optimism and the slot goes to another new item.
    for (int i = 0; i < 1000; i++) {
      items.exposed(first);
    }
    List<Candidate> again = PIPELINE.rank(user, items, Ranker.ALS_ORDER, TEN_PERCENT, ListRules.top(10));
    assertNotEquals(first, again.get(9).row());
    List<Candidate> off = PIPELINE.rank(user, items, Ranker.ALS_ORDER, Exploration.OFF, ListRules.top(20));
    assertTrue(off.stream().noneMatch(Candidate::explored));
  }

  @Test
  void rulesKeepSeenUnavailableExpiredAndExcludedItemsOut() {
    ItemSignals items = items();
    UserSignals user = user(items);
    BitSet excluded = new BitSet();
    excluded.set(0);
    List<Candidate> list = PIPELINE.rank(user, items, Ranker.ALS_ORDER, TEN_PERCENT,
        new ListRules(true, excluded, null, 0, 0, 0, 30));
    Set<Integer> rows = list.stream().map(Candidate::row).collect(Collectors.toSet());
    for (int never : List.of(0, 1, 2, 3, 4)) {
      assertFalse(rows.contains(never), "listed " + never);
    }
    List<Candidate> withSeen = PIPELINE.rank(user, items, Ranker.ALS_ORDER, Exploration.OFF,
        new ListRules(false, new BitSet(), null, 0, 0, 0, 3));
    assertEquals(List.of(0, 1, 2), withSeen.stream().map(Candidate::row).toList(), "seen items allowed when asked");
  }

  @Test
  void pagesByOffsetAreSlicesOfTheWholeList() {
    ItemSignals items = items();
    UserSignals user = user(items);
    List<Integer> whole = PIPELINE.rank(user, items, Ranker.ALS_ORDER, TEN_PERCENT, ListRules.top(20)).stream()
        .map(Candidate::row).toList();
    List<Integer> paged = new ArrayList<>();
    for (int offset = 0; offset < 20; offset += 5) {
      PIPELINE.rank(user, items, Ranker.ALS_ORDER, TEN_PERCENT, new ListRules(true, new BitSet(), null, 0, offset, 0,
          5)).forEach(c -> paged.add(c.row()));
    }
    assertEquals(whole, paged);
    assertEquals(20, new HashSet<>(paged).size());
  }

  @Test
  void theConfigurationChoosesTheSourcesAndRefusesUnknownOnes() {
    RecflowConfig two = RecflowConfig.defaults().with(java.util.Map.of("ranking.sources", "fresh, als"));
    assertEquals(List.of("als", "fresh"), RankingPipeline.from(two).sources().stream().map(CandidateSource::name)
        .toList(), "standard order, whatever the order named");
    assertEquals(List.of("als:score", "als:rank", "fresh:score", "fresh:rank"),
        RankingPipeline.from(two).features().names().subList(0, 4));
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () ->
        RankingPipeline.from(RecflowConfig.defaults().with(java.util.Map.of("ranking.sources", "als,transformer"))));
    assertTrue(e.getMessage().contains("'transformer'") && e.getMessage().contains("co-visitation"), e.getMessage());
  }
}
