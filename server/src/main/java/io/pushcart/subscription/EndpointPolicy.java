package io.pushcart.subscription;

import io.pushcart.common.ClientError;
import io.pushcart.config.Config.PushHost;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which URLs may be push endpoints. Endpoints come from strangers' browsers and we will POST to
 * them, so only https URLs on the public push services are accepted, plus the hosts an operator
 * lists in {@code PUSHCART_PUSH_HOSTS} (which may also use plain http, for tests). Private and
 * loopback addresses are refused unless listed: otherwise the server could be aimed at the
 * operator's own network.
 */
public final class EndpointPolicy {
  /** Exact hosts of the public push services. */
  private static final List<String> KNOWN_HOSTS = List.of(
      "fcm.googleapis.com",                 // Chrome, Edge on Android, Opera, Samsung Internet
      "android.googleapis.com",             // legacy GCM endpoints, still answered by FCM
      "updates.push.services.mozilla.com",  // Firefox
      "web.push.apple.com");                // Safari 16+, iOS 16.4+ home-screen apps
  /** Push services that hand out endpoints on many sub-domains. */
  private static final List<String> KNOWN_SUFFIXES = List.of(
      ".notify.windows.com",                // Edge on Windows (WNS)
      ".push.apple.com");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  public static final int MAX_LENGTH = 2048;

  private final List<PushHost> extraHosts;

  public EndpointPolicy(List<PushHost> extraHosts) {
    this.extraHosts = List.copyOf(extraHosts);
  }

  /** The endpoint as a URI when acceptable; a 400 naming {@code field} that says why not. */
  public URI check(String endpoint, String field) {
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw ClientError.invalid(field, field + " is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (host.isEmpty() || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      throw ClientError.invalid(field, field + " must be an absolute https URL with a host and no user info");
    }
    int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("http") ? 80 : 443;
    String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    boolean listed = extraHosts.stream().anyMatch(h -> h.matches(bareHost, port));
    if (!scheme.equals("https") && !(scheme.equals("http") && listed)) {
      throw ClientError.invalid(field, field + " must use https");
    }
    if (listed) {
      return uri;
    }
    if (isIpLiteral(bareHost)) {
      throw ClientError.invalid(field, field + " points at an IP address" + (isPrivate(bareHost) ? " in a private or loopback range" : "")
          + "; only push-service hosts are accepted (an operator may list extra hosts in PUSHCART_PUSH_HOSTS)");
    }
    if (!isKnownPushService(host)) {
      throw ClientError.invalid(field, field + " host " + host + " is not a known push service"
          + " (an operator may list extra hosts in PUSHCART_PUSH_HOSTS)");
    }
    return uri;
  }

  static boolean isKnownPushService(String host) {
    return KNOWN_HOSTS.contains(host) || KNOWN_SUFFIXES.stream().anyMatch(host::endsWith);
  }

  private static boolean isIpLiteral(String host) {
    return IPV4.matcher(host).matches() || host.contains(":");
  }

  /** Loopback, private, link-local, carrier-grade NAT, unique-local or unspecified. Only for IP literals. */
  static boolean isPrivate(String ipLiteral) {
    try {
      InetAddress a = InetAddress.getByName(ipLiteral); // a literal: no DNS lookup happens
      byte[] b = a.getAddress();
      boolean cgnat = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
      boolean uniqueLocal = b.length == 16 && (b[0] & 0xfe) == 0xfc;
      return a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
          || cgnat || uniqueLocal;
    } catch (UnknownHostException e) {
      return true;
    }
  }
}
