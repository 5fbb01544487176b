package io.pushcart.personalize;

/** A mistake in one template string; {@link MessageTemplate} turns it into a ClientError naming the field. */
final class SyntaxError extends RuntimeException {
  SyntaxError(String message) {
    super(message, null, false, false);
  }
}
