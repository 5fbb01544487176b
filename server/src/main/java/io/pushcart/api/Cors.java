package io.pushcart.api;

import io.pushcart.common.ClientError;
import io.pushcart.site.Site;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * CORS for the browser-facing endpoints, per site: only the site's own origins may call them
 * from a page. A call without an Origin (a server, curl) is not a browser's and is let through;
 * those endpoints need no secret anyway.
 */
final class Cors {
  private Cors() {
  }

  /** Allows the request's origin for this site, or refuses it with 403. */
  static void allow(RoutingContext ctx, Site site) {
    String origin = ctx.request().getHeader("Origin");
    HttpServerResponse response = ctx.response();
    response.putHeader("Vary", "Origin");
    if (origin == null) {
      return;
    }
    if (!site.allowsOrigin(origin)) {
      throw ClientError.forbidden("origin " + origin + " is not among the site's allowed origins");
    }
    response.putHeader("Access-Control-Allow-Origin", origin);
  }

  /** Answers a preflight for a site's browser endpoint. */
  static void preflight(RoutingContext ctx, Site site) {
    allow(ctx, site);
    ctx.response().setStatusCode(204)
        .putHeader("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE, OPTIONS")
        .putHeader("Access-Control-Allow-Headers", "Content-Type")
        .putHeader("Access-Control-Max-Age", "600")
        .end();
  }
}
