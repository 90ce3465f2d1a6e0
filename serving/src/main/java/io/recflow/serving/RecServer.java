package io.recflow.serving;

import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.validation.ValidationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.rocksdb.RocksDBException;

/**
 * The HTTP API. One route table; handlers are small and throw Javalin's HTTP exceptions; one
 * mapper turns every failure into a JSON body {"error": ..., "status": ...}, so a client never
 * sees a stack trace or an HTML page.
 */
public final class RecServer {
  /** Largest k a request may ask for. */
  static final int MAX_K = 1000;

  private final Supplier<ModelSnapshot> snapshot;

  public RecServer(Supplier<ModelSnapshot> snapshot) {
    this.snapshot = snapshot;
  }

  /** The configured server, not started. */
  public Javalin app() {
    Javalin app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.http.maxRequestSize = 1_000_000;
    });
    app.get("/health", this::health);
    app.get("/v1/users/{id}/recommendations", this::recommendations);
    app.exception(ValidationException.class, (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST,
        "invalid request: " + e.getErrors()));
    app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, HttpStatus.forStatus(e.getStatus()),
        e.getMessage()));
    app.exception(Exception.class, (e, ctx) -> error(ctx, HttpStatus.INTERNAL_SERVER_ERROR,
        "internal error: " + e.getClass().getSimpleName()));
    app.error(HttpStatus.NOT_FOUND, ctx -> {
      if (ctx.result() == null || !ctx.result().startsWith("{")) {
        error(ctx, HttpStatus.NOT_FOUND, "no route " + ctx.method() + " " + ctx.path());
      }
    });
    return app;
  }

  /** GET /health: 200 with the served model version. */
  private void health(Context ctx) {
    ctx.json(Map.of("status", "ok", "modelVersion", snapshot.get().version()));
  }

  /**
   * GET /v1/users/{id}/recommendations?k=10: the user's top-k unseen items by the served model.
   * A user the model does not know gets the most popular items ({@code "strategy": "popular"}).
   * 400 when k is not an integer in [1, 1000].
   */
  private void recommendations(Context ctx) throws RocksDBException {
    int k = ctx.queryParamAsClass("k", Integer.class).getOrDefault(10);
    if (k < 1 || k > MAX_K) {
      throw new BadRequestResponse("k must be between 1 and " + MAX_K + ", got " + k);
    }
    ModelSnapshot s = snapshot.get();
    String user = ctx.pathParam("id");
    Optional<float[]> vector = s.userVector(user);
    List<ModelSnapshot.Scored> items = vector.isPresent() ? s.recommend(vector.get(), s.seen(user), k) : s.popular(k);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("userId", user);
    body.put("modelVersion", s.version());
    body.put("strategy", vector.isPresent() ? "als" : "popular");
    body.put("items", items);
    ctx.json(body);
  }

  private static void error(Context ctx, HttpStatus status, String message) {
    ctx.status(status).json(Map.of("error", message, "status", status.getCode()));
  }
}
