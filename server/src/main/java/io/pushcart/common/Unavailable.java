package io.pushcart.common;

/**
 * Redis cannot answer now: down, restarting, loading its data, failing over, too slow, or
 * refusing writes until an operator acts (its disk cannot be written, or it is at maxmemory). Not
 * a fault of the request nor a bug: the API renders it as 503 with {@code Retry-After}, and
 * delivery waits and resumes. Made in one place (redis.GuardedRedis) from whatever the client
 * reported.
 */
public final class Unavailable extends RuntimeException {
  /** What a client is told to wait before trying again. */
  public static final int RETRY_AFTER_SECONDS = 5;
  /** Why Redis cannot answer, as a client is told when nothing more is known. */
  public static final String RESTARTING = "restarting or failing over";

  private final String why;

  public Unavailable(String message, Throwable cause) {
    this(message, cause, RESTARTING);
  }

  /** {@code why}: what a client is told of the cause, in a few words ({@link #RESTARTING}, say). */
  public Unavailable(String message, Throwable cause, String why) {
    super(message, cause, false, false);
    this.why = why;
  }

  /** Why Redis cannot answer, as a client is told (nothing secret: no address, no key). */
  public String why() {
    return why;
  }

  /** True when {@code err}, or anything that caused it, is an {@link Unavailable}. */
  public static boolean in(Throwable err) {
    return of(err) != null;
  }

  /** The first {@link Unavailable} among {@code err} and its causes, or null. */
  public static Unavailable of(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof Unavailable u) {
        return u;
      }
    }
    return null;
  }
}
