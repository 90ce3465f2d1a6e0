package io.recflow.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The landing files the stream has read in a committed batch, from its checkpoint: the file
 * source's log ({@code sources/0/N} and its compactions, one JSON entry per file with its batch)
 * and the commit markers ({@code commits/N}). Spark deletes or archives these files itself
 * ({@code stream.cleanSource}), but only some batches later; until then their tombstones have done
 * their work and may go with the rest of the user's lines (the erasure job), and files not among
 * them are still waiting for the stream (the servers' health).
 */
public final class ConsumedFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ConsumedFiles() {}

  /** Local paths of the files read by committed batches; empty when there is no local checkpoint. */
  public static Set<Path> read(String checkpointDir) {
    Path checkpoint = local(checkpointDir);
    Path log = checkpoint.resolve("sources").resolve("0");
    Path commits = checkpoint.resolve("commits");
    Set<Path> consumed = new HashSet<>();
    if (!Files.isDirectory(log)) {
      return consumed;
    }
    try (Stream<Path> entries = Files.list(log)) {
      for (Path f : entries.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
        for (String line : lines(f)) {
          if (!line.startsWith("{")) {
            continue; // the format version line
          }
          JsonNode e = JSON.readTree(line);
          boolean fileEntry = e.has("batchId") && e.has("path");
          if (fileEntry && Files.exists(commits.resolve(Long.toString(e.get("batchId").asLong())))) {
            consumed.add(local(e.get("path").asText()));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the stream's file log " + log, e);
    }
    return consumed;
  }

  private static List<String> lines(Path f) throws IOException {
    try {
      return Files.readAllLines(f);
    } catch (java.nio.file.NoSuchFileException compacted) {
      return List.of(); // replaced by a compaction while listed
    }
  }

  /** Whether the checkpoint is on this machine's filesystem, where {@link #read} can see it. */
  public static boolean isLocal(String checkpointDir) {
    return checkpointDir.startsWith("file:") || !checkpointDir.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
  }

  private static Path local(String location) {
    return location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
  }
}
