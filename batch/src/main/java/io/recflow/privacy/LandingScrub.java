package io.recflow.privacy;

import io.recflow.core.ErasureRequest;
import io.recflow.core.EventJson;
import io.recflow.core.LandingFile;
import io.recflow.experiment.Exposure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Removes erased users' lines from the live feed's files: their events and the exposures of the
 * lists they were shown (each file rewritten whole by atomic rename, as it was written), and their
 * tombstones from files the stream has read in a committed batch and from the archive. A tombstone the stream has not read yet stays: the stream
 * must read it to drop the user's state.
 *
 * <p>A line goes when its file was written before the user's erasure, by the time in the file's
 * name (recflow's landing files start with it) or else its modification time; later files hold
 * the events of a new user under the same id.
 */
final class LandingScrub {
  private LandingScrub() {}

  /**
   * Scrubs both directories for users erased before the given epoch ms; {@code consumed} are the
   * files the stream has read in a committed batch. Returns the lines removed.
   */
  static long scrub(Path landing, Path archive, Map<String, Long> erasedBefore, Set<Path> consumed) {
    if (erasedBefore.isEmpty()) {
      return 0;
    }
    return scrubDir(landing, erasedBefore, consumed) + scrubDir(archive, erasedBefore, null);
  }

  /** Scrubs one more feed directory (the exposures servers land), whose consumed files are {@code consumed}. */
  static long scrubFeed(Path dir, Map<String, Long> erasedBefore, Set<Path> consumed) {
    return erasedBefore.isEmpty() ? 0 : scrubDir(dir, erasedBefore, consumed);
  }

  /** With {@code consumed} null, every file counts as consumed (the archive). */
  private static long scrubDir(Path dir, Map<String, Long> erasedBefore, Set<Path> consumed) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    long removed = 0;
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
          .toList()) {
        boolean read = consumed == null || consumed.contains(f.toAbsolutePath().normalize());
        removed += scrubFile(f, erasedBefore, !read);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot scrub the landing files under " + dir, e);
    }
    return removed;
  }

  private static long scrubFile(Path f, Map<String, Long> erasedBefore, boolean keepTombstones) throws IOException {
    List<String> lines;
    long written;
    try {
      lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      written = writtenAt(f);
    } catch (NoSuchFileException | java.nio.charset.MalformedInputException e) {
      return 0; // consumed meanwhile, or not a file of events
    }
    List<String> kept = new ArrayList<>();
    for (String line : lines) {
      if (!erased(line, written, erasedBefore, keepTombstones)) {
        kept.add(line);
      }
    }
    if (kept.size() == lines.size()) {
      return 0;
    }
    Path tmp = f.resolveSibling("." + f.getFileName() + ".scrub");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      StringBuilder text = new StringBuilder();
      kept.forEach(l -> text.append(l).append('\n'));
      ByteBuffer buf = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    if (!Files.exists(f)) {
      // The stream consumed the file while it was read: renaming now would bring it back.
      Files.delete(tmp);
      return 0;
    }
    Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return lines.size() - kept.size();
  }

  private static boolean erased(String line, long written, Map<String, Long> erasedBefore, boolean keepTombstones) {
    var tombstone = ErasureRequest.parse(line);
    if (tombstone.isPresent()) {
      return !keepTombstones && erasedBefore.containsKey(tombstone.get().userId());
    }
    String user;
    try {
      user = Exposure.parse(line).map(Exposure::userId).orElseGet(() -> EventJson.parse("", line).userId());
    } catch (RuntimeException unreadable) {
      user = EventJson.parse("", line).userId();
    }
    Long before = user == null ? null : erasedBefore.get(user);
    return before != null && written < before;
  }

  /** When a landing file was written: the epoch ms its name starts with (LandingFile's names), else its mtime. */
  static long writtenAt(Path f) throws IOException {
    long named = LandingFile.writtenMillis(f.getFileName().toString());
    return named >= 0 ? named : Files.getLastModifiedTime(f).toMillis();
  }
}
