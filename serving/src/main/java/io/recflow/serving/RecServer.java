package io.recflow.serving;

import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.ServiceUnavailableResponse;
import io.recflow.core.ErasureRequest;
import io.recflow.core.Event;
import io.recflow.core.EventValidator;
import io.recflow.experiment.Assignment;
import io.recflow.experiment.ExperimentPlan;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.rocksdb.RocksDBException;

/**
 * The HTTP API (documented for clients in {@code openapi.json}, served at /openapi.json). One
 * route table; handlers are small and throw Javalin's HTTP exceptions; one mapper turns every
 * failure into a JSON body {"error": ..., "status": ...}, so a client never sees a stack trace or
 * an HTML page.
 */
public final class RecServer {
  private final SnapshotHolder holder;
  private final EventIntake intake;
  private final ExperimentPlan plan;
  private final StreamBacklog backlog;
  private final Access access;
  private final QueryParams params;
  private final int maxBodyBytes;
  private final ServerMetrics metrics;
  private final ExposureRecorder exposures;

  RecServer(SnapshotHolder holder, EventIntake intake, ExperimentPlan plan, StreamBacklog backlog, Access access,
      QueryParams params, int maxBodyBytes) {
    this.holder = holder;
    this.intake = intake;
    this.plan = plan;
    this.backlog = backlog;
    this.access = access;
    this.params = params;
    this.maxBodyBytes = maxBodyBytes;
    this.metrics = new ServerMetrics(holder);
    this.exposures = new ExposureRecorder(intake, metrics);
  }

