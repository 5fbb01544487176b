package io.pushcart.delivery;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.pushcart.config.Config;
import io.pushcart.webpush.PushRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.core.net.impl.ConnectionBase;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The thin I/O half of sending (the pure half is webpush's PushRequestBuilder): one pooled
 * client per delivery verticle, HTTP/2 over ALPN with HTTP/1.1 fallback, connections kept and
 * reused per push-service origin. Redirects are never followed: an endpoint is a URL a stranger
 * gave us, and a redirect could aim us anywhere.
 */
final class PushClient {
  /** A push service that takes longer than this to answer one message is treated as a network error. */
  static final long REQUEST_TIMEOUT_MS = 30_000;
  /** Distinct header sets kept converted; a campaign uses one per push service, so this is plenty. */
  private static final int MAX_HEADER_SETS = 64;

  private final HttpClientAgent http;
  private final Map<Map<String, String>, MultiMap> headerSets = new ConcurrentHashMap<>();

  PushClient(Vertx vertx, Config config) {
    HttpClientOptions options = new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setUseAlpn(true)
        .setVerifyHost(true)
        .setTrustOptions(TrustOptions.wrap(PushTrust.trustManagers(config.pushCaFile())))
        .setConnectTimeout(10_000)
        .setKeepAlive(true)
        .setIdleTimeout(120)
        .setHttp2ConnectionWindowSize(4 * 1024 * 1024);
    ConscryptTls.options().ifPresent(options::setSslEngineOptions);
    // A few connections per origin: HTTP/2 multiplexes (FCM allows 100 streams per connection).
    PoolOptions pool = new PoolOptions().setHttp2MaxSize(4).setHttp1MaxSize(64).setMaxWaitQueueSize(-1);
    this.http = vertx.httpClientBuilder().with(options).with(pool)
        .withConnectHandler(PushClient::consolidateFlushes).build();
  }

  /**
   * One flush per event-loop task instead of one per request on an HTTP/2 connection. Vert.x
   * flushes after every request written outside a read of that connection, and ours are written
   * from crypto-pool and Redis callbacks: each request became its own TLS record (a Conscrypt
   * wrap) and its own socket write. Deferring the flush to the end of the task lets the requests
   * started in that task share records and one write. HTTP/1.1 connections carry one request at
   * a time and are left alone.
   *
   * <p>Reaches into Vert.x internals ({@code ConnectionBase}, the Netty pipeline): if a Vert.x
   * upgrade moves the class this stops compiling; if it changes the pipeline, this stops
   * consolidating (sending still works, one flush per request as before).
   */
  private static void consolidateFlushes(HttpConnection connection) {
    if (!(connection instanceof ConnectionBase base)) {
      return;
    }
    ChannelPipeline pipeline = base.channel().pipeline();
    ChannelHandlerContext http2 = pipeline.context(Http2ConnectionHandler.class);
    if (http2 != null && pipeline.get(FlushConsolidationHandler.class) == null) {
      // Between TLS and the HTTP/2 codec, so the codec's own flushes are consolidated too.
      pipeline.addBefore(http2.name(), "flush-consolidation",
          new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    }
  }

  Future<PushResponse> send(PushRequest request) {
    URI endpoint = request.endpoint();
    // From the parsed URI, as setAbsoluteURI would from the string: that parses it again with java.net.URL.
    boolean https = "https".equalsIgnoreCase(endpoint.getScheme());
    String path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost(endpoint.getHost())
        .setPort(endpoint.getPort() != -1 ? endpoint.getPort() : https ? 443 : 80)
        .setSsl(https)
        .setURI(endpoint.getRawQuery() == null ? path : path + "?" + endpoint.getRawQuery())
        .setFollowRedirects(false)
        .setTimeout(REQUEST_TIMEOUT_MS)
        .setHeaders(headers(request.headers()));
    // The body is read inside the send's continuation: chained one step later, a fast response
    // can finish before its body handler is set (eclipse-vertx/vert.x#4705).
    return http.request(options)
        .compose(req -> req.send(Buffer.buffer(request.body()))
            .compose(resp -> resp.body().map(body -> new PushResponse(resp.statusCode(),
                resp.getHeader("Retry-After"), resp.getHeader("X-WNS-Status"), excerpt(body)))));
  }

  /**
   * The request's headers as Vert.x wants them, converted (validated, names lower-cased as
   * HTTP/2 sends them) once per distinct set: every message of a campaign to one push service
   * carries the same set (PushRequestBuilder), and Vert.x copies it into each request.
   */
  private MultiMap headers(Map<String, String> headers) {
    MultiMap converted = headerSets.get(headers);
    if (converted == null) {
      if (headerSets.size() >= MAX_HEADER_SETS) {
        headerSets.clear(); // tokens renew and campaigns end: old sets are not used again
      }
      MultiMap fresh = HttpHeaders.headers();
      headers.forEach((name, value) -> fresh.add(name.toLowerCase(Locale.ROOT), value));
      headerSets.put(headers, fresh);
      converted = fresh;
    }
    return converted;
  }

  private static String excerpt(Buffer body) {
    if (body == null || body.length() == 0) {
      return "";
    }
    String text = body.length() > PushResponse.MAX_BODY ? body.getString(0, PushResponse.MAX_BODY) : body.toString();
    return text.replaceAll("\\s+", " ");
  }

  Future<Void> close() {
    return http.close();
  }
}
