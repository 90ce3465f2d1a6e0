package io.recflow.serving;

import io.javalin.Javalin;
import io.recflow.core.ConfigException;
import io.recflow.core.EventValidator;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.experiment.ExperimentPlan;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/recflow serve}: the recommendation server. Serves the newest snapshot on disk at
 * once (warm start), loads the newest published model when there is none or a newer one, polls
 * for new versions every {@code serve.pollSeconds}, and reads live vectors and events every
 * {@code serve.liveTailMillis}. Ctrl-C stops it cleanly: requests in flight finish, and posted
 * events already accepted are written before the process ends.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "The recommendation server (HTTP, no Spark): see docs/serving.md.")
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Option(names = "--conf", paramLabel = "FILE",
      description = "Config profile (.properties). Default: conf/local.properties when it exists.")
  Path profile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one config key; repeatable.")
  Map<String, String> overrides = new LinkedHashMap<>();

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new ServeCommand());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
        cmd.getErr().println("recflow serve: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    int code = cli.execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    RecflowConfig config = RecflowConfig.loadOrLocal(profile, overrides);
    Server server = Server.start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "recflow-serve-shutdown"));
    System.out.println("recflow serve: listening on http://" + config.get(Settings.SERVE_HOST) + ":" + server.port()
        + " (GET /v1/users/{id}/recommendations, /v1/items/{id}/similar, /health, /metrics, /openapi.json)");
    return 0;
  }

  /** A running server: the HTTP app, the served snapshot and the background refreshers. */
  public static final class Server implements AutoCloseable {
    private final Javalin app;
    private final SnapshotHolder holder;
    private final EventIntake intake;
    private final ScheduledExecutorService timers;

    private Server(Javalin app, SnapshotHolder holder, EventIntake intake, ScheduledExecutorService timers) {
      this.app = app;
      this.holder = holder;
      this.intake = intake;
      this.timers = timers;
    }

    /** Starts serving what {@code config} names; returns once the port is open. */
    public static Server start(RecflowConfig config) throws Exception {
      String warehouse = config.get(Settings.WAREHOUSE);
      // A bad plan stops the server before it opens anything, with every problem listed.
      ExperimentPlan plan = ExperimentPlan.load(config.get(Settings.EXPERIMENTS_FILE));
      LOG.info("top-k: {}", ExactTopK.SIMD ? "simd (jdk.incubator.vector)" : "scalar (start the JVM with --add-modules "
          + "jdk.incubator.vector for the vector API)");
      DeltaReader reader = new DeltaReader(warehouse);
      SnapshotHolder holder = new SnapshotHolder(Path.of(config.get(Settings.SERVE_SNAPSHOT_DIR)), reader,
          new ModelSnapshot.Search(config.get(Settings.SERVE_ANN_MIN_ITEMS), config.get(Settings.SERVE_ANN_PROBES)),
          ServedRanking.from(config), config.get(Settings.SERVE_RETRY_SECONDS) * 1000L);
      holder.openExisting();
      String exposures = config.get(Settings.SERVE_EXPOSURES);
      EventIntake intake = new EventIntake(Path.of(config.landingDir()),
          exposures.equals("off") ? null : Path.of(config.exposureDir()), exposures.equals("durable"),
          EventValidator.from(config), config.get(Settings.SERVE_MAX_EVENTS));
      StreamBacklog backlog = new StreamBacklog(Path.of(config.landingDir()), config.streamCheckpointDir(),
          Health.STALE_LIVE_MILLIS);
      Javalin app = new RecServer(holder, intake, plan, backlog, Access.from(config), QueryParams.from(config),
          config.get(Settings.SERVE_MAX_BODY_BYTES)).app()
          .start(config.get(Settings.SERVE_HOST), config.get(Settings.SERVE_PORT));
      ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "recflow-refresh");
        t.setDaemon(true);
        return t;
      });
      // Model loads and live reads run on separate threads: a long load never stalls freshness.
      timers.scheduleWithFixedDelay(() -> quietly("model refresh", holder::refresh), 0,
          config.get(Settings.SERVE_POLL_SECONDS), TimeUnit.SECONDS);
      timers.scheduleWithFixedDelay(() -> quietly("live tail", holder::catchUp), 0,
          config.get(Settings.SERVE_LIVE_MILLIS), TimeUnit.MILLISECONDS);
      return new Server(app, holder, intake, timers);
    }

    public int port() {
      return app.port();
    }

    /** What it serves, for tests that drive a catch-up rather than wait for one. */
    SnapshotHolder holder() {
      return holder;
    }

    @Override
    public void close() {
      app.stop();
      timers.shutdownNow();
      try {
        timers.awaitTermination(30, TimeUnit.SECONDS);
        intake.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      holder.close();
    }

    private interface Step {
      void run() throws Exception;
    }

    private static void quietly(String what, Step step) {
      try {
        step.run();
      } catch (Exception e) {
        // A failed refresh must not cancel the schedule; the next run tries again.
        LOG.warn("{} failed: {}", what, e.toString());
      }
    }
  }
}
