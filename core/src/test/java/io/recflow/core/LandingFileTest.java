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

  @Test
  void removesOnlyTemporaryFilesOlderThanAnyLiveWriter() throws Exception {
    Path landing = Files.createDirectories(dir.resolve("landing"));
    Path abandoned = Files.writeString(landing.resolve(".1-a.jsonl.tmp"), "{}\n");
    Files.setLastModifiedTime(abandoned, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()
        - 7_200_000));
    Path inProgress = Files.writeString(landing.resolve(".2-b.jsonl.tmp"), "{}\n");
    Path visible = LandingFile.write(landing, List.of("{\"a\":1}"));
    assertEquals(1, LandingFile.removeAbandoned(landing, 3_600_000));
    assertTrue(Files.notExists(abandoned));
    assertTrue(Files.exists(inProgress), "a writer may still rename a fresh temporary file");
    assertTrue(Files.exists(visible));
  }

  @Test
  void aFilesNameSaysWhenItWasWritten(@TempDir Path dir) throws Exception {
    long before = System.currentTimeMillis();
    Path f = LandingFile.write(dir, List.of("{}"));
    long written = LandingFile.writtenMillis(f.getFileName().toString());
    assertTrue(written >= before && written <= System.currentTimeMillis(), "written at " + written);
    assertEquals(-1, LandingFile.writtenMillis("part-00000.jsonl"));
    assertEquals(-1, LandingFile.writtenMillis("events.jsonl"));
  }
}
