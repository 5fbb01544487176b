package io.pushcart.api;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The API reference (docs/openapi.yaml, packed into the jar), read once from the class path. */
final class OpenApiDocument {
  private OpenApiDocument() {
  }

  static Buffer load() {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the class path");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
