'use strict';
// The page script's pure decisions, loaded through its Node export.
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('../../src/pushcart.js');
const sw = require('../../src/pushcart-sw.js');

const DAY = 864e5;

test('scroll depth counts what the shopper has seen; a page that does not scroll is fully seen', () => {
  assert.equal(h.scrollDepth(0, 1000, 4000), 25);
  assert.equal(h.scrollDepth(1000, 1000, 4000), 50);
  assert.equal(h.scrollDepth(5000, 1000, 4000), 100);
  assert.equal(h.scrollDepth(0, 1000, 800), 100);
});

test('a decline holds for the configured number of days', () => {
  const now = 100 * DAY;
  assert.equal(h.declineActive(now - 29 * DAY, 30, now), true);
  assert.equal(h.declineActive(now - 30 * DAY, 30, now), false);
  assert.equal(h.declineActive(undefined, 30, now), false);
});

test('the prompt is offered only to an undecided shopper of a browser that can push', () => {
  const cfg = { prompt: 'soft', declineDays: 30 };
  const env = { supported: true, permission: 'default', iosGuidance: false };
  assert.equal(h.mayPrompt(env, {}, cfg, 0), true);
  assert.equal(h.mayPrompt({ ...env, permission: 'granted' }, {}, cfg, 0), false);
  assert.equal(h.mayPrompt({ ...env, permission: 'denied' }, {}, cfg, 0), false);
  assert.equal(h.mayPrompt({ ...env, supported: false }, {}, cfg, 0), false);
  assert.equal(h.mayPrompt({ supported: false, permission: 'unsupported', iosGuidance: true }, {}, cfg, 0), true);
  assert.equal(h.mayPrompt(env, { s: { id: 'x' } }, cfg, 0), false);
  assert.equal(h.mayPrompt(env, { u: 1 }, cfg, 0), false);
  assert.equal(h.mayPrompt(env, { d: 1 }, cfg, 2), false);
  assert.equal(h.mayPrompt(env, {}, { ...cfg, prompt: 'none' }, 0), false);
});

test('iOS guidance only where a home-screen app could push: iOS 16.4+ outside standalone mode', () => {
  const ua = (v) => `Mozilla/5.0 (iPhone; CPU iPhone OS ${v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1`;
  assert.equal(h.iosGuidance(ua('16_4'), 5, false), true);
  assert.equal(h.iosGuidance(ua('18_1'), 5, false), true);
  assert.equal(h.iosGuidance(ua('16_3'), 5, false), false);
  assert.equal(h.iosGuidance(ua('17_0'), 5, true), false);
  const ipad = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15';
  assert.equal(h.iosGuidance(ipad, 5, false), true, 'iPadOS presents itself as a Mac with touch');
  assert.equal(h.iosGuidance(ipad, 0, false), false, 'a real Mac');
});

test('no iOS guidance in an app\'s built-in browser, which cannot add to the Home Screen; Chrome on iOS can', () => {
  const base = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
  assert.equal(h.iosGuidance(`${base} Instagram 321.0.2.19.109 (iPhone14,5; iOS 17_4; en_US)`, 5, false), false);
  assert.equal(h.iosGuidance(`${base} [FBAN/FBIOS;FBAV/455.0.0.38.107;FBBV/600000000]`, 5, false), false);
  assert.equal(h.iosGuidance(`${base.replace('Mobile/15E148', 'CriOS/124.0.6367.88 Mobile/15E148')} Safari/604.1`, 5, false), true);
});

test('browser and device are read from the user agent', () => {
  const cases = [
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36 Edg/130.0', 'edge', 'desktop'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36', 'chrome', 'mobile'],
    ['Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0 Safari/537.36', 'samsung', 'tablet'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'firefox', 'desktop'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', 'safari', 'mobile']
  ];
  for (const [ua, browser, device] of cases) assert.deepEqual(h.describeAgent(ua), { browser, device }, ua);
});

test('data-* attributes become configuration, numbers as numbers, and a trigger replaces the default', () => {
  assert.deepEqual(h.configFromData({ site: 'S', server: 'https://p.test/', delay: '3', scroll: '40', declineDays: '7' }),
    { site: 'S', server: 'https://p.test', declineDays: 7, trigger: { delay: 3, scroll: 40 } });
  assert.deepEqual(h.configFromData({ trigger: 'manual' }), { trigger: false });
  assert.deepEqual(h.configFromData({ registerWorker: 'false' }), { registerWorker: false });
});

test('texts: exact language, then its base language, then English, then the store\'s overrides', () => {
  assert.equal(h.textsFor('de-AT').decline, 'Jetzt nicht');
  assert.equal(h.textsFor('pt-BR').decline, 'Not now');
  assert.equal(h.textsFor('fr', {}, { decline: 'Non merci' }).decline, 'Non merci');
  assert.equal(h.textsFor('nl', { nl: { decline: 'Niet nu' } }).decline, 'Niet nu');
  for (const lang of ['en', 'de', 'fr', 'es']) {
    const t = h.textsFor(lang);
    for (const k of ['title', 'body', 'accept', 'decline', 'iosTitle', 'iosBody', 'iosOk']) assert.ok(t[k], `${lang}.${k}`);
  }
});

test('tags from strings and arrays, trimmed, without blanks or repeats', () => {
  assert.deepEqual(h.tagList(['a', [' b ', 'a'], '', '  ', 3, null]), ['a', 'b']);
});

test('base64url round-trips keys; a key change is seen from the subscription or from the stored record', () => {
  const bytes = new Uint8Array([4, 250, 251, 252, 0, 1]);
  assert.deepEqual(h.fromBase64Url(h.toBase64Url(bytes)), bytes);
  const sub = (key) => ({ endpoint: 'e', options: { applicationServerKey: key ? h.fromBase64Url(key).buffer : null } });
  assert.equal(h.keyChanged(sub('BAAA'), null, 'BAAA'), false);
  assert.equal(h.keyChanged(sub('BAAB'), null, 'BAAA'), true);
  assert.equal(h.keyChanged(sub(null), { e: 'e', k: 'BAAB' }, 'BAAA'), true, 'old Safari: no options, the record knows');
  assert.equal(h.keyChanged(sub(null), null, 'BAAA'), false, 'unknown key: keep it');
});

test('withTimeout rejects a promise that never settles', async () => {
  await assert.rejects(h.withTimeout(new Promise(() => {}), 10, 'thing'), /thing timed out after 10 ms/);
  assert.equal(await h.withTimeout(Promise.resolve(7), 10, 'thing'), 7);
});

test('worker: a click target is the action url, else the notification url, else the scope; relative urls resolve', () => {
  const data = { url: '/cart', actions: [{ action: 'a', url: 'https://shop.test/a' }, { action: 'b', url: null }] };
  assert.equal(sw.clickTarget(data, 'a', 'https://shop.test/'), 'https://shop.test/a');
  assert.equal(sw.clickTarget(data, 'b', 'https://shop.test/'), 'https://shop.test/cart');
  assert.equal(sw.clickTarget(data, '', 'https://shop.test/'), 'https://shop.test/cart');
  assert.equal(sw.clickTarget(null, '', 'https://shop.test/shop/'), 'https://shop.test/shop/');
});

test('worker: a notification without a tag gets the campaign\'s, so a repeat replaces it audibly', () => {
  assert.equal(sw.notificationOptions({ title: 't', campaignId: 'c1' }, 2).tag, 'pushcart-c1');
  assert.equal(sw.notificationOptions({ title: 't' }, 2).tag, 'pushcart');
  assert.equal(sw.notificationOptions({ title: 't', tag: 'x' }, 2).renotify, true);
});
