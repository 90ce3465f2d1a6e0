package io.recflow.serving;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.experiment.Assignment;
import io.recflow.experiment.Variant;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a recommendation request's query parameters into a {@link Recommendations.Request}, each
 * checked, and bounds the work one request may ask for: how many items (k), how deep (offset), and
 * over how many items the costly extras run (MMR diversity grows with the square of the list;
 * explanations cost a solve per item). A request past a bound gets 400 saying which, never a slow
 * answer.
 *
 * @param maxK largest k
 * @param maxOffset deepest page start
 * @param maxDiverse most items (offset + k) a diversified list may have
 * @param maxExplained most items one request may have explained
 */
record QueryParams(int maxK, int maxOffset, int maxDiverse, int maxExplained) {
  /** Most ids a request's {@code recent} parameter may name. */
  static final int MAX_RECENT = 100;
  /** Most item ids one request may exclude. */
  static final int MAX_EXCLUDE = 1000;

  static QueryParams from(RecflowConfig c) {
    return new QueryParams(c.get(Settings.SERVE_MAX_K), c.get(Settings.SERVE_MAX_OFFSET),
        c.get(Settings.SERVE_MAX_DIVERSE), c.get(Settings.SERVE_MAX_EXPLAINED));
  }

  /** The bounds at their defaults. */
  static QueryParams defaults() {
    return from(RecflowConfig.defaults());
  }

  /**
   * The request of {@code userId} (null for an anonymous session) as the query string asks, under
   * the user's experiment assignment: a variant's model and diversity fill in what the query
   * leaves unset (an explicit parameter wins, as a client comparing models expects); its diversity
   * only where the list is within serve.maxDiverseItems.
   */
  Recommendations.Request request(Context ctx, String userId, Assignment assignment) {
    Variant variant = assignment.variant();
    List<String> recent = ids(ctx, "recent");
    if (recent.size() > MAX_RECENT) {
      throw new BadRequestResponse("recent names " + recent.size() + " items; at most " + MAX_RECENT);
    }
    List<String> exclude = ids(ctx, "exclude");
    if (exclude.size() > MAX_EXCLUDE) {
      throw new BadRequestResponse("exclude names " + exclude.size() + " items; at most " + MAX_EXCLUDE);
    }
    Boolean explore = ctx.queryParam("explore") == null ? null : bool(ctx, "explore", true);
    String cursor = ctx.queryParam("cursor");
    if (cursor != null && ctx.queryParam("offset") != null) {
      throw new BadRequestResponse("give cursor or offset, not both");
    }
    int k = k(ctx);
    int offset = integer(ctx, "offset", 0, 0, maxOffset);
    double diversity = fraction(ctx, "diversity");
    if (ctx.queryParam("diversity") == null && variant != null && variant.diversity() != null
        && offset + k <= maxDiverse) {
      diversity = variant.diversity();
    }
    if (diversity > 0 && offset + k > maxDiverse) {
      throw new BadRequestResponse("diversity re-orders at most serve.maxDiverseItems = " + maxDiverse
          + " items (offset + k), this list has " + (offset + k) + "; ask for fewer, or without diversity");
    }
    boolean explain = bool(ctx, "explain", false);
    if (explain && k > maxExplained) {
      throw new BadRequestResponse("explain=true explains at most serve.maxExplainedItems = " + maxExplained
          + " items, k is " + k + "; ask for fewer, or without explain");
    }
    return new Recommendations.Request(userId, k, offset,
        cursor == null || cursor.isBlank() ? List.of() : PageCursor.decode(cursor), bool(ctx, "excludeSeen", true),
        exclude, ctx.queryParams("attribute"), diversity, explain, recent, explore, model(ctx, variant), assignment);
  }

  int k(Context ctx) {
    return integer(ctx, "k", 10, 1, maxK);
  }

  static List<String> ids(Context ctx, String name) {
    String v = ctx.queryParam(name);
    return v == null || v.isBlank() ? List.of()
        : Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static Recommendations.Model model(Context ctx, Variant variant) {
    String v = ctx.queryParam("model");
    if (v == null && variant != null) {
      v = variant.model();
    }
    if (v == null) {
      return Recommendations.Model.SERVED;
    }
    for (Recommendations.Model m : Recommendations.Model.values()) {
      if (m.wireName().equals(v)) {
        return m;
      }
    }
    throw new BadRequestResponse("model must be served, sequence, als or popular, got '" + v + "'");
  }

  private static int integer(Context ctx, String name, int def, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return def;
    }
    try {
      int i = Integer.parseInt(v.trim());
      if (i >= min && i <= max) {
        return i;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new BadRequestResponse(name + " must be an integer from " + min + " to " + max + ", got '" + v + "'");
  }

  private static double fraction(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return 0;
    }
    try {
      double d = Double.parseDouble(v.trim());
      if (d >= 0 && d <= 1) {
        return d;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new BadRequestResponse(name + " must be a number from 0 to 1, got '" + v + "'");
  }

  private static boolean bool(Context ctx, String name, boolean def) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return def;
    }
    if (!v.equals("true") && !v.equals("false")) {
      throw new BadRequestResponse(name + " must be true or false, got '" + v + "'");
    }
    return Boolean.parseBoolean(v);
  }
}
