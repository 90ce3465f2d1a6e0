package io.recflow.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own errors as the server's JSON error body. Some requests never reach a route: a URI or
 * header block too long (414, 431), a path Jetty will not decode (400), a body it refuses. Jetty
 * answers those itself, with an HTML page by default; a client of this API should parse every
 * error the same way, so they get {"error": ..., "status": ...} too.
 */
final class JsonErrorHandler extends ErrorHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Errors found while parsing the request line and headers, before any handler runs. */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    return ByteBuffer.wrap(body(status, reason).getBytes(StandardCharsets.UTF_8));
  }

  /** Errors Jetty raises once the request is parsed, such as an ambiguous or undecodable path. */
  @Override
  protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
      HttpServletResponse response, int code, String message) throws IOException {
    response.setContentType("application/json");
    response.setCharacterEncoding("utf-8");
    response.getWriter().write(body(code, message));
    baseRequest.setHandled(true);
  }

  static String body(int status, String reason) {
    Map<String, Object> body = new LinkedHashMap<>();
    String message = reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason;
    body.put("error", message + explanation(status));
    body.put("status", status);
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String explanation(int status) {
    return switch (status) {
      case 414 -> ": the request line is too long; send fewer or shorter query parameters";
      case 431 -> ": the request's headers are too large";
      default -> "";
    };
  }
}
