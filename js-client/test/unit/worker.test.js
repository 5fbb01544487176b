'use strict';
// The service worker: what it shows for a push, where a click goes, and its receipts.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startWorker, deferred } = require('../support/fake-worker');

const CONFIG = { v: '1.0.0', server: 'https://push.test', site: 'SITE', key: 'BKEY', id: 'cached-id', tags: ['vip'], attributes: { locale: 'en' } };
const plain = (v) => JSON.parse(JSON.stringify(v));
const idOf = (endpoint) => crypto.createHash('sha256').update(endpoint, 'utf8').digest().subarray(0, 16).toString('base64url');

const PAYLOAD = {
  title: 'Your cart misses you',
  body: '2 items are waiting',
  url: 'https://shop.test/cart?utm_source=push',
  icon: 'https://shop.test/icon.png',
  image: 'https://shop.test/cart.jpg',
  badge: 'https://shop.test/badge.png',
  tag: 'cart-reminder',
  renotify: true,
  requireInteraction: true,
  actions: [
    { action: 'checkout', title: 'Check out', url: 'https://shop.test/checkout' },
    { action: 'later', title: 'Later' },
    { action: 'third', title: 'Third' }
  ],
  campaignId: 'camp1',
  siteId: 'SITE'
};

test('every listener is registered synchronously when the script is evaluated', () => {
  const w = startWorker();
  assert.deepEqual(Object.keys(w.listeners).sort(), ['notificationclick', 'notificationclose', 'push', 'pushsubscriptionchange']);
});

test('importing the script twice registers the listeners once', () => {
  const w = startWorker();
  const vm = require('node:vm');
  vm.runInContext(require('../support/fake-worker').SOURCE, w.self);
  assert.equal(w.listeners.push.length, 1);
});

test('a push shows the notification from the payload, with renotify on its tag', async () => {
  const w = startWorker({ config: CONFIG });
  await w.push(PAYLOAD);
  assert.equal(w.shown.length, 1);
  const { title, options } = w.shown[0];
  assert.equal(title, 'Your cart misses you');
  assert.deepEqual(plain(options), {
    body: '2 items are waiting',
    tag: 'cart-reminder',
    renotify: true,
    requireInteraction: true,
    icon: 'https://shop.test/icon.png',
    image: 'https://shop.test/cart.jpg',
    badge: 'https://shop.test/badge.png',
    actions: [{ action: 'checkout', title: 'Check out' }, { action: 'later', title: 'Later' }],
    data: {
      url: 'https://shop.test/cart?utm_source=push', campaignId: 'camp1', siteId: 'SITE',
      actions: [{ action: 'checkout', url: 'https://shop.test/checkout' }, { action: 'later', url: null }, { action: 'third', url: null }]
    }
  });
});

test('the notification is shown before the delivered receipt is sent, and the receipt waits for it', async () => {
  const gate = deferred();
  const w = startWorker({ config: CONFIG, showGate: gate });
  const done = w.push(PAYLOAD);
  await new Promise((r) => setImmediate(r));
  assert.equal(w.fetches.length, 0, 'no network before the notification is shown');
  gate.resolve();
  await done;
  assert.deepEqual(w.log.filter((l) => /^(show|fetch)/.test(l)), ['show Your cart misses you', 'fetch POST https://push.test/v1/sites/SITE/events']);
  assert.deepEqual(w.fetches[0].body, { subscriptionId: idOf('https://push.test/ep/w1'), type: 'notification.delivered', data: { campaignId: 'camp1' } });
});

test('the subscription id in receipts is the server\'s: first 16 bytes of SHA-256 of the endpoint, base64url', async () => {
  const w = startWorker({ config: CONFIG, endpoint: 'https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk…ü' });
  await w.push(PAYLOAD);
  assert.equal(w.fetches[0].body.subscriptionId, idOf('https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk…ü'));
});

test('without a live subscription the receipt uses the id the page stored', async () => {
  const w = startWorker({ config: CONFIG, endpoint: null });
  await w.push(PAYLOAD);
  assert.equal(w.fetches[0].body.subscriptionId, 'cached-id');
});

