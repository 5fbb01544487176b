package io.pushcart.webpush;

/** RFC 8030 §5.3: how soon the user agent should be woken for a message. */
public enum Urgency {
  VERY_LOW("very-low"),
  LOW("low"),
  NORMAL("normal"),
  HIGH("high");

  private final String headerValue;

  Urgency(String headerValue) {
    this.headerValue = headerValue;
  }

  /** The {@code Urgency} header value. */
  public String headerValue() {
    return headerValue;
  }

  /** The urgency a header value names, if any. */
  public static java.util.Optional<Urgency> fromHeaderValue(String value) {
    for (Urgency u : values()) {
      if (u.headerValue.equals(value)) {
        return java.util.Optional.of(u);
      }
    }
    return java.util.Optional.empty();
  }
}
