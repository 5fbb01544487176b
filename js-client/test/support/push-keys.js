'use strict';
// A subscriber's keys made in Node, and RFC 8291 decryption by http_ece (the RFC author's
// implementation, not ours): a test reads exactly what the server sent.
const crypto = require('node:crypto');
const ece = require('http_ece');

function subscriberKeys() {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = crypto.randomBytes(16);
  return {
    p256dh: ecdh.getPublicKey().toString('base64url'),
    auth: auth.toString('base64url'),
    decrypt: (body) => ece.decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth }).toString('utf8')
  };
}

module.exports = { subscriberKeys };