test('an unreadable payload still shows a notification, with fallback text', async () => {
  const w = startWorker({ config: CONFIG });
  await w.push('\u0000not json');
  await w.push(null);
  await w.push({ body: 'no title' });
  assert.deepEqual(w.shown.map((s) => s.title), ['shop.test', 'shop.test', 'shop.test']);
  assert.equal(w.shown[0].options.body, '\u0000not json');
  assert.equal(w.shown[0].options.renotify, true);
  assert.equal(w.fetches.length, 0, 'no receipt without a campaign');
});

test('a browser without actions gets the notification without them', async () => {
  const w = startWorker({ config: CONFIG, maxActions: 0 });
  await w.push(PAYLOAD);
  assert.equal(w.shown[0].options.actions, undefined);
});

test('an option the browser refuses costs the option, not the notification', async () => {
  const w = startWorker({ config: CONFIG, refuse: (opts) => 'image' in opts });
  await w.push(PAYLOAD);
  assert.equal(w.shown.length, 1);
  assert.equal(w.shown[0].title, 'Your cart misses you');
  assert.equal(w.shown[0].options.body, '2 items are waiting');
  assert.equal(w.fetches.length, 1, 'the receipt follows the fallback notification');
});

test('a network failure of the receipt does not fail the push event', async () => {
  const w = startWorker({ config: CONFIG });
  w.self.fetch = () => Promise.reject(new TypeError('offline'));
  await w.push(PAYLOAD);
  assert.equal(w.shown.length, 1);
});

test('a click focuses the open store tab and navigates it to the notification url', async () => {
  const w = startWorker({ config: CONFIG, windows: [{ url: 'https://shop.test/products/1', controlled: true }] });
  const { n, click } = w.notification({ url: 'https://shop.test/cart', campaignId: 'camp1', siteId: 'SITE', actions: [] });
  await click();
  assert.equal(n.closed, true);
  assert.deepEqual(w.log.filter((l) => /^(focus|navigate|openWindow)/.test(l)), ['focus https://shop.test/products/1', 'navigate https://shop.test/cart']);
  assert.equal(w.opened.length, 0);
  assert.deepEqual(w.fetches[0].body, { subscriptionId: idOf('https://push.test/ep/w1'), type: 'notification.clicked', data: { campaignId: 'camp1' } });
});

test('a click on an action opens that action\'s url, and the receipt names the action', async () => {
  const w = startWorker({ config: CONFIG });
  const { click } = w.notification({ url: 'https://shop.test/cart', campaignId: 'camp1', siteId: 'SITE',
    actions: [{ action: 'checkout', url: '/checkout' }] }, 'checkout');
  await click();
  assert.deepEqual(w.opened, ['https://shop.test/checkout']);
  assert.deepEqual(w.fetches[0].body.data, { campaignId: 'camp1', action: 'checkout' });
});

test('with no store tab open, a click opens a window; with no url, the store\'s start page', async () => {
  const w = startWorker({ config: CONFIG, windows: [{ url: 'https://elsewhere.test/', controlled: false }] });
  await w.notification({ url: 'https://shop.test/sale', campaignId: 'c', siteId: 'SITE' }).click();
  await w.notification({ campaignId: 'c', siteId: 'SITE' }).click();
  assert.deepEqual(w.opened, ['https://shop.test/sale', 'https://shop.test/']);
});

test('a tab this worker does not control is left alone (it cannot be navigated): a window opens instead', async () => {
  // A click allows one window action: focusing that tab first would leave the shopper on the wrong page.
  const w = startWorker({ config: CONFIG, windows: [{ url: 'https://shop.test/', controlled: false }] });
  await w.notification({ url: 'https://shop.test/sale', campaignId: 'c', siteId: 'SITE' }).click();
  assert.deepEqual(w.log.filter((l) => /^(focus|navigate|openWindow)/.test(l)), ['openWindow https://shop.test/sale']);
});

test('a tab the worker does not control but already at the url is focused', async () => {
  const w = startWorker({ config: CONFIG, windows: [{ url: 'https://shop.test/sale', controlled: false }] });
  await w.notification({ url: 'https://shop.test/sale', campaignId: 'c', siteId: 'SITE' }).click();
  assert.deepEqual(w.log.filter((l) => /^(focus|navigate|openWindow)/.test(l)), ['focus https://shop.test/sale']);
});

