package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the two ways in: thousands of malformed event bodies, each answered with a 4xx
 * JSON error and nothing written; and thousands of random query strings and path ids on the read
 * routes, answered 2xx or 4xx with a JSON body, never 5xx. The server serves a model the nightly
 * job trained, so the reads run the whole pipeline. Every input is a mutation that cannot be a valid
 * event (truncated, trailing content, wrong types, unknown or repeated fields, bad bytes, bad
 * values, too deep, too many), so "nothing written" is exact.
 */
class InputFuzzIT {
  private static final String KEY = TestKeys.secret();
  private static final int BODIES = 3000;
  private static final int QUERIES = 3000;
  private static final String[] FIELDS = {"event_id", "user_id", "item_id", "event_type", "value", "ts"};
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    Path snapshots = Files.createTempDirectory("recflow-snapshots-fuzz-");
    NightlyWarehouse.snapshotOfVersion1(snapshots);
    SnapshotHolder holder = new SnapshotHolder(snapshots, new DeltaReader(NightlyWarehouse.path().toString()));
    assertEquals(1, holder.openExisting());
    server = TestServer.start(holder, TestKeys.publicReads(), 100_000);
    http = server.http();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** A valid rating or view, the seed every mutation starts from. */
  private static String valid(Random rnd) {
    boolean rating = rnd.nextBoolean();
    return "{\"event_id\":\"f" + rnd.nextInt(1_000_000) + "\",\"user_id\":\"u" + rnd.nextInt(50) + "\",\"item_id\":\""
        + (1 + rnd.nextInt(500)) + "\",\"event_type\":\"" + (rating ? "rating" : "view") + "\","
        + (rating ? "\"value\":" + (1 + rnd.nextInt(5)) + "," : "") + "\"ts\":" + (1_700_000_000 + rnd.nextInt(1000))
        + "}";
  }

  private static final String[] WRONG_VALUES = {"true", "false", "{}", "[]", "{\"a\":1}", "[1,2]", "1.5", "-0.25"};
  private static final String[] GARBAGE = {"x", "}", "]", "{}", "[]", ",", "{\"user_id\":\"u\"}", "null", "1", "\"s\""};

  /** One body that no reader may accept, as bytes. */
  private static byte[] invalid(Random rnd) {
    String v = valid(rnd);
    String field = FIELDS[1 + rnd.nextInt(3)]; // an id or the type: never valid as a boolean, object or fraction
    String body = switch (rnd.nextInt(12)) {
      case 0 -> v.substring(0, 1 + rnd.nextInt(v.length() - 1));
      case 1 -> v + GARBAGE[rnd.nextInt(GARBAGE.length)];
      case 2 -> v.replaceFirst("\"" + field + "\":\"[^\"]*\"", "\"" + field + "\":"
          + WRONG_VALUES[rnd.nextInt(WRONG_VALUES.length)]);
      case 3 -> v.replace("{", "{\"" + variant(rnd) + "\":\"x\",");
      case 4 -> v.replace("}", ",\"" + field + "\":\"again\"}");
      case 5 -> v.replace("\"ts\":", "\"ts\":\"" + "yesterday,1e999,NaN,-5,99999999999999999".split(",")[rnd.nextInt(5)]
          + "\",\"_\":");
      case 6 -> v.replaceFirst("\"u(\\d+)\"", "\"u" + "\\\\u000" + rnd.nextInt(8) + "$1\"");
      case 7 -> "[".repeat(2000 + rnd.nextInt(3000)) + "]".repeat(rnd.nextInt(3));
      case 8 -> "[" + (v + ",").repeat(rnd.nextInt(3)) + v.replace("\"ts\":", "\"ts\":\"never\",\"x\":") + "]";
      case 9 -> v.replaceFirst("\"u(\\d+)\"", "\"" + "u".repeat(257 + rnd.nextInt(100)) + "\"");
      case 10 -> v.contains("rating") ? v.replaceFirst("\"value\":\\d", "\"value\":" + (6 + rnd.nextInt(100)))
          : v.replace("\"ts\"", "\"value\":\"abc\",\"ts\"");
      default -> rnd.nextBoolean() ? "[" + (v + ",").repeat(100) + v + "]" : "";
    };
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (rnd.nextInt(10) == 0 && bytes.length > 2) {
      // an invalid UTF-8 byte inside the text
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int at = 1 + rnd.nextInt(bytes.length - 1);
      out.write(bytes, 0, at);
      out.write(0x80 | rnd.nextInt(0x40));
      out.write(bytes, at, bytes.length - at);
      return out.toByteArray();
    }
    return bytes;
  }

  /** A field name no event has: unknown, or a real one in another case or with spaces. */
  private static String variant(Random rnd) {
    String f = FIELDS[rnd.nextInt(FIELDS.length)];
    return switch (rnd.nextInt(3)) {
      case 0 -> f.toUpperCase();
      case 1 -> " " + f;
      default -> f + "_" + rnd.nextInt(100);
    };
  }

