package io.pushcart.api;

import io.pushcart.common.ClientError;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;

/**
 * Reads a {@code /v1/} request body only when it is JSON, the one kind any route takes.
 *
 * <p>Vert.x's {@link BodyHandler} decodes form and multipart bodies by their Content-Type, and
 * that decoding fails as 500s on what any stranger can send: a GET or OPTIONS with a multipart
 * type ({@code setExpectMultipart} refuses those methods with an IllegalStateException), a form
 * field over {@code maxFormBufferedBytes} (1 KiB) with no {@code =}. We never want a form, so it
 * is never decoded: any other body is left unread, and a route that needs one answers 415 from
 * {@link #require}. A route that reads no body still answers as it would without one.
 */
final class JsonBodies implements Handler<RoutingContext> {
  private final BodyHandler reader;

  JsonBodies(long limit) {
    this.reader = BodyHandler.create(false).setBodyLimit(limit);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (isJson(ctx.request().getHeader("Content-Type"))) {
      reader.handle(ctx);
    } else {
      ctx.next();
    }
  }

  /** True for {@code application/json}, whatever its parameters. */
  static boolean isJson(String contentType) {
    return contentType != null && mediaType(contentType).equals("application/json");
  }

  /**
   * Checks what the request says its body is: JSON, and in UTF-8 if it names a charset (RFC 8259
   * §8.1: JSON exchanged between systems is UTF-8; a body in another charset would be misread).
   */
  static void require(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (!isJson(type)) {
      throw new ClientError(ClientError.Kind.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
          "send the body as JSON with 'Content-Type: application/json'", null);
    }
    String charset = parameter(type, "charset");
    if (charset != null && !charset.equals("utf-8") && !charset.equals("utf8")) {
      throw new ClientError(ClientError.Kind.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
          "JSON bodies are read as UTF-8; send them in UTF-8, with no charset or 'charset=utf-8'", null);
    }
  }

  private static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  /** The value of {@code name} among the header's parameters, lowercase and unquoted, or null. */
  private static String parameter(String contentType, String name) {
    String[] parts = contentType.split(";");
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq > 0 && parts[i].substring(0, eq).trim().equalsIgnoreCase(name)) {
        String value = parts[i].substring(eq + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        return value.toLowerCase(Locale.ROOT);
      }
    }
    return null;
  }
}
