package io.pushcart.campaign;

import io.vertx.core.Future;

/**
 * What the campaign store tells the delivery engine before it writes a campaign's work: this
 * site is about to have some, so poll it (delivery/ActiveSites). Declared here so that campaigns
 * do not depend on delivery, which depends on them.
 */
public interface WorkIndex {
  /** The site gets work created at {@code atMillis}; done before that work is written. */
  Future<Void> siteGetsWork(String siteId, long atMillis);
}
