package io.recflow.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recflow.core.Event;
import io.recflow.core.EventValidator;
import io.recflow.core.LandingFile;
import io.recflow.core.RawEvent;
import io.recflow.core.Tables.Col;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes events posted to the server and makes them durable in the streaming job's landing
 * directory before they are acknowledged. Every event of a request is validated with core's
 * {@link EventValidator} first (the same rules as the nightly ingest and the stream); one invalid
 * event rejects the request, with every event's problem, and nothing of it is written. Valid
 * requests are group-committed: one writer thread takes every request waiting, writes them as one
 * landing file (fsync, atomic rename, fsync of the directory) and then completes them all, so
 * concurrent requests share the cost of the fsyncs.
 */
final class EventIntake implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventIntake.class);
  private static final Set<String> FIELDS =
      Set.of(Col.EVENT_ID, Col.USER_ID, Col.ITEM_ID, Col.EVENT_TYPE, Col.VALUE, Col.TS);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One event's problem, by its position in the request. */
  record Problem(int index, String reason) {}

  /** A request that cannot be accepted as it is. */
  static final class Invalid extends Exception {
    final transient List<Problem> problems;

    Invalid(List<Problem> problems) {
      super(problems.size() + " invalid event(s)");
      this.problems = problems;
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
    this.landingDir = landingDir;
    this.validator = validator;
    this.maxEvents = maxEvents;
    this.writer = new Thread(this::writeLoop, "recflow-event-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /** Validates a request body (one event object or an array of them) into events. */
  List<Event> validate(JsonNode body, long nowMillis) throws Invalid {
    List<JsonNode> nodes = new ArrayList<>();
    if (body.isArray()) {
      body.forEach(nodes::add);
    } else {
      nodes.add(body);
    }
    if (nodes.isEmpty() || nodes.size() > maxEvents) {
      throw new Invalid(List.of(new Problem(-1, "a request carries 1 to " + maxEvents + " events, this one "
          + nodes.size())));
    }
    List<Event> events = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      JsonNode n = nodes.get(i);
      String problem = shape(n);
      if (problem == null) {
        EventValidator.Result r = validator.validate(new RawEvent("http", n.toString(), text(n, Col.EVENT_ID),
            text(n, Col.USER_ID), text(n, Col.ITEM_ID), text(n, Col.EVENT_TYPE), text(n, Col.VALUE), text(n, Col.TS)),
            nowMillis);
        problem = r.reason();
        if (r.accepted()) {
          events.add(r.event());
        }
      }
      if (problem != null) {
        problems.add(new Problem(i, problem));
      }
    }
    if (!problems.isEmpty()) {
      throw new Invalid(problems);
    }
    return events;
  }

  private static String shape(JsonNode n) {
    if (!n.isObject()) {
      return "an event must be a JSON object, not " + n.getNodeType().toString().toLowerCase();
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        return "unknown field '" + f + "' (fields: " + String.join(", ", FIELDS.stream().sorted().toList()) + ")";
      }
      JsonNode v = n.get(f);
      if (!v.isNull() && !v.isValueNode()) {
        return "field '" + f + "' must be a string or a number";
      }
    }
    return null;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** Makes the events durable in the landing directory; the future completes once they are on disk. */
  CompletableFuture<Void> submit(List<Event> events) {
    List<String> lines = new ArrayList<>(events.size());
    for (Event e : events) {
      ObjectNode o = JSON.createObjectNode();
      o.put(Col.EVENT_ID, e.eventId()).put(Col.USER_ID, e.userId()).put(Col.ITEM_ID, e.itemId())
          .put(Col.EVENT_TYPE, e.type().wireName());
      if (e.value() != null) {
        o.put(Col.VALUE, e.value());
      }
      o.put(Col.TS, Instant.ofEpochMilli(e.tsMillis()).toString());
      lines.add(o.toString());
    }
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