test('a store tab is not taken to another site\'s url: that opens in a new window', async () => {
  const w = startWorker({ config: CONFIG, windows: [{ url: 'https://shop.test/', controlled: true }] });
  await w.notification({ url: 'https://blog.test/lookbook', campaignId: 'c', siteId: 'SITE' }).click();
  assert.deepEqual(w.log.filter((l) => /^(focus|navigate|openWindow)/.test(l)), ['openWindow https://blog.test/lookbook']);
});

test('the tab already showing the url is only focused', async () => {
  const w = startWorker({ config: CONFIG, windows: [{ url: 'https://shop.test/', controlled: true }, { url: 'https://shop.test/sale', controlled: true }] });
  await w.notification({ url: 'https://shop.test/sale', campaignId: 'c', siteId: 'SITE' }).click();
  assert.deepEqual(w.log.filter((l) => /^(focus|navigate|openWindow)/.test(l)), ['focus https://shop.test/sale']);
});

test('closing a notification sends the closed receipt', async () => {
  const w = startWorker({ config: CONFIG });
  await w.dispatch('notificationclose', { notification: { data: { campaignId: 'camp9', siteId: 'SITE' } } });
  assert.deepEqual(w.fetches[0].body, { subscriptionId: idOf('https://push.test/ep/w1'), type: 'notification.closed', data: { campaignId: 'camp9' } });
});

// Automations and transactional pushes carry other ids than a campaign's; their stats count the
// same receipts. Each kind: a push, then a click and a close on the notification as it was shown,
// so the ids must survive in the notification's stored data.
const AUTOMATION = { title: 'Still thinking it over?', body: 'Your trail shoes are waiting', url: 'https://shop.test/cart',
  automationId: 'auto1', step: 2, siteId: 'SITE' };
const TRANSACTIONAL = { title: 'Your order has shipped', url: 'https://shop.test/orders/1042', notificationId: 'note1', siteId: 'SITE' };
const CAMPAIGN = { ...PAYLOAD, tag: undefined, actions: [] };

for (const [kind, payload, ids, tag] of [
  ['a campaign', CAMPAIGN, { campaignId: 'camp1' }, 'pushcart-camp1'],
  ['an automation step', AUTOMATION, { automationId: 'auto1', step: 2 }, 'pushcart-auto1-2'],
  ['an automation step\'s variant', { ...AUTOMATION, variant: 'B', tag: 'pc-run1' }, { automationId: 'auto1', step: 2, variant: 'B' }, 'pc-run1'],
  ['an automation step of a run', { ...AUTOMATION, run: 'auto1-0123456789abcdef.2', tag: 'pc-auto1-0123456789abcdef' },
    { automationId: 'auto1', step: 2, run: 'auto1-0123456789abcdef.2' }, 'pc-auto1-0123456789abcdef'],
  ['a transactional push', TRANSACTIONAL, { notificationId: 'note1' }, 'pushcart-note1']
]) {
  test(`${kind}: the delivered, clicked and closed receipts carry ${Object.keys(ids).join(' and ')}, and its default tag is ${tag}`, async () => {
    const w = startWorker({ config: CONFIG });
    await w.push(payload);
    const { tag: shownTag, data } = w.shown[0].options;
    assert.equal(shownTag, tag);
    await w.notification(data).click();
    await w.dispatch('notificationclose', { notification: { data } });
    const subscriptionId = idOf('https://push.test/ep/w1');
    assert.deepEqual(w.fetches.map((f) => f.body), [
      { subscriptionId, type: 'notification.delivered', data: ids },
      { subscriptionId, type: 'notification.clicked', data: ids },
      { subscriptionId, type: 'notification.closed', data: ids }
    ]);
    assert.ok(w.fetches.every((f) => f.url === 'https://push.test/v1/sites/SITE/events'));
  });
}

test('an automation step\'s own tag wins, and a click on its action names the action beside the step', async () => {
  const w = startWorker({ config: CONFIG });
  await w.push({ ...AUTOMATION, tag: 'cart-reminder', actions: [{ action: 'checkout', title: 'Check out', url: '/checkout' }] });
  const { tag, data } = w.shown[0].options;
  assert.equal(tag, 'cart-reminder');
  await w.notification(data, 'checkout').click();
  assert.deepEqual(w.opened, ['https://shop.test/checkout']);
  assert.deepEqual(w.fetches[1].body.data, { automationId: 'auto1', step: 2, action: 'checkout' });
});

