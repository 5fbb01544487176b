package io.pushcart.delivery;

/** What a push service answered: the status and the headers and words that decide what we do next. */
record PushResponse(int status, String retryAfter, String wnsStatus, String body) {
  /** Enough of the body to explain a refusal, never a whole page. */
  static final int MAX_BODY = 200;
}
