/**
 * Web Push for application servers, in plain Java: message encryption (RFC 8291 with the
 * aes128gcm coding of RFC 8188), VAPID (RFC 8292) and push request headers (RFC 8030).
 *
 * <p>Entry points: {@link io.pushcart.webpush.CryptoProvider#best()},
 * {@link io.pushcart.webpush.VapidKeys}, {@link io.pushcart.webpush.VapidSigner},
 * {@link io.pushcart.webpush.Aes128GcmEncryptor} and
 * {@link io.pushcart.webpush.PushRequestBuilder}. Nothing here does I/O or logs; keys and
 * payloads must never be logged by callers either.
 */
package io.pushcart.webpush;
