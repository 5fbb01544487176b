package io.pushcart.api;

import io.pushcart.common.ClientError;
import io.pushcart.site.Site;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * CORS for the browser-facing endpoints, per site: only the site's own origins may call them
 * from a page. A call without an Origin (a server, curl) is not a browser's and is let through;
 * those endpoints need no secret anyway.
 *
 * <p>Their errors are readable by any page ({@link #onError}): without the header, a browser
 * hides the answer and the page sees only a network error, whatever went wrong (a wrong origin in
 * the site's settings, an unknown site id in the snippet, a rate limit). That exposes nothing: an
 * error's body says what was refused and why, never a site's data; no credentials are ever
 * allowed, so the body cannot depend on who is asking; and anyone can read the same answer
 * without a browser. What the origin check protects — a page of another origin acting on a
 * site's subscribers — is refused all the same.
 */
final class Cors {
  private static final String BROWSER_ROUTE = "pushcart.browserRoute";

  private Cors() {
  }

  /** Marks the request as one to a browser-facing route, whose errors carry the CORS header. */
  static void browserRoute(RoutingContext ctx) {
    ctx.put(BROWSER_ROUTE, Boolean.TRUE);
    ctx.next();
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

  /**
   * On an error answer to a browser-facing route: lets the calling page read it, whatever its
   * origin, with its Retry-After (429, 503). A preflight refused stays refused for the browser,
   * which needs a 2xx to go on, so a preflighted call from a wrong origin is still a network error
   * to its page; the snippet's first call (GET /public) is not preflighted and shows the 403.
   */
  static void onError(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (ctx.get(BROWSER_ROUTE) == null || origin == null) {
      return;
    }
    ctx.response().headers().set("Vary", "Origin").set("Access-Control-Allow-Origin", origin)
        .set("Access-Control-Expose-Headers", "Retry-After");
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
