package io.recflow.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.RecflowConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SequenceParamsTest {
  @Test
  void theStoredFormReadsBackAsTheSameShape() {
    SequenceParams p = new SequenceParams(200, 48, 3, 4);
    assertEquals(p, SequenceParams.fromMap(p.toMap()));
    assertEquals(new SequenceParams(50, 64, 2, 1), SequenceParams.from(RecflowConfig.defaults()));
  }

  @Test
  void aStoredShapeWithAMissingOrMalformedEntryIsRefusedByName() {
    Map<String, String> m = new HashMap<>(new SequenceParams(50, 64, 2, 1).toMap());
    m.remove("sequence.blocks");
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> SequenceParams.fromMap(m));
    assertTrue(missing.getMessage().contains("sequence.blocks"), missing.getMessage());
    m.put("sequence.blocks", "two");
    IllegalArgumentException malformed = assertThrows(IllegalArgumentException.class,
        () -> SequenceParams.fromMap(m));
    assertTrue(malformed.getMessage().contains("'two'"), malformed.getMessage());
  }

  @Test
  void headsMustDivideTheWidth() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SequenceParams(50, 64, 2, 3));
    assertTrue(e.getMessage().contains("divisible"), e.getMessage());
  }
}
