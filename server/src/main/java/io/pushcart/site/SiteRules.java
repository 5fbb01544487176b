package io.pushcart.site;

import io.pushcart.common.ClientError;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** What makes a site's origins and VAPID subject acceptable. */
final class SiteRules {
  static final int MAX_ORIGINS = 20;
  private static final Pattern MAILTO = Pattern.compile("mailto:[^@\\s]+@([A-Za-z0-9-]+\\.)+[A-Za-z]{2,}");

  private SiteRules() {
  }

  /**
   * Each an exact web origin. The Push API needs a secure context, so https, or http on localhost
   * for development.
   */
  static List<String> origins(List<String> origins) {
    if (origins.isEmpty()) {
      throw ClientError.invalid("origins", "origins must list at least one origin, such as \"https://shop.example\"");
    }
    if (origins.size() > MAX_ORIGINS) {
      throw ClientError.invalid("origins", "origins may list at most " + MAX_ORIGINS + " origins");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < origins.size(); i++) {
      out.add(origin(origins.get(i), "origins[" + i + "]"));
    }
    return List.copyOf(out);
  }

  private static String origin(String value, String field) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw ClientError.invalid(field, field + " is not a URL: " + value);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    boolean pathless = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
        && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
    if (host.isEmpty() || !pathless) {
      throw ClientError.invalid(field, field + " must be an origin like https://shop.example (no path): " + value);
    }
    boolean local = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    if (!scheme.equals("https") && !(scheme.equals("http") && local)) {
      throw ClientError.invalid(field, field + " must use https (http only on localhost): " + value);
    }
    // Browsers send Origin without the scheme's default port, so it is dropped here too.
    boolean defaultPort = uri.getPort() == -1 || (scheme.equals("https") ? uri.getPort() == 443 : uri.getPort() == 80);
    return scheme + "://" + host + (defaultPort ? "" : ":" + uri.getPort());
  }

  /**
   * RFC 8292 §2.1: a contact the push service can reach. Apple answers 403 BadJwtToken for
   * localhost-style contacts that FCM and Mozilla accept, so they are refused here, at creation.
   */
  static void checkVapidSubject(String subject) {
    String lower = subject.toLowerCase(Locale.ROOT);
    if (lower.startsWith("mailto:")) {
      if (!MAILTO.matcher(subject).matches() || lower.endsWith(".localhost") || lower.endsWith(".local")) {
        throw ClientError.invalid("vapidSubject", "vapidSubject must be a real address such as mailto:ops@shop.example");
      }
      return;
    }
    if (lower.startsWith("https://")) {
      String host;
      try {
        host = new URI(subject).getHost();
      } catch (URISyntaxException e) {
        host = null;
      }
      if (host == null || !host.contains(".") || host.equalsIgnoreCase("localhost")
          || host.toLowerCase(Locale.ROOT).endsWith(".localhost") || host.matches("[0-9.]+")) {
        throw ClientError.invalid("vapidSubject", "vapidSubject must be a public https URL such as https://shop.example/contact");
      }
      return;
    }
    throw ClientError.invalid("vapidSubject", "vapidSubject must start with mailto: or https:");
  }
}
