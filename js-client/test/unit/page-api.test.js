'use strict';
// Registration, re-sync and the page API, against recording fakes of the browser and server.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const acorn = require('acorn');
const { openPage, SITE_KEY, OTHER_KEY, SOURCE } = require('../support/fake-page');

const API = JSON.parse(fs.readFileSync(path.join(__dirname, '../../api.json'), 'utf8'));
// Objects made inside the page belong to jsdom's realm: compare their JSON.
const plain = (v) => JSON.parse(JSON.stringify(v));
const byMethod = (page, method, suffix) => page.calls.filter((c) => c.method === method && c.url.endsWith(suffix));

async function subscribedPage(options = {}) {
  const page = openPage({ permission: 'granted', ...options });
  await page.next('subscribed');
  await page.settle();
  return page;
}

test('the page script parses as ES5, so an old browser reads it without a syntax error', () => {
  assert.doesNotThrow(() => acorn.parse(SOURCE, { ecmaVersion: 5 }));
});

test('the public API is exactly the one pinned in api.json', () => {
  const page = openPage();
  const api = page.api;
  const methods = Object.keys(api).filter((k) => typeof api[k] === 'function').sort();
  const properties = Object.keys(api).filter((k) => typeof api[k] !== 'function').sort();
  assert.deepEqual(methods, [...API.methods].sort());
  assert.deepEqual(properties, [...API.properties].sort());
  assert.equal(api.version, API.version);
});

test('docs/js-snippet.md documents every public method and event', () => {
  const doc = fs.readFileSync(path.join(__dirname, '../../../docs/js-snippet.md'), 'utf8');
  for (const m of API.methods) assert.ok(doc.includes(`\`${m}`) || doc.includes(`'${m}'`), `docs mention ${m}`);
  for (const e of API.events) assert.ok(doc.includes(e), `docs mention ${e}`);
});

test('an old browser without push runs the script without errors and the API answers "unsupported"', async () => {
  const errors = [];
  const page = openPage({ supported: false, queue: [['tag', 'shoes'], ['track', 'cart.updated', {}]], before: (w) => w.addEventListener('error', (e) => errors.push(e)) });
  page.clock.tick(600000);
  assert.equal(page.dialog(), null);
  const state = await page.api.state();
  assert.equal(state.supported, false);
  assert.equal(state.permission, 'unsupported');
  assert.equal(await page.api.subscribe(), null);
  assert.deepEqual(errors, []);
});

test('calls queued before the script loaded are replayed in order, init first', async () => {
  const page = openPage({
    permission: 'granted',
    dataset: 'data-site="WRONG" data-server="https://wrong.test"',
    queue: [['tag', 'shoes'], ['init', { site: 'SITE', server: 'https://push.test' }], ['identify', 'cust-42', 'SIG-42']]
  });
  await page.next('subscribed');
  await page.settle();
  const post = byMethod(page, 'POST', '/subscriptions')[0];
  assert.equal(post.url, 'https://push.test/v1/sites/SITE/subscriptions');
  assert.deepEqual(post.body.tags, ['shoes']);
  assert.equal(typeof post.body.applicationServerKey, 'string', 'the key the subscription was made with');
  // The registration links the identified customer; the queued tag also PATCHes once the
  // subscription exists (harmless, the server adds tags idempotently); the queued identify
  // finds the subscription linked already.
  assert.deepEqual(byMethod(page, 'PATCH', '').map((c) => c.body), [
    { customerId: 'cust-42', signature: 'SIG-42' },
    { tags: { add: ['shoes'] } }
  ]);
});

test('a function pushed onto the queue is called with the API', async () => {
  let got = null;
  const page = openPage({ queue: [(pc) => { got = pc; }] });
  assert.equal(got, page.api);
  let later = null;
  page.api.push((pc) => { later = pc; });
  assert.equal(later, page.api);
});

