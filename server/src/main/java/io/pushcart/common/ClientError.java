package io.pushcart.common;

/**
 * The one error type for anything a client did wrong. The API renders it as
 * {@code {"error": {"code", "message", "field"}}} with the status of its {@link Kind}; nothing
 * else writes error responses. The message says what to fix.
 */
public final class ClientError extends RuntimeException {
  public enum Kind {
    INVALID(400), UNAUTHORIZED(401), FORBIDDEN(403), NOT_FOUND(404), CONFLICT(409), UNSUPPORTED_MEDIA_TYPE(415),
    TOO_MANY_REQUESTS(429);

    public final int status;

    Kind(int status) {
      this.status = status;
    }
  }

  private final Kind kind;
  private final String code;
  private final String field;
  private final long retryAfterSeconds;

  public ClientError(Kind kind, String code, String message, String field) {
    this(kind, code, message, field, 0);
  }

  private ClientError(Kind kind, String code, String message, String field, long retryAfterSeconds) {
    super(message, null, false, false);
    this.kind = kind;
    this.code = code;
    this.field = field;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Too many requests now: the API answers 429 with {@code Retry-After: retryAfterSeconds}. */
  public static ClientError rateLimited(String message, long retryAfterSeconds) {
    return new ClientError(Kind.TOO_MANY_REQUESTS, "rate_limited", message, null, Math.max(1, retryAfterSeconds));
  }

  public static ClientError invalid(String field, String message) {
    return new ClientError(Kind.INVALID, "invalid_field", message, field);
  }

  public static ClientError notFound(String what) {
    return new ClientError(Kind.NOT_FOUND, "not_found", what + " not found", null);
  }

  /** The request is fine but the resource's state does not allow it now (a campaign already sent). */
  public static ClientError conflict(String message) {
    return new ClientError(Kind.CONFLICT, "conflict", message, null);
  }

  public static ClientError unauthorized(String message) {
    return new ClientError(Kind.UNAUTHORIZED, "unauthorized", message, null);
  }

  public static ClientError forbidden(String message) {
    return new ClientError(Kind.FORBIDDEN, "forbidden", message, null);
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return code;
  }

  /** Seconds after which the same request may succeed (a {@code Retry-After} header), or 0 when not said. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The request field at fault, as a JSON path ({@code keys.p256dh}), or null. */
  public String field() {
    return field;
  }
}
