package io.pushcart.personalize;

import static io.pushcart.personalize.Render.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pushcart.common.ClientError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A template is checked when saved: each mistake is a 400 naming the field and saying what to fix. */
class TemplateErrorsTest {
  private static final String FIELD = "steps[0].notification.body";

  @Test
  void anUnknownRootNamesTheFieldAndTheRoots() {
    ClientError e = error("Hi {{ customer.firstName }}");
    assertThat(e.kind()).isEqualTo(ClientError.Kind.INVALID);
    assertThat(e.field()).isEqualTo(FIELD);
    assertThat(e.getMessage()).startsWith(FIELD + ": ").contains("{{ customer.firstName }}", "\"customer\"",
        "subscriber, cart, product, order, site");
  }

  @Test
  void anUnknownFilterListsTheFilters() {
    ClientError e = error("{{ cart.total | monye }}");
    assertThat(e.field()).isEqualTo(FIELD);
    assertThat(e.getMessage()).contains("\"monye\" is not a filter", "default, money, truncate");
  }

  @Test
  void anUnclosedMergeFieldSaysWhere() {
    assertThat(error("Hi {{ subscriber.attributes.firstName, welcome").getMessage())
        .isEqualTo(FIELD + ": {{ at character 4 is never closed; end it with }}");
    assertThat(error("Hi {{ subscriber.name and {{ cart.total }}").getMessage()).contains("{{ at character 4 is never closed");
    assertThat(error("{{ x | default: \"there }}").getMessage()).contains("the text opened with \" at character 17 is never closed");
  }

  @Test
  void anEmptyMergeFieldIsRefused() {
    assertThat(error("Hi {{ }}").getMessage()).contains("a value is missing");
  }

  @Test
  void aFilterWithTheWrongArgumentsIsRefused() {
    assertThat(error("{{ cart.total | upcase: 1 }}").getMessage()).contains("upcase takes no argument");
    assertThat(error("{{ subscriber.name | default }}").getMessage()).contains("default takes 1 argument, as in default: \"there\"");
    assertThat(error("{{ cart.total | truncate: \"x\" }}").getMessage()).contains("truncate takes a length");
    assertThat(error("{{ cart.total | money: \"EURO\" }}").getMessage()).contains("ISO 4217");
    assertThat(error("{{ cart.total | plus: \"one\" }}").getMessage()).contains("plus takes a number");
  }

  @Test
  void aMalformedPathIsRefused() {
    assertThat(error("{{ cart.items[ }}").getMessage()).contains("inside [ ]");
    assertThat(error("{{ cart..total }}").getMessage()).contains("a name must follow the dot");
    assertThat(error("{{ cart.items[0 }}").getMessage()).contains("a ] is missing");
    assertThat(error("{{ cart.total cart.currency }}").getMessage()).contains("\"cart.currency\" is not expected here");
    assertThat(error("{{ cart.total = 1 }}").getMessage()).contains("\"=\" is not an operator");
  }

  @Test
  void unsupportedTagsAreRefusedWithTheSupportedOnes() {
    assertThat(error("{% assign x = 1 %}").getMessage()).contains("\"assign\" is not a supported tag", "if, elsif, else, endif");
    assertThat(error("{% raw %}{{ x }}{% endraw %}").getMessage()).contains("\"raw\" is not a supported tag");
  }

  @Test
  void blocksMustBeClosedAndInOrder() {
    assertThat(error("{% if cart.total > 1 %}big").getMessage())
        .contains("in {% if cart.total > 1 %}, the block is never closed; end it with {% endif %}");
    assertThat(error("{% for item in cart.items %}{{ item.name }}").getMessage()).contains("{% endfor %}");
    assertThat(error("text {% endif %}").getMessage()).contains("{% endif %} is out of place");
    assertThat(error("{% if cart.total %}a{% else %}b{% elsif cart.x %}c{% endif %}").getMessage())
        .contains("{% elsif %} is out of place");
    assertThat(error("{% if cart.total %}a{% endif cart %}").getMessage()).contains("\"cart\" is not expected here");
  }

  @Test
  void loopVariablesExistOnlyInsideTheirLoop() {
    assertThat(error("{% for item in cart.items %}{% endfor %}{{ item.name }}").getMessage()).contains("\"item\" is not a known root");
    assertThat(error("{{ forloop.index }}").getMessage()).contains("forloop exists only inside");
    assertThat(error("{% for item in cart.items %}{{ forloop.foo }}{% endfor %}").getMessage()).contains("forloop has index");
    assertThat(error("{% for cart in cart.items %}{% endfor %}").getMessage()).contains("the loop variable is a new name");
    assertThat(error("{% for item in cart.items limit: x %}{% endfor %}").getMessage()).contains("limit takes a whole number");
  }

  @Test
  void blocksNestedTooDeepAreRefused() {
    assertThat(error("{% if cart.a %}".repeat(11) + "{% endif %}".repeat(11)).getMessage()).contains("nested more than 10 deep");
  }

  @Test
  void anErrorInANestedActionNamesItsPath() {
    JsonObject notification = new JsonObject().put("title", "Hi")
        .put("actions", new JsonArray()
            .add(new JsonObject().put("action", "open").put("title", "Open"))
            .add(new JsonObject().put("action", "buy").put("title", "Buy {{ product.name | bogus }}")));
    ClientError e = catchThrowableOfType(ClientError.class,
        () -> MessageTemplate.compile(notification, "steps[0].notification."));
    assertThat(e.field()).isEqualTo("steps[0].notification.actions[1].title");
    assertThat(e.getMessage()).startsWith("steps[0].notification.actions[1].title: in {{ product.name | bogus }}, ");
  }

  @Test
  void withoutAPrefixTheFieldIsThePathInTheNotification() {
    ClientError e = catchThrowableOfType(ClientError.class,
        () -> MessageTemplate.compile(new JsonObject().put("title", "{{ x }}"), null));
    assertThat(e.field()).isEqualTo("title");
  }
}
