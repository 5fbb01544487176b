'use strict';
// End to end in a real Firefox (Debian's ESR, headless): the store page's snippet subscribes
// through a local autopush-protocol push service, registers with the real Pushcart server,
// the server sends a campaign (RFC 8291 encrypted, VAPID signed), Firefox decrypts it itself,
// the worker shows it, and the worker's delivered receipt reaches the campaign's stats. Its
// notifications go to a desktop notification service the test plays (notification-daemon.js),
// where the test clicks them as a shopper would: Firefox dispatches the notificationclick.
const crypto = require('node:crypto');
const test = require('node:test');
const assert = require('node:assert/strict');
const { startPushcart, startStore, until } = require('../support/servers');
const { startAutopush } = require('../support/autopush');
const { launchFirefox } = require('../support/firefox');
const { startNotificationDaemon } = require('../support/notification-daemon');

const RECORDER = () => {
  window.__events = [];
  for (const name of ['prompt', 'accept', 'decline', 'subscribed', 'unsubscribed', 'error']) {
    window.addEventListener('pushcart:' + name, (e) => window.__events.push({ name, detail: e.detail }));
  }
};

let autopush;
let pushcart;
let store;
let site;
let firefox;
let page;
let subscriptionId;
let registerMessage;
let desktop;

test.before(async () => {
  desktop = await startNotificationDaemon();
  autopush = await startAutopush();
  pushcart = await startPushcart({ pushHosts: [autopush.host] });
  store = await startStore({ pushcart, dataset: 'data-trigger="manual"' });
  site = await pushcart.createSite([store.origin]);
  store.options.site = site;
  // A subscribe made before Firefox's push service has said hello is silently lost
  // (TOOLCHAIN.md): load the store only after the hello reached our server.
  const hello = autopush.next('hello', () => true, 60000);
  firefox = await launchFirefox({ pushServerUrl: autopush.url, notifications: desktop });
  await hello;
});

test.after(async () => {
  if (firefox) await firefox.close();
  if (store) await store.stop();
  if (pushcart) await pushcart.stop();
  if (autopush) await autopush.stop();
  if (desktop) await desktop.stop();
});

const eventSeen = (p, name, timeout = 20000) =>
  p.waitForFunction((n) => window.__events.find((e) => e.name === n), { timeout, polling: 100 }, name).then((h) => h.jsonValue());
