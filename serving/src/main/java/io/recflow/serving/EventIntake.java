package io.recflow.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.recflow.core.ErasureRequest;
import io.recflow.core.Event;
import io.recflow.core.EventJson;
import io.recflow.core.EventValidator;
import io.recflow.core.LandingFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes events posted to the server and makes them durable in the streaming job's landing
 * directory before they are acknowledged. Every event of a request is read and validated first
 * with core's {@link EventJson} and {@link EventValidator}, the same code as the nightly ingest and
 * the stream; one invalid event rejects the request, with every event's problem, and nothing of it
 * is written. Valid requests are group-committed: one writer thread takes every request waiting,
 * writes them as one landing file (fsync, atomic rename, fsync of the directory) and then completes
 * them all, so concurrent requests share the cost of the fsyncs.
 */
final class EventIntake implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventIntake.class);
  private static final JsonFactory JSON = new JsonFactory();
  /** A temporary landing file this old has no live writer (one renames its file within milliseconds). */
  private static final long ABANDONED_AFTER_MILLIS = 3_600_000;

  /** One event's problem, by its position in the request. */
  record Problem(int index, String reason) {}

  /** A request that cannot be accepted as it is. */
  static final class Invalid extends Exception {
    final transient List<Problem> problems;
    /** How many events the request carried, none of which was accepted. */
    final int events;

    Invalid(List<Problem> problems, int events) {
      super(problems.size() + " invalid event(s)");
      this.problems = problems;
      this.events = events;
    }

    Invalid(Problem wholeRequest) {
      this(List.of(wholeRequest), 1);
    }
  }

  private record Pending(List<String> lines, CompletableFuture<Void> done) {}

  private static final Pending END = new Pending(List.of(), new CompletableFuture<>());

  private final Path landingDir;
  private final EventValidator validator;
  private final int maxEvents;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile boolean closed;

  EventIntake(Path landingDir, EventValidator validator, int maxEvents) {
    try {
      int abandoned = LandingFile.removeAbandoned(landingDir, ABANDONED_AFTER_MILLIS);
      if (abandoned > 0) {
        LOG.info("removed {} temporary landing file(s) of writers killed mid-write", abandoned);
      }
    } catch (IOException e) {
      LOG.warn("cannot clean the landing directory {}: {}", landingDir, e.toString());
    }
    this.landingDir = landingDir;
    this.validator = validator;
    this.maxEvents = maxEvents;
    this.writer = new Thread(this::writeLoop, "recflow-event-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Validates a request body, one event object or an array of them, into events. Each event's text
   * goes through core's {@link EventJson} and {@link EventValidator}, as a line of a file or of the
   * landing directory does, so the server accepts exactly what the nightly ingest and the stream
   * accept.
   */
  List<Event> validate(String body, long nowMillis) throws Invalid {
    List<String> records = records(body);
    if (records.isEmpty() || records.size() > maxEvents) {
      throw new Invalid(new Problem(-1, "a request carries 1 to " + maxEvents + " events, this one "
          + records.size()));
    }
    List<Event> events = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      EventValidator.Result r = validator.validate(EventJson.parse("http", records.get(i)), nowMillis);
      if (r.accepted()) {
        events.add(r.event());
      } else {
        problems.add(new Problem(i, r.reason()));
      }
    }
    if (!problems.isEmpty()) {
      throw new Invalid(problems, records.size());
    }
    return events;
  }

  /**
   * The records of a body: the text of each element of a top-level array, exactly as sent, or the
   * whole body. An array that is not well-formed JSON is one problem for the whole request.
   */
  private static List<String> records(String body) throws Invalid {
    if (!body.stripLeading().startsWith("[")) {
      return List.of(body);
    }
    List<String> records = new ArrayList<>();
    try (JsonParser p = JSON.createParser(body)) {
      p.nextToken();
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          throw new Invalid(new Problem(-1, "not valid JSON: the array is not closed"));
        }
        int start = (int) p.currentTokenLocation().getCharOffset();
        p.skipChildren();
        records.add(body.substring(start, (int) p.currentLocation().getCharOffset()));
      }
      if (p.nextToken() != null) {
        throw new Invalid(new Problem(-1, "content after the array of events"));
      }
    } catch (JsonProcessingException e) {
      throw new Invalid(new Problem(-1, "not valid JSON: " + e.getOriginalMessage()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records;
  }

  /** Makes the events durable in the landing directory; the future completes once they are on disk. */
  CompletableFuture<Void> submit(List<Event> events) {
    return submitLines(events.stream().map(EventJson::toJson).toList());
  }

  /** Makes an erasure durable in the landing directory, ordered among the events around it. */
  CompletableFuture<Void> submit(ErasureRequest erasure) {
    return submitLines(List.of(erasure.toJson()));
  }

  private CompletableFuture<Void> submitLines(List<String> lines) {
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
        LandingFile.write(landingDir, lines);
        group.forEach(p -> p.done().complete(null));
      } catch (Exception e) {
        LOG.error("cannot write {} events to {}: {}", lines.size(), landingDir, e.toString());
        group.forEach(p -> p.done().completeExceptionally(e));
      }
    }
  }

  /** Stops taking events, writes those already submitted, then ends the writer. */
  @Override
  public void close() throws InterruptedException {
    closed = true;
    queue.add(END);
    writer.join(10_000);
  }
}
