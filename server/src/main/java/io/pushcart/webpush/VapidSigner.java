package io.pushcart.webpush;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds RFC 8292 (VAPID) {@code Authorization} header values for one site. Thread-safe.
 *
 * <p>A signed token is cached per push service (audience) and reused until less than
 * {@link #REFRESH_MARGIN} of its {@link #TOKEN_LIFETIME} remains: a token is valid for any
 * number of requests to that audience until its exp, and ECDSA signing per message would waste
 * CPU. The margin keeps a token from expiring in flight or under modest clock skew.
 */
public final class VapidSigner {

  /** RFC 8292 §2: exp MUST NOT be more than 24 hours ahead; 12 h leaves room for clock skew. */
  public static final Duration TOKEN_LIFETIME = Duration.ofHours(12);
  /** Sign a new token once the cached one has less than this left. */
  public static final Duration REFRESH_MARGIN = Duration.ofHours(1);

  // RFC 7515 §4.1 / RFC 8292 §2: a JWS with ES256; this header never changes.
  private static final String HEADER_B64 =
      Base64Url.encode("{\"typ\":\"JWT\",\"alg\":\"ES256\"}".getBytes(StandardCharsets.US_ASCII));
  /** Audiences are the few push services; sweep stale entries if strange endpoints pile up. */
  private static final int SWEEP_THRESHOLD = 256;

  private final VapidKeys keys;
  private final String subject;
  private final CryptoProvider crypto;
  private final Clock clock;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  /**
   * @param subject the site's contact, {@code mailto:admin@shop.example} or {@code https://shop.example}
   *                (RFC 8292 §2.1). Apple rejects tokens without a real one (403 BadJwtToken).
   */
  public VapidSigner(VapidKeys keys, String subject, CryptoProvider crypto, Clock clock) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.subject = checkSubject(subject);
    this.crypto = Objects.requireNonNull(crypto, "crypto");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The {@code Authorization} header value for a push service:
   * {@code vapid t=<JWT>, k=<public key>} (RFC 8292 §3).
   *
   * @param audienceOrigin the push service origin, as given by {@link #originOf(URI)}
   */
  public String authorization(String audienceOrigin) {
    Objects.requireNonNull(audienceOrigin, "audienceOrigin");
    long now = clock.instant().getEpochSecond();
    Token token = tokens.get(audienceOrigin);
    if (token == null || !token.usableAt(now)) {
      token = tokens.compute(audienceOrigin, (aud, old) -> old != null && old.usableAt(now) ? old : sign(aud, now));
      if (tokens.size() > SWEEP_THRESHOLD) {
        tokens.values().removeIf(t -> !t.usableAt(now));
      }
    }
    return token.header;
  }

  /** The public key that goes in {@code k=}, base64url. */
  public String publicKeyBase64Url() {
    return keys.publicKeyBase64Url();
  }

  /**
   * The origin of a push endpoint, the JWT audience (RFC 8292 §2: "the origin of the push
   * resource URL"): lower-case {@code scheme://host}, plus {@code :port} only when not the
   * scheme's default (RFC 6454 §6.1 serialisation).
   */
  public static String originOf(URI endpoint) {
    String scheme = endpoint.getScheme();
    String host = endpoint.getHost();
    if (scheme == null || host == null) {
      throw new IllegalArgumentException("push endpoint must be an absolute http(s) URL with a host");
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new IllegalArgumentException("push endpoint must be http(s), not " + scheme);
    }
    int port = endpoint.getPort();
    boolean defaultPort = port == -1
        || (port == 443 && scheme.equals("https"))
        || (port == 80 && scheme.equals("http"));
    String origin = scheme + "://" + host.toLowerCase(Locale.ROOT);
    return defaultPort ? origin : origin + ":" + port;
  }

  private Token sign(String audience, long now) {
    if (!audience.equals(originOf(URI.create(audience)))) {
      throw new IllegalArgumentException("audience must be an origin (scheme://host[:port])");
    }
    long exp = now + TOKEN_LIFETIME.toSeconds();
    // RFC 8292 §2: aud (push service origin), exp, sub (contact). Fixed order, no spaces.
    String claims = "{\"aud\":" + jsonString(audience) + ",\"exp\":" + exp + ",\"sub\":" + jsonString(subject) + "}";
    String signingInput = HEADER_B64 + "." + Base64Url.encode(claims.getBytes(StandardCharsets.UTF_8));
    byte[] der = crypto.signSha256WithEcdsa(keys.privateKey(), signingInput.getBytes(StandardCharsets.US_ASCII));
    String jwt = signingInput + "." + Base64Url.encode(EcdsaSignatures.derToJose(der));
    // RFC 8292 §3: the "vapid" scheme carries the token (t) and the public key (k).
    return new Token("vapid t=" + jwt + ", k=" + keys.publicKeyBase64Url(), exp);
  }

  private static String checkSubject(String subject) {
    Objects.requireNonNull(subject, "subject");
    boolean mail = subject.startsWith("mailto:") && subject.indexOf('@') > "mailto:".length();
    boolean web = subject.startsWith("https://") && subject.length() > "https://".length();
    if (!mail && !web) {
      throw new IllegalArgumentException("VAPID subject must be a mailto: address or an https: URL");
    }
    return subject;
  }

  /** A JSON string literal (RFC 8259 §7): escapes quote, backslash and control characters. */
  static String jsonString(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private record Token(String header, long expiresAt) {
    boolean usableAt(long now) {
      return expiresAt - now >= REFRESH_MARGIN.toSeconds();
    }
  }

  @Override
  public String toString() {
    return "VapidSigner[" + subject + ", " + keys + "]";
  }
}
