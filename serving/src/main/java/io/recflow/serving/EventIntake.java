package io.recflow.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.recflow.core.ErasureRequest;
import io.recflow.core.Event;
import io.recflow.core.EventJson;
import io.recflow.core.EventValidator;
import io.recflow.experiment.Exposure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Makes what the server must not lose durable before it answers: events posted to it and erasures,
 * in the streaming job's landing directory, and the exposure of every list it shows, in the
 * exposure landing directory (the stream reads both). Every event of a request is read and validated first
 * with core's {@link EventJson} and {@link EventValidator}, the same code as the nightly ingest and
 * the stream; one invalid event rejects the request, with every event's problem, and nothing of it
 * is written. Valid requests are group-committed by a {@link LandingWriter}.
 */
final class EventIntake implements AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();

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

  private final LandingWriter writer;
  private final SegmentWriter exposures;
  private final EventValidator validator;
  private final int maxEvents;

  /**
   * With {@code exposureDir} null, no exposure is recorded (serve.exposures=off); with
   * {@code syncExposures}, each is forced to disk before it is acknowledged (durable), else it is
   * acknowledged once written and forced within a second (written).
   */
  EventIntake(Path landingDir, Path exposureDir, boolean syncExposures, EventValidator validator, int maxEvents) {
    this.writer = new LandingWriter(landingDir, "event");
    this.exposures = exposureDir == null ? null : new SegmentWriter(exposureDir, "exposure", syncExposures);
    this.validator = validator;
    this.maxEvents = maxEvents;
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
    return writer.submit(events.stream().map(EventJson::toJson).toList());
  }

  /** Makes an erasure durable in the landing directory, ordered among the events around it. */
  CompletableFuture<Void> submit(ErasureRequest erasure) {
    return writer.submit(List.of(erasure.toJson()));
  }

  /** Whether exposures are recorded. */
  boolean recordsExposures() {
    return exposures != null;
  }

  /** Makes an exposure durable in the exposure landing directory; only when {@link #recordsExposures()}. */
  CompletableFuture<Void> submit(Exposure exposure) {
    return exposures.submit(List.of(exposure.toJson()));
  }

  /** Stops taking events and exposures, writes those already submitted, then ends the writers. */
  @Override
  public void close() throws InterruptedException {
    writer.close();
    if (exposures != null) {
      exposures.close();
    }
  }
}
