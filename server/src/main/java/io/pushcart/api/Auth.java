package io.pushcart.api;

import io.pushcart.common.ClientError;
import io.pushcart.common.Ids;
import io.vertx.ext.web.RoutingContext;

/** Bearer tokens: the admin token for creating sites, a site's secret key for its marketer API. */
final class Auth {
  private final String adminToken;

  Auth(String adminToken) {
    this.adminToken = adminToken;
  }

  /** The bearer token of the request, or null. */
  static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  void requireAdmin(RoutingContext ctx) {
    String token = bearer(ctx);
    if (token == null) {
      throw ClientError.unauthorized("send the admin token as 'Authorization: Bearer <PUSHCART_ADMIN_TOKEN>'");
    }
    if (!Ids.constantTimeEquals(token, adminToken)) {
      throw ClientError.unauthorized("the admin token is not right");
    }
  }
}