/** Sends a campaign to the shopper's tag and waits until Firefox acknowledged it (decrypted, worker ran). */
async function sendCampaign(notification) {
  const arrived = autopush.next('notification', (m) => m.channelID === registerMessage.channelID);
  const campaign = await pushcart.createCampaign(site, { name: notification.title, audience: { tags: { any: ['boots'] } }, notification, urgency: 'high' });
  const message = await arrived;
  const ack = await autopush.next('ack', (u) => u.version === message.version);
  assert.equal(ack.code, 100);
  return campaign;
}
const b64url = (s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
/** identify's signature, as the store's backend computes it with the identitySecret the site was created with. */
const signature = (customerId) => crypto.createHmac('sha256', site.identitySecret).update(customerId, 'utf8').digest('hex');

test('Firefox subscribes through the snippet with the site\'s VAPID key, and the registration reaches the server', async () => {
  store.options.head = `<script>pushcart.push(['tag', 'shoes']); pushcart.push(['identify', 'cust-7', '${signature('cust-7')}']);</script>`;
  const registered = autopush.next('register');
  page = await firefox.newPage();
  await page.evaluateOnNewDocument(RECORDER);
  await page.goto(store.origin + '/');
  // Notifications are allowed by the profile, so the visit's re-sync subscribes without a prompt.
  const subscribed = await eventSeen(page, 'subscribed');
  subscriptionId = subscribed.detail.id;
  registerMessage = await registered;
  assert.equal(b64url(registerMessage.key), site.vapidPublicKey, 'Firefox subscribed with the site\'s VAPID key');

  const stored = await pushcart.subscription(site, subscriptionId);
  assert.equal(stored.endpoint, `http://${autopush.host}/push/${registerMessage.channelID}`);
  assert.ok(stored.tags.includes('shoes'), JSON.stringify(stored));
  assert.equal(stored.attributes.browser, 'firefox');
  assert.equal(stored.customerId, 'cust-7', 'linked by the signed identify');
  assert.equal(typeof stored.attributes.timezone, 'string');
  assert.ok(stored.attributes.locale);
  const state = await page.evaluate(() => pushcart.state());
  assert.equal(state.subscribed, true);
  assert.equal(state.subscriptionId, subscriptionId);
  assert.equal(state.permission, 'granted');
});

test('the page API changes the subscription on the server (through CORS preflights)', async () => {
  assert.ok(page, 'needs the subscribed page of the first test');
  const results = await page.evaluate(async () => [
    await pushcart.tag('sale', 'boots'),
    await pushcart.untag('shoes'),
    await pushcart.attributes({ tier: 'gold' }),
    await pushcart.cart({ cartId: 'c-7', items: [{ productId: 'B-1', quantity: 1, price: 89 }], total: 89, currency: 'EUR' }),
    await pushcart.viewProduct({ productId: 'B-1' })
  ]);
  assert.deepEqual(results, [true, true, true, true, true]);
  const stored = await pushcart.subscription(site, subscriptionId);
  assert.deepEqual([...stored.tags].sort(), ['boots', 'sale']);
  assert.equal(stored.attributes.tier, 'gold');
  assert.equal(stored.customerId, 'cust-7');
  assert.ok(stored.lastCartAt && stored.lastViewedProductAt, 'the events stamped the subscriber');
});

test('a campaign sent by the server is decrypted and shown by Firefox, and the delivered receipt reaches the stats', async () => {
  assert.ok(page, 'needs the subscribed page of the first test');
  const campaign = await pushcart.createCampaign(site, {
    name: 'Firefox end to end',
    audience: { tags: { any: ['boots'] } },
    notification: { title: 'Boots: 30% off today', body: 'Your size is back', url: `${store.origin}/boots?utm_source=push`, tag: 'boots-sale' },
    urgency: 'high'
  });
  const notification = await autopush.next('notification', (m) => m.channelID === registerMessage.channelID);
  assert.equal(notification.headers.encoding, 'aes128gcm');
  const ack = await autopush.next('ack', (u) => u.version === notification.version);
  assert.equal(ack.code, 100, 'Firefox decrypted the message and the worker handled it');

  const shown = await until('Firefox to list the notification', () => page.evaluate(() =>
    navigator.serviceWorker.getRegistration().then((r) => r.getNotifications()).then((list) =>
      list.length && list.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data })))));
  assert.equal(shown.length, 1);
  assert.equal(shown[0].title, 'Boots: 30% off today');
  assert.equal(shown[0].body, 'Your size is back');
  assert.equal(shown[0].tag, 'boots-sale');
  assert.equal(shown[0].data.url, `${store.origin}/boots?utm_source=push`);
  assert.equal(shown[0].data.campaignId, campaign.id);

  // The worker's receipt can be counted before the server has stored the push service's answer
  // (outcomes are written in batches): both are awaited.
  const stats = await pushcart.statsUntil(site, campaign.id, 'delivered 1 and accepted 1', (s) => s.delivered === 1 && s.accepted === 1);
  assert.deepEqual({ targeted: stats.targeted, accepted: stats.accepted, failed: stats.failed }, { targeted: 1, accepted: 1, failed: 0 });
});

test('clicking the shown notification takes the open store tab to its url, and the click reaches the stats', async () => {
  assert.ok(page, 'needs the subscribed page of the first test');
  const url = `${store.origin}/boots?utm_source=push`;
  const campaign = await sendCampaign({ title: 'Boots: last pairs', body: 'Only 3 left', url, tag: 'boots-last' });
  const n = await desktop.next((x) => x.summary === 'Boots: last pairs');
  assert.equal(n.body, 'Only 3 left');
  // A returning shopper's tab: controlled by the worker (the first visit's tab is not, and
  // a worker can only navigate the tabs it controls).
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller && window.pushcart && window.pushcart.version, { timeout: 20000 });
  desktop.click(n);
  await page.waitForFunction((u) => location.href === u, { timeout: 20000 }, url);
  await page.waitForFunction(() => window.pushcart && window.pushcart.version, { timeout: 20000 });
  await desktop.closed(n);
  const stats = await pushcart.statsUntil(site, campaign.id, 'clicked 1', (st) => st.clicked === 1);
  assert.equal(stats.delivered, 1);
});

