package io.pushcart.site;

import io.pushcart.common.ClientError;
import io.pushcart.common.Ids;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verified customer identities (MARKETING.md §1). A browser links its subscription to the store's
 * customer with {@code signature} = lowercase hex HMAC-SHA256 of the customer id (UTF-8), keyed
 * with the UTF-8 bytes of the site's {@code identitySecret} string. The store's backend computes it
 * and prints it into the page (docs/js-snippet.md has it in PHP, Node and Java; a test checks the
 * Java there against this class on a fixed vector): without it, any shopper could claim to be any
 * customer and read their cart reminders and order updates.
 */
public final class Identity {
  /** Identity secrets start with this, so a leaked one is recognisable in a scan of code or logs. */
  static final String SECRET_PREFIX = "pcid_";
  public static final int MAX_CUSTOMER_ID = 128;
  /**
   * Letters, digits and {@code . _ - : @ +}: a store's numeric ids, UUIDs and e-mail addresses fit;
   * the id is safe in a URL path (GET /customers/{customerId}) and in Redis keys (no braces); and
   * being ASCII, it is the same bytes in every language's HMAC (no Unicode normalisation to
   * disagree on).
   */
  private static final Pattern CUSTOMER_ID = Pattern.compile("[A-Za-z0-9._:@+-]{1," + MAX_CUSTOMER_ID + "}");
  private static final int SIGNATURE_BYTES = 32;

  private Identity() {
  }

  /** A new identity secret: 256 random bits. */
  static String newSecret() {
    return SECRET_PREFIX + Ids.random(32);
  }

  /** The signature of {@code customerId} under {@code identitySecret}: lowercase hex HMAC-SHA256. */
  public static String sign(String identitySecret, String customerId) {
    return HexFormat.of().formatHex(mac(identitySecret, customerId));
  }

  /**
   * Whether {@code signature} (hex, either case) signs {@code customerId} under
   * {@code identitySecret}; compared in constant time, so the time taken does not say how much of a
   * guess was right.
   */
  public static boolean verifies(String identitySecret, String customerId, String signature) {
    byte[] given;
    try {
      given = HexFormat.of().parseHex(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return given.length == SIGNATURE_BYTES && MessageDigest.isEqual(mac(identitySecret, customerId), given);
  }

  /** {@code value} as a customer id, or a 400 naming {@code field} and the rule. */
  public static String customerId(Object value, String field) {
    if (!(value instanceof String id)) {
      throw ClientError.invalid(field, field + " must be a string (a number such as 42 is sent as \"42\")");
    }
    if (!CUSTOMER_ID.matcher(id).matches()) {
      throw ClientError.invalid(field, field + " must be 1 to " + MAX_CUSTOMER_ID
          + " characters of letters, digits and . _ - : @ + (no spaces)");
    }
    return id;
  }

  /**
   * Checks a browser's claim to be {@code customerId}: the site must have an identity secret and
   * {@code signature} (as sent: anything) must sign the id with it. Each refusal is a 403 that says
   * what to fix; none reveals the secret or the expected signature.
   */
  public static void checkSigned(Site site, String customerId, Object signature) {
    if (site.identitySecret() == null) {
      throw new ClientError(ClientError.Kind.FORBIDDEN, "identity_secret_missing", "site " + site.id()
          + " has no identitySecret, so no signature can be checked: the store creates one with"
          + " POST /v1/sites/" + site.id() + "/identity-secret (secret key) and signs customer ids with it", "signature");
    }
    if (signature == null) {
      throw new ClientError(ClientError.Kind.FORBIDDEN, "signature_required", "signature is required to link customerId"
          + " from a browser: the store's backend computes it as the hex HMAC-SHA256 of the customer id keyed with"
          + " the site's identitySecret (docs/js-snippet.md), or links with the secret key instead", "signature");
    }
    if (!(signature instanceof String s) || !verifies(site.identitySecret(), customerId, s)) {
      throw new ClientError(ClientError.Kind.FORBIDDEN, "invalid_signature", "signature does not match customerId "
          + customerId + ": it must be the lowercase hex HMAC-SHA256 of exactly this customer id, keyed with the"
          + " site's current identitySecret (one made before the secret was rotated no longer matches)", "signature");
    }
  }

  private static byte[] mac(String identitySecret, String customerId) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(identitySecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(customerId.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