test('loading the script twice keeps the first copy in charge', () => {
  const page = openPage();
  const first = page.api;
  page.window.eval(SOURCE);
  assert.equal(page.api, first);
});

test('the server origin defaults to the script\'s own origin', async () => {
  const page = await subscribedPage();
  assert.ok(page.calls.every((c) => c.url.startsWith('https://push.test/v1/sites/SITE/')));
  assert.equal(page.calls[0].url, 'https://push.test/v1/sites/SITE/public');
});

test('subscribing registers the worker, subscribes with the site\'s VAPID key and registers with the server', async () => {
  const page = openPage({ dataset: 'data-site="SITE" data-worker="/sw.js" data-scope="/shop/"', language: 'de-DE' });
  await page.api.subscribe();
  assert.deepEqual(plain(page.registerCalls[0]), { url: '/sw.js', opts: { scope: '/shop/', updateViaCache: 'none' } });
  const options = page.push.subscribeCalls[0];
  assert.equal(options.userVisibleOnly, true);
  assert.equal(Buffer.from(options.applicationServerKey).toString('base64url'), SITE_KEY);
  const post = byMethod(page, 'POST', '/subscriptions')[0];
  assert.equal(post.headers['Content-Type'], 'application/json');
  assert.deepEqual(Object.keys(post.body.keys).sort(), ['auth', 'p256dh']);
  const a = post.body.attributes;
  assert.equal(a.locale, 'de-DE');
  assert.equal(a.browser, 'chrome');
  assert.equal(a.device, 'desktop');
  assert.equal(typeof a.timezone, 'string');
  const state = await page.api.state();
  assert.equal(state.subscribed, true);
  assert.equal(state.permission, 'granted');
});

test('the worker gets the server, site, key and subscription id through Cache Storage', async () => {
  const page = await subscribedPage({ queue: [['tag', 'vip']] });
  const config = page.cache.get('/__pushcart/config');
  const state = await page.api.state();
  assert.equal(config.server, 'https://push.test');
  assert.equal(config.site, 'SITE');
  assert.equal(config.key, SITE_KEY);
  assert.equal(config.id, state.subscriptionId);
  assert.deepEqual(config.tags, ['vip']);
});

test('the re-sync runs once per tab (sessionStorage), not on every page view', async () => {
  const first = await subscribedPage();
  assert.equal(byMethod(first, 'POST', '/subscriptions').length, 1);
  const sub = first.push.sub;
  const sameTab = openPage({ permission: 'granted', storage: first.storage(), session: first.session(),
    before: () => {} });
  sameTab.push.existing(sub.endpoint, SITE_KEY);
  await sameTab.settle();
  assert.equal(byMethod(sameTab, 'POST', '/subscriptions').length, 0);
  const newTab = openPage({ permission: 'granted', storage: first.storage() }); // localStorage shared, sessionStorage not
  newTab.push.existing(sub.endpoint, SITE_KEY);
  await newTab.next('subscribed');
  const posts = byMethod(newTab, 'POST', '/subscriptions');
  assert.equal(posts.length, 1);
  assert.equal(posts[0].body.endpoint, sub.endpoint);
  assert.equal(newTab.push.subscribeCalls.length, 0, 'the existing subscription is re-used');
});

test('a subscription made with another VAPID key is replaced and the old one deleted on the server', async () => {
  const first = await subscribedPage();
  const oldId = (await first.api.state()).subscriptionId;
  const page = openPage({ permission: 'granted', storage: first.storage() });
  const stale = page.push.existing('https://push.test/ep/old-key', OTHER_KEY);
  // The record says this endpoint was made with the old key too.
  await page.next('subscribed');
  await page.settle();
  assert.equal(stale.unsubscribed, true);
  assert.equal(Buffer.from(page.push.subscribeCalls[0].applicationServerKey).toString('base64url'), SITE_KEY);
  const deleted = byMethod(page, 'DELETE', '/subscriptions/' + oldId);
  assert.equal(deleted.length, 1);
});