  /** The configured server, not started. */
  public Javalin app() {
    Javalin app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.http.maxRequestSize = maxBodyBytes;
      config.http.prefer405over404 = true;
      config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
      config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new JsonErrorHandler()));
      config.requestLogger.http((ctx, ms) -> metrics.request(ctx.method().name(), route(ctx), ctx.statusCode(), ms));
    });
    app.get("/health", this::health);
    app.get("/ready", this::ready);
    app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    app.get("/openapi.json", this::openApi);
    app.beforeMatched(access::check);
    app.get("/v1/users/{id}/recommendations", this::recommendations, Access.READ);
    app.get("/v1/recommendations", this::sessionRecommendations, Access.READ);
    app.get("/v1/items/{id}/similar", this::similar, Access.READ);
    app.get("/v1/experiments", this::experiments, Access.READ);
    app.post("/v1/events", this::events, Access.WRITE);
    app.delete("/v1/users/{id}", this::erase, Access.ADMIN);
    app.exception(HttpResponseException.class, (e, ctx) -> {
      if (e instanceof MethodNotAllowedResponse) {
        // Javalin lists the path's methods as the details' one value.
        e.getDetails().values().stream().findFirst().ifPresent(methods -> ctx.header("Allow", methods));
      }
      error(ctx, HttpStatus.forStatus(e.getStatus()), e.getMessage());
    });
    app.exception(Exception.class, (e, ctx) -> error(ctx, HttpStatus.INTERNAL_SERVER_ERROR,
        "internal error: " + e.getClass().getSimpleName()));
    app.error(HttpStatus.NOT_FOUND, ctx -> {
      if (ctx.result() == null || !ctx.result().startsWith("{")) {
        error(ctx, HttpStatus.NOT_FOUND, "no route " + ctx.method() + " " + ctx.path());
      }
    });
    return app;
  }

  /**
   * GET /health: always 200 while the process runs. "status" is ok, degraded or starting, with
   * "reasons" (among them landing files the stream has not taken); then what is served, its age,
   * how far live state lags and any refused version.
   * Filesystem paths only for a caller with an admin key: the server's log has them too.
   */
  private void health(Context ctx) {
    ctx.json(Health.of(holder, backlog, access.isAdmin(ctx)));
  }

  /** GET /ready: 200 once a model is served, 503 before. */
  private void ready(Context ctx) {
    try (SnapshotHolder.Lease l = lease()) {
      ctx.json(Map.of("ready", true, "modelVersion", l.snapshot().version()));
    }
  }

  private void openApi(Context ctx) throws Exception {
    try (var in = RecServer.class.getResourceAsStream("/openapi.json")) {
      ctx.contentType("application/json").result(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /**
   * GET /v1/users/{id}/recommendations (read scope, unless reads are public): the user's list,
   * ranked by the two-stage pipeline. Query: k (1 to serve.maxK, default 10), cursor (the previous
   * page's "cursor": the best items not shown yet, never repeating or skipping one even if the user
   * acts between pages), offset (0 to serve.maxOffset, default 0: the items after the first offset
   * of the list, the same while the user's state is), excludeSeen (default true), exclude
   * (comma-separated item ids never to list), attribute (repeatable; items must carry every one),
   * diversity (0-1, MMR; default 0; offset + k at most serve.maxDiverseItems), explore (true/false;
   * default true: a share of the slots goes to new items, and in a share of lists one slot is drawn
   * among the best few, so a page's order may differ between two asks, never its items; false gives
   * the ranker's order alone), explain (default false; read scope always; k at most
   * serve.maxExplainedItems: adds "reasons", each source with its evidence, and "because", the
   * history items that contributed most to the ALS score), recent (comma-separated item ids,
   * newest first: items the user acted on that the server may not know of yet, such as a
   * cold-start user's), model (served, the default: the
   * two-stage ranking; or one source alone in its own order, for comparisons and experiments:
   * sequence, 503 when the served version has none; als; popular). Each item names its "sources";
   * explored items say so. The answer's "strategy" says where the user's vector came from (live,
   * als, fold-in, recent or popular), "ranker" whether a trained ranker, the ALS order or a single
   * model's score ordered it;
   * "requestId" identifies the list once its exposure is durable (events may carry it back), and
   * "experiment" and "variant" say which arm of the experiments (experiments.file) served it, whose
   * settings fill in the parameters the request leaves unset. 400
   * for a bad parameter or one past its bound, 401/403/429 (see {@link Access}), 503 before a model
   * is loaded.
   */
  private void recommendations(Context ctx) throws RocksDBException {
    answer(ctx, ctx.pathParam("id"));
  }

  /**
   * GET /v1/recommendations?recent=...: an anonymous session's list, from the items it acted on
   * (recent, comma-separated, newest first; required) alone: the sequence model reads them in order,
   * the other sources as a cold-start user's items. Takes every parameter of the user route but
   * excludeSeen, which is always true here; the answer has no userId. 400 without recent.
   */
  private void sessionRecommendations(Context ctx) throws RocksDBException {
    if (QueryParams.ids(ctx, "recent").isEmpty()) {
      throw new BadRequestResponse("recent is required: the session's item ids, newest first (or ask "
          + "/v1/users/{id}/recommendations for a known user)");
    }
    answer(ctx, null);
  }

  /**
   * Answers with the list and records its exposure. The response carries a "requestId" only once
   * the exposure is durable, so every request id a client holds has its exposure on disk; if the
   * exposure cannot be written in time the list is still served, without one (and counted), since
   * a user should not lose their recommendations to the log. "experiment" and "variant" say which
   * arm served it ("holdout" for the global holdout).
   */
  private void answer(Context ctx, String userId) throws RocksDBException {
    long now = System.currentTimeMillis();
    Assignment assignment = plan.assign(userId, Instant.ofEpochMilli(now));
    Recommendations.Request r = params.request(ctx, userId, assignment);
    Recommendations.Answer a;
    try (SnapshotHolder.Lease l = lease()) {
      a = Recommendations.answer(l, holder.ranking(), r);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    exposures.record(userId, now, assignment, r.model().wireName(), a).ifPresent(id -> body.put("requestId", id));
    if (assignment.variantName() != null) {
      body.put("experiment", assignment.experiment());
      body.put("variant", assignment.variantName());
    }
    body.putAll(a.body());
    ctx.json(body);
  }

  /**
   * GET /v1/experiments (read scope, unless reads are public): the experiment plan this server
   * runs: the global holdout's share and each experiment with its times, slice of users, variants
   * (share and settings) and whether it is running now. The salt is not shown.
   */
  private void experiments(Context ctx) {
    ctx.json(ExperimentListing.of(plan, Instant.now()));
  }

  /**
   * GET /v1/items/{id}/similar?k=10&by=content|cf: the item's most similar items by text
   * embedding (content, the default) or by ALS factors (cf), as computed by the nightly job,
   * leaving out items the catalog withdrew or let expire. 404 for an item the model and catalog do
   * not know; 400 for a bad parameter.
   */
  private void similar(Context ctx) throws RocksDBException {
    int k = params.k(ctx);
    String by = ctx.queryParamAsClass("by", String.class).getOrDefault("content");
    if (!by.equals("content") && !by.equals("cf")) {
      throw new BadRequestResponse("by must be content or cf, got '" + by + "'");
    }
    String id = ctx.pathParam("id");
    try (SnapshotHolder.Lease l = lease()) {
      ModelSnapshot s = l.snapshot();
      if (s.items().row(id) < 0 && s.info(id).isEmpty()) {
        throw new NotFoundResponse("unknown item '" + id + "'");
      }
      long now = System.currentTimeMillis();
      List<ModelSnapshot.Scored> all = new ArrayList<>();
      for (ModelSnapshot.Scored n : s.neighbors(by, id)) {
        if (s.servable(n.itemId(), now)) {
          all.add(n);
        }
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("itemId", id);
      body.put("modelVersion", s.version());
      body.put("by", by);
      body.put("items", all.subList(0, Math.min(k, all.size())));
      ctx.json(body);
    }
  }

  /**
   * POST /v1/events with header X-Api-Key (write scope): one event object or an array of them, with
   * the fields event_id (optional), user_id, item_id, event_type, value (ratings), ts. 202 with the
   * events' ids once they are durable in the streaming job's landing directory; 400 with every
   * invalid event's problem (nothing is written then), for a body that is not UTF-8 or not exactly
   * one JSON object or array; 401 without a valid key; 403 for a key without the write scope or
   * when none is configured; 413 for a body over serve.maxBodyBytes, however it is sent; 415 unless
   * the Content-Type is application/json; 429 past serve.rateLimit; 503 when they could not be made
   * durable.
   * Accepted events apply at once to this server's view of their users (their next list follows
   * them); other replicas see them through the live tail.
   */
  private void events(Context ctx) throws Exception {
    String body = RequestBody.json(ctx, maxBodyBytes);
    if (body.isBlank()) {
      throw new BadRequestResponse("the body is empty; send one event object or an array of them");
    }
    List<Event> events;
    try {
      events = intake.validate(body, System.currentTimeMillis());
    } catch (EventIntake.Invalid e) {
      metrics.eventsRejected(e.events);
      ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "invalid events; none was accepted",
          "status", 400, "problems", e.problems));
      return;
    }
    try {
      intake.submit(events).get(10, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new ServiceUnavailableResponse("the events could not be made durable; nothing was acknowledged, retry");
    }
    holder.acquire().ifPresent(l -> {
      try (l) {
        l.live().applyPosted(events);
      }
    });
    metrics.eventsAccepted(events.size());
    Instant now = Instant.now();
    events.forEach(e -> metrics.eventOf(plan.assign(e.userId(), now), e.type()));
    ctx.status(HttpStatus.ACCEPTED).json(Map.of("accepted", events.size(),
        "eventIds", events.stream().map(Event::eventId).toList()));
  }

  /**
   * DELETE /v1/users/{id}: erases a user; needs an admin key. 202 with the erasure's id once the
   * request is durable in the feed. From then on this server answers for the user as for one it has
   * never seen; the stream drops their state and in-flight events, other servers follow within
   * their catch-up, and the warehouse loses their rows at the next nightly run or
   * {@code bin/recflow forget} (docs/operations.md says when the data is physically gone). Events
   * posted later under the same id start a new user. 400 for an id no event could carry; 401 or 403
   * without an admin key; 503 when the request could not be made durable.
   */
  private void erase(Context ctx) throws Exception {
    String userId = ctx.pathParam("id");
    String problem = EventValidator.checkId("user id", userId);
    if (problem != null) {
      throw new BadRequestResponse(problem);
    }
    ErasureRequest r = ErasureRequest.now(userId, Access.callerName(ctx));
    try {
      intake.submit(r).get(10, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new ServiceUnavailableResponse("the erasure could not be made durable; nothing was erased, retry");
    }
    holder.erase(r);
    ctx.status(HttpStatus.ACCEPTED).json(Map.of("erasureId", r.erasureId(), "userId", userId,
        "requestedAt", java.time.Instant.ofEpochMilli(r.requestedAtMillis()).toString()));
  }

  /** The route template a request matched (bounded label values for metrics), or "unmatched". */
  private static String route(Context ctx) {
    try {
      return ctx.endpointHandlerPath();
    } catch (IllegalStateException noEndpoint) {
      return "unmatched";
    }
  }

  private SnapshotHolder.Lease lease() {
    return holder.acquire().orElseThrow(() -> new ServiceUnavailableResponse(
        "no model is loaded yet: the server is loading one, or none is published (run bin/recflow batch)"));
  }

  private static void error(Context ctx, HttpStatus status, String message) {
    ctx.status(status).json(Map.of("error", message, "status", status.getCode()));
  }
}
