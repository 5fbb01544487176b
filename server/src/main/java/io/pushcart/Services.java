package io.pushcart;

import io.pushcart.automation.AutomationService;
import io.pushcart.automation.AutomationStore;
import io.pushcart.automation.InFlightWait;
import io.pushcart.automation.NotificationService;
import io.pushcart.automation.RunStore;
import io.pushcart.campaign.CampaignService;
import io.pushcart.campaign.CampaignStore;
import io.pushcart.config.Config;
import io.pushcart.customer.CustomerService;
import io.pushcart.customer.CustomerStore;
import io.pushcart.delivery.ActiveSites;
import io.pushcart.event.EventService;
import io.pushcart.event.EventStore;
import io.pushcart.ratelimit.RateLimitStore;
import io.pushcart.ratelimit.RateLimiter;
import io.pushcart.engagement.Attribution;
import io.pushcart.engagement.Report;
import io.pushcart.redis.RedisConnector;
import io.pushcart.segment.AudienceReader;
import io.pushcart.segment.SegmentService;
import io.pushcart.segment.SegmentStore;
import io.pushcart.site.KeyVault;
import io.pushcart.site.SiteService;
import io.pushcart.site.SiteStore;
import io.pushcart.subscription.EndpointPolicy;
import io.pushcart.subscription.SubscriptionService;
import io.pushcart.subscription.SubscriptionStore;
import io.pushcart.webpush.CryptoProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Clock;
import java.util.List;

/**
 * The services the HTTP API calls, wired to one Redis client. Built here so that the api
 * package depends on services only, never on Redis.
 */
public final class Services {
  private final Redis redis;
  public final SiteService sites;
  public final SubscriptionService subscriptions;
  public final CampaignService campaigns;
  public final EventService events;
  public final SegmentService segments;
  public final CustomerService customers;
  public final RateLimiter rateLimits;
  public final AutomationService automations;
  public final NotificationService notifications;
  public final Report report;

  private Services(Vertx vertx, Redis redis, Config config, CryptoProvider crypto, Clock clock) {
    this.redis = redis;
    SubscriptionStore subscriptionStore = new SubscriptionStore(redis);
    this.sites = new SiteService(new SiteStore(redis, KeyVault.of(config.masterKey())), crypto, clock);
    this.report = new Report(redis, clock);
    this.subscriptions = new SubscriptionService(subscriptionStore, new EndpointPolicy(config.extraPushHosts()), report, clock);
    SegmentStore segmentStore = new SegmentStore(redis);
    AudienceReader reader = new AudienceReader(redis);
    this.campaigns = new CampaignService(new CampaignStore(redis, new ActiveSites(redis)), segmentStore, reader, clock,
        site -> ActiveSites.announceWork(vertx.eventBus(), site));
    RunStore runs = new RunStore(redis);
    this.automations = new AutomationService(new AutomationStore(redis, new ActiveSites(redis)), runs, segmentStore, redis, clock);
    // A segment in use by an unfinished campaign or by an automation cannot be deleted.
    this.segments = new SegmentService(segmentStore, reader, clock, (site, segment) -> campaigns.unfinishedUsing(site, segment)
        .compose(c -> automations.using(site, segment).map(a -> {
          List<String> all = new java.util.ArrayList<>(c);
          a.forEach(id -> all.add("automation " + id));
          return all;
        })));
    this.notifications = new NotificationService(runs, subscriptionStore, new CustomerStore(redis),
        site -> ActiveSites.announceStepsDue(vertx.eventBus(), site), clock);
    this.customers = new CustomerService(new CustomerStore(redis), subscriptions, new CustomerService.Runs() {
      @Override
      public Future<io.vertx.core.json.JsonArray> export(String site, String customerId, java.util.List<String> subs) {
        return automations.runs.exportRuns(site, customerId, subs);
      }

      @Override
      public Future<Void> erase(String site, String customerId, java.util.List<String> subs) {
        return automations.runs.eraseRuns(site, customerId, subs);
      }
    });
    this.events = new EventService(new EventStore(redis), new CustomerStore(redis), automations.runs, automations.productAlerts,
        new InFlightWait(vertx, redis), new Attribution(redis), clock);
    this.rateLimits = new RateLimiter(config.rateLimits(), new RateLimitStore(redis), clock);
  }

  public static Services create(Vertx vertx, Config config, String redisUrl, CryptoProvider crypto, Clock clock) {
    return new Services(vertx, RedisConnector.create(vertx, config, redisUrl), config, crypto, clock);
  }

  /** Succeeds when the store answers: what readiness means. */
  public Future<Void> ping() {
    return redis.send(Request.cmd(Command.PING)).mapEmpty();
  }

  public Future<Void> close() {
    return redis.close();
  }
}