test('replacing a subscription also deletes the one the worker made since the page last synced', async () => {
  const first = await subscribedPage();
  const pageId = (await first.api.state()).subscriptionId;
  const page = openPage({ permission: 'granted', storage: first.storage() });
  // The worker re-subscribed on pushsubscriptionchange: its config names a newer subscription.
  for (const [url, config] of first.cache) page.cache.set(url, { ...config, id: 'id-from-worker' });
  page.push.existing('https://push.test/ep/worker-made', OTHER_KEY);
  await page.next('subscribed');
  await page.settle();
  const deleted = byMethod(page, 'DELETE', '').map((c) => c.url.split('/').pop()).sort();
  assert.deepEqual(deleted, [pageId, 'id-from-worker'].sort());
  assert.notEqual(page.cache.get('/__pushcart/config').id, 'id-from-worker', 'the config names the new subscription');
});

test('a browser that lost its subscription while permission stays granted is subscribed again without a prompt', async () => {
  const first = await subscribedPage();
  const page = openPage({ permission: 'granted', storage: first.storage() });
  await page.next('subscribed');
  assert.equal(page.push.subscribeCalls.length, 1);
  assert.equal(page.permissionCalls.length, 0);
});

test('a subscribe() that never settles times out and reports an error', async () => {
  const page = openPage({ permission: 'granted', dataset: 'data-site="SITE"', queue: [['init', { subscribeTimeout: 15000 }]] });
  page.push.hang = true;
  const error = page.next('error');
  // Let the visit's re-sync reach pushManager.subscribe(), then pass the time.
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  page.clock.tick(15000);
  const { message } = await error;
  assert.match(message, /pushManager.subscribe\(\) timed out after 15000 ms/);
  assert.equal((await page.api.state()).subscribed, false);
});

test('tag and untag before subscribing are kept and sent with the subscription', async () => {
  const page = openPage();
  assert.equal(await page.api.tag('shoes', ['sale', ' boots ']), false);
  assert.equal(await page.api.untag('sale'), false);
  assert.equal(byMethod(page, 'PATCH', '').length, 0);
  await page.api.subscribe();
  const post = byMethod(page, 'POST', '/subscriptions')[0];
  assert.deepEqual(post.body.tags, ['shoes', 'boots']);
});

test('tag, untag, attributes and identify on a subscriber PATCH the subscription', async () => {
  const page = await subscribedPage();
  const id = (await page.api.state()).subscriptionId;
  assert.equal(await page.api.tag('shoes'), true);
  assert.equal(await page.api.untag('shoes', 'hats'), true);
  assert.equal(await page.api.attributes({ tier: 'gold', visits: 3 }), true);
  assert.equal(await page.api.identify(42, 'a1b2'), true);
  const patches = byMethod(page, 'PATCH', '/subscriptions/' + id).map((c) => c.body);
  assert.deepEqual(patches, [
    { tags: { add: ['shoes'] } },
    { tags: { remove: ['shoes', 'hats'] } },
    { attributes: { tier: 'gold', visits: 3 } },
    { customerId: '42', signature: 'a1b2' }
  ]);
  const state = await page.api.state();
  assert.deepEqual(plain(state.tags), []);
  assert.deepEqual(plain(state.attributes), { tier: 'gold', visits: 3 });
  assert.equal(state.customerId, '42');
  assert.deepEqual(page.cache.get('/__pushcart/config').identity, { customerId: '42', signature: 'a1b2' },
    'the worker links the subscriptions it makes too');
});

test('identify without a signature is refused in the page, and nothing is sent or kept', async () => {
  const page = await subscribedPage();
  for (const args of [['cust-1'], ['cust-1', ''], [undefined, 'sig'], ['', 'sig']]) {
    await assert.rejects(page.api.identify(...args), /identify\(customerId, signature\) needs both/);
  }
  await assert.rejects(page.api.push(['identify', 'cust-1']), /signature comes from your backend/);
  assert.equal(byMethod(page, 'PATCH', '').length, 0);
  assert.equal((await page.api.state()).customerId, null);
});

