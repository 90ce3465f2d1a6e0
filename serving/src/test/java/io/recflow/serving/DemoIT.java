package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's demo, as a person runs it (bin/recflow demo), on the bundled MovieLens data: the
 * nightly job, the streaming job and the server start, user 189's recommendations are shown, their
 * ratings are posted, and the recommendations shown after follow them: the sequence model's on the
 * very next request, the two-stage list once the stream has updated the user's vector. Text embeddings are off and
 * the sequence model trains for half a minute at most, to keep the test to a few minutes; everything
 * else is the real path.
 */
class DemoIT {
  @TempDir
  Path tmp;

  @Test
  void theDemoShowsRecommendationsFollowingTheUsersNewRatings() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = tmp.resolve("demo.log");
    Process demo = new ProcessBuilder("../bin/recflow", "demo", "--no-wait", "--port", Integer.toString(port),
        "--set", "recflow.warehouse=" + tmp.resolve("warehouse"), "--set", "serve.snapshotDir=" + tmp.resolve("snap"),
        "--set", "embedding.enabled=false", "--set", "eval.protocols=stratified", "--set", "sequence.maxMinutes=0.5")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean ended = demo.waitFor(12, TimeUnit.MINUTES);
    String out = Files.readString(log);
    if (!ended) {
      demo.destroy();
    }
    System.out.println(out);
    assertTrue(ended, "the demo did not finish in 12 minutes:\n" + out);
    assertEquals(0, demo.exitValue(), out);
    // The two-stage list follows the ratings once the stream has folded them in; the sequence
    // model's on the very next request, before the stream has run.
    assertFollows(out, "recommendations now", "recommendations after those ratings");
    assertTrue(out.contains("what the sequence model alone predicts"), "no sequence model served:\n" + out);
    assertFollows(out, "what the sequence model alone predicts", "The sequence model's list on the next request");
    assertTrue(out.contains("The server listens on http://127.0.0.1:" + port), out);
    assertTrue(out.contains("stopping the server and the streaming job"), out);
  }

  /** The list after {@code afterHeading} has ten items, differs from the one before, and holds no just-rated film. */
  private static void assertFollows(String out, String beforeHeading, String afterHeading) {
    List<String> before = list(out, beforeHeading);
    List<String> after = list(out, afterHeading);
    assertEquals(10, before.size(), out);
    assertEquals(10, after.size(), out);
    assertNotEquals(before, after, out);
    for (String rated : List.of("Finding Nemo (2003)", "Up (2009)", "Ratatouille (2007)", "Monsters, Inc. (2001)")) {
      assertFalse(after.contains(rated), "the just-rated " + rated + " is in '" + afterHeading + "':\n" + out);
    }
  }

  /** The ten numbered titles printed after the line containing {@code heading}. */
  private static List<String> list(String out, String heading) {
    List<String> lines = out.lines().toList();
    int at = 0;
    while (at < lines.size() && !lines.get(at).contains(heading)) {
      at++;
    }
    List<String> titles = new ArrayList<>();
    for (int i = at + 1; i < lines.size() && lines.get(i).matches("\\s*\\d+\\. .*"); i++) {
      titles.add(lines.get(i).replaceFirst("\\s*\\d+\\. ", ""));
    }
    return titles;
  }
}