test('with no store tab open, clicking a notification\'s button opens that button\'s url in a new window', async () => {
  assert.ok(page, 'needs the subscribed page of the first test');
  const campaign = await sendCampaign({
    title: 'Your cart misses you', url: `${store.origin}/p/77`,
    actions: [{ action: 'cart', title: 'Open cart', url: `${store.origin}/cart?from=push` }]
  });
  const n = await desktop.next((x) => x.summary === 'Your cart misses you');
  await page.close(); // the shopper left the store
  page = null;
  desktop.click(n, 'Open cart');
  const opened = await firefox.waitForTarget((t) => t.url() === `${store.origin}/cart?from=push`, { timeout: 20000 });
  page = await opened.page();
  await page.waitForFunction(() => window.pushcart && window.pushcart.version, { timeout: 20000 });
  await pushcart.statsUntil(site, campaign.id, 'clicked 1', (st) => st.clicked === 1);
});

test('when the push service voids the subscription, the worker\'s pushsubscriptionchange subscribes again and re-registers it', async () => {
  assert.ok(page, 'needs the subscribed page of the first test');
  const before = await pushcart.subscription(site, subscriptionId);
  const hello = autopush.next('hello', (m) => !!m.uaid, 30000);
  const registered = autopush.next('register', () => true, 30000);
  autopush.forgetBrowsers();
  await hello;
  // No page is involved: Firefox fires pushsubscriptionchange in the worker, which subscribes
  // with the site's key (from the page's last sync) and registers the new endpoint.
  const again = await registered;
  assert.notEqual(again.channelID, registerMessage.channelID);
  assert.equal(b64url(again.key), site.vapidPublicKey);
  const endpoint = `http://${autopush.host}/push/${again.channelID}`;
  // The server's id of a subscription: base64url of the first 16 bytes of SHA-256(endpoint).
  const freshId = crypto.createHash('sha256').update(endpoint).digest().subarray(0, 16).toString('base64url');
  // The worker registers it, then links it with the signature the page identified with.
  const fresh = await until('the new subscription on the server, linked to the customer',
    () => pushcart.subscription(site, freshId).then((s) => s.customerId === 'cust-7' && s));
  assert.equal(fresh.endpoint, endpoint);
  assert.deepEqual([...fresh.tags].sort(), [...before.tags].sort(), 'with the tags the page last sent');
  await until('the old subscription to be deleted', () => pushcart.subscription(site, subscriptionId).then(() => false, (e) => /404/.test(e.message)));
  registerMessage = again;
  subscriptionId = fresh.id;
  // And a campaign reaches the new subscription.
  const campaign = await sendCampaign({ title: 'Still here', url: `${store.origin}/` });
  await pushcart.statsUntil(site, campaign.id, 'delivered 1', (st) => st.delivered === 1);
});

test('after the site\'s VAPID keys are rotated, the next visit re-subscribes with the new key and the old subscription goes', async () => {
  assert.ok(page, 'needs the subscribed page of the first test');
  const oldId = subscriptionId;
  const newKey = await pushcart.rotateVapidKeys(site);
  assert.notEqual(newKey, site.vapidPublicKey);
  const registered = autopush.next('register', () => true, 30000);
  await page.reload(); // the shopper's next visit: the snippet sees the site's new key
  const again = await registered;
  assert.equal(b64url(again.key), newKey, 'Firefox subscribed with the new key');
  const endpoint = `http://${autopush.host}/push/${again.channelID}`;
  const freshId = crypto.createHash('sha256').update(endpoint).digest().subarray(0, 16).toString('base64url');
  const fresh = await until('the new subscription on the server', () => pushcart.subscription(site, freshId).then((s) => s, () => false));
  assert.equal(fresh.vapidKey, newKey, 'its messages are signed with the new key');
  await until('the old subscription to be deleted', () => pushcart.subscription(site, oldId).then(() => false, (e) => /404/.test(e.message)));
  site.vapidPublicKey = newKey;
  registerMessage = again;
  subscriptionId = freshId;
  const campaign = await sendCampaign({ title: 'Signed with the new key', url: `${store.origin}/` });
  await pushcart.statsUntil(site, campaign.id, 'delivered 1', (st) => st.delivered === 1);
});

test('unsubscribe ends the Firefox subscription at the push service and on the server', async () => {
  assert.ok(page, 'needs the subscribed page of the first test');
  const unregistered = autopush.next('unregister', (m) => m.channelID === registerMessage.channelID);
  assert.equal(await page.evaluate(() => pushcart.unsubscribe()), true);
  await unregistered;
  await assert.rejects(pushcart.subscription(site, subscriptionId), /answered 404/);
  assert.equal((await page.evaluate(() => pushcart.state())).subscribed, false);
});
