package io.recflow.serving;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads a JSON request body under a hard byte cap, whatever the client declares. Javalin's own
 * limit trusts Content-Length, so a chunked body without one would be buffered whole; here the
 * stream is read in slices and abandoned at the first byte past the cap, so no request holds more
 * than the cap in memory. The text must be UTF-8: a body that is not is refused, not decoded into
 * replacement characters that would become ids.
 */
final class RequestBody {
  private static final int SLICE = 16 * 1024;

  private RequestBody() {}

  /**
   * The body as text. 415 unless the Content-Type is {@code application/json} (UTF-8, the JSON
   * default, or said so), 413 past {@code maxBytes}, 400 for bytes that are not UTF-8.
   */
  static String json(Context ctx, int maxBytes) throws IOException {
    requireJson(ctx.header("Content-Type"));
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw tooLarge(maxBytes);
    }
    byte[] bytes = read(ctx.req().getInputStream(), maxBytes);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new BadRequestResponse("the body is not valid UTF-8 text; send JSON encoded as UTF-8");
    }
  }

  private static void requireJson(String contentType) {
    if (contentType == null) {
      throw unsupported("no Content-Type header");
    }
    String[] parts = contentType.split(";");
    if (!parts[0].trim().toLowerCase(Locale.ROOT).equals("application/json")) {
      throw unsupported("Content-Type '" + contentType + "'");
    }
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim().toLowerCase(Locale.ROOT).replace("\"", "");
      if (p.startsWith("charset=") && !p.equals("charset=utf-8")) {
        throw unsupported("Content-Type '" + contentType + "' (only UTF-8 is read)");
      }
    }
  }

  /** Reads at most {@code max} bytes; one more is a 413, and the rest of the stream is never read. */
  static byte[] read(InputStream in, int max) throws IOException {
    byte[] buf = new byte[Math.min(max + 1, SLICE)];
    int n = 0;
    while (true) {
      if (n == buf.length) {
        if (n > max) {
          throw tooLarge(max);
        }
        buf = Arrays.copyOf(buf, Math.min(max + 1, buf.length * 2));
      }
      int r = in.read(buf, n, buf.length - n);
      if (r < 0) {
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
      }
      n += r;
      if (n > max) {
        throw tooLarge(max);
      }
    }
  }

  private static HttpResponseException tooLarge(int max) {
    return new HttpResponseException(HttpStatus.CONTENT_TOO_LARGE.getCode(),
        "the body is larger than serve.maxBodyBytes = " + max + " bytes; send fewer events per request");
  }

  private static HttpResponseException unsupported(String what) {
    return new HttpResponseException(HttpStatus.UNSUPPORTED_MEDIA_TYPE.getCode(),
        what + ": events are sent as JSON, with Content-Type: application/json");
  }
}
