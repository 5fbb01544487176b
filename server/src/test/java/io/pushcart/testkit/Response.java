package io.pushcart.testkit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One scripted answer of {@link LocalPushService}, e.g. {@code Response.status(429).retryAfter(1)}.
 * Immutable: every modifier returns a copy. A 201 without an explicit {@code Location} header gets
 * one ({@code /message/<n>}) as RFC 8030 requires.
 */
public final class Response {

  private final int status;
  private final String body;
  private final Map<String, String> headers;
  private final Duration delay;

  private Response(int status, String body, Map<String, String> headers, Duration delay) {
    this.status = status;
    this.body = body;
    this.headers = headers;
    this.delay = delay;
  }

  public static Response status(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    return new Response(status, "", Map.of(), Duration.ZERO);
  }

  /** 201 Created, what a push service answers to an accepted message. */
  public static Response created() {
    return status(201);
  }

  /** Adds {@code Retry-After: <seconds>}. */
  public Response retryAfter(long seconds) {
    return header("Retry-After", Long.toString(seconds));
  }

  /** A response body (text/plain; UTF-8). */
  public Response body(String text) {
    return new Response(status, text, headers, delay);
  }

  public Response header(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new Response(status, body, Map.copyOf(copy), delay);
  }

  /** Answer only after this delay (a Vert.x timer: the event loop is never blocked). */
  public Response delay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("negative delay");
    }
    return new Response(status, body, headers, delay);
  }

  public int statusCode() {
    return status;
  }

  public String bodyText() {
    return body;
  }

  public Map<String, String> headers() {
    return headers;
  }

  public Duration delayDuration() {
    return delay;
  }

  @Override
  public String toString() {
    return "Response[" + status + (headers.isEmpty() ? "" : " " + headers)
        + (body.isEmpty() ? "" : " \"" + body + "\"")
        + (delay.isZero() ? "" : " after " + delay) + "]";
  }
}
