package io.pushcart.testkit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * A stand-in push service (RFC 8030) on {@code https://127.0.0.1:<port>}: HTTP/2 via ALPN and
 * HTTP/1.1, {@code POST /push/<token>}.
 *
 * <p>In verify mode (the default) every request is decrypted for its registered
 * {@link TestSubscriber} (RFC 8291, via {@link PushDecryptor}), its VAPID header is checked
 * (RFC 8292, via {@link VapidVerifier}) and its headers too, and it is recorded as a
 * {@link ReceivedPush}, whatever status it is answered with. Statuses are scripted per token with
 * {@link #script}; unscripted tokens get 201 Created with a Location header.
 *
 * <p>In sink mode ({@code verify(false)}, for benchmarks) every request is answered 201 at once and
 * only counted, per token and in total.
 *
 * <p>{@link #start()}, {@link #close()} and {@link #awaitCount} block the calling thread and must
 * not be called on a Vert.x thread; the request handlers never block.
 *
 * <p>Clients sending from a non-Vert.x thread: read the response inside the send stage,
 * {@code request.send(b).compose(resp -> resp.body())}, not in a later
 * {@code .compose(resp -> resp.body())}; the latter intermittently never completes on Vert.x 5.0.10
 * (eclipse-vertx/vert.x#4705).
 */
public final class LocalPushService implements AutoCloseable {

  private static final String HOST = "127.0.0.1";
  private static final Handler<Buffer> DISCARD = buffer -> {};
  private static final CharSequence LOCATION = HttpHeaders.createOptimized("location");
  private static final Duration BLOCKING_LIMIT = Duration.ofSeconds(30);
  /** Vert.x shares one random port among servers that listen on the same negative port number. */
  private static final AtomicInteger SHARED_RANDOM_PORT = new AtomicInteger(1000);

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final TestCertificates certificates;
  private Clock clock = Clock.systemUTC();

  private final ResponseScript script = new ResponseScript();
  private final ArrivalCounter arrivals = new ArrivalCounter();
  private final LongAdder accepted = new LongAdder();
  private final ConcurrentHashMap<String, AtomicInteger> perToken = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, TestSubscriber> subscribers = new ConcurrentHashMap<>();
  private final List<ReceivedPush> received = new ArrayList<>(); // guarded by itself
  private final AtomicLong sequence = new AtomicLong();
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private boolean verify = true;
  private int fixedPort = 0;
  private int instances = 0; // 0 = choose by mode
  private volatile int port = -1;
  private volatile VapidVerifier vapid;
  private volatile CharSequence sinkLocation;

  /** Own Vert.x instance (closed by {@link #close()}) and the JVM-wide {@link TestCertificates#shared()}. */
  public LocalPushService() {
    this(Vertx.vertx(), true, TestCertificates.shared());
  }

  /** Runs on the given Vert.x instance (not closed by {@link #close()}). */
  public LocalPushService(Vertx vertx) {
    this(vertx, false, TestCertificates.shared());
  }

  public LocalPushService(Vertx vertx, TestCertificates certificates) {
    this(vertx, false, certificates);
  }

  private LocalPushService(Vertx vertx, boolean ownsVertx, TestCertificates certificates) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.certificates = certificates;
  }

  // ---------------------------------------------------------------- configuration (before start)

  /** true (default): decrypt, verify and record; false: sink mode, answer 201 and only count. */
  public LocalPushService verify(boolean verify) {
    requireNotStarted();
    this.verify = verify;
    return this;
  }

  /**
   * The time this push service lives in: when a request arrived, and whether a VAPID token has
   * expired. A test that moves the server's clock moves this one with it.
   */
  public LocalPushService clock(Clock clock) {
    requireNotStarted();
    this.clock = clock;
    return this;
  }

  /** Listen on this port instead of a free one. */
  public LocalPushService fixedPort(int port) {
    requireNotStarted();
    this.fixedPort = port;
    return this;
  }

  /**
   * How many server instances (event loops) share the port. Default: 1 in verify mode (records in
   * arrival order), the number of CPUs in sink mode.
   */
  public LocalPushService instances(int instances) {
    requireNotStarted();
    this.instances = instances;
    return this;
  }

  public boolean verifying() {
    return verify;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts listening; completes with this service once every instance listens. */
  public Future<LocalPushService> startAsync() {
    requireNotStarted();
    int count = instances > 0 ? instances : verify ? 1 : Math.max(1, Runtime.getRuntime().availableProcessors());
    int listenPort = fixedPort != 0 ? fixedPort : count > 1 ? -SHARED_RANDOM_PORT.incrementAndGet() : 0;
    HttpServerOptions options = new HttpServerOptions()
        .setHost(HOST)
        .setPort(listenPort)
        .setSsl(true)
        .setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
        .setKeyCertOptions(certificates.keyCertOptions());
    if (!verify) {
      // Sink mode stands in for a push service's capacity in benchmarks: its TLS runs on
      // BoringSSL like the server's, or the JDK's GCM on small records would be what we measure.
      io.pushcart.delivery.ConscryptTls.options().ifPresent(options::setSslEngineOptions);
    }
    Handler<HttpServerRequest> handler = verify ? this::handleVerified : this::handleSink;
    HttpServer first = vertx.createHttpServer(options).requestHandler(handler);
    servers.add(first);
    return first.listen().compose(listening -> {
      port = listening.actualPort();
      vapid = new VapidVerifier(origin(), clock);
      sinkLocation = HttpHeaders.createOptimized(origin() + "/message/sink");
      List<Future<HttpServer>> more = new ArrayList<>();
      for (int i = 1; i < count; i++) {
        HttpServer server = vertx.createHttpServer(options).requestHandler(handler);
        servers.add(server);
        more.add(server.listen());
      }
      return Future.all(more);
    }).map(this);
  }

  /** Starts and waits until listening. Call from a test thread, not a Vert.x thread. */
  public LocalPushService start() {
    return await(startAsync(), "start");
  }

  public Future<Void> closeAsync() {
    if (!closed.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    List<Future<Void>> closing = servers.stream().map(HttpServer::close).collect(Collectors.toList());
    Future<Void> serversClosed = Future.join(closing).mapEmpty();
    return ownsVertx ? serversClosed.eventually(vertx::close) : serversClosed;
  }

  /** Stops listening (and closes its own Vert.x instance, if it made one); waits for that. */
  @Override
  public void close() {
    await(closeAsync(), "close");
  }

  // ---------------------------------------------------------------- addresses

  public int port() {
    if (port < 0) {
      throw new IllegalStateException("LocalPushService is not started");
    }
    return port;
  }

  /** {@code https://127.0.0.1:<port>}: what a VAPID JWT's aud must be. */
  public String origin() {
    return "https://" + HOST + ":" + port();
  }

  /** {@code https://127.0.0.1:<port>/push/}: endpoint prefix, token follows. */
  public String pushBase() {
    return origin() + "/push/";
  }

  public String endpoint(String token) {
    return pushBase() + token;
  }

  public TestCertificates certificates() {
    return certificates;
  }

  /** The CA PEM file the server under test must trust (PUSHCART_PUSH_CA_FILE). */
  public Path caFile() {
    return certificates.caFile();
  }

  // ---------------------------------------------------------------- subscribers and scripts

  /** A new subscriber (own key pair) on this service, registered for decryption. */
  public TestSubscriber newSubscriber() {
    return register(TestSubscriber.create(pushBase()));
  }

  /** {@code n} registered subscribers sharing one fresh key pair (fast for large numbers). */
  public List<TestSubscriber> newSubscribers(int n) {
    List<TestSubscriber> batch = TestSubscriber.batch(n, TestSubscriber.generateKeyPair(), pushBase());
    register(batch);
    return batch;
  }

  /** Makes messages to the subscriber's token decryptable. */
  public TestSubscriber register(TestSubscriber subscriber) {
    subscribers.put(subscriber.token(), subscriber);
    return subscriber;
  }

  public void register(Collection<TestSubscriber> batch) {
    for (TestSubscriber subscriber : batch) {
      register(subscriber);
    }
  }

  /** Answers for successive requests to {@code token}; the last one repeats. Verify mode only. */
  public LocalPushService script(String token, Response... responses) {
    script.script(token, Arrays.asList(responses));
    return this;
  }

  /** The answer for tokens without a script (initially 201 Created). Verify mode only. */
  public LocalPushService defaultResponse(Response response) {
    script.fallback(response);
    return this;
  }

  /** Forgets received requests, counts and scripts (subscribers stay registered). */
  public void reset() {
    synchronized (received) {
      received.clear();
      sequence.set(0);
    }
    perToken.clear();
    accepted.reset();
    arrivals.reset();
    script.clear();
  }

  // ---------------------------------------------------------------- observations

  /**
   * Waits until at least {@code n} requests have arrived in total (any status) and returns
   * {@link #received()}. Throws an AssertionError saying how many arrived on timeout.
   */
  public List<ReceivedPush> awaitCount(int n, Duration timeout) {
    requireNotVertxThread("awaitCount");
    CompletableFuture<Void> reached = arrivals.whenCount(n);
    try {
      reached.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      arrivals.forget(reached);
      throw new AssertionError(shortfall(n, timeout));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + n + " push requests", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    return received();
  }

  /** Every recorded request in arrival order (verify mode; empty in sink mode). */
  public List<ReceivedPush> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  public List<ReceivedPush> receivedFor(String token) {
    return received().stream().filter(r -> r.token().equals(token)).collect(Collectors.toUnmodifiableList());
  }

  /** Requests that arrived for this token (any status), in either mode. */
  public int countFor(String token) {
    AtomicInteger count = perToken.get(token);
    return count == null ? 0 : count.get();
  }

  /** Of these subscribers: how many got nothing, and how many messages came more than once. */
  public record Tally(long missing, long repeats) {
  }

  /** How the messages to {@code subscribers} arrived: the figure every loss-and-repeat test asserts on. */
  public Tally tally(java.util.Collection<TestSubscriber> subscribers) {
    long missing = 0;
    long repeats = 0;
    for (TestSubscriber s : subscribers) {
      int n = countFor(s.token());
      missing += n == 0 ? 1 : 0;
      repeats += Math.max(0, n - 1);
    }
    return new Tally(missing, repeats);
  }

  /** Requests that arrived in total (any status). */
  public int count() {
    return arrivals.count();
  }

  /**
   * Keeps the {@code nanoTime} of each of the first {@code capacity} requests as it arrives:
   * what a benchmark times deliveries by, with no thread of its own polling {@link #count()} on
   * the cores the server uses.
   */
  public LocalPushService stampArrivals(int capacity) {
    requireNotStarted();
    arrivals.stamp(capacity);
    return this;
  }

  /**
   * The {@code nanoTime} request number {@code index + 1} arrived at ({@link #stampArrivals}),
   * once {@link #awaitCount} has seen it.
   */
  public long arrivedAt(int index) {
    long at = arrivals.stampOf(index);
    for (int spins = 0; at == 0; spins++) { // counted by another thread an instant before it wrote the time
      if (spins > 1_000_000) {
        throw new IllegalStateException("arrival " + index + " was not stamped");
      }
      Thread.onSpinWait();
      at = arrivals.stampOf(index);
    }
    return at;
  }

  /** Requests answered with a 2xx status. */
  public long acceptedCount() {
    return accepted.sum();
  }

  // ---------------------------------------------------------------- request handling

  private void handleSink(HttpServerRequest request) {
    String token = tokenOf(request);
    if (token == null) {
      return;
    }
    request.handler(DISCARD);
    request.endHandler(end -> {
      request.response().setStatusCode(201).putHeader(LOCATION, sinkLocation).end();
      countToken(token);
      accepted.increment();
      arrivals.arrived();
    });
  }

  private void handleVerified(HttpServerRequest request) {
    String token = tokenOf(request);
    if (token == null) {
      return;
    }
    Instant receivedAt = clock.instant();
    HttpVersion version = request.version();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
    request.body().onSuccess(body -> {
      Response response;
      long number = 0;
      try {
        response = script.next(token);
        number = record(token, receivedAt, version, headers, body.getBytes(), response.statusCode());
      } catch (RuntimeException e) {
        e.printStackTrace();
        response = Response.status(500).body("LocalPushService internal error: " + e);
      }
      reply(request, response, number);
    });
  }

  /** Checks, decrypts and stores one request; returns its sequence number. */
  private long record(String token, Instant receivedAt, HttpVersion version, MultiMap headers,
      byte[] body, int status) {
    List<String> problems = new ArrayList<>();
    HeaderChecks.check(headers, body.length, problems);
    VapidVerifier.Result vapidResult = vapid.verify(headers.get("Authorization"));
    problems.addAll(vapidResult.problems());
    String plaintext = null;
    String decryptionError = null;
    TestSubscriber subscriber = subscribers.get(token);
    if (subscriber == null) {
      decryptionError = "no TestSubscriber registered for token " + token;
    } else {
      try {
        plaintext = new String(PushDecryptor.decrypt(body, subscriber), StandardCharsets.UTF_8);
      } catch (PushDecryptor.DecryptionException e) {
        decryptionError = e.getMessage();
      }
    }
    if (decryptionError != null) {
      problems.add("decryption failed: " + decryptionError);
    }
    long number;
    synchronized (received) {
      number = sequence.incrementAndGet();
      received.add(new ReceivedPush(number, receivedAt, token, version, headers, body,
          plaintext, decryptionError, List.copyOf(problems), vapidResult.claims(), vapidResult.publicKey(),
          status));
    }
    countToken(token);
    if (status >= 200 && status < 300) {
      accepted.increment();
    }
    arrivals.arrived();
    return number;
  }

  private void reply(HttpServerRequest request, Response response, long number) {
    CompletableFuture<?> release = response.release().toCompletableFuture();
    if (release.isDone()) {
      answer(request, response, number);
    } else { // held by the test: answered on this request's context once it lets go
      Context context = vertx.getOrCreateContext();
      release.whenComplete((v, e) -> context.runOnContext(x -> answer(request, response, number)));
    }
  }

  private void answer(HttpServerRequest request, Response response, long number) {
    if (response.delayDuration().isZero()) {
      send(request, response, number);
    } else {
      vertx.setTimer(Math.max(1, response.delayDuration().toMillis()), id -> send(request, response, number));
    }
  }

  private void send(HttpServerRequest request, Response response, long number) {
    HttpServerResponse out = request.response().setStatusCode(response.statusCode());
    response.headers().forEach(out::putHeader);
    if (response.statusCode() == 201 && !out.headers().contains("Location")) {
      out.putHeader("Location", origin() + "/message/" + number);
    }
    if (response.bodyText().isEmpty()) {
      out.end();
    } else {
      out.putHeader("Content-Type", "text/plain; charset=utf-8").end(response.bodyText());
    }
  }

  /** The token of {@code POST /push/<token>}, or null after answering 404/405. */
  private static String tokenOf(HttpServerRequest request) {
    String path = request.path();
    if (path == null || !path.startsWith("/push/") || path.length() == 6 || path.indexOf('/', 6) >= 0) {
      request.response().setStatusCode(404).end("LocalPushService: no such endpoint");
      return null;
    }
    if (!HttpMethod.POST.equals(request.method())) {
      request.response().setStatusCode(405).putHeader("Allow", "POST").end();
      return null;
    }
    return path.substring(6);
  }

  private void countToken(String token) {
    AtomicInteger count = perToken.get(token);
    if (count == null) {
      count = perToken.computeIfAbsent(token, t -> new AtomicInteger());
    }
    count.incrementAndGet();
  }

  // ---------------------------------------------------------------- helpers

  private String shortfall(int n, Duration timeout) {
    StringBuilder message = new StringBuilder()
        .append("expected ").append(n).append(" push request(s) at ").append(HOST).append(':').append(port)
        .append(" within ").append(timeout.toMillis()).append(" ms, but ").append(count())
        .append(" arrived (").append(acceptedCount()).append(" answered 2xx)");
    Map<String, Integer> tokens = new TreeMap<>();
    perToken.forEach((token, count) -> {
      if (tokens.size() < 10) {
        tokens.put(token, count.get());
      }
    });
    if (!tokens.isEmpty()) {
      message.append("; per token").append(perToken.size() > 10 ? " (first 10 of " + perToken.size() + ")" : "")
          .append(": ").append(tokens);
    }
    List<ReceivedPush> all = received();
    if (!all.isEmpty()) {
      message.append("; last: ").append(all.get(all.size() - 1));
    }
    return message.toString();
  }

  private void requireNotStarted() {
    if (!servers.isEmpty()) {
      throw new IllegalStateException("LocalPushService is already started");
    }
  }

  private static void requireNotVertxThread(String what) {
    if (Context.isOnVertxThread()) {
      throw new IllegalStateException(what + " blocks; call it from a test thread, not a Vert.x thread");
    }
  }

  private static <T> T await(Future<T> future, String what) {
    requireNotVertxThread(what);
    try {
      return future.toCompletionStage().toCompletableFuture()
          .get(BLOCKING_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("LocalPushService " + what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("LocalPushService " + what + " did not finish within " + BLOCKING_LIMIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during LocalPushService " + what, e);
    }
  }

  // ---------------------------------------------------------------- standalone

  /**
   * Runs a push service in its own process until stdin reaches EOF or the process gets SIGTERM.
   * Prints {@code port=}, {@code origin=}, {@code push-base=} and {@code ca-file=} lines, then on
   * exit a {@code received=} line.
   *
   * <pre>
   * args: [--verify] [--port N] [--subscriptions N FILE]
   *   --verify            decrypt and verify (default: sink mode, count only)
   *   --port N            listen on N (default: a free port)
   *   --subscriptions N F write N subscription JSON objects (one per line, shared key pair) to F
   * </pre>
   */
  public static void main(String[] args) throws InterruptedException, IOException {
    boolean verify = false;
    int port = 0;
    int subscriptionCount = 0;
    Path subscriptionFile = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--verify" -> verify = true;
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--subscriptions" -> {
          subscriptionCount = Integer.parseInt(args[++i]);
          subscriptionFile = Path.of(args[++i]);
        }
        default -> {
          System.err.println("usage: LocalPushService [--verify] [--port N] [--subscriptions N FILE]");
          System.exit(2);
        }
      }
    }
    LocalPushService service = new LocalPushService().verify(verify).fixedPort(port).start();
    if (subscriptionFile != null) {
      List<TestSubscriber> batch = service.newSubscribers(subscriptionCount);
      try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(subscriptionFile, StandardCharsets.UTF_8))) {
        batch.forEach(subscriber -> out.println(subscriber.subscriptionJson().encode()));
      }
      System.out.println("subscriptions=" + subscriptionFile.toAbsolutePath());
    }
    System.out.println("port=" + service.port());
    System.out.println("origin=" + service.origin());
    System.out.println("push-base=" + service.pushBase());
    System.out.println("ca-file=" + service.caFile().toAbsolutePath());
    System.out.println("mode=" + (verify ? "verify" : "sink"));
    System.out.flush();

    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      service.close();
      System.out.println("received=" + service.count() + " accepted=" + service.acceptedCount()
          + " tokens=" + service.perToken.size());
      System.out.flush();
    }, "local-push-service-shutdown"));
    Thread stdin = new Thread(() -> {
      try {
        byte[] discard = new byte[256];
        while (System.in.read(discard) >= 0) {
          // keep reading until EOF
        }
      } catch (IOException e) {
        // treat a broken stdin like EOF
      }
      stop.countDown();
    }, "local-push-service-stdin");
    stdin.setDaemon(true);
    stdin.start();
    stop.await();
    System.exit(0);
  }
}
