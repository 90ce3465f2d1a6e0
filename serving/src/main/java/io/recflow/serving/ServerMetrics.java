package io.recflow.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.recflow.core.EventType;
import io.recflow.experiment.Assignment;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The server's metrics in Prometheus' text format (GET /metrics): request latency histograms by
 * route and status, the served model version and its age, how far the live overlay is behind the
 * warehouse, the events taken in, and the lists shown and events posted per experiment variant.
 */
final class ServerMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter eventsAccepted;
  private final Counter eventsRejected;
  private final Counter exposuresLost;
  private final Timer exposureTimer;

  ServerMetrics(SnapshotHolder holder) {
    Gauge.builder("recflow_snapshot_model_version", holder, h -> ofServed(h, s -> s.version(), -1.0))
        .description("Model version being served; -1 before the first is loaded").register(registry);
    Gauge.builder("recflow_snapshot_age_seconds", holder,
            h -> h.loadedAtMillis() == 0 ? Double.NaN : (System.currentTimeMillis() - h.loadedAtMillis()) / 1000.0)
        .description("Seconds since the served snapshot was opened").register(registry);
    Gauge.builder("recflow_live_lag_seconds", holder, h -> h.liveCaughtUpAtMillis() == 0 ? Double.NaN
            : (System.currentTimeMillis() - h.liveCaughtUpAtMillis()) / 1000.0)
        .description("Seconds since live vectors and events were last read up to the newest table version")
        .register(registry);
    Gauge.builder("recflow_search_recall_at_10", holder, h -> ofServed(h, ModelSnapshot::searchRecall, Double.NaN))
        .description("Recall@10 of the approximate index against exact search, measured at load; "
        + "1 for exact search").register(registry);
    Gauge.builder("recflow_model_refused", holder, h -> h.refusal().isPresent() ? 1 : 0)
        .description("1 when the newest published version was refused (see /health)").register(registry);
    Gauge.builder("recflow_erasures_held", holder, SnapshotHolder::erasuresHeld)
        .description("Erased users this server keeps out of what it loads, until their tombstones expire")
        .register(registry);
    eventsAccepted = Counter.builder("recflow_events_accepted").description("Events made durable in the landing "
        + "directory").register(registry);
    eventsRejected = Counter.builder("recflow_events_rejected").description("Posted events rejected as invalid")
        .register(registry);
    exposureTimer = Timer.builder("recflow_exposure_record").description("Time a request spent recording its "
        + "list's exposure").publishPercentiles(0.5, 0.99).distributionStatisticExpiry(Duration.ofSeconds(10))
        .distributionStatisticBufferLength(2).register(registry);
    exposuresLost = Counter.builder("recflow_exposures_unrecorded").description("Lists served without a request id "
        + "because their exposure could not be made durable in time").register(registry);
  }

  /** A figure of the snapshot being served, read under a lease so that a swap cannot close it meanwhile. */
  private static double ofServed(SnapshotHolder holder, ToDoubleFunction<ModelSnapshot> figure, double none) {
    return holder.acquire().map(l -> {
      try (l) {
        return figure.applyAsDouble(l.snapshot());
      }
    }).orElse(none);
  }

  /** Records one answered request; {@code route} is the route template, not the concrete path. */
  void request(String method, String route, int status, float millis) {
    Timer.builder("recflow_http_requests").description("HTTP requests by route and status")
        .tags("method", method, "route", route, "status", Integer.toString(status))
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry).record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
  }

  /**
   * One list shown and its exposure recorded, by experiment and variant ("none" outside every
   * experiment): with {@link #eventOf}, a dashboard's live click-through per variant.
   */
  void exposed(Assignment a) {
    Counter.builder("recflow_exposures").description("Lists shown whose exposure was recorded, by experiment and "
        + "variant").tags("experiment", orNone(a.experiment()), "variant", orNone(a.variantName()))
        .register(registry).increment();
  }

  /**
   * How long recording one list's exposure held its request (serialising, writing, waiting for
   * the disk as serve.exposures says): what experiments add to a request, measured without HTTP's
   * noise. Quantiles over the last few seconds, for bench/exposures.sh.
   */
  void exposureRecorded(long nanos) {
    exposureTimer.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A list served without a request id, because its exposure could not be made durable in time. */
  void exposureLost() {
    exposuresLost.increment();
  }

  /** One event posted to this server, by its user's experiment and variant now, and its type. */
  void eventOf(Assignment a, EventType type) {
    Counter.builder("recflow_experiment_events").description("Events posted to this server, by the experiment and "
        + "variant of their user, and type").tags("experiment", orNone(a.experiment()), "variant",
            orNone(a.variantName()), "event_type", type.wireName()).register(registry).increment();
  }

  private static String orNone(String s) {
    return s == null ? "none" : s;
  }

  void eventsAccepted(int n) {
    eventsAccepted.increment(n);
  }

  void eventsRejected(int n) {
    eventsRejected.increment(n);
  }

  String scrape() {
    return registry.scrape();
  }
}
