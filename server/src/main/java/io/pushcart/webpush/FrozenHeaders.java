package io.pushcart.webpush;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Request headers that can no longer change, in the order they were put. {@link PushRequest}
 * keeps one as it is instead of copying it, so the many requests of a campaign share one map
 * (built once by {@link PushRequestBuilder}), and the HTTP client can convert it once: its hash
 * is computed once and an equal lookup of the same map stops at identity.
 */
final class FrozenHeaders extends AbstractMap<String, String> {
  private final Map<String, String> map;
  private final int hash;

  private FrozenHeaders(Map<String, String> headers) {
    this.map = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    this.hash = map.hashCode();
  }

  /** {@code headers} itself when already frozen, else a frozen copy. */
  static Map<String, String> of(Map<String, String> headers) {
    return headers instanceof FrozenHeaders ? headers : new FrozenHeaders(headers);
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    return map.entrySet();
  }

  @Override
  public String get(Object name) {
    return map.get(name);
  }

  @Override
  public boolean containsKey(Object name) {
    return map.containsKey(name);
  }

  @Override
  public int size() {
    return map.size();
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