test('a message with none of the ids, or an automation without a 1-based step, sends no receipt and gets the plain tag', async () => {
  const w = startWorker({ config: CONFIG });
  const extras = [{}, { step: 2 }, { automationId: 'auto1' }, { automationId: 'auto1', step: 0 }, { automationId: 'auto1', step: '2' }];
  for (const extra of extras) {
    await w.push({ title: 'Hello', url: 'https://shop.test/', siteId: 'SITE', ...extra });
    const { data } = w.shown.at(-1).options;
    await w.notification(data).click();
    await w.dispatch('notificationclose', { notification: { data } });
  }
  assert.deepEqual(w.shown.map((s) => s.options.tag), extras.map(() => 'pushcart'));
  assert.equal(w.fetches.length, 0);
});

test('without the page\'s config the worker shows but sends no receipt', async () => {
  const w = startWorker();
  await w.push(PAYLOAD);
  assert.equal(w.shown.length, 1);
  assert.equal(w.fetches.length, 0);
});

test('pushsubscriptionchange without a new subscription subscribes again with the site key and registers it', async () => {
  const w = startWorker({ config: CONFIG, endpoint: null });
  await w.dispatch('pushsubscriptionchange', { oldSubscription: null, newSubscription: null });
  assert.deepEqual(plain(w.subscribeCalls), [{ userVisibleOnly: true, applicationServerKey: 'BKEY' }]);
  const [post, del] = w.fetches;
  assert.equal(post.url, 'https://push.test/v1/sites/SITE/subscriptions');
  assert.deepEqual(post.body, { endpoint: 'https://push.test/ep/renewed', keys: { p256dh: 'P', auth: 'A' }, tags: ['vip'], attributes: { locale: 'en' },
    applicationServerKey: 'BKEY' });
  assert.equal(del.method, 'DELETE');
  assert.equal(del.url, 'https://push.test/v1/sites/SITE/subscriptions/cached-id');
  assert.equal(w.cache.get('/__pushcart/config').id, 'new-id');
});

test('pushsubscriptionchange links the new subscription to the customer the page identified, before the old one goes', async () => {
  const identity = { customerId: 'cust-7', signature: 'SIG-7' };
  // A config written by an earlier version may hold customerId as an attribute: the server refuses it now.
  const w = startWorker({ config: { ...CONFIG, attributes: { locale: 'en', customerId: 'cust-7' }, identity }, endpoint: null });
  await w.dispatch('pushsubscriptionchange', { oldSubscription: null, newSubscription: null });
  const [post, patch, del] = w.fetches;
  assert.deepEqual(post.body.attributes, { locale: 'en' });
  assert.equal(patch.method, 'PATCH');
  assert.equal(patch.url, 'https://push.test/v1/sites/SITE/subscriptions/new-id');
  assert.deepEqual(patch.body, identity);
  assert.equal(del.method, 'DELETE');
  assert.deepEqual(w.cache.get('/__pushcart/config').identity, identity);
});

test('pushsubscriptionchange with the new subscription registers that one', async () => {
  const w = startWorker({ config: CONFIG });
  const fresh = { endpoint: 'https://push.test/ep/given', toJSON: () => ({ endpoint: 'https://push.test/ep/given', keys: { p256dh: 'P2', auth: 'A2' } }) };
  await w.dispatch('pushsubscriptionchange', { oldSubscription: null, newSubscription: fresh });
  assert.equal(w.subscribeCalls.length, 0);
  assert.equal(w.fetches[0].body.endpoint, 'https://push.test/ep/given');
});

test('a synthetic event that cannot waitUntil still gets its work done', async () => {
  const w = startWorker({ config: CONFIG });
  const n = { data: { url: 'https://shop.test/x', campaignId: 'c', siteId: 'SITE' }, close() {} };
  for (const fn of w.listeners.notificationclick) {
    fn({ notification: n, action: '', waitUntil() { throw new Error('InvalidStateError'); } });
  }
  for (let i = 0; i < 20 && w.opened.length === 0; i++) await new Promise((r) => setImmediate(r));
  assert.deepEqual(w.opened, ['https://shop.test/x']);
});
