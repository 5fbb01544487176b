package io.pushcart.subscription;

import java.net.URI;
import java.util.Locale;

/**
 * What a subscriber's browser is, as MARKETING.md §1 names it: {@code browser}, {@code os} and
 * {@code deviceType}, read once from the registering request's User-Agent (and the push
 * service of its endpoint), never on the send path.
 *
 * <p>A small ordered table rather than a general User-Agent parser: the answer is one of seven
 * browsers, seven systems and three device types, for browsers that support Web Push. The order
 * matters because browsers claim each other's tokens (Edge, Opera and Samsung Internet all say
 * "Chrome"; every Chromium says "Safari"). Each rule is checked against real User-Agent strings
 * in DeviceTest. A general parser (uap-java, Yauaa) would name thousands of agents we would then
 * fold into these seven, at a cost of megabytes of rules and tens of microseconds a request.
 */
public record Device(String browser, String os, String deviceType) {
  public static final Device UNKNOWN = new Device("other", "other", "desktop");

  /** From the User-Agent header (may be null) and the subscription's endpoint. */
  public static Device of(String userAgent, URI endpoint) {
    String ua = userAgent == null ? "" : userAgent;
    String os = os(ua);
    return new Device(browser(ua, os, endpoint), os, deviceType(ua, os));
  }

  private static String browser(String ua, String os, URI endpoint) {
    if (ua.contains("Edg/") || ua.contains("EdgA/") || ua.contains("EdgiOS/")) {
      return "edge";
    }
    if (ua.contains("SamsungBrowser/")) {
      return "samsung";
    }
    if (ua.contains("OPR/") || ua.contains("OPT/") || ua.contains("OPiOS/") || ua.contains("Opera")) {
      return "opera";
    }
    if (ua.contains("Firefox/") || ua.contains("FxiOS/")) {
      return "firefox";
    }
    if (ua.contains("Chrome/") || ua.contains("CriOS/") || ua.contains("Chromium/")) {
      return "chrome";
    }
    // Safari, and web apps added to an iOS home screen (their User-Agent has no "Safari/" token);
    // Apple's push service is only ever Safari's.
    boolean apple = endpoint != null && endpoint.getHost() != null
        && endpoint.getHost().toLowerCase(Locale.ROOT).endsWith("push.apple.com");
    if (ua.contains("Safari/") || apple || (os.equals("ios") && ua.contains("AppleWebKit/"))) {
      return "safari";
    }
    return "other";
  }

  private static String os(String ua) {
    if (ua.contains("Android")) {
      return "android";
    }
    if (ua.contains("iPhone") || ua.contains("iPad") || ua.contains("iPod")) {
      return "ios";
    }
    if (ua.contains("CrOS")) {
      return "chromeos";
    }
    if (ua.contains("Windows")) {
      return "windows";
    }
    // iPadOS Safari asks for desktop pages as a Mac: it is counted as macos.
    if (ua.contains("Macintosh") || ua.contains("Mac OS X")) {
      return "macos";
    }
    if (ua.contains("Linux") || ua.contains("X11")) {
      return "linux";
    }
    return "other";
  }

  private static String deviceType(String ua, String os) {
    if (ua.contains("iPad") || ua.contains("Tablet") || (os.equals("android") && !ua.contains("Mobile"))) {
      return "tablet";
    }
    if (ua.contains("Mobi") || ua.contains("iPhone") || ua.contains("iPod")) {
      return "mobile";
    }
    return "desktop";
  }
}
