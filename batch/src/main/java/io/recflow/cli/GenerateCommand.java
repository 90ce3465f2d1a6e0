package io.recflow.cli;

import io.recflow.core.SyntheticData;
import io.recflow.core.SyntheticMovieLens;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code recflow generate}: a deterministic synthetic catalog and event log, in the generic format
 * (a shop) or, with {@code --layout ml-1m}, in the MovieLens 1M layout (films watched in order).
 */
@Command(name = "generate", description = "Write a synthetic catalog and event log for tests and benchmarks: a "
    + "shop in the generic csv format, or (--layout ml-1m) films and ratings in the MovieLens 1M layout.")
final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--users", defaultValue = "1000")
  int users;

  @Option(names = "--items", defaultValue = "5000")
  int items;

  @Option(names = "--events", defaultValue = "100000")
  long events;

  @Option(names = "--layout", defaultValue = "generic", description = "generic (default) or ml-1m: movies.dat, "
      + "ratings.dat and users.dat; --items films, --events the mean ratings per user times --users")
  String layout;

  @Option(names = "--seed", defaultValue = "42")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "DIR")
  Path out;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    long written = switch (layout) {
      case "generic" -> {
        new SyntheticData(users, items, events, seed).write(out);
        yield events;
      }
      case "ml-1m" -> new SyntheticMovieLens(users, items, (int) Math.max(20, events / users), seed).write(out);
      default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--layout must be generic or ml-1m, got '" + layout + "'");
    };
    System.out.printf("Wrote %d items and %d events for %d users to %s in %.1f s%n", items, written, users, out,
        (System.nanoTime() - t0) / 1e9);
    return 0;
  }
}
