package io.pushcart.testkit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
  private final CompletionStage<?> release;

  private Response(int status, String body, Map<String, String> headers, Duration delay, CompletionStage<?> release) {
    this.status = status;
    this.body = body;
    this.headers = headers;
    this.delay = delay;
    this.release = release;
  }

  public static Response status(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    return new Response(status, "", Map.of(), Duration.ZERO, CompletableFuture.completedFuture(null));
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
    return new Response(status, text, headers, delay, release);
  }

  public Response header(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new Response(status, body, Map.copyOf(copy), delay, release);
  }

  /** Answer only after this delay (a Vert.x timer: the event loop is never blocked). */
  public Response delay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("negative delay");
    }
    return new Response(status, body, headers, delay, release);
  }

  /**
   * Answer only once {@code release} completes (then after any {@link #delay}): a barrier a test
   * opens when it has done what must happen while the message is at the push service.
   */
  public Response heldUntil(CompletionStage<?> release) {
    return new Response(status, body, headers, delay, release);
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

  /** Completes when the answer may go ({@link #heldUntil}); complete already unless held. */
  public CompletionStage<?> release() {
    return release;
  }

  @Override
  public String toString() {
    return "Response[" + status + (headers.isEmpty() ? "" : " " + headers)
        + (body.isEmpty() ? "" : " \"" + body + "\"")
        + (delay.isZero() ? "" : " after " + delay) + "]";
  }
}
