package io.recflow.ranking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.ItemMatrix;
import io.recflow.sequence.SequenceModel;
import io.recflow.sequence.SequenceParams;
import io.recflow.sequence.SequenceWeights;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SequenceSourceTest {
  private static final SequenceParams SHAPE = new SequenceParams(4, 4, 1, 1);
  private static final long NOW = 1_700_000_000_000L;

  /**
   * A model whose block adds nothing and whose positions are zero: the query is the layer-normed
   * vector of the newest item, so the best next item is the one pointing the same way.
   */
  private static SequenceModel echo(ItemMatrix items) {
    Map<String, float[]> t = new HashMap<>();
    int d = SHAPE.dim();
    for (String name : SequenceWeights.names(SHAPE)) {
      int size = name.equals("positions") ? SHAPE.length() * d : name.endsWith(".w1") || name.endsWith(".w2")
          ? d * d : name.matches("block\\d\\.w[qkvo]") ? d * d : d;
      float[] v = new float[size];
      if (name.endsWith("gamma")) {
        java.util.Arrays.fill(v, 1f);
      }
      t.put(name, v);
    }
    return new SequenceModel(SHAPE, items, t);
  }

  /** Items 0-3 point along one axis each; 4 along axis 2 again, 5 along axis 3 again. */
  private static ItemMatrix items() {
    List<String> ids = new ArrayList<>();
    List<float[]> v = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add("i" + i);
      float[] x = new float[4];
      x[i < 4 ? i : i - 2] = i < 4 ? 1f : 2f;
      v.add(x);
    }
    return new ItemMatrix(ids, v);
  }

  private static UserSignals user(int... sequence) {
    BitSet seen = new BitSet();
    java.util.Arrays.stream(sequence).forEach(seen::set);
    return new UserSignals(null, new int[0], new long[0], sequence, seen, sequence.length, NOW);
  }

  @Test
  void theNewestItemLeadsTheNextOneAndIsTheEvidence() {
    ItemMatrix m = items();
    ItemSignals signals = ItemSignals.builder(m).sequence(echo(m), null).build();
    UserSignals after2 = user(3, 2);
    List<Integer> rows = new ArrayList<>();
    new SequenceSource().retrieve(after2, signals, 2, after2.seen()::get, (row, score) -> rows.add(row));
    assertEquals(4, rows.get(0), "the unseen item most like the newest one (2) comes first");
    assertEquals(2, new SequenceSource().evidence(after2, signals, 4));
    UserSignals after3 = user(2, 3);
    List<Integer> other = new ArrayList<>();
    new SequenceSource().retrieve(after3, signals, 2, after3.seen()::get, (row, score) -> other.add(row));
    assertEquals(5, other.get(0), "the same items in the other order predict another item");
  }

  @Test
  void withoutAModelOrAHistoryItRetrievesNothing() {
    ItemMatrix m = items();
    List<Integer> rows = new ArrayList<>();
    new SequenceSource().retrieve(user(1), ItemSignals.builder(m).build(), 3, r -> false, (r, s) -> rows.add(r));
    new SequenceSource().retrieve(user(), ItemSignals.builder(m).sequence(echo(m), null).build(), 3, r -> false,
        (r, s) -> rows.add(r));
    assertTrue(rows.isEmpty(), rows.toString());
  }

  @Test
  void aModelAlignedToAnotherCatalogKeepsEachItemsVectorAndZeroesUnknownOnes() {
    ItemMatrix m = items();
    SequenceModel model = echo(m);
    ItemMatrix other = new ItemMatrix(List.of("i5", "new", "i0"), List.of(new float[2], new float[2], new float[2]));
    SequenceModel aligned = model.alignedTo(other);
    assertArrayEquals(new float[] {0, 0, 0, 2}, java.util.Arrays.copyOfRange(aligned.items().values(), 0, 4));
    assertArrayEquals(new float[4], java.util.Arrays.copyOfRange(aligned.items().values(), 4, 8));
    assertArrayEquals(model.query(new int[] {5, 0}), aligned.query(new int[] {0, 2}), "same items, same query");
    assertEquals(List.of("i5", "new", "i0"), List.of(aligned.items().id(0), aligned.items().id(1),
        aligned.items().id(2)));
  }

  @Test
  void theSequenceScoreIsAFeatureOfEveryCandidate() {
    ItemMatrix m = items();
    ItemSignals signals = ItemSignals.builder(m).sequence(echo(m), null).build();
    UserSignals u = user(3, 2);
    Features f = new Features(List.of(new SequenceSource()));
    Candidate unretrieved = new Candidate(0, 1);
    float[] row = f.forUser(u, signals).of(List.of(unretrieved))[0];
    int at = f.names().indexOf("sequence_dot");
    assertEquals(signals.sequence().items().score(u.sequenceQuery(signals.sequence()), 0), row[at], 1e-6);
    assertTrue(Float.isNaN(row[f.names().indexOf("sequence:score")]), "not retrieved: no source score");
  }
}
