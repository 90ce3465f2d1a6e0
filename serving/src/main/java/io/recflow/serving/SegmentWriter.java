package io.recflow.serving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes JSON lines durable in a landing directory at the price of one data sync per group: lines
 * are appended to an open, hidden segment ({@code .<millis>-<uuid>.jsonl.open}, which the stream
 * skips) and forced to disk, and the segment is renamed into view, whole, every
 * {@link #ROLL_MILLIS}. Creating, renaming and syncing a directory for every group, as
 * {@link LandingWriter} does, costs three times as much; a server records an exposure for every
 * list it answers, so it uses this.
 *
 * <p>With {@code syncEachGroup} false, the caller's own thread appends its lines and they are
 * acknowledged once the operating system has them (they then survive the server's crash, not the
 * machine's); the segment is forced to disk when it is rolled, so a machine crash loses at most
 * the last {@link #ROLL_MILLIS} of lines, and no request waits for a disk or another thread.
 *
 * <p>A writer holds a lock on its open segment. A segment left by a writer that died (its lock
 * free, whether that writer was this server before a crash or another on a shared directory) is
 * cut at its last complete line and renamed into view, at start and at every roll: what was
 * acknowledged is never lost, only delayed until a writer runs again.
 */
final class SegmentWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentWriter.class);
  /** How long a segment stays open: the delay before the stream can see a line. */
  static final long ROLL_MILLIS = 1_000;
  private static final String OPEN = ".open";

  private record Pending(List<String> lines, CompletableFuture<Void> done) {}

  private static final Pending END = new Pending(List.of(), new CompletableFuture<>());

  private final Path dir;
  private final boolean syncEachGroup;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile boolean closed;
  private Path segment;
  private FileChannel channel;
  private FileLock lock;
  private long openedAt;

  SegmentWriter(Path dir, String name, boolean syncEachGroup) {
    this.dir = dir;
    this.syncEachGroup = syncEachGroup;
    try {
      Files.createDirectories(dir);
      int recovered = recoverAbandoned();
      if (recovered > 0) {
        LOG.info("made {} segment(s) of a writer that died visible in {}", recovered, dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the landing directory " + dir, e);
    }
    this.writer = new Thread(this::writeLoop, "recflow-" + name + "-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /** Takes lines; the future completes once they are durable as the writer promises, or fails. */
  CompletableFuture<Void> submit(List<String> lines) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new IllegalStateException("the server is shutting down"));
    } else if (syncEachGroup) {
      queue.add(new Pending(lines, done));
    } else {
      synchronized (this) {
        if (closed) {
          done.completeExceptionally(new IllegalStateException("the server is shutting down"));
        } else {
          write(List.of(new Pending(lines, done)));
        }
      }
    }
    return done;
  }

  private void writeLoop() {
    List<Pending> group = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      group.clear();
      try {
        Pending first = queue.poll(ROLL_MILLIS, TimeUnit.MILLISECONDS);
        if (first != null) {
          group.add(first);
          queue.drainTo(group);
        }
      } catch (InterruptedException e) {
        return;
      }
      // The end marker comes last: what was submitted before close() is still written.
      stop = group.remove(END);
      Closing full = null;
      synchronized (this) {
        write(group);
        if (segment != null && (stop || System.currentTimeMillis() - openedAt >= ROLL_MILLIS)) {
          full = new Closing(segment, channel, lock);
          segment = null; // the next line opens a new segment
        }
      }
      if (full != null) {
        // Outside the lock: writers go on into the next segment while this one is forced to disk.
        try {
          full.publish();
        } catch (IOException e) {
          LOG.error("cannot publish {}: {}", full.path(), e.toString());
        }
      }
    }
  }

  /** A segment taken out of use, to be forced, unlocked and renamed into view. */
  private final class Closing {
    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    Closing(Path path, FileChannel channel, FileLock lock) {
      this.path = path;
      this.channel = channel;
      this.lock = lock;
    }

    Path path() {
      return path;
    }

    void publish() throws IOException {
      try (channel) {
        channel.force(false);
        lock.release();
      }
      SegmentWriter.this.publish(path);
      recoverAbandoned();
    }
  }

  /** Appends a group, or fails each of its futures; under this writer's lock. */
  private void write(List<Pending> group) {
    if (group.isEmpty()) {
      return;
    }
    try {
      append(group);
    } catch (IOException e) {
      LOG.error("cannot write to {}: {}", dir, e.toString());
      group.forEach(p -> p.done().completeExceptionally(e));
      closeQuietly();
    }
  }

  private void append(List<Pending> group) throws IOException {
    StringBuilder text = new StringBuilder();
    group.forEach(p -> p.lines().forEach(l -> text.append(l).append('\n')));
    if (segment == null) {
      open();
    }
    ByteBuffer buf = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
    if (syncEachGroup) {
      channel.force(false);
    }
    group.forEach(p -> p.done().complete(null));
  }

  private void open() throws IOException {
    openedAt = System.currentTimeMillis();
    segment = dir.resolve("." + openedAt + "-" + UUID.randomUUID() + ".jsonl" + OPEN);
    channel = FileChannel.open(segment, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    lock = channel.lock();
    // The new name must survive a crash too, or recovery would not find the segment.
    forceDir();
  }

  /** Renames a closed segment into view: {@code .NAME.jsonl.open} becomes {@code NAME.jsonl}. */
  private void publish(Path open) throws IOException {
    String name = open.getFileName().toString();
    Files.move(open, dir.resolve(name.substring(1, name.length() - OPEN.length())), StandardCopyOption.ATOMIC_MOVE);
    forceDir();
  }

  /** Publishes the open segments no live writer holds, each cut at its last complete line. */
  private int recoverAbandoned() throws IOException {
    int recovered = 0;
    try (var files = Files.newDirectoryStream(dir, ".*" + OPEN)) {
      for (Path f : files) {
        if (f.equals(segment)) {
          continue;
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
          FileLock free;
          try {
            free = ch.tryLock();
          } catch (OverlappingFileLockException heldHere) {
            continue;
          }
          if (free == null) {
            continue; // a live writer's
          }
          ch.truncate(completeLength(f));
          ch.force(true);
          free.release();
        }
        publish(f);
        recovered++;
      }
    }
    return recovered;
  }

  /** The length of the file up to and including its last line break. */
  private static long completeLength(Path f) throws IOException {
    byte[] bytes = Files.readAllBytes(f);
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    return end;
  }

  private void forceDir() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  private void closeQuietly() {
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      LOG.warn("cannot close {}: {}", segment, e.toString());
    }
    // The next group opens a new segment; this one is recovered once its lock is free.
    segment = null;
  }

  /** Stops taking lines, writes and publishes those already submitted, then ends the writer. */
  @Override
  public void close() throws InterruptedException {
    closed = true;
    queue.add(END);
    writer.join(10_000);
  }
}
