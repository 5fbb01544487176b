package io.pushcart.api;

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

  static StaticHandler sdk() {
    return StaticHandler.create("sdk").setMaxAgeSeconds(SDK_MAX_AGE_SECONDS).setDirectoryListing(false)
        .setIncludeHidden(false).setSendVaryHeader(true);
  }

  static StaticHandler demo() {
    return StaticHandler.create("demo").setCachingEnabled(false).setDirectoryListing(false).setIndexPage("index.html");
  }
}
