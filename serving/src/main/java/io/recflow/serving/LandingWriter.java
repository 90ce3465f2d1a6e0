package io.recflow.serving;

import io.recflow.core.LandingFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes JSON lines durable in a landing directory, group-committed: one writer thread takes every
 * submission waiting, writes them as one landing file (fsync, atomic rename, fsync of the
 * directory) and then completes them all, so concurrent requests share the cost of the fsyncs. A
 * caller acknowledges its client only once its future completes.
 */
final class LandingWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LandingWriter.class);
  /** A temporary landing file this old has no live writer (one renames its file within milliseconds). */
  private static final long ABANDONED_AFTER_MILLIS = 3_600_000;

  private record Pending(List<String> lines, CompletableFuture<Void> done) {}

  private static final Pending END = new Pending(List.of(), new CompletableFuture<>());

  private final Path dir;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile boolean closed;

  /** Starts the writer thread, named {@code recflow-<name>-writer}, after removing abandoned temporary files. */
  LandingWriter(Path dir, String name) {
    try {
      int abandoned = LandingFile.removeAbandoned(dir, ABANDONED_AFTER_MILLIS);
      if (abandoned > 0) {
        LOG.info("removed {} temporary landing file(s) of writers killed mid-write from {}", abandoned, dir);
      }
    } catch (IOException e) {
      LOG.warn("cannot clean the landing directory {}: {}", dir, e.toString());
    }
    this.dir = dir;
    this.writer = new Thread(this::writeLoop, "recflow-" + name + "-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /** The directory it writes. */
  Path dir() {
    return dir;
  }

  /** Queues lines for the next file; the future completes once they are on disk, or fails. */
  CompletableFuture<Void> submit(List<String> lines) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new IllegalStateException("the server is shutting down"));
    } else {
      queue.add(new Pending(lines, done));
    }
    return done;
  }

  private void writeLoop() {
    List<Pending> group = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      group.clear();
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(group);
      // The end marker comes last: what was submitted before close() is still written.
      stop = group.remove(END);
      List<String> lines = new ArrayList<>();
      group.forEach(p -> lines.addAll(p.lines()));
      if (lines.isEmpty()) {
        continue;
      }
      try {
        LandingFile.write(dir, lines);
        group.forEach(p -> p.done().complete(null));
      } catch (Exception e) {
        LOG.error("cannot write {} lines to {}: {}", lines.size(), dir, e.toString());
        group.forEach(p -> p.done().completeExceptionally(e));
      }
    }
  }

  /** Stops taking lines, writes those already submitted, then ends the writer. */
  @Override
  public void close() throws InterruptedException {
    closed = true;
    queue.add(END);
    writer.join(10_000);
  }
}
