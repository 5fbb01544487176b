package io.pushcart.testkit;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks an RFC 8292 {@code Authorization: vapid t=<JWT>, k=<key>} header with plain JDK crypto:
 * ES256 signature (JOSE r||s converted to DER for {@code SHA256withECDSA}) under the {@code k}
 * key, {@code aud} equal to the push service's origin, {@code exp} in the future and at most 24 h
 * ahead, {@code sub} a mailto: or https: URI.
 */
final class VapidVerifier {

  static final long MAX_EXPIRY_SECONDS = 24 * 60 * 60;

  private static final ECParameterSpec P256 = p256();

  private final String audience;
  private final Clock clock;

  VapidVerifier(String audience, Clock clock) {
    this.audience = audience;
    this.clock = clock;
  }

  /** Result: problems (empty = valid), the claims if the JWT could be parsed, the {@code k} value. */
  record Result(List<String> problems, JsonObject claims, String publicKey) {}

  Result verify(String authorization) {
    List<String> problems = new ArrayList<>();
    if (authorization == null) {
      problems.add("no Authorization header");
      return new Result(problems, null, null);
    }
    String trimmed = authorization.trim();
    int space = trimmed.indexOf(' ');
    String scheme = space < 0 ? trimmed : trimmed.substring(0, space);
    if (!scheme.equalsIgnoreCase("vapid")) {
      problems.add("Authorization scheme is '" + scheme + "', expected 'vapid' (RFC 8292)");
      return new Result(problems, null, null);
    }
    Map<String, String> params = parseParams(space < 0 ? "" : trimmed.substring(space + 1), problems);
    String token = params.get("t");
    String key = params.get("k");
    if (token == null) {
      problems.add("vapid parameter t (the JWT) is missing");
    }
    if (key == null) {
      problems.add("vapid parameter k (the public key) is missing");
    }
    if (token == null || key == null) {
      return new Result(problems, null, key);
    }
    PublicKey publicKey = publicKey(key, problems);
    JsonObject claims = checkJwt(token, publicKey, problems);
    return new Result(problems, claims, key);
  }

  private JsonObject checkJwt(String jwt, PublicKey publicKey, List<String> problems) {
    String[] parts = jwt.split("\\.", -1);
    if (parts.length != 3) {
      problems.add("JWT has " + parts.length + " parts, expected 3");
      return null;
    }
    JsonObject header = json("JWT header", parts[0], problems);
    JsonObject claims = json("JWT claims", parts[1], problems);
    byte[] signature = base64url("JWT signature", parts[2], problems);
    if (header != null && !"ES256".equals(header.getValue("alg"))) {
      problems.add("JWT alg is " + header.getValue("alg") + ", expected ES256");
    }
    if (signature != null && publicKey != null) {
      checkSignature(parts[0] + "." + parts[1], signature, publicKey, problems);
    }
    if (claims != null) {
      checkClaims(claims, problems);
    }
    return claims;
  }

  private static void checkSignature(String signingInput, byte[] signature, PublicKey key, List<String> problems) {
    if (signature.length != 64) {
      problems.add("JWT signature is " + signature.length + " bytes, expected 64 (JOSE r||s, not DER)");
      return;
    }
    try {
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(key);
      verifier.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      if (!verifier.verify(joseToDer(signature))) {
        problems.add("JWT signature does not verify under the k key");
      }
    } catch (GeneralSecurityException e) {
      problems.add("JWT signature could not be checked: " + e);
    }
  }

