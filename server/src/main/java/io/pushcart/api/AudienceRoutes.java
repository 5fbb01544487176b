package io.pushcart.api;

import io.pushcart.Services;
import io.pushcart.api.Replies.Reply;
import io.pushcart.site.Site;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * The routes of who a store reaches (MARKETING.md §1–§2): audience counts, saved segments and
 * their members, customers. All take the site's secret key ({@code secretSite}, ApiVerticle's).
 */
final class AudienceRoutes {
  private final Services services;
  private final Function<RoutingContext, Future<Site>> secretSite;

  AudienceRoutes(Services services, Function<RoutingContext, Future<Site>> secretSite) {
    this.services = services;
    this.secretSite = secretSite;
  }

  void mount(Router router) {
    router.post("/v1/sites/:site/audience/count").handler(this::countAudience);
    router.get("/v1/sites/:site/customers/:customer").handler(this::exportCustomer);
    router.patch("/v1/sites/:site/customers/:customer").handler(this::updateCustomer);
    router.delete("/v1/sites/:site/customers/:customer").handler(this::eraseCustomer);
    router.post("/v1/sites/:site/segments").handler(this::createSegment);
    router.get("/v1/sites/:site/segments").handler(this::listSegments);
    router.get("/v1/sites/:site/segments/:segment").handler(this::getSegment);
    router.patch("/v1/sites/:site/segments/:segment").handler(this::updateSegment);
    router.delete("/v1/sites/:site/segments/:segment").handler(this::deleteSegment);
    router.get("/v1/sites/:site/segments/:segment/subscriptions").handler(this::segmentMembers);
  }

  private void countAudience(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx)
        .compose(site -> services.campaigns.countAudience(site, Replies.jsonBody(ctx))).map(Reply::ok));
  }

  private void exportCustomer(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx)
        .compose(site -> services.customers.export(site, ctx.pathParam("customer"))).map(Reply::ok));
  }

  private void updateCustomer(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx)
        .compose(site -> services.customers.update(site, ctx.pathParam("customer"), Replies.jsonBody(ctx))).map(Reply::ok));
  }

  private void eraseCustomer(RoutingContext ctx) {
    secretSite.apply(ctx).compose(site -> services.customers.erase(site, ctx.pathParam("customer")))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void createSegment(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx)
        .compose(site -> services.segments.create(site.id(), Replies.jsonBody(ctx))).map(Reply::created));
  }

  private void listSegments(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx).compose(site -> services.segments.list(site.id())).map(Reply::ok));
  }

  private void getSegment(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx)
        .compose(site -> services.segments.get(site.id(), ctx.pathParam("segment"))).map(Reply::ok));
  }

  private void updateSegment(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx)
        .compose(site -> services.segments.update(site.id(), ctx.pathParam("segment"), Replies.jsonBody(ctx))).map(Reply::ok));
  }

  private void deleteSegment(RoutingContext ctx) {
    secretSite.apply(ctx).compose(site -> services.segments.delete(site.id(), ctx.pathParam("segment")))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void segmentMembers(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx).compose(site -> services.segments.members(site.id(), ctx.pathParam("segment"),
        ctx.queryParams().get("cursor"), ctx.queryParams().get("limit"))).map(Reply::ok));
  }
}
