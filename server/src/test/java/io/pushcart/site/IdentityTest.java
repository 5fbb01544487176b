package io.pushcart.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushcart.common.ClientError;
import io.pushcart.support.TempDirs;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

class IdentityTest {
  // The fixed vector of docs/js-snippet.md, computed once outside Java with
  //   printf %s c-10293 | openssl dgst -sha256 -hmac pcid_Q2hlY2sgdGhlIEhNQUMgb24gYm90aCBzaWRlcyE
  // (js-client/test/unit/identity.test.js checks the Node code of the docs against it too).
  static final String SECRET = "pcid_Q2hlY2sgdGhlIEhNQUMgb24gYm90aCBzaWRlcyE";
  static final String CUSTOMER = "c-10293";
  static final String SIGNATURE = "278c8fff5ab02240b22d06c50346b3fce953a5be209e2efc3239a865f34da9f7";
  /** The same secret over an e-mail address: the id rule's punctuation (printf ... | openssl dgst, as above). */
  static final String EMAIL = "jane.doe+vip@shop.example";
  static final String EMAIL_SIGNATURE = "702bbd29f70e66be7069b909e55ef510ac09377b328af24b36d9a4e06948b262";

  private static final Path DOC = Path.of("..", "docs", "js-snippet.md");

  @Test
  void theServerSignsAsOpensslDoes() {
    assertThat(Identity.sign(SECRET, CUSTOMER)).isEqualTo(SIGNATURE);
    assertThat(Identity.sign(SECRET, EMAIL)).isEqualTo(EMAIL_SIGNATURE);
  }

  @Test
  void onlyTheSignatureOfThatCustomerUnderThatSecretVerifies() {
    assertThat(Identity.verifies(SECRET, CUSTOMER, SIGNATURE)).isTrue();
    assertThat(Identity.verifies(SECRET, CUSTOMER, SIGNATURE.toUpperCase())).as("hex is hex, whatever its case").isTrue();
    assertThat(Identity.verifies(SECRET, EMAIL, SIGNATURE)).as("another customer's signature").isFalse();
    assertThat(Identity.verifies(SECRET + "x", CUSTOMER, SIGNATURE)).as("another secret").isFalse();
    assertThat(Identity.verifies(SECRET, CUSTOMER, SIGNATURE.substring(2))).as("too short").isFalse();
    assertThat(Identity.verifies(SECRET, CUSTOMER, SIGNATURE + "00")).as("too long").isFalse();
    assertThat(Identity.verifies(SECRET, CUSTOMER, "zz" + SIGNATURE.substring(2))).as("not hex").isFalse();
    assertThat(Identity.verifies(SECRET, CUSTOMER, "")).isFalse();
  }

  @Test
  void customerIdsAreShortPrintableAsciiStrings() {
    for (String ok : List.of("42", "c-10293", EMAIL, "gid:shop:Customer:7", "a".repeat(128), "A_b.c")) {
      assertThat(Identity.customerId(ok, "customerId")).isEqualTo(ok);
    }
    for (Object bad : List.of("", "a".repeat(129), "has space", "tab\t", "{brace}", "slash/", "ümlaut", 42, true)) {
      assertThatThrownBy(() -> Identity.customerId(bad, "customerId")).as(String.valueOf(bad))
          .isInstanceOfSatisfying(ClientError.class, e -> {
            assertThat(e.kind()).isEqualTo(ClientError.Kind.INVALID);
            assertThat(e.field()).isEqualTo("customerId");
          });
    }
  }

  @Test
  void aClaimIsRefusedWith403SayingWhatIsWrong() {
    Site site = site(SECRET);
    Identity.checkSigned(site, CUSTOMER, SIGNATURE);
    assertRefused(() -> Identity.checkSigned(site, CUSTOMER, null), "signature_required");
    assertRefused(() -> Identity.checkSigned(site, CUSTOMER, EMAIL_SIGNATURE), "invalid_signature");
    assertRefused(() -> Identity.checkSigned(site, CUSTOMER, 12345), "invalid_signature");
    assertRefused(() -> Identity.checkSigned(site(null), CUSTOMER, SIGNATURE), "identity_secret_missing");
  }

