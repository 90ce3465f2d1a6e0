package io.recflow.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;

/**
 * Puts a file of JSON-lines events into the streaming job's landing directory so that it is
 * durable before anyone is told it was accepted, and appears whole or not at all: the lines are
 * written to a hidden file (Spark's file source skips names starting with '.'), forced to disk,
 * atomically renamed, and the directory entry is forced too.
 */
public final class LandingFile {
  private LandingFile() {}

  /** Writes {@code lines} (one JSON object each) as a new file in {@code dir} and returns its path. */
  public static Path write(Path dir, List<String> lines) throws IOException {
    Files.createDirectories(dir);
    String name = System.currentTimeMillis() + "-" + UUID.randomUUID() + ".jsonl";
    Path tmp = dir.resolve("." + name + ".tmp");
    Path target = dir.resolve(name);
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
        throw new IllegalArgumentException("a landing line must not contain a line break: " + line);
      }
      text.append(line).append('\n');
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(tmp);
      throw new IOException("the landing directory " + dir + " does not support atomic rename, so a reader could "
          + "see half a file; put it on a local or POSIX file system", e);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
    return target;
  }

  /**
   * When a landing file was written, from its name (the epoch milliseconds {@link #write} puts
   * first), or -1 for a name {@link #write} did not give. The landing directory's order: the stream
   * and erasure both read it from here.
   */
  public static long writtenMillis(String name) {
    int dash = name.indexOf('-');
    if (dash <= 0) {
      return -1;
    }
    try {
      return Long.parseLong(name.substring(0, dash));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Deletes the hidden temporary files a writer killed mid-write left in {@code dir} (no reader
   * ever sees them, but they would pile up), once older than {@code minAgeMillis}: a live writer
   * renames its file within milliseconds, so an old one has no owner. Returns how many went.
   */
  public static int removeAbandoned(Path dir, long minAgeMillis) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    long before = System.currentTimeMillis() - minAgeMillis;
    int removed = 0;
    try (var files = Files.newDirectoryStream(dir, ".*.tmp")) {
      for (Path f : files) {
        if (Files.getLastModifiedTime(f).toMillis() < before && Files.deleteIfExists(f)) {
          removed++;
        }
      }
    }
    return removed;
  }
}
