package io.recflow.cli;

import io.recflow.core.SyntheticData;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code recflow generate}: a deterministic synthetic catalog and event log in the generic format. */
@Command(name = "generate", description = "Write a synthetic catalog and event log (csv) for tests and benchmarks.")
final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--users", defaultValue = "1000")
  int users;

  @Option(names = "--items", defaultValue = "5000")
  int items;

  @Option(names = "--events", defaultValue = "100000")
  long events;

  @Option(names = "--seed", defaultValue = "42")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "DIR")
  Path out;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    new SyntheticData(users, items, events, seed).write(out);
    System.out.printf("Wrote %d items and %d events for %d users to %s in %.1f s%n", items, events, users, out,
        (System.nanoTime() - t0) / 1e9);
    return 0;
  }
}
