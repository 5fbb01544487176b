package io.pushcart.api;

import io.pushcart.Services;
import io.pushcart.api.Replies.Reply;
import io.pushcart.site.Site;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** The routes of automations and transactional pushes (MARKETING.md §4). All take the site's secret key. */
final class AutomationRoutes {
  private final Services services;
  private final Function<RoutingContext, Future<Site>> secretSite;

  AutomationRoutes(Services services, Function<RoutingContext, Future<Site>> secretSite) {
    this.services = services;
    this.secretSite = secretSite;
  }

  void mount(Router router) {
    router.post("/v1/sites/:site/automations").handler(this::create);
    router.get("/v1/sites/:site/automations").handler(this::list);
    router.get("/v1/sites/:site/automations/:automation").handler(this::get);
    router.patch("/v1/sites/:site/automations/:automation").handler(this::update);
    router.delete("/v1/sites/:site/automations/:automation").handler(this::delete);
    router.post("/v1/sites/:site/notifications").handler(this::sendNotification);
    router.get("/v1/sites/:site/notifications/:notification").handler(this::getNotification);
    router.post("/v1/sites/:site/preview").handler(this::preview);
  }

  private void preview(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx)
        .compose(site -> services.notifications.preview(site.id(), site.name(), Replies.jsonBody(ctx))).map(Reply::ok));
  }

  private void sendNotification(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx)
        .compose(site -> services.notifications.send(site.id(), Replies.jsonBody(ctx))).map(Reply::accepted));
  }

  private void getNotification(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx)
        .compose(site -> services.notifications.find(site.id(), ctx.pathParam("notification"))).map(Reply::ok));
  }

  private void create(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx)
        .compose(site -> services.automations.create(site.id(), Replies.jsonBody(ctx))).map(Reply::created));
  }

  private void list(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx).compose(site -> services.automations.list(site.id())).map(Reply::ok));
  }

  private void get(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx)
        .compose(site -> services.automations.get(site.id(), ctx.pathParam("automation"))).map(Reply::ok));
  }

  private void update(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx)
        .compose(site -> services.automations.update(site.id(), ctx.pathParam("automation"), Replies.jsonBody(ctx))).map(Reply::ok));
  }

  private void delete(RoutingContext ctx) {
    secretSite.apply(ctx).compose(site -> services.automations.delete(site.id(), ctx.pathParam("automation")))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }
}
