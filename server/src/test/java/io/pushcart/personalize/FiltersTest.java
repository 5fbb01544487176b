package io.pushcart.personalize;

import static io.pushcart.personalize.Render.body;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Each filter, with Liquid's meaning. */
class FiltersTest {
  private static JsonObject product(Object name) {
    return new JsonObject().put("product", new JsonObject().put("name", name));
  }

  @Test
  void upcaseAndDowncaseChangeTheCase() {
    assertThat(body("{{ product.name | upcase }}", product("Trail Runner"))).isEqualTo("TRAIL RUNNER");
    assertThat(body("{{ product.name | downcase }}", product("Trail Runner"))).isEqualTo("trail runner");
  }

  @Test
  void caseFollowsTheSubscribersLocale() {
    assertThat(body("{{ product.name | upcase }}", product("istanbul"), "tr-TR", null)).isEqualTo("İSTANBUL");
    assertThat(body("{{ product.name | upcase }}", product("istanbul"), "en-US", null)).isEqualTo("ISTANBUL");
  }

  @Test
  void capitalizeUppercasesTheFirstCharacterAndLowercasesTheRest() {
    assertThat(body("{{ product.name | capitalize }}", product("tRAIL runner"))).isEqualTo("Trail runner");
    assertThat(body("{{ product.name | capitalize }}", product(""))).isEmpty();
  }

  @Test
  void sizeCountsListItemsOrCharacters() {
    assertThat(body("{{ cart.items | size }}", Render.shop())).isEqualTo("2");
    assertThat(body("{{ product.name | size }}", product("Zoë👟"))).as("code points, not UTF-16 units").isEqualTo("4");
    assertThat(body("{{ cart.items.size }}", Render.shop())).as("as a property too").isEqualTo("2");
  }

  @Test
  void firstAndLastTakeAListItemOrACharacter() {
    assertThat(body("{{ cart.items | first | size }}", Render.shop())).as("the first item, an object of 2 keys").isEqualTo("2");
    assertThat(body("{{ cart.items.first.name }} / {{ cart.items.last.name }}", Render.shop()))
        .isEqualTo("Trail Runner / Wool Socks");
    assertThat(body("{{ product.name | first }}{{ product.name | last }}", product("👟ab"))).isEqualTo("👟b");
  }

  @Test
  void truncateKeepsAtMostTheLengthWithTheEllipsisIncluded() {
    String out = body("{{ product.name | truncate: 20 }}", product("Ultra comfortable running shoes"));
    assertThat(out).isEqualTo("Ultra comfortable...").hasSize(20);
  }

  @Test
  void truncateLeavesTextThatFits() {
    assertThat(body("{{ product.name | truncate: 12 }}", product("Trail Runner"))).isEqualTo("Trail Runner");
  }

  @Test
  void truncateTakesAnotherEllipsis() {
    assertThat(body("{{ product.name | truncate: 10, \"…\" }}", product("Ultra comfortable"))).isEqualTo("Ultra com…");
    assertThat(body("{{ product.name | truncate: 5, \"\" }}", product("Ultra comfortable"))).isEqualTo("Ultra");
  }

  @Test
  void truncateNeverSplitsAnEmoji() {
    assertThat(body("{{ product.name | truncate: 4 }}", product("👟👟👟👟👟"))).isEqualTo("👟...");
  }

  @Test
  void truncateWithoutALengthKeepsFifty() {
    assertThat(body("{{ product.name | truncate }}", product("x".repeat(60)))).isEqualTo("x".repeat(47) + "...");
  }

  @Test
  void joinJoinsItemsWithASeparator() {
    JsonObject tags = new JsonObject().put("product", new JsonObject().put("tags", new JsonArray().add("wool").add("warm")));
    assertThat(body("{{ product.tags | join: \", \" }}", tags)).isEqualTo("wool, warm");
    assertThat(body("{{ product.tags | join }}", tags)).isEqualTo("wool warm");
  }

  @Test
  void arithmeticKeepsWholeNumbersWholeAndDecimalsExact() {
    JsonObject cart = Render.shop();
    assertThat(body("{{ cart.itemCount | plus: 1 }}", cart)).isEqualTo("3");
    assertThat(body("{{ cart.itemCount | minus: 5 }}", cart)).isEqualTo("-3");
    assertThat(body("{{ cart.itemCount | times: 3 }}", cart)).isEqualTo("6");
    assertThat(body("{{ cart.total | times: 2 }}", cart)).isEqualTo("117.8");
    assertThat(body("{{ 0.1 | plus: 0.2 }}", cart)).as("exact, not 0.30000000000000004").isEqualTo("0.3");
  }

  @Test
  void roundRoundsHalfAwayFromZero() {
    JsonObject data = new JsonObject().put("order", new JsonObject().put("a", 2.5).put("b", -2.5).put("c", 4.5612));
    assertThat(body("{{ order.a | round }} {{ order.b | round }} {{ order.c | round: 2 }}", data)).isEqualTo("3 -3 4.56");
  }

  @Test
  void appendAndPrependAddText() {
    assertThat(body("{{ product.name | append: \"!\" | prepend: \"New: \" }}", product("Socks"))).isEqualTo("New: Socks!");
  }

  @Test
  void urlEncodeMakesAQueryValue() {
    assertThat(body("https://shop.example/s?q={{ product.name | url_encode }}", product("Shoes & socks/2")))
        .isEqualTo("https://shop.example/s?q=Shoes+%26+socks%2F2");
  }

  @Test
  void filtersApplyLeftToRight() {
    assertThat(body("{{ product.name | upcase | truncate: 8 }}", product("trail runner"))).isEqualTo("TRAIL...");
  }

  @Test
  void numbersPrintWithoutATrailingPointZero() {
    JsonObject data = new JsonObject().put("cart", new JsonObject().put("itemCount", 3.0).put("total", 49.90));
    assertThat(body("{{ cart.itemCount }} {{ cart.total }}", data)).isEqualTo("3 49.9");
  }

  @Test
  void literalsPrintAsWritten() {
    assertThat(body("{{ 'single' }} {{ \"double\" }} {{ 42 }} {{ true }} [{{ nil }}]", new JsonObject()))
        .isEqualTo("single double 42 true []");
  }
}
