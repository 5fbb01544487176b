package io.pushcart.api;

import io.pushcart.common.ClientError;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.regex.Pattern;

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
   * What the two folders hold: files with plain names, no subfolders. StaticHandler decodes the
   * path, turns {@code \} into {@code /} and removes dot segments itself, and a path that then
   * climbs out of its route ({@code /sdk/..%2f}, {@code /demo/..\}) made it fail with
   * StringIndexOutOfBoundsException (a 500), though it served nothing outside. Anything but a
   * plain name, as sent (escapes included), is not one of our files: 404.
   */
  private static final Pattern PLAIN_PATH = Pattern.compile("/(sdk|demo)(/([A-Za-z0-9_-][A-Za-z0-9._-]{0,127})?)?");

  static void onlyPlainNames(RoutingContext ctx) {
    if (!PLAIN_PATH.matcher(ctx.request().path()).matches()) {
      throw ClientError.notFound("file");
    }
    ctx.next();
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
