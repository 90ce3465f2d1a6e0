package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LandingFileTest {
  @TempDir
  Path dir;

  @Test
  void writesAVisibleFileWithOneLinePerEventAndLeavesNoTemporaryFile() throws Exception {
    Path f = LandingFile.write(dir.resolve("landing"), List.of("{\"a\":1}", "{\"b\":2}"));
    assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), Files.readAllLines(f));
    try (Stream<Path> files = Files.list(dir.resolve("landing"))) {
      assertEquals(List.of(f), files.toList());
    }
    assertTrue(f.getFileName().toString().endsWith(".jsonl"));
  }

  @Test
  void refusesALineThatWouldSplitIntoTwoEvents() {
    assertThrows(IllegalArgumentException.class, () -> LandingFile.write(dir, List.of("{\"a\":\n1}")));
  }
}
