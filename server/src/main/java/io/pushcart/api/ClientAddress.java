package io.pushcart.api;

import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The address a browser's request is counted under by the rate limits: the connection's peer,
 * or, behind {@code trustedProxyHops} reverse proxies (PUSHCART_TRUST_PROXY), the address the
 * outermost of them saw, read from the right of X-Forwarded-For. Each proxy appends the address
 * it was called from, so the entries on the right are written by proxies we trust; the ones
 * further left are whatever the client sent, and are never used (a client could name a new
 * address with each request).
 *
 * <p>An IPv6 client is counted by its /64 prefix: one host is usually given a whole /64 and may
 * use any address in it.
 */
final class ClientAddress {
  private static final HexFormat HEX = HexFormat.of();

  private ClientAddress() {
  }

  static String of(HttpServerRequest request, int trustedProxyHops) {
    SocketAddress peer = request.remoteAddress();
    String connection = peer == null || peer.hostAddress() == null ? null : normalized(peer.hostAddress());
    String fallback = connection == null ? "unknown" : connection;
    if (trustedProxyHops == 0) {
      return fallback;
    }
    List<String> hops = new ArrayList<>();
    for (String header : request.headers().getAll("X-Forwarded-For")) {
      for (String hop : header.split(",")) {
        if (!hop.isBlank()) {
          hops.add(hop.trim());
        }
      }
    }
    if (hops.isEmpty()) {
      return fallback;
    }
    // Fewer entries than proxies: the leftmost is still one a proxy of ours wrote.
    String seen = normalized(withoutPort(hops.get(Math.max(0, hops.size() - trustedProxyHops))));
    return seen == null ? fallback : seen;
  }

  /** {@code 1.2.3.4:80} → {@code 1.2.3.4}, {@code [2001:db8::1]:443} → {@code 2001:db8::1}. */
  private static String withoutPort(String hop) {
    if (hop.startsWith("[")) {
      int close = hop.indexOf(']');
      return close < 0 ? hop : hop.substring(1, close);
    }
    int colon = hop.indexOf(':');
    return colon > 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
  }

  /** An IPv4 address as dotted quad, an IPv6 one as its /64 prefix in hex; null when {@code ip} is not an IP literal. */
  static String normalized(String ip) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(ip);
    if (bytes == null) {
      return null;
    }
    if (bytes.length == 4) {
      return dotted(bytes, 0);
    }
    if (isV4Mapped(bytes)) {
      return dotted(bytes, 12);
    }
    return HEX.formatHex(bytes, 0, 8) + "/64";
  }

  private static boolean isV4Mapped(byte[] v6) {
    for (int i = 0; i < 10; i++) {
      if (v6[i] != 0) {
        return false;
      }
    }
    return v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
  }

  private static String dotted(byte[] bytes, int from) {
    return (bytes[from] & 0xff) + "." + (bytes[from + 1] & 0xff) + "." + (bytes[from + 2] & 0xff) + "." + (bytes[from + 3] & 0xff);
  }
}
