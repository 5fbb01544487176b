package io.pushcart.delivery;

import io.pushcart.config.Config;
import io.pushcart.webpush.PushRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.TrustOptions;

/**
 * The thin I/O half of sending (the pure half is webpush's PushRequestBuilder): one pooled
 * client per delivery verticle, HTTP/2 over ALPN with HTTP/1.1 fallback, connections kept and
 * reused per push-service origin. Redirects are never followed: an endpoint is a URL a stranger
 * gave us, and a redirect could aim us anywhere.
 */
final class PushClient {
  /** A push service that takes longer than this to answer one message is treated as a network error. */
  static final long REQUEST_TIMEOUT_MS = 30_000;

  private final HttpClientAgent http;

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
    this.http = vertx.httpClientBuilder().with(options).with(pool).build();
  }

  Future<PushResponse> send(PushRequest request) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(request.endpoint().toString())
        .setFollowRedirects(false)
        .setTimeout(REQUEST_TIMEOUT_MS);
    request.headers().forEach(options::putHeader);
    // The body is read inside the send's continuation: chained one step later, a fast response
    // can finish before its body handler is set (eclipse-vertx/vert.x#4705).
    return http.request(options)
        .compose(req -> req.send(Buffer.buffer(request.body()))
            .compose(resp -> resp.body().map(body -> new PushResponse(resp.statusCode(),
                resp.getHeader("Retry-After"), resp.getHeader("X-WNS-Status"), excerpt(body)))));
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
