package io.recflow.serving;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.security.RouteRole;
import io.recflow.core.ApiKey;
import io.recflow.core.ApiKey.Scope;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call which route. A route names the scope it needs ({@link Needs}); a caller proves it
 * with the X-Api-Key header, checked against the salted hashes of {@code serve.keys}. Reads need
 * the read scope unless the operator opened them ({@code serve.publicReads}); explanations always
 * need it, since they list the user's history. Every caller is rate limited: a key by its name, a
 * keyless public read by its client address.
 */
final class Access {
  private static final Logger LOG = LoggerFactory.getLogger(Access.class);
  static final String HEADER = "X-Api-Key";
  private static final String CALLER = "recflow.caller";

  /** The scope a route needs, as Javalin's route role. */
  record Needs(Scope scope) implements RouteRole {}

  static final Needs READ = new Needs(Scope.READ);
  static final Needs WRITE = new Needs(Scope.WRITE);
  static final Needs ADMIN = new Needs(Scope.ADMIN);

  private final List<ApiKey> keys;
  private final boolean publicReads;
  private final RateLimit limit;

  Access(List<ApiKey> keys, boolean publicReads, int perSecond) {
    this.keys = List.copyOf(keys);
    this.publicReads = publicReads;
    this.limit = new RateLimit(perSecond);
  }

  static Access from(RecflowConfig config) {
    boolean open = config.get(Settings.SERVE_PUBLIC_READS);
    if (open) {
      LOG.warn("serve.publicReads=true: anyone who can reach this server may read any user's recommendations, "
          + "which reveal what they did (explanations still need a key with the read scope)");
    }
    return new Access(ApiKey.parseAll(config.get(Settings.SERVE_KEYS)), open, config.get(Settings.SERVE_RATE_LIMIT));
  }

  /** Javalin's before-handler of every matched route: 401, 403 or 429 unless the caller may go on. */
  void check(Context ctx) {
    Needs needs = ctx.routeRoles().stream().filter(Needs.class::isInstance).map(Needs.class::cast).findFirst()
        .orElse(null);
    if (needs == null) {
      return; // health, readiness, metrics and the API document are open
    }
    Optional<ApiKey> key = caller(ctx);
    boolean explain = "true".equals(ctx.queryParam("explain"));
    if (key.isEmpty()) {
      if (needs.scope() == Scope.READ && publicReads && !explain) {
        limit.acquire("address " + ctx.ip(), ctx);
        return;
      }
      if (keys.stream().noneMatch(k -> k.allows(needs.scope()))) {
        throw new ForbiddenResponse(what(needs, explain) + " is closed: no key with the " + needs.scope().wireName()
            + " scope is configured. Make one with bin/recflow keys new --scopes " + needs.scope().wireName()
            + " and add its entry to serve.keys.");
      }
      throw new UnauthorizedResponse(what(needs, explain) + " needs an API key with the " + needs.scope().wireName()
          + " scope in the " + HEADER + " header");
    }
    if (!key.get().allows(needs.scope())) {
      throw new ForbiddenResponse("key '" + key.get().name() + "' lacks the " + needs.scope().wireName() + " scope");
    }
    limit.acquire("key " + key.get().name(), ctx);
    ctx.attribute(CALLER, key.get().name());
  }

  /** The name of the key the request came with, once checked; "public" for a keyless public read. */
  static String callerName(Context ctx) {
    String name = ctx.attribute(CALLER);
    return name == null ? "public" : name;
  }

  /** Whether the caller holds a key with the admin scope (which sees paths in /health); an open route's question. */
  boolean isAdmin(Context ctx) {
    String given = ctx.header(HEADER);
    return given != null && find(given).map(k -> k.allows(Scope.ADMIN)).orElse(false);
  }

  /** The caller's key; empty without the header, 401 for a key that is not configured. */
  private Optional<ApiKey> caller(Context ctx) {
    String given = ctx.header(HEADER);
    if (given == null) {
      return Optional.empty();
    }
    return Optional.of(find(given).orElseThrow(() -> new UnauthorizedResponse("invalid API key")));
  }

  private Optional<ApiKey> find(String given) {
    ApiKey found = null;
    // Every key is compared, so the time taken does not tell which one nearly matched.
    for (ApiKey k : keys) {
      if (k.matches(given) && found == null) {
        found = k;
      }
    }
    return Optional.ofNullable(found);
  }

  private static String what(Needs needs, boolean explain) {
    return switch (needs.scope()) {
      case READ -> explain ? "explain=true" : "reading recommendations";
      case WRITE -> "event ingest";
      case ADMIN -> "this administrative route";
    };
  }
}
