package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server refuses what it cannot take exactly, with the JSON error body and the right status,
 * however the request is malformed: at the event intake, in the HTTP method and media type, and in
 * the errors Jetty raises before any route runs. No model is needed for any of it.
 */
class StrictInputIT {
  private static final String KEY = TestKeys.secret();
  private static final int CAP = 100_000;
  private static final String VIEW = "{\"user_id\":\"u7\",\"item_id\":\"i9\",\"event_type\":\"view\",\"ts\":1767300000}";
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(TestServer.empty(), TestKeys.publicReads(), CAP);
    http = server.http();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static JsonNode errorOf(String rawAnswer) throws Exception {
    return Http.JSON.readTree(rawAnswer.substring(rawAnswer.indexOf("\r\n\r\n") + 4));
  }

  @Test
  void bodiesALenientReaderWouldHalfReadAreRefusedAndNothingIsWritten() throws Exception {
    Map<String, byte[]> bodies = Map.of(
        "trailing garbage", (VIEW + " and more").getBytes(StandardCharsets.UTF_8),
        "two objects", (VIEW + VIEW).getBytes(StandardCharsets.UTF_8),
        "an array and more", ("[" + VIEW + "] []").getBytes(StandardCharsets.UTF_8),
        "a view with a value", VIEW.replace("}", ",\"value\":\"abc\"}").getBytes(StandardCharsets.UTF_8),
        "a boolean user id", VIEW.replace("\"u7\"", "true").getBytes(StandardCharsets.UTF_8),
        "a fractional item id", VIEW.replace("\"i9\"", "9.5").getBytes(StandardCharsets.UTF_8),
        "a key in another case", VIEW.replace("user_id", "User_ID").getBytes(StandardCharsets.UTF_8),
        "invalid UTF-8 in an id", invalidUtf8InUserId());
    long before = server.landedFiles();
    for (var e : bodies.entrySet()) {
      HttpResponse<String> r = http.post("/v1/events", KEY, "application/json", e.getValue());
      assertEquals(400, r.statusCode(), e.getKey() + ": " + r.body());
      assertEquals(400, Http.JSON.readTree(r.body()).get("status").asInt(), e.getKey());
    }
    assertEquals(before, server.landedFiles(), "a refused request wrote events");
    assertEquals(202, http.post("/v1/events", KEY, "application/json", VIEW.getBytes(StandardCharsets.UTF_8))
        .statusCode(), "the well-formed event the others were made from is accepted");
  }

  private static byte[] invalidUtf8InUserId() {
    byte[] body = VIEW.getBytes(StandardCharsets.UTF_8);
    int at = VIEW.indexOf("u7");
    byte[] out = Arrays.copyOf(body, body.length);
    out[at + 1] = (byte) 0xC3; // a lead byte with no continuation byte after it
    return out;
  }

  @Test
  void eventsMustBeSentAsJsonInUtf8() throws Exception {
    byte[] body = VIEW.getBytes(StandardCharsets.UTF_8);
    for (String type : Arrays.asList("text/plain", null, "application/x-www-form-urlencoded",
        "application/json; charset=iso-8859-1")) {
      HttpResponse<String> r = http.post("/v1/events", KEY, type, body);
      assertEquals(415, r.statusCode(), type + ": " + r.body());
      assertTrue(Http.JSON.readTree(r.body()).get("error").asText().contains("application/json"), r.body());
    }
    assertEquals(202, http.post("/v1/events", KEY, "application/json; charset=UTF-8", body).statusCode());
  }

  @Test
  void aChunkedBodyFiftyTimesTheCapIs413WithoutBeingBuffered() throws Exception {
    int chunk = 64 * 1024;
    int chunks = 50 * CAP / chunk + 1;
    InputStream body = chunked(chunk, chunks);
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long allocatedBefore = Arrays.stream(threads.getThreadAllocatedBytes(threads.getAllThreadIds())).sum();
    String answer = http.raw("POST /v1/events HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: " + KEY
        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        body);
    long allocated = Arrays.stream(threads.getThreadAllocatedBytes(threads.getAllThreadIds())).sum()
        - allocatedBefore;
    assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
    assertEquals(413, errorOf(answer).get("status").asInt(), answer);
    // Buffering the body whole would allocate at least its size, fifty times the cap; reading it up
    // to the cap, in doubling slices, about twice the cap.
    long size = (long) chunk * chunks;
    assertTrue(allocated < size / 10, "the request allocated " + allocated + " bytes for a body of " + size
        + " (cap " + CAP + ")");
  }

  /** A chunked-encoding body of {@code count} chunks of {@code size} bytes of an unclosed JSON array. */
  private static InputStream chunked(int size, int count) {
    byte[] data = new byte[size];
    Arrays.fill(data, (byte) ' ');
    data[0] = '[';
    byte[] head = (Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] tail = "\r\n".getBytes(StandardCharsets.US_ASCII);
    List<InputStream> parts = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      parts.add(new ByteArrayInputStream(head));
      parts.add(new ByteArrayInputStream(data));
      parts.add(new ByteArrayInputStream(tail));
    }
    parts.add(new ByteArrayInputStream("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    return new SequenceInputStream(Collections.enumeration(parts));
  }

  @Test
  void aWrongMethodIs405AndSaysWhichAreAllowed() throws Exception {
    String post = http.raw("DELETE /v1/events HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        InputStream.nullInputStream());
    assertTrue(post.startsWith("HTTP/1.1 405"), post);
    assertTrue(post.contains("\r\nAllow: POST\r\n"), post);
    assertEquals(405, errorOf(post).get("status").asInt());
    String get = http.raw("POST /v1/users/u1/recommendations HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0"
        + "\r\nConnection: close\r\n\r\n", InputStream.nullInputStream());
    assertTrue(get.startsWith("HTTP/1.1 405"), get);
    assertTrue(get.contains("\r\nAllow: GET\r\n"), get);
  }

  @Test
  void errorsJettyRaisesBeforeAnyRouteAreJsonToo() throws Exception {
    Map<String, String> requests = Map.of(
        "414", "GET /v1/users/" + "u".repeat(20_000) + "/recommendations HTTP/1.1\r\nHost: localhost\r\n"
            + "Connection: close\r\n\r\n",
        "431", "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + "p".repeat(20_000)
            + "\r\nConnection: close\r\n\r\n",
        "400", "GET /v1/items/a%00b/similar HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    for (var e : requests.entrySet()) {
      String answer = http.raw(e.getValue(), InputStream.nullInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 " + e.getKey()), answer);
      assertTrue(answer.toLowerCase().contains("\r\ncontent-type: application/json"), answer);
      assertEquals(Integer.parseInt(e.getKey()), errorOf(answer).get("status").asInt(), answer);
    }
  }
}
