package io.pushcart.personalize;

import static io.pushcart.personalize.Render.body;
import static io.pushcart.personalize.Render.missing;
import static io.pushcart.personalize.Render.shop;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** if / elsif / else / unless and for, with Liquid's meaning. */
class TagsTest {
  private static final String ITEMS = "{% if cart.itemCount > 1 %}{{ cart.itemCount }} items"
      + "{% elsif cart.itemCount == 1 %}one item{% else %}nothing{% endif %}";

  private static JsonObject count(Object itemCount) {
    return new JsonObject().put("cart", new JsonObject().put("itemCount", itemCount));
  }

  private static JsonObject order(Object a, Object b) {
    return new JsonObject().put("order", new JsonObject().put("a", a).put("b", b));
  }

  @Test
  void ifTakesTheFirstBranchWhoseTestHolds() {
    assertThat(body(ITEMS, count(3))).isEqualTo("3 items");
    assertThat(body(ITEMS, count(1))).isEqualTo("one item");
    assertThat(body(ITEMS, count(0))).isEqualTo("nothing");
  }

  @Test
  void comparisonsOrderNumbersAndStrings() {
    String all = "{% if order.a == order.b %}eq {% endif %}{% if order.a != order.b %}ne {% endif %}"
        + "{% if order.a < order.b %}lt {% endif %}{% if order.a > order.b %}gt {% endif %}"
        + "{% if order.a <= order.b %}le {% endif %}{% if order.a >= order.b %}ge{% endif %}";
    assertThat(body(all, order(1, 2))).isEqualTo("ne lt le ");
    assertThat(body(all, order(2, 2.0))).as("1 == 1.0").isEqualTo("eq le ge");
    assertThat(body(all, order("b", "a"))).isEqualTo("ne gt ge");
    assertThat(body(all, order("2", 1))).as("a string and a number do not order").isEqualTo("ne ");
  }

  @Test
  void andAndOrAreReadFromTheRight() {
    JsonObject flags = new JsonObject().put("site", new JsonObject().put("no", false).put("yes", true));
    assertThat(body("{% if site.no and site.no or site.yes %}left{% else %}right{% endif %}", flags))
        .as("no and (no or yes)").isEqualTo("right");
    assertThat(body("{% if site.yes and site.yes %}both{% endif %}{% if site.no or site.yes %} either{% endif %}", flags))
        .isEqualTo("both either");
  }

  @Test
  void onlyNilAndFalseAreFalse() {
    String t = "{% if order.a %}T{% else %}F{% endif %}";
    assertThat(body(t, order("", null))).isEqualTo("T");
    assertThat(body(t, order(0, null))).isEqualTo("T");
    assertThat(body(t, order(false, null))).isEqualTo("F");
    assertThat(body(t, order(null, null))).isEqualTo("F");
  }

  @Test
  void emptyAndBlankTestForNothingToShow() {
    String t = "{% if order.a == empty %}empty {% endif %}{% if order.a != blank %}shown{% endif %}";
    assertThat(body(t, order("", null))).isEqualTo("empty ");
    assertThat(body(t, order("  ", null))).isEqualTo("");
    assertThat(body(t, order("x", null))).isEqualTo("shown");
    assertThat(body(t, order(new JsonArray(), null))).isEqualTo("empty ");
  }

  @Test
  void containsLooksInStringsAndLists() {
    JsonObject data = new JsonObject().put("product", new JsonObject().put("name", "Wool Socks")
        .put("tags", new JsonArray().add("sale").add("wool")));
    assertThat(body("{% if product.name contains \"Wool\" %}a{% endif %}{% if product.tags contains \"sale\" %}b{% endif %}"
        + "{% if product.tags contains \"new\" %}c{% endif %}", data)).isEqualTo("ab");
  }

