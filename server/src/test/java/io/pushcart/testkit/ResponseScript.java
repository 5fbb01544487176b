package io.pushcart.testkit;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Which {@link Response} the n-th request to a token gets: scripted per token, last one repeats. */
final class ResponseScript {

  private static final Response DEFAULT = Response.created();

  private final ConcurrentHashMap<String, Steps> byToken = new ConcurrentHashMap<>();
  private volatile Response fallback = DEFAULT;

  void script(String token, List<Response> responses) {
    if (responses.isEmpty()) {
      throw new IllegalArgumentException("script needs at least one response");
    }
    byToken.put(token, new Steps(List.copyOf(responses)));
  }

  /** The answer for tokens without a script. */
  void fallback(Response response) {
    fallback = response;
  }

  Response next(String token) {
    Steps steps = byToken.get(token);
    return steps == null ? fallback : steps.next();
  }

  void clear() {
    byToken.clear();
    fallback = DEFAULT;
  }

  private static final class Steps {
    private final List<Response> responses;
    private final AtomicInteger position = new AtomicInteger();

    Steps(List<Response> responses) {
      this.responses = responses;
    }

    Response next() {
      int i = position.getAndIncrement();
      return responses.get(Math.min(i, responses.size() - 1));
    }
  }
}