test('customerId is not an attribute: the page refuses it and points to identify', async () => {
  const page = await subscribedPage();
  await assert.rejects(page.api.attributes({ customerId: 'c-1', tier: 'gold' }), /use identify\(customerId, signature\)/);
  assert.equal(byMethod(page, 'PATCH', '').length, 0);
  assert.deepEqual(plain((await page.api.state()).attributes), {});
});

test('identify before subscribing is kept, and the subscription is linked as soon as it is made', async () => {
  const page = openPage();
  assert.equal(await page.api.identify('cust-9', 'SIG-9'), false);
  assert.equal(byMethod(page, 'PATCH', '').length, 0);
  const id = await page.api.subscribe();
  assert.deepEqual(byMethod(page, 'PATCH', '/subscriptions/' + id).map((c) => c.body), [{ customerId: 'cust-9', signature: 'SIG-9' }]);
  assert.ok(page.calls.indexOf(byMethod(page, 'POST', '/subscriptions')[0]) < page.calls.indexOf(byMethod(page, 'PATCH', '')[0]));
  assert.deepEqual(page.cache.get('/__pushcart/config').identity, { customerId: 'cust-9', signature: 'SIG-9' });
});

test('a page view that identifies the customer already linked sends nothing; another customer is linked', async () => {
  const first = await subscribedPage({ queue: [['identify', 'cust-1', 'SIG-1']] });
  assert.equal(byMethod(first, 'PATCH', '').length, 1);
  const next = openPage({ permission: 'granted', storage: first.storage(), session: first.session() });
  next.push.existing(first.push.sub.endpoint, SITE_KEY);
  await next.settle();
  assert.equal(await next.api.identify('cust-1', 'SIG-1'), true);
  assert.equal(byMethod(next, 'PATCH', '').length, 0);
  assert.equal(await next.api.identify('cust-2', 'SIG-2'), true);
  assert.deepEqual(byMethod(next, 'PATCH', '').map((c) => c.body), [{ customerId: 'cust-2', signature: 'SIG-2' }]);
});

// The server's answer to a signature that is not the customer id's under the site's identitySecret.
const refuseSignature = (body) => (body.signature === 'STALE' ? { status: 403, code: 'invalid_signature', field: 'signature' } : null);

test('a refused signature rejects identify and is reported', async () => {
  const page = await subscribedPage({ refuse: refuseSignature });
  const error = page.next('error');
  await assert.rejects(page.api.identify('cust-1', 'STALE'), (e) => e.status === 403 && e.body.error.code === 'invalid_signature');
  assert.match((await error).message, /answered 403: signature refused \(invalid_signature\)$/, 'with the server\'s message');
});

test('a refused signature costs the link, never the registration', async () => {
  const page = openPage({ refuse: refuseSignature });
  assert.equal(await page.api.identify('cust-1', 'STALE'), false);
  const error = page.next('error');
  const id = await page.api.subscribe();
  assert.ok(id);
  assert.match((await error).message, /answered 403/);
  const state = await page.api.state();
  assert.equal(state.subscribed, true);
  assert.equal(byMethod(page, 'PATCH', '/subscriptions/' + id).length, 1);
});

test('a customerId attribute kept by an earlier version of the script is dropped, not sent', async () => {
  const storage = { pushcart: JSON.stringify({ v: 3, a: { customerId: 'c-old', tier: 'gold' } }) };
  const page = openPage({ permission: 'granted', storage });
  await page.next('subscribed');
  const post = byMethod(page, 'POST', '/subscriptions')[0];
  assert.equal(post.body.attributes.customerId, undefined);
  assert.equal(post.body.attributes.tier, 'gold');
  assert.deepEqual(plain((await page.api.state()).attributes), { tier: 'gold' });
  assert.equal(page.state().a.customerId, undefined);
});