  @Test
  void newSecretsAreRecognisableAndRandom() {
    String a = Identity.newSecret();
    assertThat(a).startsWith("pcid_").hasSize(5 + 43);
    assertThat(Identity.newSecret()).isNotEqualTo(a);
  }

  @Test
  void theSiteNeverShowsItsIdentitySecret() {
    Site site = site(SECRET);
    assertThat(site.toString()).doesNotContain(SECRET);
    assertThat(site.toJson().encode()).doesNotContain(SECRET);
    assertThat(site.toJson().getBoolean("hasIdentitySecret")).isTrue();
    assertThat(new SiteService.Created(site, "pcsk_x", SECRET).toString()).doesNotContain(SECRET).doesNotContain("pcsk_x");
  }

  /** The Java code of docs/js-snippet.md, compiled as written, signs as the server does. */
  @Test
  void theJavaOfTheDocsAgreesWithTheServer() throws Exception {
    String code = block("java");
    List<String> imports = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    for (String line : code.split("\n")) {
      if (line.startsWith("import ")) {
        imports.add(line);
      } else {
        body.append(line).append('\n');
      }
    }
    Path dir = TempDirs.create("doc-snippet");
    Path source = dir.resolve("DocSnippet.java");
    Files.writeString(source, String.join("\n", imports) + "\nclass DocSnippet {\n" + body + "}\n");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("a JDK's compiler").isNotNull();
    assertThat(javac.run(null, null, null, "-d", dir.toString(), source.toString())).as("the docs' Java compiles").isZero();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      Method sign = loader.loadClass("DocSnippet").getDeclaredMethod("pushcartSignature", String.class, String.class);
      sign.setAccessible(true);
      assertThat(sign.invoke(null, CUSTOMER, SECRET)).isEqualTo(SIGNATURE).isEqualTo(Identity.sign(SECRET, CUSTOMER));
      assertThat(sign.invoke(null, EMAIL, SECRET)).isEqualTo(Identity.sign(SECRET, EMAIL));
    }
  }

  @Test
  void theDocsStateTheVectorTheTestsCheck() throws Exception {
    String doc = Files.readString(DOC);
    assertThat(doc).contains(SECRET).contains(SIGNATURE).contains("`" + CUSTOMER + "`");
    assertThat(block("php")).contains("hash_hmac('sha256', $customerId, $identitySecret)");
  }

  /** The code block after {@code <!-- signature: lang -->} in docs/js-snippet.md, unindented. */
  private static String block(String lang) throws Exception {
    String doc = Files.readString(DOC);
    Matcher m = Pattern.compile("<!-- signature: " + lang + " -->\\s*\\n( *)```\\w+\\n(.*?)\\n *```", Pattern.DOTALL).matcher(doc);
    assertThat(m.find()).as("docs/js-snippet.md has the " + lang + " signature code").isTrue();
    String indent = m.group(1);
    return m.group(2).lines().map(l -> l.startsWith(indent) ? l.substring(indent.length()) : l)
        .reduce((a, b) -> a + "\n" + b).orElse("");
  }

  private static Site site(String identitySecret) {
    return new Site("site12345678", "Shop", List.of("https://shop.example"), "mailto:ops@shop.example", Site.UTC,
        "pub", "priv", "hash", identitySecret, Instant.EPOCH, null, io.pushcart.engagement.Engagement.NONE);
  }

  private static void assertRefused(Runnable claim, String code) {
    assertThatThrownBy(claim::run).isInstanceOfSatisfying(ClientError.class, e -> {
      assertThat(e.kind()).isEqualTo(ClientError.Kind.FORBIDDEN);
      assertThat(e.code()).isEqualTo(code);
      assertThat(e.field()).isEqualTo("signature");
      assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain(SIGNATURE);
    });
  }
}
