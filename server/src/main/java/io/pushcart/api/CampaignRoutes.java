package io.pushcart.api;

import io.pushcart.api.Replies.Reply;
import io.pushcart.campaign.CampaignQuery;
import io.pushcart.campaign.CampaignService;
import io.pushcart.site.Site;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** The routes of campaigns (PRODUCT.md): create, list, read, change, cancel. All take the site's secret key. */
final class CampaignRoutes {
  private final CampaignService campaigns;
  private final Function<RoutingContext, Future<Site>> secretSite;

  CampaignRoutes(CampaignService campaigns, Function<RoutingContext, Future<Site>> secretSite) {
    this.campaigns = campaigns;
    this.secretSite = secretSite;
  }

  void mount(Router router) {
    router.post("/v1/sites/:site/campaigns").handler(this::createCampaign);
    router.get("/v1/sites/:site/campaigns").handler(this::listCampaigns);
    router.get("/v1/sites/:site/campaigns/:campaign").handler(this::getCampaign);
    router.patch("/v1/sites/:site/campaigns/:campaign").handler(this::updateCampaign);
    router.post("/v1/sites/:site/campaigns/:campaign/cancel").handler(this::cancelCampaign);
  }

  private void createCampaign(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx).compose(site -> campaigns.create(site, Replies.jsonBody(ctx)))
        .map(created -> Reply.created(withWarnings(created))));
  }

  private void listCampaigns(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx).compose(site -> campaigns.list(site, CampaignQuery.parse(
            ctx.queryParams().get("status"), ctx.queryParams().get("kind"), ctx.queryParams().get("limit"),
            ctx.queryParams().get("cursor"))))
        .map(Reply::ok));
  }

  private void getCampaign(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx)
        .compose(site -> campaigns.describe(site.id(), ctx.pathParam("campaign")))
        .map(Reply::ok));
  }

  private void updateCampaign(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx)
        .compose(site -> campaigns.update(site, ctx.pathParam("campaign"), Replies.jsonBody(ctx)))
        .map(updated -> Reply.ok(withWarnings(updated))));
  }

  private void cancelCampaign(RoutingContext ctx) {
    Replies.respond(ctx, secretSite.apply(ctx)
        .compose(site -> campaigns.cancel(site, ctx.pathParam("campaign")))
        .map(c -> Reply.ok(c.toJson())));
  }

  private static JsonObject withWarnings(CampaignService.Created created) {
    return created.campaign().toJson().put("warnings", new JsonArray(created.warnings()));
  }
}
