package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecflowConfigTest {
  @TempDir
  Path dir;

  @Test
  void readsAProfileAndLetsOverridesWin() throws Exception {
    Path p = dir.resolve("p.properties");
    Files.writeString(p, "als.rank = 16\nals.alpha=3.5\nspark.master=local[2]\n");
    RecflowConfig c = RecflowConfig.load(p, Map.of("als.rank", "8"));
    assertEquals(8, c.get(Settings.ALS_RANK));
    assertEquals(3.5, c.get(Settings.ALS_ALPHA));
    assertEquals(Settings.ALS_ITERATIONS.defaultValue(), c.get(Settings.ALS_ITERATIONS));
    assertEquals(Map.of("spark.master", "local[2]"), c.sparkConf());
  }

  @Test
  void anUnknownKeyFailsWithASuggestion() {
    ConfigException e = assertThrows(ConfigException.class, () -> RecflowConfig.of(Map.of("als.rnak", "8"), "x"));
    assertTrue(e.getMessage().contains("Did you mean 'als.rank'?"), e.getMessage());
  }

  @Test
  void anInvalidValueNamesTheRuleAndTheDefault() {
    ConfigException e = assertThrows(ConfigException.class, () -> RecflowConfig.of(Map.of("als.rank", "0"), "x"));
    assertTrue(e.getMessage().contains("an integer from 1 to 1024"), e.getMessage());
    assertTrue(e.getMessage().contains("default (64)"), e.getMessage());
    assertThrows(ConfigException.class, () -> RecflowConfig.of(Map.of("input.format", "xml"), "x"));
    assertThrows(ConfigException.class, () -> RecflowConfig.of(Map.of("als.alpha", "NaN"), "x"));
  }

  @Test
  void aMissingProfileIsAClearError() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> RecflowConfig.load(dir.resolve("nope.properties"), Map.of()));
    assertTrue(e.getMessage().contains("does not exist"));
  }

  @Test
  void withKeepsEverythingElse() {
    RecflowConfig c = RecflowConfig.of(Map.of("als.rank", "8", "spark.x", "y"), "x").with(Map.of("als.maxIter", "3"));
    assertEquals(8, c.get(Settings.ALS_RANK));
    assertEquals(3, c.get(Settings.ALS_ITERATIONS));
    assertEquals("y", c.sparkConf().get("spark.x"));
  }

  @Test
  void theLandingDirectoryDefaultsToOneUnderTheWarehouse() {
    assertEquals("/data/wh/landing/events", RecflowConfig.of(Map.of("recflow.warehouse", "/data/wh/"), "x").landingDir());
    assertEquals("/in", RecflowConfig.of(Map.of("stream.landingDir", "/in"), "x").landingDir());
  }
}
