package io.pushcart.api;

import io.pushcart.support.OpenApiRoutes.Operation;
import io.pushcart.support.RawHttp;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What a stranger may send, drawn from a seeded {@link Random}: the same seed gives the same
 * requests. Each is aimed at one operation of the OpenAPI document and spoiled at random in its
 * method, path, query, headers and body. One in ten is a <em>cross-site</em> attempt: site A's
 * secret on one of site B's secret-only routes, with B's real ids.
 */
final class StrangerRequests {
  /** What a site holds that a request can name: its id, secret and one of each resource. */
  record Known(String site, String secret, String subscription, String campaign, String segment, String customer,
               String automation, String notification) {
    String id(String parameter) {
      return switch (parameter) {
        case "site" -> site;
        case "subscription" -> subscription;
        case "campaign" -> campaign;
        case "segment" -> segment;
        case "customerId" -> customer;
        case "automation" -> automation;
        case "notification" -> notification;
        default -> "pushcart.js";
      };
    }
  }

  /** A request, and whether it is A's secret on B's data (which must be refused). */
  record Attempt(RawHttp.Request request, boolean crossSite) {
  }

  private static final String[] ODD_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE",
      "FOO", "get", "PROPFIND", "M-SEARCH"};
  private static final String[] BAD_SEGMENTS = {"%zz", "%", "%2", "%G0", "%c0%af", "%ff%fe", "..", ".", "..%2f",
      "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f", "%2e%2e", "..\\", "..\\..\\", "..%5c", "%5c..%5c", "a%00b", "%00",
      "{site}", "%7B%7D", "a;b", "a%3Bb", "*", "%20", "~", "a%2Fb", "%E2%80%AE", "%F0%9F%92%A9", "0", "-", "é",
      "________", "AAAAAAA", "A".repeat(65), "a".repeat(1000), "b".repeat(3000), "a b", "a\tb", "\u0001"};
  private static final String[] ODD_PATHS = {"//v1//sites", "/v1/sites/", "/v1/sites/../sites", "/v1/./sites",
      "/v1/%2e%2e/health", "/v1", "/v1/", "/", "", "*", "/sdk", "/sdk/", "/demo", "/demo/", "/demo/..", "/sdk/..%2f",
      "/demo/..\\", "/sdk/%2e%2e/%2e%2e/pom.xml", "/sdk/.hidden", "/sdk/pushcart.js/..", "/sdk//pushcart.js",
      "/sdk/pushcart.js%00.html", "/sdk/..%c0%af", "/demo/..%5c..%5cindex.html", "http://127.0.0.1/v1/sites",
      "/health?x=%zz", "/nowhere", "/V1/SITES", "/v1/sites/%zz/public", "/openapi.yaml/..", "/..", "/%", "/v1/%"};
  private static final String[] QUERIES = {"?", "?limit=abc", "?limit=-1", "?limit=0", "?limit=100000000000000000000",
      "?cursor=%zz", "?cursor=" + "c".repeat(2000), "?status=bogus", "?kind=%", "?a=1&a=2&a=3", "?=&=&", "?%=%",
      "?limit=10&cursor=abc", "?status=scheduled&kind=flash_sale", "?x=%E0%A4%A", "?%zz", "?limit=%00"};
  /** Queries with nothing malformed, for cross-site attempts: those must be refused for the secret alone. */
  private static final String[] PLAIN_QUERIES = {"?limit=abc", "?limit=10&cursor=abc", "?status=scheduled&kind=flash_sale",
      "?a=1&a=2&a=3"};
  private static final String[] CONTENT_TYPES = {"application/json", "application/json; charset=utf-8",
      "application/json; charset=latin1", "application/json;charset=\"garbage\"", "APPLICATION/JSON",
      "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "multipart/form-data", "text/plain",
      "", ";;;", "application/jsonp", "application/json; boundary=x; charset=UTF-8", "*/*", "application/json;"};
  private static final String[] ORIGINS = {TestSite.ORIGIN, "https://evil.example", "null", "https://shop.example:443",
      "https://shop.example.evil.example", "", "http://shop.example", "é"};
  private static final String[][] ODD_HEADERS = {{"Accept", "garbage;;;q=x"}, {"Accept", "*/*;q=0.5, application/json"},
      {"Accept-Language", ";;"}, {"Accept-Charset", "%"}, {"Expect", "100-continue"}, {"X-Forwarded-For", "1.2.3.4, garbage"},
      {"Forwarded", "for=\"[::1\""}, {"Range", "bytes=abc"}, {"Range", "bytes=999999-"}, {"If-Modified-Since", "garbage"},
      {"If-None-Match", "*"}, {"Cookie", "a=b; c"}, {"User-Agent", "Mozilla/5.0 (\u0000)"}, {"User-Agent", "u".repeat(4000)},
      {"Content-Encoding", "gzip"}, {"X-HTTP-Method-Override", "DELETE"}, {"Content-Type", "text/plain"},
      {"Authorization", "Bearer second"}, {"Origin", "https://another.example"}, {"Expect", "bogus"},
      {"Upgrade", "websocket"}, {"Host", "evil.example"}};
  private static final String[] ODD_VERSIONS = {"HTTP/1.0", "HTTP/2.0", "HTTP/9.9", "FOO/1.1", "HTTP/1.1 x"};
  private static final String[] ODD_BODIES = {"[]", "null", "1", "\"s\"", "true", "{}", "{", "{\"a\":", "{\"a\":1}}",
      "\uFEFF{}", "[".repeat(5000), "{\"a\":".repeat(2000), "{\"a\":1e999999}", "{\"a\":" + "9".repeat(2000) + "}", "NaN",
      "a=b&c=d", "x".repeat(2000), "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--xyz--\r\n",
      "{\"name\":\"" + "n".repeat(60_000) + "\"}", "{\"name\":\"" + "n".repeat(70_000) + "\"}", "{\"\u0000\":\"\u0000\"}",
      "{\"a\":\"\\ud800\"}"};

  private final Random random;
  private final List<Operation> operations;
  private final List<Operation> secretOnlyOfSite;
  private final Known a;
  private final Known b;
  private final String pushBase;
  private final String p256dh;
  private final String auth;

  StrangerRequests(long seed, List<Operation> operations, Known a, Known b, String pushBase, String p256dh, String auth) {
    this.random = new Random(seed);
    this.operations = operations;
    this.secretOnlyOfSite = operations.stream().filter(o -> o.secretOnly() && o.path().contains("{site}")).toList();
    this.a = a;
    this.b = b;
    this.pushBase = pushBase;
    this.p256dh = p256dh;
    this.auth = auth;
  }

  Attempt next() {
    return chance(10) ? crossSite() : stranger();
  }

  /** A's secret on B's data, on a route that takes only a secret: a well-formed URL, any body. */
  private Attempt crossSite() {
    Operation op = pick(secretOnlyOfSite);
    String path = fill(op, b::id) + (chance(20) ? pick(PLAIN_QUERIES) : "");
    RawHttp.Request request = new RawHttp.Request(op.method(), path)
        .header("Authorization", "Bearer " + a.secret());
    addBody(request, op, b);
    return new Attempt(request, true);
  }

  private Attempt stranger() {
    Operation op = pick(operations);
    String method = chance(75) ? op.method() : pick(ODD_METHODS);
    int who = random.nextInt(10);
    String path;
    if (chance(8)) {
      path = pick(ODD_PATHS);
    } else {
      path = fill(op, this::anyId);
    }
    if (chance(15)) {
      path += pick(QUERIES);
    }
    RawHttp.Request request = new RawHttp.Request(method, path);
    if (chance(2)) {
      request.withoutHost();
    }
    if (chance(2)) {
      request.version(pick(ODD_VERSIONS));
    }
    switch (who) {
      case 0, 1, 2, 3 -> request.header("Authorization", "Bearer " + a.secret());
      case 4 -> request.header("Authorization", "Bearer " + b.secret());
      case 5 -> request.header("Authorization", "Bearer " + RunningPushcart.ADMIN_TOKEN);
      case 6 -> request.header("Authorization", pick(new String[] {"Bearer", "Bearer  ", "Bearer pcsk_wrong",
          "Basic YWRtaW46YWRtaW4=", "bearer " + a.secret(), "Bearer " + "t".repeat(3000)}));
      default -> { }
    }
    if (chance(40)) {
      request.header("Origin", pick(ORIGINS));
    }
    if (chance(15)) {
      String[] h = pick(ODD_HEADERS);
      request.header(h[0], h[1]);
    }
    addBody(request, op, a);
    return new Attempt(request, false);
  }

  private void addBody(RawHttp.Request request, Operation op, Known site) {
    int kind = random.nextInt(100);
    if (kind < 25) {
      return;
    }
    request.header("Content-Type", chance(55) ? "application/json" : pick(CONTENT_TYPES));
    if (kind < 33) {
      request.body(new byte[0]);
    } else if (kind < 70) {
      JsonObject example = op.example() != null ? op.example() : pick(operations).example();
      request.body(mutate(template(example == null ? new JsonObject() : example, site)).encode());
    } else if (kind < 88) {
      request.body(pick(ODD_BODIES));
    } else {
      byte[] bytes = new byte[random.nextInt(400)];
      random.nextBytes(bytes);
      request.body(bytes);
    }
    if (chance(5)) {
      request.chunked();
    }
  }

  /**
   * The example, made to reach deep: real keys, an endpoint on the local push service (never
   * a real push service: a campaign the fuzzer creates may send), the site's own ids.
   */
  private JsonObject template(JsonObject example, Known site) {
    JsonObject body = example.copy();
    if (body.containsKey("endpoint")) {
      body.put("endpoint", pushBase + "fuzz" + random.nextInt(1_000_000));
      body.put("keys", new JsonObject().put("p256dh", p256dh).put("auth", auth));
    }
    if (body.containsKey("subscriptionId")) {
      body.put("subscriptionId", site.subscription());
    }
    if (body.containsKey("customerId")) {
      body.put("customerId", site.customer());
    }
    if (body.containsKey("sendAt")) {
      body.put("sendAt", java.time.Instant.now().plus(java.time.Duration.ofDays(200)).toString());
    }
    return body;
  }

  private JsonObject mutate(JsonObject body) {
    int changes = random.nextInt(4);
    for (int i = 0; i < changes; i++) {
      mutateSomewhere(body, 0);
    }
    return body;
  }

  private void mutateSomewhere(Object node, int depth) {
    if (node instanceof JsonObject object && !object.isEmpty()) {
      List<String> keys = new ArrayList<>(object.fieldNames());
      String key = pick(keys.toArray(String[]::new));
      Object child = object.getValue(key);
      if ((child instanceof JsonObject || child instanceof JsonArray) && depth < 6 && chance(50)) {
        mutateSomewhere(child, depth + 1);
      } else if (chance(20)) {
        object.remove(key);
      } else {
        object.put(key, oddValue());
      }
    } else if (node instanceof JsonArray array && !array.isEmpty()) {
      int index = random.nextInt(array.size());
      Object child = array.getValue(index);
      if ((child instanceof JsonObject || child instanceof JsonArray) && depth < 6 && chance(50)) {
        mutateSomewhere(child, depth + 1);
      } else {
        array.set(index, oddValue());
      }
    } else if (node instanceof JsonObject object) {
      object.put("zz", oddValue());
    }
  }

  private Object oddValue() {
    return switch (random.nextInt(18)) {
      case 0 -> null;
      case 1 -> 0;
      case 2 -> -1;
      case 3 -> 1.5;
      case 4 -> 1e308;
      case 5 -> Long.MAX_VALUE;
      case 6 -> "";
      case 7 -> " ";
      case 8 -> "x".repeat(random.nextInt(5000));
      case 9 -> "%zz";
      case 10 -> "<script>alert(1)</script>";
      case 11 -> "\u0000";
      case 12 -> true;
      case 13 -> new JsonArray();
      case 14 -> new JsonObject();
      case 15 -> new JsonArray().add(1).add("a").addNull().add(new JsonObject().put("a", new JsonArray()));
      case 16 -> new JsonObject().put("any", new JsonArray().add("shoes")).put("tag", 7);
      default -> nested(random.nextInt(60));
    };
  }

  private static Object nested(int depth) {
    Object value = "deep";
    for (int i = 0; i < depth; i++) {
      value = i % 2 == 0 ? new JsonArray().add(value) : new JsonObject().put("all", value);
    }
    return value;
  }

  /** The operation's path with each parameter filled in. */
  private static String fill(Operation op, java.util.function.Function<String, String> value) {
    String path = op.path();
    for (String parameter : op.parameters()) {
      path = path.replace("{" + parameter + "}", value.apply(parameter));
    }
    return path;
  }

  /**
   * A's real id, B's (never B's site: its browser routes need no secret, and B's owner may change
   * B, so B's data would not stay as it was), a random well-formed one, or a spoiled one.
   */
  private String anyId(String parameter) {
    int r = random.nextInt(10);
    if (parameter.equals("file")) {
      return r < 5 ? pick(new String[] {"pushcart.js", "pushcart-sw.js", "index.html", "sw.js", ""}) : pick(BAD_SEGMENTS);
    }
    if (r < 5) {
      return a.id(parameter);
    }
    if (r < 6) {
      return parameter.equals("site") ? a.site() : b.id(parameter);
    }
    if (r < 7) {
      return randomId();
    }
    return pick(BAD_SEGMENTS);
  }

  private String randomId() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    StringBuilder id = new StringBuilder();
    for (int i = 0, n = 8 + random.nextInt(20); i < n; i++) {
      id.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return id.toString();
  }

  private boolean chance(int percent) {
    return random.nextInt(100) < percent;
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }
}
