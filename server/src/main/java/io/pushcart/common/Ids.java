package io.pushcart.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Identifiers and secrets: base64url (safe inside Redis hash tags and URLs), from a CSPRNG. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  /** What an id of ours looks like; anything else in a path is refused before it reaches Redis. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");

  private Ids() {
  }

  /** A random id of {@code bytes} bytes of entropy. */
  public static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return B64.encodeToString(b);
  }

  /** A stable id derived from a value: the same value always gives the same id (128 bits of SHA-256). */
  public static String derived(String value) {
    byte[] digest = sha256(value.getBytes(StandardCharsets.UTF_8));
    return B64.encodeToString(java.util.Arrays.copyOf(digest, 16));
  }

  public static String sha256Hex(String value) {
    return HexFormat.of().formatHex(sha256(value.getBytes(StandardCharsets.UTF_8)));
  }

  public static boolean looksLikeId(String value) {
    return value != null && ID.matcher(value).matches();
  }

  /** Compares secrets in time independent of where they differ. */
  public static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
