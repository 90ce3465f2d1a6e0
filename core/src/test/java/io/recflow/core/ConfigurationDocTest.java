package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is the operators' reference: it must name every key with its default. */
class ConfigurationDocTest {
  @Test
  void everyKeyIsDocumentedWithItsDefault() throws Exception {
    String doc = Files.readString(Path.of("../docs/configuration.md"));
    for (ConfigKey<?> k : Settings.all()) {
      String row = "| `" + k.name() + "` | `" + k.defaultValue() + "` |";
      assertTrue(doc.contains(row), () -> "docs/configuration.md lacks the row starting " + row);
    }
  }
}
