package io.pushcart.webpush;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Messages per second of the full per-message work (PushRequestBuilder.build: ephemeral key
 * pair, ECDH, key schedule, AES-GCM of a ~300-byte payload, headers, cached VAPID token), for
 * each provider, on one thread and on every core. Not a JUnit test. Run from the repository root:
 *
 * <pre>
 * mvn -o -q -pl server test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.pushcart.webpush.EncryptThroughput [-Dexec.args=SECONDS]
 * </pre>
 */
public final class EncryptThroughput {

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
    int cores = Runtime.getRuntime().availableProcessors();
    byte[] payload = ("{\"title\":\"Your order #10442 has shipped\",\"body\":\"Two items are on their way and "
        + "should arrive Thursday. Track the parcel or change the delivery address from your account.\","
        + "\"url\":\"https://shop.example/account/orders/10442?utm_source=push&utm_medium=webpush\","
        + "\"icon\":\"/static/icon-192.png\",\"tag\":\"order-10442\"}").getBytes(StandardCharsets.UTF_8);

    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    byte[] p256dh = P256.encodePublicKey((ECPublicKey) generator.generateKeyPair().getPublic());
    byte[] auth = new byte[16];
    new java.security.SecureRandom().nextBytes(auth);
    URI endpoint = URI.create("https://fcm.googleapis.com/fcm/send/dXq3tP:APA91bH");

    List<CryptoProvider> providers = new ArrayList<>();
    providers.add(CryptoProvider.jdk());
    providers.add(CryptoProvider.bouncyCastle());
    CryptoProvider.conscrypt().ifPresent(providers::add);
    CryptoProvider.accp().ifPresent(providers::add);
    System.out.printf("payload %d bytes, %d cores, %.0f s per run, best() = %s%n",
        payload.length, cores, seconds, CryptoProvider.best().name());

    for (CryptoProvider crypto : providers) {
      VapidSigner signer = new VapidSigner(VapidKeys.generate(crypto), "mailto:ops@shop.example",
          crypto, Clock.systemUTC());
      PushRequestBuilder builder = new PushRequestBuilder(new Aes128GcmEncryptor(crypto), signer);
      Runnable oneMessage = () -> builder.build(endpoint, p256dh, auth, payload, PushOptions.ttl(86400));
      run(oneMessage, cores, seconds); // warm-up: JIT and every thread's engines
      for (int threads : new int[] {1, cores}) {
        double rate = run(oneMessage, threads, seconds);
        System.out.printf("%-10s %2d thread(s): %,9.0f msg/s  (%.1f µs/msg/thread)%n",
            crypto.name(), threads, rate, threads * 1e6 / rate);
      }
    }
  }

  private static double run(Runnable work, int threads, double seconds) throws InterruptedException {
    LongAdder done = new LongAdder();
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    List<Thread> workers = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < threads; i++) {
      Thread worker = new Thread(() -> {
        long n = 0;
        while (System.nanoTime() < deadline) {
          work.run();
          n++;
        }
        done.add(n);
      });
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      worker.join();
    }
    return done.sum() / ((System.nanoTime() - start) / 1e9);
  }
}
