package io.pushcart.api;

import io.pushcart.common.ClientError;
import io.pushcart.common.Unavailable;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
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
   * Every failure ends here: a {@link ClientError} as its 4xx, Redis {@link Unavailable} as 503,
   * anything else as a 500 that reveals nothing but a reference, logged once with its stack trace.
   */
  static void renderFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status;
    JsonObject error;
    if (failure instanceof ClientError e) {
      status = e.kind().status;
      error = new JsonObject().put("code", e.code()).put("message", e.getMessage());
      if (e.field() != null) {
        error.put("field", e.field());
      }
    } else if (Unavailable.in(failure)) {
      // Not the client's fault, nor a bug: said plainly, with when to try again, and not logged
      // per request (delivery logs the outage once).
      status = 503;
      error = unavailable(ctx, "Redis, where Pushcart keeps its data, is unavailable (restarting or failing over)");
    } else if (failure == null && ctx.statusCode() == 503) {
      status = 503;
      error = unavailable(ctx, "the request took too long");
    } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      status = ctx.statusCode();
      error = new JsonObject().put("code", codeFor(status)).put("message", messageFor(status));
    } else {
      status = 500;
      String ref = Long.toHexString(System.nanoTime());
      LOG.log(Level.SEVERE, "unexpected failure (ref " + ref + ") on " + ctx.request().method() + " " + ctx.request().path(), failure);
      error = new JsonObject().put("code", "internal").put("message", "internal error, reference " + ref);
    }
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", error).encode());
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
      case 413 -> "body_too_large";
      default -> "bad_request";
    };
  }

  private static String messageFor(int status) {
    return switch (status) {
      case 404 -> "no such resource; see /openapi.yaml for the API";
      case 413 -> "the request body is larger than " + ApiVerticle.BODY_LIMIT + " bytes";
      default -> "bad request";
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