  private void checkClaims(JsonObject claims, List<String> problems) {
    Object aud = claims.getValue("aud");
    if (!audience.equals(aud)) {
      problems.add("JWT aud is " + describe(aud) + ", expected \"" + audience + "\"");
    }
    Object exp = claims.getValue("exp");
    if (!(exp instanceof Number) || ((Number) exp).doubleValue() != ((Number) exp).longValue()) {
      problems.add("JWT exp is " + describe(exp) + ", expected an integer (seconds since the epoch)");
    } else {
      long expiry = ((Number) exp).longValue();
      long now = clock.millis() / 1000;
      if (expiry <= now) {
        problems.add("JWT exp " + expiry + " is not in the future (now " + now + ")");
      } else if (expiry - now > MAX_EXPIRY_SECONDS) {
        problems.add("JWT exp " + expiry + " is " + (expiry - now) + " s ahead, more than 24 h");
      }
    }
    Object sub = claims.getValue("sub");
    if (!(sub instanceof String)) {
      problems.add("JWT sub is " + describe(sub) + ", expected a mailto: or https: URI");
    } else if (!((String) sub).startsWith("mailto:") && !((String) sub).startsWith("https:")) {
      problems.add("JWT sub \"" + sub + "\" starts with neither mailto: nor https:");
    }
  }

  private static PublicKey publicKey(String k, List<String> problems) {
    byte[] point = base64url("vapid k", k, problems);
    if (point == null) {
      return null;
    }
    if (point.length != 65 || point[0] != 0x04) {
      problems.add("vapid k is " + point.length + " bytes, expected a 65-byte uncompressed P-256 point");
      return null;
    }
    try {
      ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(point, 1, 33)),
          new BigInteger(1, Arrays.copyOfRange(point, 33, 65)));
      return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, P256));
    } catch (GeneralSecurityException e) {
      problems.add("vapid k is not a valid P-256 public key: " + e.getMessage());
      return null;
    }
  }

  /** Splits {@code t=..., k=...}; values may be quoted; names are case-insensitive. */
  private static Map<String, String> parseParams(String text, List<String> problems) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0) {
        problems.add("malformed vapid parameter '" + p + "'");
        continue;
      }
      String name = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = p.substring(eq + 1).trim();
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      if (params.put(name, value) != null) {
        problems.add("vapid parameter " + name + " appears twice");
      }
    }
    return params;
  }

  private static JsonObject json(String what, String part, List<String> problems) {
    byte[] bytes = base64url(what, part, problems);
    if (bytes == null) {
      return null;
    }
    try {
      return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      problems.add(what + " is not a JSON object: " + e.getMessage());
      return null;
    }
  }

  private static byte[] base64url(String what, String value, List<String> problems) {
    if (value.indexOf('=') >= 0) {
      problems.add(what + " has base64 padding; base64url without padding is required");
    }
    try {
      return Base64.getUrlDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      problems.add(what + " is not base64url: " + e.getMessage());
      return null;
    }
  }

  /** JOSE ES256 signature (32-byte r || 32-byte s) to an ASN.1 DER SEQUENCE of two INTEGERs. */
  static byte[] joseToDer(byte[] jose) {
    byte[] r = derInteger(Arrays.copyOfRange(jose, 0, 32));
    byte[] s = derInteger(Arrays.copyOfRange(jose, 32, 64));
    ByteArrayOutputStream out = new ByteArrayOutputStream(72);
    out.write(0x30);
    out.write(r.length + s.length); // at most 70: short-form length
    out.writeBytes(r);
    out.writeBytes(s);
    return out.toByteArray();
  }

  private static byte[] derInteger(byte[] unsigned) {
    int start = 0;
    while (start < unsigned.length - 1 && unsigned[start] == 0) {
      start++;
    }
    boolean needsZero = (unsigned[start] & 0x80) != 0; // keep the INTEGER positive
    int length = unsigned.length - start + (needsZero ? 1 : 0);
    byte[] out = new byte[2 + length];
    out[0] = 0x02;
    out[1] = (byte) length;
    System.arraycopy(unsigned, start, out, 2 + (needsZero ? 1 : 0), unsigned.length - start);
    return out;
  }

  private static String describe(Object value) {
    return value == null ? "missing" : value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
  }

  private static ECParameterSpec p256() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
