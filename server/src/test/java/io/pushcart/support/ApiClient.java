package io.pushcart.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Plain HTTP calls to Pushcart's API, as a store's backend or a browser would make them (JDK client: independent of Vert.x). */
public final class ApiClient {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  ApiClient(String base) {
    this.base = base;
  }

  public String baseUrl() {
    return base;
  }

  /** A response: its status, its body as JSON (empty object when there is none) and its headers. */
  public record Reply(int status, JsonObject json, HttpResponse<String> raw) {
    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    /** The error's field, for 4xx answers. */
    public String errorField() {
      JsonObject error = json.getJsonObject("error");
      return error == null ? null : error.getString("field");
    }

    public String errorMessage() {
      JsonObject error = json.getJsonObject("error");
      return error == null ? null : error.getString("message");
    }
  }

  public Reply post(String path, String token, String body) {
    return send(request(path, token, Map.of("Content-Type", "application/json"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  public Reply post(String path, String token, JsonObject body) {
    return post(path, token, body.encode());
  }

  public Reply postWithHeaders(String path, Map<String, String> headers, String body) {
    return send(request(path, null, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  public Reply options(String path, Map<String, String> headers) {
    return send(request(path, null, headers).method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
  }

  /** A browser's PATCH from the site's test origin. */
  public Reply patch(String path, JsonObject body) {
    return send(request(path, null, Map.of("Origin", TestSite.ORIGIN, "Content-Type", "application/json"))
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  /** A PATCH with a secret (the marketer API). */
  public Reply patch(String path, String token, JsonObject body) {
    return send(request(path, token, Map.of("Content-Type", "application/json"))
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  /** A browser's DELETE from the site's test origin. */
  public Reply delete(String path) {
    return send(request(path, null, Map.of("Origin", TestSite.ORIGIN)).DELETE().build());
  }

  /** A DELETE with a secret (the marketer API). */
  public Reply deleteWithToken(String path, String token) {
    return send(request(path, token, Map.of()).DELETE().build());
  }

  public Reply get(String path, String token) {
    return send(request(path, token, Map.of()).GET().build());
  }

  /** A GET with these headers (a browser's Origin, a proxy's X-Forwarded-For) and no secret. */
  public Reply getWithHeaders(String path, Map<String, String> headers) {
    return send(request(path, null, headers).GET().build());
  }

  private HttpRequest.Builder request(String path, String token, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    headers.forEach(b::header);
    return b;
  }

  private static Reply send(HttpRequest request) {
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      String body = r.body();
      JsonObject json = body == null || body.isBlank() || !body.trim().startsWith("{") ? new JsonObject() : new JsonObject(body);
      return new Reply(r.statusCode(), json, r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
