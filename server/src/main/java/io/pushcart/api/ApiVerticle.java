package io.pushcart.api;

import io.pushcart.Services;
import io.pushcart.api.Replies.Reply;
import io.pushcart.common.ClientError;
import io.pushcart.common.Ids;
import io.pushcart.config.Config;
import io.pushcart.event.EventService;
import io.pushcart.metrics.Metrics;
import io.pushcart.ratelimit.BrowserAction;
import io.pushcart.ratelimit.RateLimiter;
import io.pushcart.site.Site;
import io.pushcart.site.SiteService;
import io.pushcart.subscription.SubscriptionService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/** The HTTP API (PRODUCT.md's v1 contract). Routes, auth and JSON only: the rules live in the services. */
public final class ApiVerticle extends VerticleBase {
  static final int BODY_LIMIT = 64 * 1024;
  /**
   * The longest request line (method, URL, version) and the largest header block we read: Vert.x's
   * defaults, named here because the 414 and 431 answers (Replies.renderInvalidRequest) quote them.
   * A browser's URL to us is under 200 bytes; its headers, cookies included, a few KB.
   */
  static final int MAX_REQUEST_LINE = 4096;
  static final int MAX_HEADERS_SIZE = 8192;
  /** The longest an API request may take before it is answered 503. */
  static final long REQUEST_TIMEOUT_MS = 15_000;

  private final Config config;
  private final String adminToken;
  private final Function<io.vertx.core.Vertx, Services> wiring;
  private final BooleanSupplier draining;

  private Services services;
  private Auth auth;
  private SiteService sites;
  private SubscriptionService subscriptions;
  private EventService events;
  private RateLimiter rateLimits;
  private Buffer openApi;
  private HttpServer server;

  /**
   * {@code wiring} builds this verticle's services on its own Vert.x (and so its own Redis
   * client); {@code draining} is true once the instance is shutting down (then /ready says 503).
   */
  public ApiVerticle(Config config, String adminToken, Function<io.vertx.core.Vertx, Services> wiring,
                     BooleanSupplier draining) {
    this.config = config;
    this.adminToken = adminToken;
    this.wiring = wiring;
    this.draining = draining;
  }

  @Override
  public Future<?> start() {
    services = wiring.apply(vertx);
    auth = new Auth(adminToken);
    sites = services.sites;
    subscriptions = services.subscriptions;
    events = services.events;
    rateLimits = services.rateLimits;
    openApi = OpenApiDocument.load();

    Router router = Router.router(vertx);
    router.route().handler(this::timeRequest);
    router.get("/metrics").handler(this::metrics);
    router.get("/health").handler(this::health);
    router.get("/ready").handler(this::ready);
    router.get("/openapi.yaml").handler(this::openApi);
    router.route("/sdk/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(StaticFiles::onlyPlainNames)
        .handler(StaticFiles::sdkCacheControl).handler(StaticFiles.sdk());
    router.route("/demo/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(StaticFiles::onlyPlainNames)
        .handler(StaticFiles.demo());
    // First, so that every error of theirs, even a body refused before any route, reaches the page (Cors).
    for (String browserRoute : List.of("/v1/sites/:site/public", "/v1/sites/:site/subscriptions",
        "/v1/sites/:site/subscriptions/:subscription", "/v1/sites/:site/events")) {
      router.route(browserRoute).handler(Cors::browserRoute);
    }
    // Each Redis call is bounded (GuardedRedis); this bounds a whole request, whatever it waits on.
    router.route("/v1/*").handler(TimeoutHandler.create(REQUEST_TIMEOUT_MS, 503));
    router.route("/v1/*").handler(new JsonBodies(BODY_LIMIT));
    router.post("/v1/sites").handler(this::createSite);
    router.get("/v1/sites/:site").handler(this::getSite);
    router.get("/v1/sites/:site/report").handler(this::getReport);
    router.patch("/v1/sites/:site").handler(this::updateSite);
    router.post("/v1/sites/:site/identity-secret").handler(this::rotateIdentitySecret);
    router.post("/v1/sites/:site/secret-key").handler(this::rotateSecretKey);
    router.post("/v1/sites/:site/vapid-keys").handler(this::rotateVapidKeys);
    // Browser-facing: no secret, limited to the site's origins (CORS).
    router.options("/v1/sites/:site/*").handler(this::preflight);
    router.get("/v1/sites/:site/public").handler(this::getPublicSite);
    router.post("/v1/sites/:site/subscriptions").handler(this::subscribe);
    // Also the store's backend, with the secret key: it may link a customer without a signature.
    router.patch("/v1/sites/:site/subscriptions/:subscription").handler(this::updateSubscription);
    router.delete("/v1/sites/:site/subscriptions/:subscription").handler(this::unsubscribe);
    router.post("/v1/sites/:site/events").handler(this::event);
    // Marketers and the store's backend: the site's secret key.
    router.get("/v1/sites/:site/subscriptions/:subscription").handler(this::getSubscription);
    new CampaignRoutes(services.campaigns, this::secretSite).mount(router);
    new AudienceRoutes(services, this::secretSite).mount(router);
    new AutomationRoutes(services, this::secretSite).mount(router);
    router.route().last().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(Replies::renderFailure);
    // What never reaches a route or a failure handler (see each method): JSON all the same.
    router.errorHandler(400, Replies::renderMalformedUrl);
    router.errorHandler(500, Replies::renderUnhandled);

    // Compression: the snippet is fetched by every shopper's browser (27 KB raw, 9 KB gzipped).
    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port())
        .setCompressionSupported(true).setMaxInitialLineLength(MAX_REQUEST_LINE).setMaxHeaderSize(MAX_HEADERS_SIZE));
    return server.requestHandler(router).invalidRequestHandler(Replies::renderInvalidRequest).listen();
  }

