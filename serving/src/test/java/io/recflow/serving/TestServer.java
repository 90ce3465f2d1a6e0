package io.recflow.serving;

import io.javalin.Javalin;
import io.recflow.core.EventValidator;
import io.recflow.core.RecflowConfig;
import io.recflow.experiment.ExperimentPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A server on a free loopback port over a holder, with an event intake writing to a fresh landing
 * directory the test can inspect. Closing it stops the server, the intake and the holder.
 */
record TestServer(SnapshotHolder holder, Path landing, EventIntake intake, Javalin app, Http http)
    implements AutoCloseable {
  /** Bounds wide enough for the tests' long explained and diversified lists (the bounds have their own test). */
  static final QueryParams WIDE = new QueryParams(1000, 10_000, 1000, 1000);

  /** The stream's backlog in {@code landing}, as a server with no stream running sees it. */
  static StreamBacklog backlog(Path landing) {
    return new StreamBacklog(landing, landing.resolve("no-stream-checkpoint").toString(), Health.STALE_LIVE_MILLIS);
  }

  /** At most 100 events a request; bodies up to {@code maxBodyBytes}; no experiments. */
  static TestServer start(SnapshotHolder holder, Access access, int maxBodyBytes) throws Exception {
    return start(holder, access, maxBodyBytes, ExperimentPlan.NONE);
  }

  /** At most 100 events a request; bodies up to {@code maxBodyBytes}; running {@code plan}. */
  static TestServer start(SnapshotHolder holder, Access access, int maxBodyBytes, ExperimentPlan plan)
      throws Exception {
    Path landing = Files.createTempDirectory("recflow-landing-");
    EventIntake intake = intake(landing, 100);
    Javalin app = new RecServer(holder, intake, plan, backlog(landing), access, WIDE, maxBodyBytes).app().start(0);
    return new TestServer(holder, landing, intake, app, new Http(app.port()));
  }

  /** An intake into {@code landing}, its exposures into {@link #exposures} of it. */
  static EventIntake intake(Path landing, int maxEvents) {
    return new EventIntake(landing, exposures(landing), true, EventValidator.from(RecflowConfig.defaults()),
        maxEvents);
  }

  /** Where an intake made by {@link #intake} records exposures: beside {@code landing}. */
  static Path exposures(Path landing) {
    return landing.resolveSibling(landing.getFileName() + "-exposures");
  }

  /**
   * The exposure landing directory's lines, oldest file first, the open segment's included: they
   * are on disk, though the stream sees them only once the segment is rolled.
   */
  java.util.List<String> exposureLines() throws Exception {
    Path dir = exposures(landing);
    if (!Files.exists(dir)) {
      return java.util.List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      java.util.List<String> lines = new java.util.ArrayList<>();
      for (Path f : files.filter(f -> !f.getFileName().toString().endsWith(".tmp")).sorted().toList()) {
        lines.addAll(Files.readAllLines(f));
      }
      return lines;
    }
  }

  /** A holder with no model and no warehouse: for what is decided before a model is needed. */
  static SnapshotHolder empty() throws Exception {
    return new SnapshotHolder(Files.createTempDirectory("recflow-snapshots-"),
        new DeltaReader(Files.createTempDirectory("recflow-warehouse-").toString()));
  }

  /** How many files the intake has landed. */
  long landedFiles() throws Exception {
    try (Stream<Path> files = Files.list(landing)) {
      return files.count();
    }
  }

  @Override
  public void close() throws Exception {
    app.stop();
    intake.close();
    holder.close();
  }
}
