package io.pushcart.api;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.pushcart.common.ClientError;
import io.pushcart.common.Unavailable;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** JSON in and out, and the one place that renders errors. */
final class Replies {
  private static final Logger LOG = Logger.getLogger(Replies.class.getName());

  private Replies() {
  }

  /** A status and a JSON body. */
  record Reply(int status, JsonObject body) {
    static Reply ok(JsonObject body) {
      return new Reply(200, body);
    }

    static Reply created(JsonObject body) {
      return new Reply(201, body);
    }

    static Reply accepted(JsonObject body) {
      return new Reply(202, body);
    }
  }

  /** Sends the reply when the future succeeds; routes a failure to {@link #renderFailure}. */
  static void respond(RoutingContext ctx, Future<Reply> reply) {
    reply.onSuccess(r -> ctx.response().setStatusCode(r.status())
            .putHeader("Content-Type", "application/json")
            .end(r.body().encode()))
        .onFailure(ctx::fail);
  }

  /** The request body as a JSON object, or a 400/415 that says what is wrong with it. */
  static JsonObject jsonBody(RoutingContext ctx) {
    JsonBodies.require(ctx);
    // No body at all leaves the buffer null (RequestBody.length() is then -1, not 0).
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw new ClientError(ClientError.Kind.INVALID, "invalid_json", "the request body is empty; send a JSON object", null);
    }
    try {
      Object value = Json.decodeValue(body);
      if (!(value instanceof JsonObject object)) {
        throw new ClientError(ClientError.Kind.INVALID, "invalid_json", "the request body must be a JSON object", null);
      }
      return object;
    } catch (DecodeException e) {
      throw new ClientError(ClientError.Kind.INVALID, "invalid_json", "the request body is not valid JSON: "
          + firstLine(e.getMessage()), null);
    }
  }

  /**
   * Every failure ends here: a {@link ClientError} as its 4xx (with Retry-After when it says when
   * to try again), Redis {@link Unavailable} as 503,
   * a request that Vert.x itself refused (no Host header, a query it cannot decode, a body over
   * the limit) as that 4xx, anything else as a 500 that reveals nothing but a reference, logged
   * once with its stack trace.
   */
  static void renderFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int refused = refusedStatus(ctx);
    int status;
    JsonObject error;
    if (failure instanceof ClientError e) {
      status = e.kind().status;
      error = new JsonObject().put("code", e.code()).put("message", e.getMessage());
      if (e.field() != null) {
        error.put("field", e.field());
      }
      if (e.retryAfterSeconds() > 0 && !ctx.response().headWritten()) {
        ctx.response().putHeader("Retry-After", String.valueOf(e.retryAfterSeconds()));
      }
    } else if (Unavailable.in(failure)) {
      // Not the client's fault, nor a bug: said plainly, with when to try again, and not logged
      // per request (delivery logs the outage once).
      status = 503;
      error = unavailable(ctx, "Redis, where Pushcart keeps its data, is unavailable (" + Unavailable.of(failure).why() + ")");
    } else if (failure == null && ctx.statusCode() == 503) {
      status = 503;
      error = unavailable(ctx, "the request took too long");
    } else if (refused > 0) {
      status = refused;
      error = refusal(ctx, status);
    } else {
      status = 500;
      error = internal(ctx, failure);
    }
    send(ctx, status, error);
  }

  /**
   * The router's answer when it cannot even match the request to a route: Vert.x decodes the
   * path's parameters (and the query) while matching, and an undecodable escape there ({@code
   * /v1/sites/%zz}) comes here ({@code Router.errorHandler(400)}) instead of to a failure handler.
   * Without it Vert.x answers in plain text and logs "Unhandled exception in router" as SEVERE.
   */
  static void renderMalformedUrl(RoutingContext ctx) {
    send(ctx, 400, malformedUrl());
  }

  /**
   * The router's last resort ({@code Router.errorHandler(500)}): a failure handler itself threw.
   * A bug, so logged like any 500, but still answered as JSON.
   */
  static void renderUnhandled(RoutingContext ctx) {
    send(ctx, 500, internal(ctx, ctx.failure()));
  }

  /**
   * The HTTP server's answer to a request it could not parse ({@code HttpServer.invalidRequestHandler}),
   * before any route sees it: a request line longer than {@link ApiVerticle#MAX_REQUEST_LINE}
   * (414), headers larger than {@link ApiVerticle#MAX_HEADERS_SIZE} (431), or anything that is not
   * HTTP/1.1 (400). Vert.x's default answers these with an empty body; the connection is closed
   * after the reply either way, since the rest of what was sent cannot be trusted to be framed.
   */
  static void renderInvalidRequest(HttpServerRequest request) {
    DecoderResult decoded = request.decoderResult();
    Throwable cause = decoded == null ? null : decoded.cause();
    int status;
    JsonObject error;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      error = new JsonObject().put("code", "url_too_long")
          .put("message", "the request line (method, URL and version) is longer than " + ApiVerticle.MAX_REQUEST_LINE + " bytes");
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      error = new JsonObject().put("code", "headers_too_large")
          .put("message", "the request headers are larger than " + ApiVerticle.MAX_HEADERS_SIZE + " bytes in all");
    } else {
      status = 400;
      error = new JsonObject().put("code", "bad_request").put("message", "the request is not valid HTTP/1.1");
    }
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      request.connection().close();
      return;
    }
    response.setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
        .end(new JsonObject().put("error", error).encode())
        .onComplete(done -> request.connection().close());
  }

  /** An error answer; a browser-facing route's is readable by the calling page (Cors.onError). */
  private static void send(RoutingContext ctx, int status, JsonObject error) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    Cors.onError(ctx);
    response.setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", error).encode());
  }

  /**
   * The 4xx with which Vert.x refused the request (it failed the context with that status, or
   * with an {@link HttpException} carrying it), or 0 when it did not.
   */
  private static int refusedStatus(RoutingContext ctx) {
    if (ctx.failure() instanceof HttpException e && e.getStatusCode() >= 400 && e.getStatusCode() < 500) {
      return e.getStatusCode();
    }
    return ctx.statusCode() >= 400 && ctx.statusCode() < 500 ? ctx.statusCode() : 0;
  }

  /** The error of a request Vert.x refused, in our words: nothing of its exception but its kind. */
  private static JsonObject refusal(RoutingContext ctx, int status) {
    if (status == 400 && causedBy(ctx.failure(), IllegalArgumentException.class)) {
      return malformedUrl();
    }
    if (status == 400 && ctx.request().authority() == null) {
      return new JsonObject().put("code", "bad_request").put("message", "send a Host header (HTTP/1.1 requires one)");
    }
    return new JsonObject().put("code", codeFor(status)).put("message", messageFor(status));
  }

  private static JsonObject malformedUrl() {
    return new JsonObject().put("code", "malformed_url").put("message",
        "the URL's path or query is malformed: every '%' must start an escape of two hex digits (write '%' itself as %25)");
  }

  private static JsonObject internal(RoutingContext ctx, Throwable failure) {
    String ref = Long.toHexString(System.nanoTime());
    LOG.log(Level.SEVERE, "unexpected failure (ref " + ref + ") on " + ctx.request().method() + " " + ctx.request().path(), failure);
    return new JsonObject().put("code", "internal").put("message", "internal error, reference " + ref);
  }

  private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** A 503's error body, with the Retry-After header set: {@code why}, and when to try again. */
  private static JsonObject unavailable(RoutingContext ctx, String why) {
    ctx.response().putHeader("Retry-After", String.valueOf(Unavailable.RETRY_AFTER_SECONDS));
    return new JsonObject().put("code", "unavailable")
        .put("message", why + "; try again in " + Unavailable.RETRY_AFTER_SECONDS + " seconds");
  }

  private static String codeFor(int status) {
    return switch (status) {
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "body_too_large";
      case 414 -> "url_too_long";
      case 415 -> "unsupported_media_type";
      case 431 -> "headers_too_large";
      default -> "bad_request";
    };
  }

  private static String messageFor(int status) {
    return switch (status) {
      case 404 -> "no such resource; see /openapi.yaml for the API";
      case 413 -> "the request body is larger than " + ApiVerticle.BODY_LIMIT + " bytes";
      default -> HttpResponseStatus.valueOf(status).reasonPhrase().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