test('cart, checkout and viewProduct report the page\'s commerce events, stamped when they happened', async () => {
  const page = await subscribedPage();
  const id = (await page.api.state()).subscriptionId;
  const before = new Date().toISOString();
  const cart = { cartId: 'c-1', items: [{ productId: 'A1', quantity: 2, price: 29.95 }], total: 59.9, currency: 'EUR' };
  assert.equal(await page.api.cart(cart), true);
  assert.equal(await page.api.viewProduct({ productId: 'A1', price: 29.95 }), true);
  assert.equal(await page.api.checkout({ cartId: 'c-1' }), true);
  assert.equal(await page.api.track('cart.updated', { cartId: 'c-1', items: [] }), true);
  const events = byMethod(page, 'POST', '/events').map((c) => c.body);
  assert.deepEqual(events.map((e) => [e.subscriptionId, e.type]), [[id, 'cart.updated'], [id, 'product.viewed'],
    [id, 'checkout.started'], [id, 'cart.updated']]);
  assert.deepEqual(plain(events[0].data), cart);
  for (const e of events) assert.ok(e.occurredAt >= before && e.occurredAt <= new Date().toISOString(), e.occurredAt);
  // Orders come from the store's backend, with its secret key: a page cannot report one.
  await assert.rejects(page.api.track('order.completed', { orderId: 'o-1' }), /not order.completed/);
  await assert.rejects(page.api.track('cart.emptied'), /not cart.emptied/);
});

test('track without a subscription sends nothing', async () => {
  const page = openPage();
  assert.equal(await page.api.track('cart.updated', {}), false);
  assert.equal(byMethod(page, 'POST', '/events').length, 0);
});

test('unsubscribe ends the browser subscription, deletes it on the server and is not undone by the next visit', async () => {
  const page = await subscribedPage();
  const id = (await page.api.state()).subscriptionId;
  const sub = page.push.sub;
  assert.equal(await page.api.unsubscribe(), true);
  assert.equal(sub.unsubscribed, true);
  assert.equal(byMethod(page, 'DELETE', '/subscriptions/' + id).length, 1);
  assert.equal((await page.api.state()).subscribed, false);
  const next = openPage({ permission: 'granted', storage: page.storage() });
  next.clock.tick(600000);
  await next.settle();
  assert.equal(next.push.subscribeCalls.length, 0);
  assert.equal(next.dialog(), null);
  await next.api.subscribe();
  assert.equal((await next.api.state()).subscribed, true, 'an explicit subscribe() opts in again');
});

test('unsubscribe also deletes the subscription the worker registered after this page synced (pushsubscriptionchange)', async () => {
  const page = await subscribedPage();
  const id = (await page.api.state()).subscriptionId;
  // What the worker does on pushsubscriptionchange: a new subscription, registered, its id in the worker's config.
  const config = page.cache.get('/__pushcart/config');
  page.cache.set('/__pushcart/config', { ...config, id: 'id-from-worker' });
  page.push.existing('https://push.test/ep/after-change', config.key);
  assert.equal(await page.api.unsubscribe(), true);
  assert.equal(byMethod(page, 'DELETE', '/subscriptions/' + id).length, 1);
  assert.equal(byMethod(page, 'DELETE', '/subscriptions/id-from-worker').length, 1);
});

test('a shopper who blocked notifications in the browser settings is deleted on the server', async () => {
  const page = await subscribedPage();
  const id = (await page.api.state()).subscriptionId;
  const next = openPage({ permission: 'denied', storage: page.storage() });
  await next.settle();
  assert.equal(byMethod(next, 'DELETE', '/subscriptions/' + id).length, 1);
  assert.equal((await next.api.state()).subscribed, false);
});

test('an unknown command is reported, not thrown into the store\'s page', async () => {
  const page = openPage({ before: (w) => { w.console.error = () => {}; } });
  await assert.rejects(page.api.push(['frobnicate']), /unknown command frobnicate/);
});

