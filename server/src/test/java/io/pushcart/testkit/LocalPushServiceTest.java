package io.pushcart.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LocalPushServiceTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private static Vertx clientVertx;
  private static LocalPushService push;
  private static HttpClientAgent h2Client;
  private static HttpClientAgent h1Client;
  private static KeyPair vapidKeys;

  @BeforeAll
  static void startService() {
    push = new LocalPushService().start();
    clientVertx = Vertx.vertx();
    h2Client = clientVertx.createHttpClient(new HttpClientOptions()
        .setSsl(true)
        .setUseAlpn(true)
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setVerifyHost(true)
        .setTrustOptions(push.certificates().trustOptions()));
    h1Client = clientVertx.createHttpClient(new HttpClientOptions()
        .setSsl(true)
        .setProtocolVersion(HttpVersion.HTTP_1_1)
        .setVerifyHost(true)
        .setTrustOptions(push.certificates().trustOptions()));
    vapidKeys = TestSubscriber.generateKeyPair();
  }

  @AfterAll
  static void stopService() throws Exception {
    push.close();
    clientVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void forgetEarlierRequests() {
    push.reset();
  }

  @Test
  void anEncryptedPushIsDecryptedVerifiedAndRecorded() throws Exception {
    TestSubscriber subscriber = push.newSubscriber();

    Reply reply = send(h2Client, subscriber, Rfc8291.encrypt(subscriber, "Your order has shipped", 0),
        standardHeaders(vapid(push.origin(), inHours(12), "mailto:ops@shop.example")));

    assertThat(reply.status).isEqualTo(201);
    assertThat(reply.headers.get("Location")).startsWith(push.origin() + "/message/");
    List<ReceivedPush> received = push.awaitCount(1, WAIT);
    assertThat(received).hasSize(1);
    ReceivedPush message = received.get(0);
    assertThat(message.problems()).isEmpty();
    assertThat(message.plaintext()).isEqualTo("Your order has shipped");
    assertThat(message.token()).isEqualTo(subscriber.token());
    assertThat(message.ttl()).isEqualTo(3600);
    assertThat(message.urgency()).isEqualTo("high");
    assertThat(message.topic()).isEqualTo("order-42");
    assertThat(message.contentEncoding()).isEqualTo("aes128gcm");
    assertThat(message.vapidClaims().getString("sub")).isEqualTo("mailto:ops@shop.example");
    assertThat(message.vapidPublicKey()).isEqualTo(B64.encodeToString(point(vapidKeys)));
    assertThat(message.status()).isEqualTo(201);
    assertThat(push.acceptedCount()).isEqualTo(1);
    assertThat(push.countFor(subscriber.token())).isEqualTo(1);
  }

  @Test
  void http2IsNegotiatedThroughAlpn() throws Exception {
    TestSubscriber subscriber = push.newSubscriber();

    Reply reply = send(h2Client, subscriber, Rfc8291.encrypt(subscriber, "h2", 0), validHeaders());

    assertThat(reply.version).isEqualTo(HttpVersion.HTTP_2);
    assertThat(push.awaitCount(1, WAIT).get(0).httpVersion()).isEqualTo(HttpVersion.HTTP_2);
  }

  @Test
  void http11ClientsAreServedToo() throws Exception {
    TestSubscriber subscriber = push.newSubscriber();

    Reply reply = send(h1Client, subscriber, Rfc8291.encrypt(subscriber, "h1", 0), validHeaders());

    assertThat(reply.version).isEqualTo(HttpVersion.HTTP_1_1);
    ReceivedPush message = push.awaitCount(1, WAIT).get(0);
    assertThat(message.httpVersion()).isEqualTo(HttpVersion.HTTP_1_1);
    assertThat(message.plaintext()).isEqualTo("h1");
  }

  @Test
  void scriptedStatusesAreAnsweredInOrder() throws Exception {
    TestSubscriber subscriber = push.newSubscriber();
    push.script(subscriber.token(),
        Response.status(201), Response.status(429).retryAfter(1), Response.status(410),
        Response.status(400).body("reason"));

    List<Reply> replies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      replies.add(send(h2Client, subscriber, Rfc8291.encrypt(subscriber, "attempt " + i, 0), validHeaders()));
    }

    assertThat(replies).extracting(r -> r.status).containsExactly(201, 429, 410, 400, 400);
    assertThat(replies.get(0).headers.get("Location")).isNotNull();
    assertThat(replies.get(1).headers.get("Retry-After")).isEqualTo("1");
    assertThat(replies.get(3).body).isEqualTo("reason");
    List<ReceivedPush> received = push.awaitCount(5, WAIT);
    assertThat(received).extracting(ReceivedPush::status).containsExactly(201, 429, 410, 400, 400);
    assertThat(received).extracting(ReceivedPush::plaintext)
        .containsExactly("attempt 0", "attempt 1", "attempt 2", "attempt 3", "attempt 4");
    assertThat(push.acceptedCount()).isEqualTo(1);
    assertThat(push.countFor(subscriber.token())).isEqualTo(5);
  }

  @Test
  void aDelayedResponseArrivesLaterWithoutBlockingOthers() throws Exception {
    TestSubscriber slow = push.newSubscriber();
    TestSubscriber fast = push.newSubscriber();
    push.script(slow.token(), Response.status(503).delay(Duration.ofSeconds(2)));

    Future<Reply> slowReply = sendAsync(h2Client, slow, Rfc8291.encrypt(slow, "slow", 0), validHeaders());
    Reply fastReply = send(h2Client, fast, Rfc8291.encrypt(fast, "fast", 0), validHeaders());

    assertThat(fastReply.status).isEqualTo(201);
    assertThat(slowReply.isComplete()).isFalse();
    assertThat(await(slowReply).status).isEqualTo(503);
  }

  @Test
  void theRfc8291ExampleMessageIsDecrypted() throws Exception {
    // RFC 8291 section 5 / appendix A: user agent keys, auth secret and the resulting body.
    KeyPair uaKeys = p256KeyPair("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4");
    TestSubscriber subscriber = push.register(TestSubscriber.create(push.pushBase(), "rfc8291", uaKeys,
        Base64.getUrlDecoder().decode("BTBZMqHH6r4Tts7J_aSIgg")));
    byte[] body = Base64.getUrlDecoder().decode(
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml"
            + "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT"
            + "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN");

    send(h2Client, subscriber, body, validHeaders());

    ReceivedPush message = push.awaitCount(1, WAIT).get(0);
    assertThat(message.plaintext()).isEqualTo("When I grow up, I want to be a watermelon");
    assertThat(message.problems()).isEmpty();
  }

  @Test
  void paddedMessagesAreDecrypted() throws Exception {
    TestSubscriber subscriber = push.newSubscriber();

    send(h2Client, subscriber, Rfc8291.encrypt(subscriber, "padded", 100), validHeaders());

    ReceivedPush message = push.awaitCount(1, WAIT).get(0);
    assertThat(message.plaintext()).isEqualTo("padded");
    assertThat(message.problems()).isEmpty();
  }

  @Test
  void subscribersSharingAKeyPairAreStillDecryptedIndividually() throws Exception {
    List<TestSubscriber> batch = push.newSubscribers(3);

    for (TestSubscriber subscriber : batch) {
      send(h2Client, subscriber, Rfc8291.encrypt(subscriber, "hi " + subscriber.token(), 0), validHeaders());
    }

    assertThat(batch).extracting(TestSubscriber::token).doesNotHaveDuplicates();
    assertThat(batch).extracting(TestSubscriber::p256dh).containsOnly(batch.get(0).p256dh());
    assertThat(batch).extracting(TestSubscriber::auth).doesNotHaveDuplicates();
    push.awaitCount(3, WAIT);
    for (TestSubscriber subscriber : batch) {
      assertThat(push.receivedFor(subscriber.token())).singleElement()
          .satisfies(r -> assertThat(r.plaintext()).isEqualTo("hi " + subscriber.token()));
    }
  }

  @Test
  void aMessageEncryptedForSomeoneElseIsRecordedAsUndecryptable() throws Exception {
    List<TestSubscriber> batch = push.newSubscribers(2); // same key pair, different auth secrets

    Reply reply = send(h2Client, batch.get(1), Rfc8291.encrypt(batch.get(0), "not yours", 0), validHeaders());

    assertThat(reply.status).isEqualTo(201);
    ReceivedPush message = push.awaitCount(1, WAIT).get(0);
    assertThat(message.decrypted()).isFalse();
    assertThat(message.decryptionError()).contains("authentication failed");
    assertThat(message.problems()).anySatisfy(p -> assertThat(p).startsWith("decryption failed"));
  }

  @Test
  void aBadVapidSignatureIsReportedAsAProblem() throws Exception {
    TestSubscriber subscriber = push.newSubscriber();
    String valid = vapid(push.origin(), inHours(1), "mailto:ops@shop.example");
    String otherKey = B64.encodeToString(point(TestSubscriber.generateKeyPair()));
    String forged = valid.replaceFirst("k=[A-Za-z0-9_-]+", "k=" + otherKey);

    send(h2Client, subscriber, Rfc8291.encrypt(subscriber, "forged", 0), standardHeaders(forged));

    ReceivedPush message = push.awaitCount(1, WAIT).get(0);
    assertThat(message.plaintext()).isEqualTo("forged");
    assertThat(message.problems()).containsExactly("JWT signature does not verify under the k key");
  }

  @Test
  void aWrongAudienceIsReportedAsAProblem() throws Exception {
    TestSubscriber subscriber = push.newSubscriber();

    send(h2Client, subscriber, Rfc8291.encrypt(subscriber, "aud", 0),
        standardHeaders(vapid("https://fcm.googleapis.com", inHours(1), "mailto:ops@shop.example")));

    assertThat(push.awaitCount(1, WAIT).get(0).problems()).singleElement()
        .satisfies(p -> assertThat(p).startsWith("JWT aud is \"https://fcm.googleapis.com\""));
  }

  @Test
  void expiryAndSubjectRulesAreEnforced() throws Exception {
    TestSubscriber subscriber = push.newSubscriber();

    send(h2Client, subscriber, Rfc8291.encrypt(subscriber, "a", 0),
        standardHeaders(vapid(push.origin(), inHours(-1), "mailto:ops@shop.example")));
    send(h2Client, subscriber, Rfc8291.encrypt(subscriber, "b", 0),
        standardHeaders(vapid(push.origin(), inHours(25), "https://shop.example/contact")));
    send(h2Client, subscriber, Rfc8291.encrypt(subscriber, "c", 0),
        standardHeaders(vapid(push.origin(), inHours(1), "ops@shop.example")));

    List<ReceivedPush> received = push.awaitCount(3, WAIT);
    assertThat(received.get(0).problems()).singleElement().asString().contains("is not in the future");
    assertThat(received.get(1).problems()).singleElement().asString().contains("more than 24 h");
    assertThat(received.get(2).problems()).singleElement().asString().contains("neither mailto: nor https:");
  }

  @Test
  void aDerEncodedSignatureIsRejected() throws Exception {
    TestSubscriber subscriber = push.newSubscriber();

    send(h2Client, subscriber, Rfc8291.encrypt(subscriber, "der", 0),
        standardHeaders(vapid(push.origin(), inHours(1), "mailto:a@b.example", "SHA256withECDSA")));

    assertThat(push.awaitCount(1, WAIT).get(0).problems()).singleElement()
        .asString().contains("expected 64 (JOSE r||s, not DER)");
  }

  @Test
  void missingTtlAndWrongContentEncodingAreReported() throws Exception {
    TestSubscriber subscriber = push.newSubscriber();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Content-Encoding", "aesgcm")
        .add("Authorization", vapid(push.origin(), inHours(1), "mailto:a@b.example"));

    send(h2Client, subscriber, Rfc8291.encrypt(subscriber, "x", 0), headers);

    assertThat(push.awaitCount(1, WAIT).get(0).problems()).containsExactlyInAnyOrder(
        "Content-Encoding is 'aesgcm', expected aes128gcm (RFC 8291)",
        "no TTL header (RFC 8030 section 5.2 requires it)");
  }

  @Test
  void aMissingAuthorizationHeaderIsReported() throws Exception {
    TestSubscriber subscriber = push.newSubscriber();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Encoding", "aes128gcm").add("TTL", "0");

    send(h2Client, subscriber, Rfc8291.encrypt(subscriber, "x", 0), headers);

    assertThat(push.awaitCount(1, WAIT).get(0).problems()).containsExactly("no Authorization header");
  }

  @Test
  void awaitCountReportsHowManyArrivedOnTimeout() throws Exception {
    TestSubscriber subscriber = push.newSubscriber();
    send(h2Client, subscriber, Rfc8291.encrypt(subscriber, "only one", 0), validHeaders());

    assertThatThrownBy(() -> push.awaitCount(2, Duration.ofMillis(200)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected 2 push request(s)")
        .hasMessageContaining("but 1 arrived")
        .hasMessageContaining(subscriber.token());
  }

  @Test
  void awaitCountReturnsAsSoonAsTheRequestsArrive() throws Exception {
    TestSubscriber subscriber = push.newSubscriber();
    List<Future<Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      replies.add(sendAsync(h2Client, subscriber, Rfc8291.encrypt(subscriber, "m" + i, 0), validHeaders()));
    }

    assertThat(push.awaitCount(20, WAIT)).hasSize(20).allSatisfy(r -> assertThat(r.valid()).isTrue());
    for (Future<Reply> reply : replies) {
      assertThat(await(reply).status).isEqualTo(201);
    }
  }

  @Test
  void otherPathsAndMethodsAreRefusedAndNotRecorded() throws Exception {
    Reply wrongPath = await(h2Client.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setAbsoluteURI(push.origin() + "/elsewhere"))
        // Nested compose: reading the body in a later stage races (eclipse-vertx/vert.x#4705).
        .compose(request -> request.send(Buffer.buffer("x")).compose(Reply::of)));
    Reply wrongMethod = await(h2Client.request(new RequestOptions().setMethod(HttpMethod.GET)
            .setAbsoluteURI(push.endpoint("abc")))
        .compose(request -> request.send().compose(Reply::of)));

    assertThat(wrongPath.status).isEqualTo(404);
    assertThat(wrongMethod.status).isEqualTo(405);
    assertThat(push.count()).isZero();
  }

  @Test
  void stampedArrivalsKeepEachRequestsTimeByItsNumber() throws Exception {
    try (LocalPushService sink = new LocalPushService().verify(false).stampArrivals(40).start()) {
      long before = System.nanoTime();
      List<Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 50; i++) { // more than it keeps: the rest are counted, not stamped
        replies.add(h2Client.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(sink.endpoint("t" + i)))
            .compose(request -> request.send(Buffer.buffer("x")).compose(Reply::of)));
      }
      sink.awaitCount(50, WAIT);
      long after = System.nanoTime();
      for (int i = 0; i < 40; i++) {
        assertThat(sink.arrivedAt(i)).as("arrival " + i).isBetween(before, after);
      }
      for (Future<Reply> reply : replies) {
        assertThat(await(reply).status).isEqualTo(201);
      }
    }
  }

  @Test
  void sinkModeAnswers201AndOnlyCounts() throws Exception {
    try (LocalPushService sink = new LocalPushService().verify(false).start()) {
      List<Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        String token = "t" + (i % 3);
        replies.add(h2Client.request(new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(sink.endpoint(token)))
            .compose(request -> request.send(Buffer.buffer("not even encrypted")).compose(Reply::of)));
      }

      assertThat(sink.awaitCount(60, WAIT)).isEmpty();
      assertThat(sink.acceptedCount()).isEqualTo(60);
      assertThat(sink.countFor("t0")).isEqualTo(20);
      assertThat(sink.countFor("t2")).isEqualTo(20);
      for (Future<Reply> reply : replies) {
        assertThat(await(reply).status).isEqualTo(201);
      }
    }
  }

  @Test
  void subscriptionJsonLooksLikeABrowsersPushSubscription() {
    TestSubscriber subscriber = push.newSubscriber();

    JsonObject json = subscriber.subscriptionJson();

    assertThat(json.getString("endpoint")).isEqualTo(push.pushBase() + subscriber.token());
    byte[] p256dh = Base64.getUrlDecoder().decode(json.getJsonObject("keys").getString("p256dh"));
    byte[] auth = Base64.getUrlDecoder().decode(json.getJsonObject("keys").getString("auth"));
    assertThat(p256dh).hasSize(65);
    assertThat(p256dh[0]).isEqualTo((byte) 0x04);
    assertThat(auth).hasSize(16);
    assertThat(json.encode()).doesNotContain("=");
  }

  @Test
  void theCaFileIsAPemCertificateThatSignedTheServerCertificate() throws Exception {
    TestCertificates certificates = push.certificates();

    assertThat(Files.readString(certificates.caFile())).startsWith("-----BEGIN CERTIFICATE-----");
    certificates.serverCertificate().verify(certificates.caCertificate().getPublicKey());
    assertThat(certificates.serverCertificate().getSubjectAlternativeNames())
        .extracting(name -> String.valueOf(name.get(1)))
        .containsExactlyInAnyOrder("127.0.0.1", "localhost");
  }

  // ------------------------------------------------------------------ client helpers

  private record Reply(int status, HttpVersion version, MultiMap headers, String body) {
    static Future<Reply> of(io.vertx.core.http.HttpClientResponse response) {
      return response.body().map(body -> new Reply(response.statusCode(), response.version(),
          response.headers(), body.toString(StandardCharsets.UTF_8)));
    }
  }

  private static Future<Reply> sendAsync(HttpClientAgent client, TestSubscriber to, byte[] body, MultiMap headers) {
    return client.request(new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(to.endpoint())
            .setHeaders(headers))
        // Read the body inside the send stage: a separate later compose can miss the response
        // end when called from a non-Vert.x thread (eclipse-vertx/vert.x#4705).
        .compose(request -> request.send(Buffer.buffer(body)).compose(Reply::of));
  }

  private static Reply send(HttpClientAgent client, TestSubscriber to, byte[] body, MultiMap headers)
      throws Exception {
    return await(sendAsync(client, to, body, headers));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static MultiMap validHeaders() throws GeneralSecurityException {
    return standardHeaders(vapid(push.origin(), inHours(12), "mailto:ops@shop.example"));
  }

  private static MultiMap standardHeaders(String authorization) {
    return MultiMap.caseInsensitiveMultiMap()
        .add("Content-Encoding", "aes128gcm")
        .add("Content-Type", "application/octet-stream")
        .add("TTL", "3600")
        .add("Urgency", "high")
        .add("Topic", "order-42")
        .add("Authorization", authorization);
  }

  private static long inHours(int hours) {
    return Instant.now().plus(Duration.ofHours(hours)).getEpochSecond();
  }

  // ------------------------------------------------------------------ VAPID signing (RFC 8292)

  private static String vapid(String audience, long expiry, String subject) throws GeneralSecurityException {
    return vapid(audience, expiry, subject, "SHA256withECDSAinP1363Format"); // JOSE r||s directly
  }

  private static String vapid(String audience, long expiry, String subject, String algorithm)
      throws GeneralSecurityException {
    String header = B64.encodeToString("{\"typ\":\"JWT\",\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8));
    String claims = B64.encodeToString(new JsonObject().put("aud", audience).put("exp", expiry)
        .put("sub", subject).encode().getBytes(StandardCharsets.UTF_8));
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(vapidKeys.getPrivate());
    signer.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
    String jwt = header + "." + claims + "." + B64.encodeToString(signer.sign());
    return "vapid t=" + jwt + ", k=" + B64.encodeToString(point(vapidKeys));
  }

  private static KeyPair p256KeyPair(String privateScalar, String publicPoint) throws GeneralSecurityException {
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec p256 = parameters.getParameterSpec(ECParameterSpec.class);
    byte[] point = Base64.getUrlDecoder().decode(publicPoint);
    KeyFactory factory = KeyFactory.getInstance("EC");
    return new KeyPair(
        factory.generatePublic(new ECPublicKeySpec(new ECPoint(
            new BigInteger(1, Arrays.copyOfRange(point, 1, 33)),
            new BigInteger(1, Arrays.copyOfRange(point, 33, 65))), p256)),
        factory.generatePrivate(new ECPrivateKeySpec(
            new BigInteger(1, Base64.getUrlDecoder().decode(privateScalar)), p256)));
  }

  private static byte[] point(KeyPair keys) {
    return TestSubscriber.uncompressedPoint((ECPublicKey) keys.getPublic());
  }

  // ------------------------------------------------------------------ RFC 8291 encryption, JDK only

  /** The application server's side of RFC 8291, written from the RFC text for this test only. */
  static final class Rfc8291 {
    private static final SecureRandom RANDOM = new SecureRandom();

    static byte[] encrypt(TestSubscriber to, String message, int paddingLength) throws GeneralSecurityException {
      KeyPair ephemeral = TestSubscriber.generateKeyPair();
      byte[] asPublic = point(ephemeral);
      byte[] uaPublic = to.publicKeyBytes();

      KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
      agreement.init(ephemeral.getPrivate());
      agreement.doPhase(to.publicKey(), true);
      byte[] ecdhSecret = agreement.generateSecret();

      // RFC 8291 section 3.4
      byte[] prkKey = hmac(to.authSecret(), ecdhSecret);
      byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), uaPublic, asPublic);
      byte[] ikm = hmac(prkKey, concat(keyInfo, new byte[] {1}));
      byte[] salt = new byte[16];
      RANDOM.nextBytes(salt);
      byte[] prk = hmac(salt, ikm);
      byte[] cek = Arrays.copyOf(hmac(prk, "Content-Encoding: aes128gcm\0\1".getBytes(StandardCharsets.US_ASCII)), 16);
      byte[] nonce = Arrays.copyOf(hmac(prk, "Content-Encoding: nonce\0\1".getBytes(StandardCharsets.US_ASCII)), 12);

      // RFC 8188 section 2: plaintext || 0x02 || zero padding, one record
      byte[] plaintext = message.getBytes(StandardCharsets.UTF_8);
      byte[] record = new byte[plaintext.length + 1 + paddingLength];
      System.arraycopy(plaintext, 0, record, 0, plaintext.length);
      record[plaintext.length] = 2;
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
      byte[] ciphertext = cipher.doFinal(record);

      ByteBuffer header = ByteBuffer.allocate(21 + asPublic.length);
      header.put(salt).putInt(4096).put((byte) asPublic.length).put(asPublic);
      return concat(header.array(), ciphertext);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    }

    private static byte[] concat(byte[]... parts) {
      int length = 0;
      for (byte[] part : parts) {
        length += part.length;
      }
      ByteBuffer out = ByteBuffer.allocate(length);
      for (byte[] part : parts) {
        out.put(part);
      }
      return out.array();
    }
  }
}
