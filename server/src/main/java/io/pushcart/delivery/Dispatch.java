package io.pushcart.delivery;

import io.vertx.core.Future;
import io.pushcart.webpush.PushOptions;
import java.util.List;

/**
 * What {@link SendStep} needs to send one unit: how its messages are claimed, what each one says,
 * and where their outcomes go. A campaign's units ({@link CampaignUnits}) and an automation step's
 * ({@link RunUnits}) differ only here; the sending, its limits, retries and bounds are one.
 */
interface Dispatch {
  /** The TTL, urgency and topic of one claimed subscriber's message. */
  PushOptions options(ProgressStore.Claimed claimed);

  Expiry expiry();

  /**
   * Claims the unit's messages still due for its attempt (marking them in flight), with their
   * subscriptions; with {@code zones}, each with its subscriber's fields up to its time zone at least.
   */
  Future<List<ProgressStore.Claimed>> claim(WorkUnit.Send unit, boolean zones);

  /** When a message can no longer be sent (a campaign's expiresAt, a step's TTL after it was due). */
  default long expiresAt(ProgressStore.Claimed claimed) {
    return expiry().atMillis();
  }

  /** Sent whatever the frequency caps say (and still counted): ignoreCap. */
  boolean ignoresCap(ProgressStore.Claimed claimed);

  /** Sent during quiet hours too: ignoreQuietHours. */
  boolean ignoresQuietHours(ProgressStore.Claimed claimed);

  /**
   * Whether a message over a frequency cap waits for room (an automation step) rather than being
   * dropped (a campaign's: MARKETING.md §6).
   */
  boolean waitsWhenCapped();

  /** The payload for one claimed subscriber, or why it is not sent. Runs on a crypto worker: no I/O. */
  Payload payload(ProgressStore.Claimed claimed);

  /** The subscription a claimed message goes to (a unit may name its messages otherwise). */
  default String subscriptionId(ProgressStore.Claimed claimed) {
    return claimed.id();
  }

  /** Records a batch of outcomes, idempotently; accepted ones count as sent in {@code report} (the site's report hash of the day). */
  Future<?> record(List<Outcome> outcomes, String report);

  /** A message's bytes, or (bytes null) the reason it is suppressed (missingData, tooLarge, audience). */
  record Payload(byte[] bytes, String suppressed) {
    static Payload of(byte[] bytes) {
      return new Payload(bytes, null);
    }

    static Payload suppressed(String reason) {
      return new Payload(null, reason);
    }

    static Payload of(io.pushcart.personalize.Personalization.Result rendered) {
      return rendered instanceof io.pushcart.personalize.Personalization.Result.Payload p ? of(p.bytes())
          : suppressed(((io.pushcart.personalize.Personalization.Result.Suppressed) rendered).reason());
    }
  }
}
