package io.recflow.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Real HTTP requests to a server on this machine's loopback, for the serving tests. Reads carry the
 * tests' read-and-write key ({@link TestKeys}) unless the client was made {@link #withoutKey}.
 */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private final int port;
  private final String readKey;

  Http(int port) {
    this(port, TestKeys.secret());
  }

  private Http(int port, String readKey) {
    this.port = port;
    this.readKey = readKey;
  }

  /** A client whose reads carry no key, as an anonymous caller's. */
  static Http withoutKey(int port) {
    return new Http(port, null);
  }

  HttpResponse<String> get(String path) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
    if (readKey != null) {
      b.header("X-Api-Key", readKey);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** GET with an API key. */
  HttpResponse<String> get(String path, String apiKey) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(uri(path)).header("X-Api-Key", apiKey).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** GET, asserting nothing: the parsed body. */
  JsonNode json(String path) throws Exception {
    return JSON.readTree(get(path).body());
  }

  HttpResponse<String> post(String path, String apiKey, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (apiKey != null) {
      b.header("X-Api-Key", apiKey);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** DELETE with an API key (none when null). */
  HttpResponse<String> delete(String path, String apiKey) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).DELETE();
    if (apiKey != null) {
      b.header("X-Api-Key", apiKey);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** POST with the body's exact bytes and the given Content-Type (none when null). */
  HttpResponse<String> post(String path, String apiKey, String contentType, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .header("X-Api-Key", apiKey);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Sends {@code request} as bytes on a fresh socket, exactly as written (for what a client
   * library refuses to send), then {@code body} from another thread while the answer is read;
   * returns the answer's text, status line first. A server that answers early and closes may cut
   * the body short; that is not an error here.
   */
  String raw(String request, java.io.InputStream body) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      var out = socket.getOutputStream();
      out.write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      out.flush();
      Thread sender = new Thread(() -> {
        try {
          body.transferTo(out);
          out.flush();
        } catch (java.io.IOException closedEarly) {
          // the server answered before the body ended
        }
      });
      sender.start();
      var answer = new java.io.ByteArrayOutputStream();
      try {
        socket.getInputStream().transferTo(answer);
      } catch (java.net.SocketException reset) {
        // a reset after the answer: keep what arrived
      }
      sender.interrupt();
      return answer.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** The itemId of each element of a JSON array. */
  static List<String> ids(JsonNode items) {
    List<String> out = new ArrayList<>();
    items.forEach(n -> out.add(n.get("itemId").asText()));
    return out;
  }
}
