package io.pushcart.delivery;

import io.pushcart.common.Unavailable;
import io.pushcart.metrics.Metrics;
import java.util.logging.Logger;

/**
 * What a delivery worker says about Redis going away and coming back: one warning when it
 * becomes unavailable and one line when it answers again, however many periodic tasks fail in
 * between. Any other failure is logged each time, as the bug it is. Confined to one event loop.
 */
final class OutageLog {
  private final Logger log;
  private boolean down;

  OutageLog(Logger log) {
    this.log = log;
  }

  void failed(String what, Throwable err) {
    if (!Unavailable.in(err)) {
      log.warning(what + " failed: " + err.getMessage());
    } else if (!down) {
      down = true;
      Metrics.deliveryEvent("redis_pause");
      log.warning("delivery paused: " + what + " failed: " + err.getMessage()
          + "; units in hand are kept and run again when Redis answers");
    }
  }

  /** A Redis call succeeded. */
  void ok() {
    if (down) {
      down = false;
      log.info("Redis answers again: delivery resumes");
    }
  }
}
