package io.pushcart.common;

/**
 * Redis cannot answer now: down, restarting, loading its data, failing over, or too slow. Not a
 * fault of the request nor a bug: the API renders it as 503 with {@code Retry-After}, and delivery
 * waits and resumes. Made in one place (redis.GuardedRedis) from whatever the client reported.
 */
public final class Unavailable extends RuntimeException {
  /** What a client is told to wait before trying again. */
  public static final int RETRY_AFTER_SECONDS = 5;

  public Unavailable(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  /** True when {@code err}, or anything that caused it, is an {@link Unavailable}. */
  public static boolean in(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof Unavailable) {
        return true;
      }
    }
    return false;
  }
}