test('a server error on registration is surfaced as a pushcart:error event and a rejected promise', async () => {
  const page = openPage({ before: (w) => { w.console.error = () => {}; } });
  page.window.fetch = async (url) => ({ ok: false, status: 403, text: async () => '{"error":{"code":"forbidden"}}' });
  const error = page.next('error');
  await assert.rejects(page.api.subscribe(), (e) => e.status === 403);
  assert.match((await error).message, /answered 403/);
});

// The server knows only the zones of its own tz database (400 invalid_field attributes.timezone otherwise).
const refuseTimezone = (body) => (body.attributes && 'timezone' in body.attributes ? 'attributes.timezone' : null);

test('a browser timezone the server refuses is left out: registration is sent again without it and succeeds', async () => {
  const page = openPage({ permission: 'granted', timeZone: 'Etc/Unknown', refuse: refuseTimezone });
  await page.settle();
  const posts = byMethod(page, 'POST', '/subscriptions');
  assert.equal(posts.length, 2);
  assert.equal(posts[0].body.attributes.timezone, 'Etc/Unknown');
  assert.deepEqual(posts[1].body, { ...posts[0].body, attributes: { browser: 'chrome', device: 'desktop', locale: 'en-US' } });
  assert.deepEqual(page.events.filter((e) => e.name === 'error'), [], 'the browser\'s own value is no error of the store\'s');
  assert.deepEqual(page.events.filter((e) => e.name === 'subscribed').map((e) => e.detail.id), [(await page.api.state()).subscriptionId]);
  assert.equal('timezone' in page.cache.get('/__pushcart/config').attributes, false, 'the worker re-registers without it too');
});

test('a timezone the page set that the server refuses is reported, and the shopper is subscribed without it', async () => {
  const page = openPage({ refuse: refuseTimezone, queue: [['attributes', { timezone: 'Mars/Olympus', tier: 'gold' }]] });
  await page.settle(); // the visit's re-sync has run (nothing to do yet), so only subscribe() registers
  const error = page.next('error');
  const id = await page.api.subscribe();
  assert.ok(id);
  assert.match((await error).message, /"Mars\/Olympus" refused.*attributes\.timezone is not valid/);
  const posts = byMethod(page, 'POST', '/subscriptions');
  assert.equal(posts.length, 2);
  assert.equal(posts[1].body.attributes.timezone, undefined);
  assert.equal(posts[1].body.attributes.tier, 'gold');
  assert.deepEqual(plain((await page.api.state()).attributes), { tier: 'gold' }, 'forgotten, so later visits do not send it again');
});

test('an attribute update with a refused timezone is sent again without it and reported', async () => {
  const page = await subscribedPage({ refuse: (body) => (body.attributes && body.attributes.timezone === 'Mars/Olympus' ? 'attributes.timezone' : null) });
  const error = page.next('error');
  assert.equal(await page.api.attributes({ timezone: 'Mars/Olympus', tier: 'gold' }), true);
  assert.match((await error).message, /Mars\/Olympus/);
  assert.deepEqual(byMethod(page, 'PATCH', '').map((c) => c.body), [
    { attributes: { timezone: 'Mars/Olympus', tier: 'gold' } },
    { attributes: { tier: 'gold' } }
  ]);
});

test('a refused field other than the timezone is not retried: the registration fails and is reported', async () => {
  const page = openPage({ refuse: (body) => (body.attributes && 'tier' in body.attributes ? 'attributes.tier' : null), queue: [['attributes', { tier: 'x'.repeat(999) }]] });
  await page.settle();
  const error = page.next('error');
  await assert.rejects(page.api.subscribe(), (e) => e.status === 400);
  assert.match((await error).message, /answered 400/);
  assert.equal(byMethod(page, 'POST', '/subscriptions').length, 1);
  assert.equal((await page.api.state()).subscribed, false);
});
