package io.pushcart.api;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The browser files Pushcart serves: the snippet and worker script ({@code /sdk/}) and the demo
 * store ({@code /demo/}), packed into the jar from {@code js-client/} at build time.
 */
final class StaticFiles {
  /** Short: a fixed snippet reaches every store within minutes; versioned URLs can cache longer. */
  static final long SDK_MAX_AGE_SECONDS = 300;

  private StaticFiles() {
  }

  /**
   * The SDK's URLs carry no version, so they must not be marked immutable (StaticHandler's
   * default): a fixed snippet has to reach browsers within the max age. StaticHandler keeps a
   * Cache-Control header that is already set.
   */
  static void sdkCacheControl(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "public, max-age=" + SDK_MAX_AGE_SECONDS);
    ctx.next();
  }

  static StaticHandler sdk() {
    return StaticHandler.create("sdk").setMaxAgeSeconds(SDK_MAX_AGE_SECONDS).setDirectoryListing(false)
        .setIncludeHidden(false).setSendVaryHeader(true);
  }

  static StaticHandler demo() {
    return StaticHandler.create("demo").setCachingEnabled(false).setDirectoryListing(false).setIndexPage("index.html");
  }
}
