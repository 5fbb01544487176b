package io.pushcart.ratelimit;

/** What a shopper's browser asks of a site, each limited on its own counters (docs/configuration.md#rate-limits). */
public enum BrowserAction {
  /** Registering, changing or deleting a subscription (without the secret key). */
  SUBSCRIPTION("sub", "subscription requests"),
  /** An event or receipt reported by a page or service worker (without the secret key). */
  EVENT("event", "events"),
  /** Reading the site's public part ({@code GET /v1/sites/{site}/public}). */
  PUBLIC_SITE("public", "requests for the site's public key");

  /** Its part of the counters' key names (redis.Keys): never to be renamed while counters live. */
  final String key;
  final String described;

  BrowserAction(String key, String described) {
    this.key = key;
    this.described = described;
  }
}
