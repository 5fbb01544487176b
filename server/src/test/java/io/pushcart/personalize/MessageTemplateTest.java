package io.pushcart.personalize;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.personalize.MessageTemplate.Rendered;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A whole notification: every string rendered, everything else copied, one template for many threads. */
class MessageTemplateTest {
  private static JsonObject cartReminder() {
    return new JsonObject()
        .put("title", "{{ cart.items[0].name }} is waiting")
        .put("body", "{{ subscriber.attributes.firstName | default: \"Hi\" }}, your {{ cart.itemCount }} items: "
            + "{{ cart.total | money }}")
        .put("url", "https://shop.example/cart")
        .put("requireInteraction", true)
        .put("actions", new JsonArray()
            .add(new JsonObject().put("action", "open").put("title", "Back to {{ site.name }}"))
            .add(new JsonObject().put("action", "later").put("title", "Later")));
  }

  private static JsonObject ok(Rendered r) {
    assertThat(r).isInstanceOf(Rendered.Ok.class);
    return ((Rendered.Ok) r).notification();
  }

  @Test
  void aNotificationWithoutMergeFieldsRendersToAnEqualCopy() {
    JsonObject plain = new JsonObject().put("title", "Sale").put("body", "50 % off { today }")
        .put("requireInteraction", false).put("actions", new JsonArray().add(new JsonObject().put("title", "Go")));
    MessageTemplate t = MessageTemplate.compile(plain, "");
    assertThat(t.personalized()).isFalse();
    assertThat(t.roots()).isEmpty();
    JsonObject first = ok(t.render(Map.of(), null, null));
    assertThat(first).isEqualTo(plain);
    first.getJsonArray("actions").getJsonObject(0).put("title", "changed");
    assertThat(ok(t.render(null, null, null))).as("each render is a fresh copy").isEqualTo(plain);
  }

  @Test
  void everyStringIsRenderedNestedActionsIncludedAndTheRestCopied() {
    MessageTemplate t = MessageTemplate.compile(cartReminder(), "steps[0].notification.");
    JsonObject out = ok(t.render(Render.shop().getMap(), "de-DE", "EUR"));
    assertThat(out).isEqualTo(new JsonObject()
        .put("title", "Trail Runner is waiting")
        .put("body", "Ana, your 2 items: 58,90\u00a0€")
        .put("url", "https://shop.example/cart")
        .put("requireInteraction", true)
        .put("actions", new JsonArray()
            .add(new JsonObject().put("action", "open").put("title", "Back to Shoe Shop"))
            .add(new JsonObject().put("action", "later").put("title", "Later"))));
  }

  @Test
  void rootsAreWhatTheTemplatesRead() {
    MessageTemplate t = MessageTemplate.compile(cartReminder()
        .put("tag", "{% for item in cart.items %}{{ item.sku }}{% endfor %}{% if order.id %}{% endif %}"), "");
    assertThat(t.personalized()).isTrue();
    assertThat(t.roots()).containsExactly("cart", "order", "site", "subscriber");
  }

  @Test
  void mergeFieldSyntaxInTheDataDoesNotSurviveIntoTheOutput() {
    JsonObject data = new JsonObject().put("subscriber", new JsonObject().put("attributes", new JsonObject()
        .put("firstName", "{{ site.secret }}").put("lastName", "{% if x %}").put("brace", "{")));
    assertThat(Render.body("Hi {{ subscriber.attributes.firstName }} {{ subscriber.attributes.lastName }}", data))
        .isEqualTo("Hi { { site.secret }} { % if x %}");
    assertThat(Render.body("{{ subscriber.attributes.brace }}{{ subscriber.attributes.brace }}% "
        + "{{ subscriber.attributes.brace }}{{ subscriber.attributes.brace }}{{ subscriber.attributes.brace }}", data))
        .as("values next to each other or to the template's text").doesNotContain("{{", "{%").isEqualTo("{ { % { { {");
  }

  @Test
  void theContextMayBePlainMapsAndLists() {
    Map<String, Object> cart = new HashMap<>();
    cart.put("items", List.of(Map.of("name", "Trail Runner")));
    cart.put("itemCount", 1);
    cart.put("total", 49.9);
    Map<String, Object> context = Map.of("cart", cart);
    JsonObject out = ok(MessageTemplate.compile(cartReminder().put("actions", new JsonArray()), "")
        .render(context, "en-US", "USD"));
    assertThat(out.getString("title")).isEqualTo("Trail Runner is waiting");
    assertThat(out.getString("body")).isEqualTo("Hi, your 1 items: $49.90");
  }

  @Test
  void theTemplateKeepsItsOwnCopyOfTheNotification() {
    JsonObject notification = cartReminder();
    MessageTemplate t = MessageTemplate.compile(notification, "");
    notification.put("url", "https://elsewhere.example/");
    notification.getJsonArray("actions").getJsonObject(1).put("title", "changed");
    JsonObject out = ok(t.render(Render.shop().getMap(), "en-US", "EUR"));
    assertThat(out.getString("url")).isEqualTo("https://shop.example/cart");
    assertThat(out.getJsonArray("actions").getJsonObject(1).getString("title")).isEqualTo("Later");
  }

  @Test
  void oneTemplateRendersFromFourThreadsAtOnce() throws Exception {
    MessageTemplate t = MessageTemplate.compile(cartReminder()
        .put("tag", "{% for item in cart.items %}{{ forloop.index }}{{ item.name | truncate: 3, '' }}{% endfor %}"), "");
    String[] locales = {"en-US", "de-DE", "fr-FR", "ja-JP"};
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int thread = 0; thread < 4; thread++) {
        int id = thread;
        results.add(pool.submit(() -> {
          for (int i = 0; i < 5_000; i++) {
            String name = "Shopper" + id + "-" + i;
            JsonObject data = Render.shop();
            data.getJsonObject("subscriber").getJsonObject("attributes").put("firstName", name);
            data.getJsonObject("cart").put("itemCount", i);
            JsonObject out = ok(t.render(data.getMap(), locales[id], "EUR"));
            String expectedTotal = switch (id) {
              case 0 -> "€58.90";
              case 1 -> "58,90\u00a0€";
              case 2 -> "58,90\u00a0€";
              default -> "€58.90";
            };
            assertThat(out.getString("body")).isEqualTo(name + ", your " + i + " items: " + expectedTotal);
            assertThat(out.getString("tag")).isEqualTo("1Tra2Woo");
          }
          return id;
        }));
      }
      for (Future<Integer> f : results) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