  /** Stops accepting connections and lets the open requests complete (at most {@link #REQUEST_TIMEOUT_MS}). */
  @Override
  public Future<?> stop() {
    return server.shutdown(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS).transform(ar -> services.close());
  }

  private void health(RoutingContext ctx) {
    Replies.respond(ctx, Future.succeededFuture(Reply.ok(new JsonObject().put("status", "up"))));
  }

  /** Ready when Redis answers: a load balancer should not send traffic to an instance that cannot store it. */
  private void ready(RoutingContext ctx) {
    if (draining.getAsBoolean()) {
      ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json").end("{\"status\":\"shutting down\"}");
      return;
    }
    services.ping()
        .onSuccess(pong -> ctx.response().putHeader("Content-Type", "application/json").end("{\"status\":\"ready\"}"))
        .onFailure(err -> ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("status", "redis unavailable").encode()));
  }

  private void openApi(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/yaml").end(openApi);
  }

  private void createSite(RoutingContext ctx) {
    auth.requireAdmin(ctx);
    Replies.respond(ctx, sites.create(Replies.jsonBody(ctx))
        .map(created -> Reply.created(created.site().toJson().put("secretKey", created.secretKey())
            .put("identitySecret", created.identitySecret()))));
  }

  /** Creates or replaces the identity secret; the answer is the only time it is shown. */
  private void rotateIdentitySecret(RoutingContext ctx) {
    Replies.respond(ctx, secretSite(ctx).compose(sites::rotateIdentitySecret)
        .map(secret -> Reply.created(new JsonObject().put("identitySecret", secret))));
  }

  /** Every request's latency, by route pattern (never the ids in the path), method and status. */
  private void timeRequest(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addBodyEndHandler(v -> {
      String route = ctx.currentRoute() == null || ctx.currentRoute().getPath() == null ? "unmatched" : ctx.currentRoute().getPath();
      Metrics.httpRequest(route, ctx.request().method().name(), ctx.response().getStatusCode(), System.nanoTime() - start);
    });
    ctx.next();
  }

  /** Prometheus text exposition, for the bearer of PUSHCART_METRICS_TOKEN; off (404) without one. */
  private void metrics(RoutingContext ctx) {
    Optional<String> token = config.metricsToken();
    if (token.isEmpty()) {
      ctx.fail(ClientError.notFound("metrics (set PUSHCART_METRICS_TOKEN to turn them on)"));
      return;
    }
    String given = Auth.bearer(ctx);
    if (given == null || !Ids.constantTimeEquals(given, token.get())) {
      ctx.fail(ClientError.unauthorized("send PUSHCART_METRICS_TOKEN as 'Authorization: Bearer <token>'"));
      return;
    }
    ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(Metrics.scrape());
  }

  /** A new secret key, shown this once; the old one keeps working for the grace period. */
  private void rotateSecretKey(RoutingContext ctx) {
    Replies.respond(ctx, secretSite(ctx).compose(site -> sites.rotateSecretKey(site,
            ctx.body() == null || ctx.body().length() <= 0 ? new JsonObject() : Replies.jsonBody(ctx)))
        .map(Reply::created));
  }

  /** A new VAPID key pair for new subscriptions; existing ones keep theirs until the snippet moves them. */
  private void rotateVapidKeys(RoutingContext ctx) {
    Replies.respond(ctx, secretSite(ctx).compose(sites::rotateVapidKeys).map(Reply::created));
  }

  /** {@code GET /v1/sites/{site}/report?from=&to=&interval=} (secret): engagement.Report. */
  private void getReport(RoutingContext ctx) {
    Replies.respond(ctx, secretSite(ctx).compose(site -> services.report.read(site, ctx.queryParams().get("from"),
        ctx.queryParams().get("to"), ctx.queryParams().get("interval"))).map(Reply::ok));
  }

  private void getSite(RoutingContext ctx) {
    Replies.respond(ctx, secretSite(ctx)
        .compose(site -> sites.subscriberCount(site.id())
            .map(count -> Reply.ok(site.toJson().put("subscriberCount", count)))));
  }

  private void updateSite(RoutingContext ctx) {
    Replies.respond(ctx, secretSite(ctx).compose(site -> sites.update(site, Replies.jsonBody(ctx)))
        .map(site -> Reply.ok(site.toJson())));
  }

  /** The site of a marketer or back-end call: the caller must hold its secret key. */
  private Future<Site> secretSite(RoutingContext ctx) {
    return sites.authenticate(ctx.pathParam("site"), Auth.bearer(ctx));
  }

  private void preflight(RoutingContext ctx) {
    sites.find(ctx.pathParam("site")).<Void>map(site -> {
      Cors.preflight(ctx, site);
      return null;
    }).onFailure(ctx::fail);
  }

  /** The site as a browser may see it: what the snippet needs to subscribe. */
  private void getPublicSite(RoutingContext ctx) {
    Replies.respond(ctx, browserSite(ctx, BrowserAction.PUBLIC_SITE).map(site -> Reply.ok(new JsonObject()
        .put("id", site.id()).put("name", site.name()).put("vapidPublicKey", site.vapidPublicKey()))));
  }

  private void subscribe(RoutingContext ctx) {
    Replies.respond(ctx, browserSite(ctx, BrowserAction.SUBSCRIPTION)
        .compose(site -> subscriptions.register(site, Replies.jsonBody(ctx), ctx.request().getHeader("User-Agent"))
            .compose(r -> r.created() ? services.automations.runs.subscribed(site.id(), r.id()).map(r) : Future.succeededFuture(r)))
        .map(r -> new Reply(r.created() ? 201 : 200, new JsonObject().put("id", r.id()))));
  }

  /** From a shopper's browser (the site's origins) or the store's backend (secret key). */
  private void updateSubscription(RoutingContext ctx) {
    String id = ctx.pathParam("subscription");
    boolean withSecret = Auth.bearer(ctx) != null;
    Future<Site> site = withSecret ? secretSite(ctx) : browserSite(ctx, BrowserAction.SUBSCRIPTION);
    Replies.respond(ctx, site.compose(s -> subscriptions.update(s, id, Replies.jsonBody(ctx), withSecret))
        .map(v -> Reply.ok(new JsonObject().put("id", id))));
  }

  private void unsubscribe(RoutingContext ctx) {
    browserSite(ctx, BrowserAction.SUBSCRIPTION).compose(site -> subscriptions.delete(site, ctx.pathParam("subscription")))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** From the store's backend (secret key) or a shopper's browser (the site's origins). */
  private void event(RoutingContext ctx) {
    boolean withSecret = Auth.bearer(ctx) != null;
    Future<Site> site = withSecret ? secretSite(ctx) : browserSite(ctx, BrowserAction.EVENT);
    Replies.respond(ctx, site.compose(s -> events.accept(s, Replies.jsonBody(ctx), withSecret)).map(Reply::accepted));
  }

  /**
   * The site of a browser-facing call, with the caller's origin checked and allowed (CORS), and
   * the call counted against the action's rate limits (429 beyond them). A wrong origin or an
   * unknown site is refused without being counted; a call with a bad body is counted, since its
   * body is read only after this.
   */
  private Future<Site> browserSite(RoutingContext ctx, BrowserAction action) {
    return sites.find(ctx.pathParam("site")).compose(site -> {
      Cors.allow(ctx, site);
      return rateLimits.admit(action, site.id(), ClientAddress.of(ctx.request(), config.trustedProxyHops())).map(site);
    });
  }

  private void getSubscription(RoutingContext ctx) {
    Replies.respond(ctx, secretSite(ctx)
        .compose(site -> subscriptions.find(site, ctx.pathParam("subscription")))
        .map(Reply::ok));
  }
}
