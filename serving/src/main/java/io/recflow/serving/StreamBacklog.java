package io.recflow.serving;

import io.recflow.core.ConsumedFiles;
import io.recflow.core.LandingFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Whether the streaming job keeps up with the landing directory the servers write posted events to.
 * A landing file written more than {@code staleMillis} ago that no committed batch has read means
 * the stream is down or far behind: the events are safe on disk, but no table, other server or
 * nightly run has them. The server's own catch-up cannot see this (it finds nothing new and is
 * current), so /health asks here. Files a committed batch read count as taken even before Spark
 * deletes them, which it does only when a later batch runs.
 *
 * <p>Anyone may call /health, so the answer is kept for {@link #RECHECK_MILLIS}: a directory
 * listing per request would let them make the server list it at will. A checkpoint this server
 * cannot read (not on its filesystem) makes no claim.
 */
final class StreamBacklog {
  static final long RECHECK_MILLIS = 5_000;

  private final Path landingDir;
  private final String checkpointDir;
  private final long staleMillis;
  private Optional<String> problem = Optional.empty();
  private long checkedAtMillis; // 0: long enough ago

  StreamBacklog(Path landingDir, String checkpointDir, long staleMillis) {
    this.landingDir = landingDir;
    this.checkpointDir = checkpointDir;
    this.staleMillis = staleMillis;
  }

  /** A reason when landing files wait longer than they should, as of at most RECHECK_MILLIS ago. */
  synchronized Optional<String> problem() {
    long now = System.currentTimeMillis();
    if (now - checkedAtMillis >= RECHECK_MILLIS) {
      problem = check(now);
      checkedAtMillis = now;
    }
    return problem;
  }

  private Optional<String> check(long now) {
    if (!ConsumedFiles.isLocal(checkpointDir)) {
      return Optional.empty();
    }
    List<Path> old;
    try (Stream<Path> files = Files.list(landingDir)) {
      old = files.filter(f -> {
        long written = LandingFile.writtenMillis(f.getFileName().toString());
        return written >= 0 && now - written > staleMillis;
      }).map(f -> f.toAbsolutePath().normalize()).toList();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("the landing directory cannot be listed: " + e);
    }
    if (old.isEmpty()) {
      return Optional.empty();
    }
    Set<Path> taken = ConsumedFiles.read(checkpointDir).stream().map(p -> p.toAbsolutePath().normalize())
        .collect(Collectors.toSet());
    List<Path> waiting = old.stream().filter(f -> !taken.contains(f)).toList();
    if (waiting.isEmpty()) {
      return Optional.empty();
    }
    long oldest = waiting.stream().mapToLong(f -> LandingFile.writtenMillis(f.getFileName().toString())).min()
        .orElseThrow();
    return Optional.of("the stream has not taken " + waiting.size() + " landing file(s), the oldest written "
        + (now - oldest) / 1000 + " s ago: is the streaming job running?");
  }
}
