package io.pushcart.personalize;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Nanoseconds per render of a typical cart reminder (title + body, four merge fields, money in
 * de-DE), after warm-up: the median of five runs. The budget is 5 µs, against about 85 µs of
 * per-message crypto. The context is parsed from JSON text, as it arrives from Redis.
 *
 * <pre>
 * mvn -B -q -pl server test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp server/target/test-classes:server/target/classes:$(cat /tmp/cp.txt) io.pushcart.personalize.RenderBench
 * </pre>
 */
public final class RenderBench {
  private static final int WARM_UP = 500_000;
  private static final int RENDERS = 1_000_000;
  private static final int RUNS = 5;

  private RenderBench() {
  }

  public static void main(String[] args) {
    JsonObject notification = new JsonObject()
        .put("title", "{{ cart.items[0].name }} is waiting")
        .put("body", "{{ subscriber.attributes.firstName | default: \"Hi\" }}, your {{ cart.itemCount }} items: "
            + "{{ cart.total | money }}")
        .put("url", "https://shop.example/cart");
    MessageTemplate template = MessageTemplate.compile(notification, "");
    Map<String, Object> context = new JsonObject("""
        {"subscriber": {"attributes": {"firstName": "Ana", "city": "Berlin"}},
         "cart": {"items": [{"name": "Trail Runner", "price": 49.9, "qty": 1},
                            {"name": "Wool Socks", "price": 9.0, "qty": 2}],
                  "itemCount": 3, "total": 67.9, "currency": "EUR"}}
        """).getMap();
    System.out.println("sample: " + template.render(context, "de-DE", "EUR"));

    MessageTemplate plain = MessageTemplate.compile(new JsonObject().put("title", "Sale").put("body", "50 % off"), "");
    report("cart reminder (title + body, 4 merge fields, money de-DE)", () -> template.render(context, "de-DE", "EUR"));
    report("static notification (a copy)", () -> plain.render(context, "de-DE", "EUR"));
  }

  /** Reads the output, so the render cannot be optimised away; far cheaper than hashing the JSON. */
  private static int titleLength(MessageTemplate.Rendered r) {
    return r instanceof MessageTemplate.Rendered.Ok ok ? ok.notification().getString("title").length() : -1;
  }

  private static void report(String label, Supplier<MessageTemplate.Rendered> render) {
    long sink = 0;
    for (int i = 0; i < WARM_UP; i++) {
      sink += titleLength(render.get());
    }
    double[] nanos = new double[RUNS];
    for (int run = 0; run < RUNS; run++) {
      long start = System.nanoTime();
      for (int i = 0; i < RENDERS; i++) {
        sink += titleLength(render.get());
      }
      nanos[run] = (System.nanoTime() - start) / (double) RENDERS;
    }
    double[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf("%s: median %.0f ns/render, runs %s (sink %d)%n", label, sorted[RUNS / 2],
        Arrays.toString(Arrays.stream(nanos).mapToLong(Math::round).toArray()), sink);
  }
}
