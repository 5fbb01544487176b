package io.pushcart.personalize;

import static io.pushcart.personalize.Render.body;
import static io.pushcart.personalize.Render.missing;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** When a recipient lacks a value: default fills it in, otherwise the message is Missing. */
class DefaultAndMissingTest {
  private static final String GREETING = "{{ subscriber.attributes.firstName | default: \"there\" }}";

  private static JsonObject firstName(Object value) {
    return new JsonObject().put("subscriber", new JsonObject().put("attributes", new JsonObject().put("firstName", value)));
  }

  @Test
  void defaultFillsInAnAbsentValue() {
    assertThat(body(GREETING, new JsonObject())).isEqualTo("there");
    assertThat(body(GREETING, new JsonObject().put("subscriber", new JsonObject()))).isEqualTo("there");
  }

  @Test
  void defaultFillsInNullEmptyAndBlank() {
    assertThat(body(GREETING, firstName(null))).isEqualTo("there");
    assertThat(body(GREETING, firstName(""))).isEqualTo("there");
    assertThat(body(GREETING, firstName("   \t"))).isEqualTo("there");
    assertThat(body(GREETING, firstName(new JsonArray()))).isEqualTo("there");
    assertThat(body(GREETING, firstName(false))).as("as in Liquid").isEqualTo("there");
  }

  @Test
  void defaultKeepsAPresentValue() {
    assertThat(body(GREETING, firstName("Ana"))).isEqualTo("Ana");
    assertThat(body(GREETING, firstName(0))).as("zero is a value").isEqualTo("0");
  }

  @Test
  void anAbsentValueWithoutDefaultIsMissingNamedAsWritten() {
    JsonObject emptyCart = new JsonObject().put("cart", new JsonObject().put("items", new JsonArray()));
    assertThat(missing("{{ cart.items[0].name }} is waiting", emptyCart)).isEqualTo("cart.items[0].name");
    assertThat(missing("{{ cart[\"items\"][0].name }}", emptyCart)).isEqualTo("cart[\"items\"][0].name");
    assertThat(missing("Hi {{ subscriber.attributes.firstName }}", new JsonObject())).isEqualTo("subscriber.attributes.firstName");
  }

  @Test
  void aNullValueWithoutDefaultIsMissing() {
    assertThat(missing("Hi {{ subscriber.attributes.firstName }}", firstName(null))).isEqualTo("subscriber.attributes.firstName");
  }

  @Test
  void anEmptyStringWithoutDefaultRendersEmpty() {
    assertThat(body("Hi {{ subscriber.attributes.firstName }}!", firstName(""))).isEqualTo("Hi !");
  }

  @Test
  void otherFiltersBeforeDefaultPassTheAbsenceAlong() {
    assertThat(body("{{ subscriber.attributes.firstName | upcase | default: \"friend\" }}", new JsonObject()))
        .isEqualTo("friend");
  }

  @Test
  void aFilterWithoutDefaultDoesNotRescueAnAbsentValue() {
    assertThat(missing("{{ subscriber.attributes.firstName | upcase }}", new JsonObject()))
        .isEqualTo("subscriber.attributes.firstName");
  }

  @Test
  void defaultMayTakeAnotherPath() {
    JsonObject data = firstName(null).put("site", new JsonObject().put("greeting", "friend"));
    assertThat(body("{{ subscriber.attributes.firstName | default: site.greeting }}", data)).isEqualTo("friend");
    assertThat(missing("{{ subscriber.attributes.firstName | default: site.nothing }}", data)).isEqualTo("site.nothing");
    assertThat(body("{{ site.greeting | default: site.nothing }}", data))
        .as("the fallback is read only when needed").isEqualTo("friend");
  }

  @Test
  void theFirstMissingValueOfTheNotificationIsReported() {
    MessageTemplate t = MessageTemplate.compile(new JsonObject()
        .put("title", "{{ cart.items[0].name }}")
        .put("body", "{{ subscriber.attributes.firstName }}"), "");
    JsonObject neither = new JsonObject().put("cart", new JsonObject().put("items", new JsonArray()));
    assertThat(t.render(neither.getMap(), null, null)).isEqualTo(new MessageTemplate.Rendered.Missing("cart.items[0].name"));
  }
}
