package io.pushcart.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class VapidSignerTest {

  private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");
  private static final String AUD = "https://web.push.apple.com";
  private static final String SUB = "mailto:ops@shop.example";

  static java.util.stream.Stream<CryptoProvider> providers() {
    return Providers.all();
  }

  @ParameterizedTest
  @MethodSource("providers")
  void tokenVerifiesWithPlainJdkAndCarriesTheRightClaims(CryptoProvider crypto) throws Exception {
    VapidKeys generated = VapidKeys.generate(crypto);
    checkToken(crypto, generated);
    // Reloaded keys are JDK key objects; the provider must still sign with them.
    checkToken(crypto, VapidKeys.fromBase64Url(generated.publicKeyBase64Url(), generated.privateKeyBase64Url()));
  }

  private static void checkToken(CryptoProvider crypto, VapidKeys keys) throws Exception {
    MutableClock clock = new MutableClock(START);
    String header = new VapidSigner(keys, SUB, crypto, clock).authorization(AUD);

    Matcher m = Pattern.compile("vapid t=([^,]+), k=(\\S+)").matcher(header);
    assertThat(m.matches()).isTrue();
    String jwt = m.group(1);
    assertThat(m.group(2)).isEqualTo(keys.publicKeyBase64Url());

    String[] parts = jwt.split("\\.");
    assertThat(parts).hasSize(3);
    assertThat(text(parts[0])).isEqualTo("{\"typ\":\"JWT\",\"alg\":\"ES256\"}");
    String claims = text(parts[1]);
    assertThat(claim(claims, "\"aud\":\"([^\"]*)\"")).isEqualTo(AUD);
    assertThat(claim(claims, "\"sub\":\"([^\"]*)\"")).isEqualTo(SUB);
    long exp = Long.parseLong(claim(claims, "\"exp\":(\\d+)"));
    long now = START.getEpochSecond();
    assertThat(exp - now).isLessThanOrEqualTo(Duration.ofHours(24).toSeconds())
        .isCloseTo(Duration.ofHours(12).toSeconds(), org.assertj.core.data.Offset.offset(60L));

    byte[] jose = Base64Url.decode(parts[2]);
    assertThat(jose).hasSize(64);
    Signature verifier = Signature.getInstance("SHA256withECDSA", "SunEC");
    verifier.initVerify(P256.decodePublicKey(Base64Url.decode(m.group(2))));
    verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(verifier.verify(joseToDer(jose))).isTrue();

    // And a tampered claim set does not verify.
    verifier.initVerify(P256.decodePublicKey(Base64Url.decode(m.group(2))));
    verifier.update((parts[0] + "." + parts[1] + "x").getBytes(StandardCharsets.US_ASCII));
    assertThat(verifier.verify(joseToDer(jose))).isFalse();
  }

  @Test
  void tokenIsReusedWithinTheWindowAndRefreshedAfter() {
    CryptoProvider crypto = CryptoProvider.best();
    MutableClock clock = new MutableClock(START);
    VapidSigner signer = new VapidSigner(VapidKeys.generate(crypto), SUB, crypto, clock);

    String first = signer.authorization(AUD);
    clock.advance(Duration.ofHours(10));
    assertThat(signer.authorization(AUD)).isSameAs(first);
    clock.advance(Duration.ofMinutes(59)); // 1 h 1 min of validity left
    assertThat(signer.authorization(AUD)).isSameAs(first);
    clock.advance(Duration.ofMinutes(2)); // 59 min left: refresh
    String second = signer.authorization(AUD);
    assertThat(second).isNotEqualTo(first);
    assertThat(expOf(second)).isEqualTo(clock.instant().getEpochSecond() + Duration.ofHours(12).toSeconds());
    assertThat(signer.authorization(AUD)).isSameAs(second);
  }

  @Test
  void eachAudienceGetsItsOwnToken() {
    CryptoProvider crypto = CryptoProvider.best();
    VapidSigner signer = new VapidSigner(VapidKeys.generate(crypto), SUB, crypto, new MutableClock(START));
    String apple = signer.authorization(AUD);
    String google = signer.authorization("https://fcm.googleapis.com");
    assertThat(google).isNotEqualTo(apple);
    assertThat(text(google.substring(8).split("\\.")[1])).contains("\"aud\":\"https://fcm.googleapis.com\"");
  }

  @Test
  void originOfLowerCasesAndDropsDefaultPorts() {
    assertThat(VapidSigner.originOf(URI.create("https://FCM.googleapis.com/fcm/send/abc:def")))
        .isEqualTo("https://fcm.googleapis.com");
    assertThat(VapidSigner.originOf(URI.create("HTTPS://web.push.apple.com:443/QGx?x=1")))
        .isEqualTo("https://web.push.apple.com");
    assertThat(VapidSigner.originOf(URI.create("https://push.example:8443/p/1")))
        .isEqualTo("https://push.example:8443");
    assertThat(VapidSigner.originOf(URI.create("http://localhost:80/x"))).isEqualTo("http://localhost");
    assertThat(VapidSigner.originOf(URI.create("http://localhost:8080/x"))).isEqualTo("http://localhost:8080");
    assertThat(VapidSigner.originOf(URI.create("http://localhost:443/x"))).isEqualTo("http://localhost:443");
    assertThat(VapidSigner.originOf(URI.create("https://localhost:80/x"))).isEqualTo("https://localhost:80");
    assertThatThrownBy(() -> VapidSigner.originOf(URI.create("/relative"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VapidSigner.originOf(URI.create("ftp://push.example/x")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsAudiencesThatAreNotOriginsAndBadSubjects() {
    CryptoProvider crypto = CryptoProvider.best();
    VapidKeys keys = VapidKeys.generate(crypto);
    VapidSigner signer = new VapidSigner(keys, SUB, crypto, new MutableClock(START));
    assertThatThrownBy(() -> signer.authorization("https://fcm.googleapis.com/fcm/send/x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new VapidSigner(keys, "ops@shop.example", crypto, new MutableClock(START)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new VapidSigner(keys, "mailto:", crypto, new MutableClock(START)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new VapidSigner(keys, "https://shop.example", crypto, new MutableClock(START)).authorization(AUD))
        .startsWith("vapid t=");
  }

  @Test
  void derToJoseHandlesShortAndSignPaddedIntegers() {
    // r = 0x00..01 (one byte), s has its top bit set (DER adds a 0x00 sign byte).
    byte[] s = new byte[32];
    Arrays.fill(s, (byte) 0x80);
    byte[] der = joseToDer(ReferenceDecryptor.concat(leftPad(new byte[] {1}), s));
    assertThat(der[3]).isEqualTo((byte) 1); // r encoded in one byte
    byte[] jose = EcdsaSignatures.derToJose(der);
    assertThat(Arrays.copyOfRange(jose, 0, 32)).isEqualTo(leftPad(new byte[] {1}));
    assertThat(Arrays.copyOfRange(jose, 32, 64)).isEqualTo(s);
    assertThatThrownBy(() -> EcdsaSignatures.derToJose(new byte[] {0x30, 0})).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jsonStringEscapes() {
    assertThat(VapidSigner.jsonString("a\"b\\c\n")).isEqualTo("\"a\\\"b\\\\c\\u000a\"");
  }

  /** JOSE r || s back to DER SEQUENCE { INTEGER r, INTEGER s } for the JDK verifier. */
  static byte[] joseToDer(byte[] jose) {
    byte[] r = new BigInteger(1, Arrays.copyOfRange(jose, 0, 32)).toByteArray();
    byte[] s = new BigInteger(1, Arrays.copyOfRange(jose, 32, 64)).toByteArray();
    byte[] der = new byte[6 + r.length + s.length];
    der[0] = 0x30;
    der[1] = (byte) (4 + r.length + s.length);
    der[2] = 0x02;
    der[3] = (byte) r.length;
    System.arraycopy(r, 0, der, 4, r.length);
    der[4 + r.length] = 0x02;
    der[5 + r.length] = (byte) s.length;
    System.arraycopy(s, 0, der, 6 + r.length, s.length);
    return der;
  }

  private static byte[] leftPad(byte[] value) {
    byte[] out = new byte[32];
    System.arraycopy(value, 0, out, 32 - value.length, value.length);
    return out;
  }

  private static long expOf(String authorization) {
    return Long.parseLong(claim(text(authorization.substring(8).split("\\.")[1]), "\"exp\":(\\d+)"));
  }

  private static String text(String base64Url) {
    return new String(Base64Url.decode(base64Url), StandardCharsets.UTF_8);
  }

  private static String claim(String json, String regex) {
    Matcher m = Pattern.compile(regex).matcher(json);
    assertThat(m.find()).as("claim %s in %s", regex, json).isTrue();
    return m.group(1);
  }
}
