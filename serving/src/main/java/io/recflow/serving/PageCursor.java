package io.recflow.serving;

import io.javalin.http.BadRequestResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The {@code cursor} of a recommendation page: the ids of the items earlier pages showed, so the
 * next page is the best items not shown yet. Opaque to clients (URL-safe base64 of a versioned
 * text); it holds ids rather than a position, so a user who acts between pages, or a model swap,
 * neither repeats an item nor skips one.
 */
final class PageCursor {
  /** Items a cursor may carry; deeper lists page by offset. */
  static final int MAX_ITEMS = 1000;
  private static final String FORMAT = "1|";
  private static final String SEPARATOR = "\u0001";

  private PageCursor() {}

  static String encode(List<String> shown) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((FORMAT + String.join(SEPARATOR, shown))
        .getBytes(StandardCharsets.UTF_8));
  }

  /** The ids a cursor carries; 400 when it is not one this server wrote. */
  static List<String> decode(String cursor) {
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (!text.startsWith(FORMAT)) {
      throw invalid();
    }
    String body = text.substring(FORMAT.length());
    List<String> ids = body.isEmpty() ? List.of() : List.of(body.split(SEPARATOR, -1));
    if (ids.size() > MAX_ITEMS) {
      throw new BadRequestResponse("cursor carries " + ids.size() + " items; at most " + MAX_ITEMS
          + " (page deeper with offset)");
    }
    return new ArrayList<>(ids);
  }

  private static BadRequestResponse invalid() {
    return new BadRequestResponse("cursor is not one this server returned; pass the cursor of the previous page "
        + "as it was, or leave it out for the first page");
  }
}
