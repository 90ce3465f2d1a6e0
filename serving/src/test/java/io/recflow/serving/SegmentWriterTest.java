package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The exposure writer's segments: durable when acknowledged, visible once rolled, recovered when abandoned. */
class SegmentWriterTest {
  private static List<String> visibleLines(Path dir) throws Exception {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList()) {
        out.addAll(Files.readAllLines(f));
      }
    }
    return out;
  }

  private static long hidden(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith(".")).count();
    }
  }

  @Test
  void acknowledgedLinesAreOnDiskAndVisibleAfterTheRoll() throws Exception {
    Path dir = Files.createTempDirectory("recflow-segments-");
    SegmentWriter w = new SegmentWriter(dir, "test", true);
    try {
      w.submit(List.of("a", "b")).get();
      w.submit(List.of("c")).get();
      assertEquals(1, hidden(dir), "acknowledged lines wait in the open segment");
      assertEquals(List.of(), visibleLines(dir));
      long deadline = System.currentTimeMillis() + 10 * SegmentWriter.ROLL_MILLIS;
      while (visibleLines(dir).isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(List.of("a", "b", "c"), visibleLines(dir), "rolled without a close");
      assertEquals(0, hidden(dir));
    } finally {
      w.close();
    }
  }

  @Test
  void anAbandonedSegmentIsCutAtItsLastLineAndPublishedButALiveOneIsLeftAlone() throws Exception {
    Path dir = Files.createTempDirectory("recflow-segments-");
    Files.writeString(dir.resolve(".1765000000000-dead.jsonl.open"), "x\ny\nhalf a li");
    SegmentWriter live = new SegmentWriter(dir, "live", false);
    try {
      assertEquals(List.of("x", "y"), visibleLines(dir), "the dead writer's complete lines, published at start");
      assertTrue(Files.exists(dir.resolve("1765000000000-dead.jsonl")), "its name keeps its time");
      live.submit(List.of("z")).get();
      // Another writer on the same directory must not take the live writer's open segment.
      new SegmentWriter(dir, "other", true).close();
      assertEquals(List.of("x", "y"), visibleLines(dir));
      assertEquals(1, hidden(dir));
    } finally {
      live.close();
    }
    assertEquals(List.of("x", "y", "z"), visibleLines(dir), "a close publishes what is open");
    assertEquals(0, hidden(dir));
  }
}
