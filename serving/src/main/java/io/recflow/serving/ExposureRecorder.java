package io.recflow.serving;

import io.recflow.experiment.Assignment;
import io.recflow.experiment.Exposure;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Records what a response showed before it is sent: gives the list a request id and makes its
 * exposure durable through the intake (as {@code serve.exposures} defines durable). A list whose
 * exposure cannot be recorded within {@link #WAIT_MILLIS} is still served, without a request id,
 * and counted: a user should not lose their recommendations to the log.
 */
final class ExposureRecorder {
  /** How long a response waits for its exposure before it is sent without a request id. */
  static final long WAIT_MILLIS = 2_000;
  private final EventIntake intake;
  private final ServerMetrics metrics;

  ExposureRecorder(EventIntake intake, ServerMetrics metrics) {
    this.intake = intake;
    this.metrics = metrics;
  }

  /**
   * The request id of the list {@code answer} describes once its exposure is recorded; empty when
   * exposures are off or it could not be recorded in time.
   */
  Optional<String> record(String userId, long nowMillis, Assignment assignment, String model,
                          Recommendations.Answer answer) {
    if (!intake.recordsExposures()) {
      return Optional.empty();
    }
    long start = System.nanoTime();
    String requestId = UUID.randomUUID().toString();
    Exposure exposure = new Exposure(requestId, userId, nowMillis, assignment.experiment(), assignment.variantName(),
        answer.modelVersion(), model, answer.ranker(), answer.shown(), answer.features());
    try {
      intake.submit(exposure).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
      metrics.exposed(assignment);
      return Optional.of(requestId);
    } catch (TimeoutException | ExecutionException e) {
      metrics.exposureLost();
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      metrics.exposureLost();
      return Optional.empty();
    } finally {
      metrics.exposureRecorded(System.nanoTime() - start);
    }
  }
}
