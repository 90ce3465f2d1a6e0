package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticMovieLensTest {
  @TempDir
  Path tmp;

  @Test
  void theSameSeedWritesTheSameFilesInTheOneMillionLayout() throws Exception {
    long n = new SyntheticMovieLens(50, 300, 40, 7).write(tmp.resolve("a"));
    new SyntheticMovieLens(50, 300, 40, 7).write(tmp.resolve("b"));
    for (String f : List.of("movies.dat", "ratings.dat", "users.dat")) {
      assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(f)), Files.readAllBytes(tmp.resolve("b").resolve(f)),
          f);
    }
    List<String> ratings = Files.readAllLines(tmp.resolve("a/ratings.dat"));
    assertEquals(n, ratings.size());
    assertEquals(300, Files.readAllLines(tmp.resolve("a/movies.dat")).size());
    assertEquals(50, Files.readAllLines(tmp.resolve("a/users.dat")).size());
    for (String line : Files.readAllLines(tmp.resolve("a/movies.dat"))) {
      assertTrue(line.matches("\\d+::[^:]+ \\(20\\d\\d\\)::[A-Za-z'|-]+"), line);
    }
    for (String line : ratings) {
      assertTrue(line.matches("\\d+::\\d+::[1-5]::\\d+"), line);
    }
  }

  @Test
  void everyUserRatesTwentyFilmsOrMoreOnceEachInTimeOrder() throws Exception {
    new SyntheticMovieLens(40, 500, 30, 3).write(tmp);
    Map<String, Long> last = new HashMap<>();
    Map<String, Set<String>> films = new HashMap<>();
    for (String line : Files.readAllLines(tmp.resolve("ratings.dat"))) {
      String[] f = line.split("::");
      long ts = Long.parseLong(f[3]);
      assertTrue(ts >= last.getOrDefault(f[0], Long.MIN_VALUE), "user " + f[0] + " goes back in time: " + line);
      last.put(f[0], ts);
      assertTrue(films.computeIfAbsent(f[0], u -> new HashSet<>()).add(f[1]), "rated twice: " + line);
    }
    assertEquals(40, films.size());
    films.forEach((u, s) -> assertTrue(s.size() >= 20, "user " + u + " rated " + s.size()));
  }
}
