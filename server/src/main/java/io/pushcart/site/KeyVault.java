package io.pushcart.site;

import io.pushcart.config.ConfigException;
import io.pushcart.redis.Keys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys at rest (issue 13): with {@code PUSHCART_MASTER_KEY} set (32 random bytes, base64), a
 * site's VAPID private key is stored AES-256-GCM encrypted — {@code enc1:} and base64url of the
 * 12-byte nonce and the ciphertext with its tag — with the site id and field name as associated
 * data, so a stored value cannot be moved to another site or field. Without it, keys are stored
 * as they are (development); a Redis whose keys are encrypted refuses a server without the key,
 * and a server with the wrong key refuses to start, changing nothing ({@link #check}).
 */
public final class KeyVault {
  public static final KeyVault NONE = new KeyVault(null);
  private static final String PREFIX = "enc1:";
  private static final int NONCE = 12;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final SecretKeySpec key;

  private KeyVault(SecretKeySpec key) {
    this.key = key;
  }

  /** From PUSHCART_MASTER_KEY's value (standard or URL-safe base64 of 32 bytes). */
  public static KeyVault of(Optional<String> masterKey) {
    if (masterKey.isEmpty()) {
      return NONE;
    }
    byte[] bytes;
    try {
      String v = masterKey.get().trim();
      bytes = v.contains("+") || v.contains("/") ? Base64.getDecoder().decode(v) : Base64.getUrlDecoder().decode(v.replace("=", ""));
    } catch (IllegalArgumentException e) {
      bytes = new byte[0];
    }
    if (bytes.length != 32) {
      throw new ConfigException("PUSHCART_MASTER_KEY: give 32 random bytes in base64, such as the output of `openssl rand -base64 32`");
    }
    return new KeyVault(new SecretKeySpec(bytes, "AES"));
  }

  public boolean encrypting() {
    return key != null;
  }

  /** The value to store for {@code field} of site {@code siteId}. */
  public String seal(String siteId, String field, String plain) {
    if (key == null) {
      return plain;
    }
    try {
      byte[] nonce = new byte[NONCE];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      cipher.updateAAD(aad(siteId, field));
      byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[NONCE + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE);
      System.arraycopy(sealed, 0, out, NONCE, sealed.length);
      return PREFIX + B64.encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** The plain value of a stored one (stored in clear by a server without a master key: as it is). */
  public String open(String siteId, String field, String stored) {
    if (!stored.startsWith(PREFIX)) {
      return stored;
    }
    if (key == null) {
      throw new IllegalStateException("site " + siteId + "'s " + field + " is encrypted and PUSHCART_MASTER_KEY is not set");
    }
    try {
      byte[] in = Base64.getUrlDecoder().decode(stored.substring(PREFIX.length()));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, NONCE));
      cipher.updateAAD(aad(siteId, field));
      return new String(cipher.doFinal(in, NONCE, in.length - NONCE), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("site " + siteId + "'s " + field + " does not open with PUSHCART_MASTER_KEY", e);
    }
  }

  private static byte[] aad(String siteId, String field) {
    return (siteId + "/" + field).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * At start: the master key must be the one this Redis's keys were sealed with (a sealed marker,
   * {@link Keys#MASTER_KEY_CHECK}, says which), and a server without one must not meet sealed keys.
   * A key set for the first time seals the keys stored in clear, then writes the marker.
   */
  public Future<Void> check(Redis redis) {
    return redis.send(Request.cmd(Command.GET).arg(Keys.MASTER_KEY_CHECK)).compose(marker -> {
      if (key == null) {
        return marker == null ? Future.succeededFuture() : Future.failedFuture(new ConfigException(
            "PUSHCART_MASTER_KEY: the VAPID keys in this Redis are encrypted; set it to the key they were encrypted with"));
      }
      if (marker != null) {
        try {
          open("", "check", marker.toString());
          return Future.succeededFuture();
        } catch (IllegalStateException e) {
          return Future.failedFuture(new ConfigException("PUSHCART_MASTER_KEY is not the key the VAPID keys in this Redis "
              + "were encrypted with; nothing was changed"));
        }
      }
      return sealStoredKeys(redis).compose(v -> redis.send(Request.cmd(Command.SET).arg(Keys.MASTER_KEY_CHECK)
          .arg(seal("", "check", "pushcart"))).mapEmpty());
    });
  }

  private Future<Void> sealStoredKeys(Redis redis) {
    return redis.send(Request.cmd(Command.SMEMBERS).arg(Keys.SITES)).compose(sites -> {
      List<Future<Response>> writes = new ArrayList<>();
      for (Response s : sites) {
        String site = s.toString();
        String record = Keys.site(site, Keys.Part.RECORD);
        writes.add(redis.send(Request.cmd(Command.HGET).arg(record).arg("vapidPrivateKey")).compose(v ->
            v == null || v.toString().startsWith(PREFIX) ? Future.succeededFuture(v)
                : redis.send(Request.cmd(Command.HSET).arg(record).arg("vapidPrivateKey")
                    .arg(seal(site, "vapidPrivateKey", v.toString())))));
      }
      return Future.all(writes).mapEmpty();
    });
  }
}