  @Test
  void aConditionOnAnAbsentValueIsFalseNotMissing() {
    String t = "Hi {% if subscriber.attributes.firstName %}{{ subscriber.attributes.firstName }}{% else %}there{% endif %}";
    assertThat(body(t, new JsonObject())).isEqualTo("Hi there");
    assertThat(body(t, shop())).isEqualTo("Hi Ana");
  }

  @Test
  void unlessIsIfNot() {
    assertThat(body("{% unless cart.itemCount > 1 %}just one{% else %}many{% endunless %}", count(1))).isEqualTo("just one");
    assertThat(body("{% unless cart.itemCount > 1 %}just one{% else %}many{% endunless %}", count(2))).isEqualTo("many");
  }

  @Test
  void forRepeatsItsBodyForEachItemUpToTheLimit() {
    String t = "{% for item in cart.items limit: 2 %}{{ item.name }}{% unless forloop.last %}, {% endunless %}{% endfor %}";
    JsonObject data = shop();
    data.getJsonObject("cart").getJsonArray("items").add(new JsonObject().put("name", "Laces"));
    assertThat(body(t, data)).isEqualTo("Trail Runner, Wool Socks");
  }

  @Test
  void forloopTellsThePosition() {
    assertThat(body("{% for item in cart.items %}{{ forloop.index }}/{{ forloop.length }}"
        + "{% if forloop.first %}F{% endif %}{{ forloop.rindex0 }} {% endfor %}", shop())).isEqualTo("1/2F1 2/20 ");
  }

  @Test
  void forTakesOffsetAndReversed() {
    JsonObject data = new JsonObject().put("order", new JsonObject().put("n", new JsonArray().add(1).add(2).add(3).add(4)));
    assertThat(body("{% for x in order.n offset: 1 limit: 2 %}{{ x }}{% endfor %}", data)).isEqualTo("23");
    assertThat(body("{% for x in order.n reversed %}{{ x }}{% endfor %}", data)).isEqualTo("4321");
  }

  @Test
  void forElseRendersWhenThereIsNoItem() {
    String t = "{% for item in cart.items %}{{ item.name }}{% else %}your cart is empty{% endfor %}";
    assertThat(body(t, new JsonObject().put("cart", new JsonObject().put("items", new JsonArray())))).isEqualTo("your cart is empty");
    assertThat(body(t, new JsonObject())).as("an absent list has no items").isEqualTo("your cart is empty");
  }

  @Test
  void nestedLoopsSeeTheirOwnAndOuterItems() {
    JsonObject data = new JsonObject().put("order", new JsonObject().put("lines", new JsonArray()
        .add(new JsonObject().put("name", "A").put("sizes", new JsonArray().add(1).add(2)))
        .add(new JsonObject().put("name", "B").put("sizes", new JsonArray().add(3)))));
    assertThat(body("{% for line in order.lines %}{% for size in line.sizes %}{{ line.name }}{{ size }}"
        + "({{ forloop.index }}) {% endfor %}{% endfor %}", data)).isEqualTo("A1(1) A2(2) B3(1) ");
  }

  @Test
  void anAbsentValueInsideALoopIsMissingNamedAsWritten() {
    JsonObject data = new JsonObject().put("cart", new JsonObject().put("items", new JsonArray().add(new JsonObject())));
    assertThat(missing("{% for item in cart.items %}{{ item.name }}{% endfor %}", data)).isEqualTo("item.name");
  }

  @Test
  void loopsStopAfterTheIterationBudget() {
    JsonArray many = new JsonArray();
    for (int i = 0; i < 5000; i++) {
      many.add("x");
    }
    String out = body("{% for x in order.many %}{{ x }}{% endfor %}", new JsonObject().put("order", new JsonObject().put("many", many)));
    assertThat(out).hasSize(RenderState.MAX_ITERATIONS);
  }

  @Test
  void dashesTrimTheWhitespaceNextToATag() {
    assertThat(body("a  {%- if true -%}  b  {%- endif -%}  c {{- 'd' -}} e", new JsonObject())).isEqualTo("abcde");
  }
}
