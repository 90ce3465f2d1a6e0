package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A model's parameters are stored typed, with a format number, and read back the same way everywhere. */
class ModelParamsTest {
  private static final ModelParams PARAMS = ModelParams.from(RecflowConfig.of(Map.of("als.rank", "12",
      "als.alpha", "2.5", "interest.weight.cart", "6", "interest.halfLifeDays", "30"), "test"));

  @Test
  void theStoredFormReadsBackAsTheSameParameters() {
    Map<String, String> stored = PARAMS.toMap();
    assertEquals(Integer.toString(ModelParams.FORMAT), stored.get(ModelParams.FORMAT_KEY));
    assertEquals(PARAMS, ModelParams.fromMap(7, stored));
    assertEquals(6.0, ModelParams.fromMap(7, stored).weighting().weight(EventType.CART, null));
  }

  @Test
  void aVersionWrittenBeforeTheFormatIsReadFromItsWholeConfiguration() {
    Map<String, String> legacy = new HashMap<>(RecflowConfig.defaults().asMap());
    legacy.put("als.rank", "12");
    legacy.put("als.alpha", "2.5");
    legacy.put("interest.weight.cart", "6");
    legacy.put("interest.halfLifeDays", "30");
    legacy.put("serve.apiKeys", "secret");
    assertEquals(PARAMS, ModelParams.fromMap(3, legacy));
    assertTrue(PARAMS.toMap().keySet().stream().noneMatch(k -> k.startsWith("serve.")), "no secrets are stored");
  }

  @Test
  void aNewerFormatOrAnInvalidValueIsRefusedSayingWhatToDo() {
    Map<String, String> newer = new HashMap<>(PARAMS.toMap());
    newer.put(ModelParams.FORMAT_KEY, Integer.toString(ModelParams.FORMAT + 1));
    ConfigException e = assertThrows(ConfigException.class, () -> ModelParams.fromMap(9, newer));
    assertTrue(e.getMessage().contains("model version 9") && e.getMessage().contains("newer recflow"), e.getMessage());
    Map<String, String> bad = new HashMap<>(PARAMS.toMap());
    bad.put("als.rank", "-1");
    assertThrows(ConfigException.class, () -> ModelParams.fromMap(9, bad));
  }
}