  @Test
  void malformedEventBodiesAreRefusedWithAJsonErrorAndNothingIsWritten() throws Exception {
    Random rnd = new Random(42);
    for (int i = 0; i < BODIES; i++) {
      byte[] body = invalid(rnd);
      String type = rnd.nextInt(20) == 0 ? "text/plain" : "application/json";
      HttpResponse<String> r = http.post("/v1/events", KEY, type, body);
      int status = r.statusCode();
      if (status < 400 || status >= 500) {
        fail("body " + i + " got " + status + ": " + new String(body, StandardCharsets.UTF_8) + " -> " + r.body());
      }
      assertEquals(status, json(r).get("status").asInt(), r.body());
    }
    assertEquals(0, server.landedFiles(), "a refused body was written to the landing directory");
  }

  private static final String[] NUMBERS = {"0", "1", "10", "-1", "1000", "1001", "99999999999", "abc", "", "1e3",
      "0x10", " 5", "NaN", "Infinity", "-0", "0.5", "%00", "%FF"};
  private static final String[] FRACTIONS = {"0", "1", "0.5", "-0.1", "1.01", "NaN", "Infinity", "abc", "", "1e-9"};
  private static final String[] IDS = {"1", "318", "u1", "nobody", "", "%00", "%FF%FE", "%2F", "..", "a%20b",
      "%E2%98%83", "%C3", "x".repeat(300)};

  private static String pick(Random rnd, String[] values) {
    return values[rnd.nextInt(values.length)];
  }

  /** A random path and query string of a read route. */
  private static String query(Random rnd) {
    String path = switch (rnd.nextInt(3)) {
      case 0 -> "/v1/users/" + pick(rnd, IDS) + "/recommendations";
      case 1 -> "/v1/recommendations";
      default -> "/v1/items/" + pick(rnd, IDS) + "/similar";
    };
    List<String> params = new ArrayList<>();
    int n = rnd.nextInt(6);
    for (int i = 0; i < n; i++) {
      params.add(switch (rnd.nextInt(12)) {
        case 0 -> "k=" + pick(rnd, NUMBERS);
        case 1 -> "offset=" + pick(rnd, NUMBERS);
        case 2 -> "diversity=" + pick(rnd, FRACTIONS);
        case 3 -> "explain=" + pick(rnd, new String[] {"true", "false", "yes", ""});
        case 4 -> "explore=" + pick(rnd, new String[] {"true", "false", "1"});
        case 5 -> "excludeSeen=" + pick(rnd, new String[] {"true", "false", "no"});
        case 6 -> "exclude=" + ids(rnd);
        case 7 -> "recent=" + ids(rnd);
        case 8 -> "model=" + pick(rnd, new String[] {"served", "SERVED", "x", ""});
        case 9 -> "cursor=" + pick(rnd, new String[] {"", "abc", "%00", "AAAA", "not-base64!", "eyJ4IjoxfQ"});
        case 10 -> "attribute=" + pick(rnd, new String[] {"genre:Comedy", "", "%FF", "x".repeat(100)});
        default -> "by=" + pick(rnd, new String[] {"content", "cf", "als", ""});
      });
    }
    return params.isEmpty() ? path : path + "?" + String.join("&", params);
  }

  private static String ids(Random rnd) {
    int n = rnd.nextInt(5) == 0 ? 101 + rnd.nextInt(1000) : rnd.nextInt(5);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(rnd.nextBoolean() ? Integer.toString(1 + rnd.nextInt(2000)) : URLEncoder.encode(pick(rnd, IDS),
          StandardCharsets.UTF_8));
    }
    return String.join(",", ids);
  }

  @Test
  void randomQueriesOnTheReadRoutesNeverGetAServerError() throws Exception {
    Random rnd = new Random(7);
    int ok = 0;
    for (int i = 0; i < QUERIES; i++) {
      String q = query(rnd);
      // HTTP/1.0: the answer is delimited by the connection closing, never chunked.
      String answer = http.raw("GET " + q + " HTTP/1.0\r\nHost: localhost\r\n\r\n",
          java.io.InputStream.nullInputStream());
      int status = Integer.parseInt(answer.substring(9, 12));
      if (status >= 500) {
        fail("query " + i + " got " + status + ": " + q + " -> " + answer);
      }
      JsonNode body = Http.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
      if (status >= 400) {
        assertEquals(status, body.get("status").asInt(), q + " -> " + answer);
      } else {
        ok++;
      }
    }
    // The generator is not all errors: a fair share of its queries are valid and answered.
    assertTrue(ok > QUERIES / 10, ok + " of " + QUERIES + " queries were answered");
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return Http.JSON.readTree(r.body());
  }
}
