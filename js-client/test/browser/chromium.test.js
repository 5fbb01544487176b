'use strict';
// Real Chromium (Debian's, headless) against the real Pushcart server: the soft prompt by
// mouse and keyboard, the decline memory, and the worker showing a campaign and reporting it.
// Chromium cannot reach its push service here (pushManager.subscribe() never settles), so the
// worker tests hand it the push through DevTools (ServiceWorker.deliverPushMessage) and use a
// stand-in subscription on a local push service; Firefox's test covers a real subscription.
// Chromium shows its notifications on a desktop notification service the test plays
// (notification-daemon.js), where the test clicks and dismisses them as a shopper would.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startPushcart, startStore, until } = require('../support/servers');
const { startFakePushService } = require('../support/fake-push-service');
const { subscriberKeys } = require('../support/push-keys');
const { launchChromium } = require('../support/chromium');
const { startNotificationDaemon } = require('../support/notification-daemon');

// Records the snippet's events and every permission request (with whether it ran inside a
// user activation, which Safari and Firefox require) from the first line of each document.
const RECORDER = () => {
  window.__events = [];
  for (const name of ['prompt', 'accept', 'decline', 'subscribed', 'unsubscribed', 'error']) {
    window.addEventListener('pushcart:' + name, (e) => window.__events.push({ name, detail: e.detail, at: performance.now() }));
  }
  window.__permissionCalls = [];
  if (window.Notification) {
    const original = Notification.requestPermission.bind(Notification);
    Notification.requestPermission = (cb) => {
      window.__permissionCalls.push({ userActivation: navigator.userActivation.isActive });
      return original(cb);
    };
  }
};

let pushcart;
let pushService;
let store;
let site;
let browser;
let desktop;

test.before(async () => {
  desktop = await startNotificationDaemon(); // before Chromium: it looks for the service at start
  pushService = await startFakePushService();
  pushcart = await startPushcart({ pushHosts: [pushService.host] });
  store = await startStore({ pushcart });
  site = await pushcart.createSite([store.origin]);
  store.options.site = site;
  browser = await launchChromium({ notifications: desktop });
});

test.after(async () => {
  if (browser) await browser.close();
  if (store) await store.stop();
  if (pushcart) await pushcart.stop();
  if (pushService) await pushService.stop();
  if (desktop) await desktop.stop();
});

/** A fresh shopper: a new browser context (own storage and permissions). */
async function shopper() {
  return browser.createBrowserContext();
}

async function visit(context, dataset, path = '/') {
  store.options.dataset = dataset;
  const page = await context.newPage();
  await page.evaluateOnNewDocument(RECORDER);
  await page.goto(store.origin + path);
  await page.waitForFunction(() => window.pushcart && window.pushcart.version, { timeout: 10000 });
  return page;
}

const eventSeen = (page, name, timeout = 10000) =>
  page.waitForFunction((n) => window.__events.find((e) => e.name === n), { timeout, polling: 50 }, name).then((h) => h.jsonValue());
const focusedControl = (page) => page.evaluate(() => document.activeElement && document.activeElement.getAttribute('data-pushcart'));
const promptShown = (page) => page.evaluate(() => !!document.querySelector('.pushcart-prompt'));

test('the soft prompt appears after its delay, as an accessible dialog with focus on its question', async () => {
  const context = await shopper();
  try {
    const page = await visit(context, 'data-delay="1"');
    const prompt = await eventSeen(page, 'prompt');
    // performance.now() counts from navigation start, which precedes the script's start.
    assert.ok(prompt.at >= 1000, `shown ${prompt.at} ms after navigation start, not before its 1 s delay`);
    const dialog = await page.evaluate(() => {
      const d = document.querySelector('.pushcart-prompt');
      return {
        role: d.getAttribute('role'),
        label: document.getElementById(d.getAttribute('aria-labelledby')).textContent,
        description: document.getElementById(d.getAttribute('aria-describedby')).textContent,
        visible: d.getBoundingClientRect().height > 0
      };
    });
    assert.deepEqual({ role: dialog.role, visible: dialog.visible }, { role: 'dialog', visible: true });
    assert.match(dialog.label, /deals/);
    assert.match(dialog.description, /notification/);
    assert.equal(await focusedControl(page), 'accept');
  } finally {
    await context.close();
  }
});

test('Escape declines, and the declined shopper is not asked again on the next visit', async () => {
  const context = await shopper();
  try {
    const page = await visit(context, 'data-delay="0"');
    await page.waitForSelector('.pushcart-prompt', { timeout: 10000 });
    await page.keyboard.press('Escape');
    await eventSeen(page, 'decline');
    assert.equal(await promptShown(page), false);
    assert.equal((await page.evaluate(() => window.__permissionCalls)).length, 0);

    const again = await visit(context, 'data-delay="0"'); // would prompt at once if allowed
    assert.equal(await promptShown(again), false);
    assert.equal(await again.evaluate(() => pushcart.prompt()), false, 'not even when the page asks');
    assert.match((await again.evaluate(() => pushcart.state())).declinedUntil, /^\d{4}-/);
  } finally {
    await context.close();
  }
  const stranger = await shopper();
  try {
    const page = await visit(stranger, 'data-delay="0"');
    assert.equal(await promptShown(page), true, 'another shopper is still asked');
  } finally {
    await stranger.close();
  }
});

test('declining with the keyboard (Shift+Tab to "Not now", Enter) and with the mouse', async () => {
  const keyboard = await shopper();
  try {
    const page = await visit(keyboard, 'data-delay="0"');
    await page.waitForSelector('.pushcart-prompt');
    await page.keyboard.down('Shift');
    await page.keyboard.press('Tab');
    await page.keyboard.up('Shift');
    assert.equal(await focusedControl(page), 'decline');
    await page.keyboard.press('Tab'); // Tab cycles within the dialog
    assert.equal(await focusedControl(page), 'accept');
    await page.keyboard.press('Tab');
    assert.equal(await focusedControl(page), 'decline');
    await page.keyboard.press('Enter');
    await eventSeen(page, 'decline');
    assert.equal(await promptShown(page), false);
  } finally {
    await keyboard.close();
  }
  const mouse = await shopper();
  try {
    const page = await visit(mouse, 'data-trigger="manual"');
    assert.equal(await promptShown(page), false, 'a manual trigger waits for the page');
    await page.evaluate(() => pushcart.prompt());
    await page.click('[data-pushcart="decline"]');
    await eventSeen(page, 'decline');
    const next = await visit(mouse, 'data-trigger="manual"');
    assert.equal(await next.evaluate(() => pushcart.prompt()), false);
  } finally {
    await mouse.close();
  }
});

test('Escape in the store\'s search field is left to the page: the prompt stays until the shopper answers', async () => {
  const context = await shopper();
  try {
    const page = await visit(context, 'data-trigger="manual"');
    await page.click('#search');
    await page.keyboard.type('boots');
    await page.evaluate(() => pushcart.prompt());
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search', 'typing is not interrupted');
    await page.evaluate(() => document.getElementById('search').addEventListener('keydown', (e) => { window.__escapeSeen = !e.defaultPrevented; }));
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => window.__escapeSeen), true);
    assert.equal(await promptShown(page), true);
    assert.equal((await page.evaluate(() => pushcart.state())).declinedUntil, null);
  } finally {
    await context.close();
  }
});

for (const how of ['click', 'keyboard']) {
  test(`accepting by ${how} asks the browser inside the user's gesture, then subscribes (timing out here)`, async () => {
    // A browser of its own: an incognito context refuses push at once, a regular profile hangs
    // in pushManager.subscribe() as a real shopper's Chromium without its push service would.
    const own = await launchChromium();
    const context = own.defaultBrowserContext();
    try {
      const page = await visit(context, 'data-delay="0"');
      await page.waitForSelector('.pushcart-prompt');
      // Headless Chromium answers "denied" to a real request; grant it as the shopper would.
      await context.overridePermissions(store.origin, ['notifications']);
      if (how === 'click') await page.click('[data-pushcart="accept"]');
      else await page.keyboard.press('Enter');
      await eventSeen(page, 'accept');
      assert.deepEqual(await page.evaluate(() => window.__permissionCalls), [{ userActivation: true }]);
      assert.equal(await promptShown(page), false);
      // The page set subscribeTimeout: 3000; Chromium's push service is out of reach here.
      const error = await eventSeen(page, 'error', 15000);
      assert.match(error.detail.message, /pushManager\.subscribe\(\) timed out/);
      const worker = await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r && r.active && r.active.scriptURL));
      assert.equal(worker, store.origin + '/pushcart-worker.js');
    } finally {
      await own.close();
    }
  });
}

test('a browser "block" counts as a decline', async () => {
  const context = await shopper();
  try {
    const page = await visit(context, 'data-delay="0"');
    await page.waitForSelector('.pushcart-prompt');
    await page.click('[data-pushcart="accept"]'); // headless Chromium denies
    await eventSeen(page, 'decline');
    assert.equal(await page.evaluate(() => Notification.permission), 'denied');
    const next = await visit(context, 'data-delay="0"');
    assert.equal(await promptShown(next), false);
  } finally {
    await context.close();
  }
});

// ---- Refusals a page can read ----

test('a page reads the status and message of a refusal: a wrong origin (403), an unknown site (404), a rate limit (429)', async () => {
  const elsewhere = await pushcart.createSite(['https://elsewhere.example']);
  const burst = await pushcart.createSite([store.origin]);
  const context = await shopper();
  try {
    store.options.dataset = 'data-trigger="manual"';
    const page = await context.newPage();
    await page.goto(store.origin + '/');
    const read = (url, init = {}) => page.evaluate(async (u, i) => {
      try {
        const res = await fetch(u, { cache: 'no-store', ...i });
        return { status: res.status, body: await res.json() };
      } catch (e) {
        return { network: e.name };
      }
    }, url, init);

    const wrongOrigin = await read(`${pushcart.url}/v1/sites/${elsewhere.id}/public`);
    assert.equal(wrongOrigin.status, 403);
    assert.match(wrongOrigin.body.error.message, new RegExp(`origin ${store.origin} is not among the site's allowed origins`));
    const unknown = await read(`${pushcart.url}/v1/sites/nosuchsite1234/public`);
    assert.deepEqual(unknown, { status: 404, body: { error: { code: 'not_found', message: 'site nosuchsite1234 not found' } } });
    // A preflighted call from a wrong origin is refused at its preflight: still a network error to the page.
    const preflighted = await read(`${pushcart.url}/v1/sites/${elsewhere.id}/subscriptions`,
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.deepEqual(preflighted, { network: 'TypeError' });

    // The server's default: 600 a minute per address (a window's edge mid-burst only delays the 429).
    const limited = await page.evaluate(async (u) => {
      for (let i = 1; i <= 1500; i++) {
        const res = await fetch(u, { cache: 'no-store' });
        if (res.status === 429) return { after: i, retryAfter: res.headers.get('Retry-After'), body: await res.json() };
      }
      return null;
    }, `${pushcart.url}/v1/sites/${burst.id}/public`);
    assert.ok(limited, 'a 429 within 1,500 calls');
    assert.ok(limited.after > 600, `refused after ${limited.after} calls`);
    assert.equal(limited.body.error.code, 'rate_limited');
    assert.ok(Number(limited.retryAfter) >= 1 && Number(limited.retryAfter) <= 60, `Retry-After ${limited.retryAfter}`);
  } finally {
    await context.close();
  }
});

// ---- The worker ----
//
// The tests watch the worker's calls to the real showNotification through DevTools (every
// option, and whether Chromium accepted it), read what Chromium put on the desktop from the
// notification service, and click or dismiss it there: Chromium then dispatches the trusted
// notificationclick or notificationclose, with the user activation a real click gives.

/** Installed in the worker through DevTools: records every showNotification and its outcome. */
const WATCH_SHOWS = () => {
  self.__shown = [];
  const original = self.registration.showNotification.bind(self.registration);
  self.registration.showNotification = (title, options) => {
    const entry = { title, options: JSON.parse(JSON.stringify(options || {})), outcome: 'pending' };
    self.__shown.push(entry);
    return original(title, options).then(
      (v) => { entry.outcome = 'shown'; return v; },
      (e) => { entry.outcome = `${e.name}: ${e.message}`; throw e; });
  };
};

/**
 * A shopper with notifications granted whose page registered the worker. Chromium cannot
 * subscribe here, so a stand-in subscription (keys made in Node, endpoint on the local push
 * service) is registered with the server, and the worker is handed its id the way the
 * snippet does after a real subscribe (Cache Storage). Each has a Chromium of its own: clicks
 * on notifications of an incognito context (what shopper() makes) never reach its worker.
 */
async function grantedShopper(tag) {
  const own = await launchChromium({ notifications: desktop });
  const context = own.defaultBrowserContext();
  await context.overridePermissions(store.origin, ['notifications']);
  const page = await context.newPage();
  const cdp = await page.createCDPSession();
  const registrations = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
  const versions = [];
  cdp.on('ServiceWorker.workerVersionUpdated', (e) => versions.push(...e.versions));
  await cdp.send('ServiceWorker.enable');
  store.options.dataset = 'data-trigger="manual"';
  await page.evaluateOnNewDocument(RECORDER);
  await page.goto(store.origin + '/');
  await eventSeen(page, 'error', 15000); // the visit's re-sync: worker registered, subscribe refused
  const registrationId = await until('the worker registration', () => {
    const r = registrations.find((x) => !x.isDeleted && x.scopeURL === store.origin + '/');
    const active = versions.find((v) => r && v.registrationId === r.registrationId && v.status === 'activated');
    return active && r.registrationId;
  });
  await page.reload(); // now controlled by the worker, as a returning shopper's tab is
  await page.waitForFunction(() => navigator.serviceWorker.controller, { timeout: 10000 });

  const keys = subscriberKeys();
  const endpoint = pushService.endpoint(tag);
  const { id } = await pushcart.subscribe(site, { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth }, tags: [tag] });
  await page.evaluate(async (config) => {
    const cache = await caches.open('pushcart');
    await cache.put('/__pushcart/config', new Response(JSON.stringify(config)));
  }, { server: pushcart.url, site: site.id, id });
  const target = await own.waitForTarget((t) => t.type() === 'service_worker' && t.url() === store.origin + '/pushcart-worker.js');
  const worker = await target.worker();
  await worker.evaluate(WATCH_SHOWS);
  return { browser: own, context, page, cdp, registrationId, keys, id, worker, tag, pushes: 0, close: () => own.close() };
}

/** Sends a campaign to the shopper's tag, reads what reached the push service, and hands it to Chromium's worker. */
async function pushCampaign(s, notification) {
  const campaign = await pushcart.createCampaign(site, { name: `test ${s.tag}`, audience: { tags: { any: [s.tag] } }, notification });
  const message = await pushService.message(s.tag, 20000, s.pushes);
  s.pushes += 1;
  assert.equal(message.headers['content-encoding'], 'aes128gcm');
  const payload = s.keys.decrypt(message.body);
  await pushcart.statsUntil(site, campaign.id, 'accepted 1', (st) => st.accepted === 1);
  await deliver(s, payload);
  return { campaign, payload: JSON.parse(payload) };
}

async function deliver(s, data) {
  const before = await s.worker.evaluate(() => self.__shown.length);
  await s.cdp.send('ServiceWorker.deliverPushMessage', { origin: store.origin, registrationId: s.registrationId, data });
  return until('the worker to show a notification', () => s.worker.evaluate((n) => {
    const e = self.__shown[n];
    return e && e.outcome !== 'pending' && e;
  }, before), 15000, 50);
}

test('the worker shows the campaign the server sent, then its delivered receipt reaches the campaign stats', async () => {
  const s = await grantedShopper('chromium-show');
  try {
    const { campaign, payload } = await pushCampaign(s, {
      title: 'Flash sale: 50% off shoes', body: 'Two hours only', url: `${store.origin}/sale?utm_source=push`,
      icon: `${store.origin}/icon.png`, image: `${store.origin}/shoes.jpg`, badge: `${store.origin}/badge.png`,
      tag: 'shoe-sale', requireInteraction: true,
      actions: [{ action: 'shop', title: 'Shop now', url: `${store.origin}/shoes` }, { action: 'later', title: 'Later' }]
    });
    assert.equal(payload.campaignId, campaign.id);
    assert.equal(payload.siteId, site.id);
    const [n] = await s.worker.evaluate(() => self.__shown);
    assert.equal(n.outcome, 'shown', 'Chromium accepted the notification');
    assert.equal(n.title, 'Flash sale: 50% off shoes');
    assert.deepEqual(n.options, {
      body: 'Two hours only', tag: 'shoe-sale', renotify: true, requireInteraction: true,
      icon: `${store.origin}/icon.png`, image: `${store.origin}/shoes.jpg`, badge: `${store.origin}/badge.png`,
      actions: [{ action: 'shop', title: 'Shop now' }, { action: 'later', title: 'Later' }],
      data: {
        url: `${store.origin}/sale?utm_source=push`, campaignId: campaign.id, siteId: site.id,
        actions: [{ action: 'shop', url: `${store.origin}/shoes` }, { action: 'later', url: null }]
      }
    });
    const stats = await pushcart.statsUntil(site, campaign.id, 'delivered 1', (st) => st.delivered === 1);
    assert.equal(stats.clicked, 0);
  } finally {
    await s.close();
  }
});

test('an automation step and a transactional push show, and their delivered receipts reach their stats', async () => {
  const s = await grantedShopper('chromium-automation');
  try {
    // A cart reminder one second after the cart, for this shopper's cart only.
    const automation = await pushcart.api(site, 'POST', '/automations', {
      name: 'Cart reminder', trigger: 'cart_abandoned',
      steps: [{ delay: 'PT1S', notification: { title: '{{ cart.items[0].name }} is waiting', url: `${store.origin}/cart` } }]
    });
    await pushcart.api(site, 'POST', '/events', {
      type: 'cart.updated', subscriptionId: s.id,
      data: { cartId: 'chromium-cart', currency: 'EUR', total: 20, items: [{ productId: 'mug', name: 'Blue mug', quantity: 1, price: 20 }] }
    });
    const step = await pushService.message(s.tag, 20000, s.pushes);
    s.pushes += 1;
    const stepPayload = s.keys.decrypt(step.body);
    assert.equal(JSON.parse(stepPayload).automationId, automation.id);
    await deliver(s, stepPayload);
    await until('the step\'s delivered receipt', async () => {
      const a = await pushcart.api(site, 'GET', `/automations/${automation.id}`);
      return a.stats.steps[0].delivered === 1;
    }, 30000, 150);

    const sent = await pushcart.api(site, 'POST', '/notifications', {
      id: 'chromium-shipped', subscriptionId: s.id, notification: { title: 'Your order has shipped' }
    });
    const push = await pushService.message(s.tag, 20000, s.pushes);
    s.pushes += 1;
    const payload = s.keys.decrypt(push.body);
    assert.equal(JSON.parse(payload).notificationId, sent.id);
    await deliver(s, payload);
    const shown = await s.worker.evaluate(() => self.__shown.map((n) => [n.title, n.options.tag, n.options.data]));
    assert.deepEqual(shown.map(([title]) => title), ['Blue mug is waiting', 'Your order has shipped']);
    assert.match(shown[1][1], /^pc-n-/, 'one tag per push: a repeat replaces its twin');
    assert.equal(shown[1][2].notificationId, 'chromium-shipped');
    await until('the push\'s delivered receipt', async () => {
      const n = await pushcart.api(site, 'GET', '/notifications/chromium-shipped');
      return n.stats.delivered === 1 && n.devices[0].outcome === 'accepted';
    }, 30000, 150);
  } finally {
    await s.close();
  }
});

/** What Chromium put on the desktop for the notification titled `title`. */
const onDesktop = (title) => desktop.next((n) => n.summary === title);
/** Whether the tab is the one in front (Chromium hides the other tabs of its window). */
const inFront = (page) => page.evaluate(() => document.visibilityState === 'visible' && document.hasFocus());
const storeTabs = async (s) => (await s.context.pages()).filter((p) => p.url().startsWith(store.origin)).length;
/** Opens another tab in the shopper's browser and brings it to the front, hiding the store's tab. */
async function otherTabInFront(s) {
  const other = await s.context.newPage();
  await other.goto(`${pushcart.url}/health`);
  await other.bringToFront();
  await s.page.waitForFunction(() => document.visibilityState === 'hidden', { timeout: 10000 });
  return other;
}

test('with no store tab open, clicking the notification opens its url in a new window and counts the click', async () => {
  const s = await grantedShopper('chromium-new-window');
  try {
    const url = `${store.origin}/sale?utm_source=push&c=new-window`;
    const { campaign } = await pushCampaign(s, { title: 'Shoes are back', body: 'In your size', url });
    const n = await onDesktop('Shoes are back');
    assert.match(n.body, /In your size/);
    await s.page.close(); // the shopper left the store
    desktop.click(n);
    const opened = await s.browser.waitForTarget((t) => t.url() === url, { timeout: 15000 });
    assert.equal(opened.type(), 'page');
    await desktop.closed(n);
    const stats = await pushcart.statsUntil(site, campaign.id, 'clicked 1', (st) => st.clicked === 1);
    assert.equal(stats.delivered, 1);
  } finally {
    await s.close();
  }
});

test('clicking brings the store\'s open tab to the front at the url; a button opens its own url; a tab already there is not reloaded', async () => {
  const s = await grantedShopper('chromium-focus');
  try {
    const url = `${store.origin}/sale?utm_source=push&c=focus`;
    const { campaign } = await pushCampaign(s, {
      title: 'Back in stock', url, tag: 'stock',
      actions: [{ action: 'cart', title: 'View cart', url: `${store.origin}/cart` }]
    });
    const n = await onDesktop('Back in stock');
    assert.deepEqual(n.actions.map((a) => a.label).filter((l) => l === 'View cart'), ['View cart']);
    const other = await otherTabInFront(s);
    desktop.click(n);
    await s.page.waitForFunction((u) => location.href === u && document.visibilityState === 'visible', { timeout: 15000 }, url);
    assert.equal(await inFront(s.page), true, 'the store tab was focused');
    assert.equal(await other.evaluate(() => document.visibilityState), 'hidden');
    assert.equal(await storeTabs(s), 1, 'no window was opened');
    await pushcart.statsUntil(site, campaign.id, 'clicked 1', (st) => st.clicked === 1);

    // The button: its own url, in the same tab.
    await pushCampaign(s, {
      title: 'Your cart is waiting', url: `${store.origin}/p/9`,
      actions: [{ action: 'cart', title: 'View cart', url: `${store.origin}/cart` }]
    });
    const withButton = await onDesktop('Your cart is waiting');
    await other.bringToFront();
    await s.page.waitForFunction(() => document.visibilityState === 'hidden', { timeout: 10000 });
    desktop.click(withButton, 'View cart');
    await s.page.waitForFunction((u) => location.href === u && document.visibilityState === 'visible', { timeout: 15000 }, `${store.origin}/cart`);

    // A tab already at the url is only brought to the front.
    await s.page.evaluate(() => { window.__notReloaded = true; });
    await pushCampaign(s, { title: 'Still in your cart', url: `${store.origin}/cart` });
    const again = await onDesktop('Still in your cart');
    await other.bringToFront();
    await s.page.waitForFunction(() => document.visibilityState === 'hidden', { timeout: 10000 });
    desktop.click(again);
    await s.page.waitForFunction(() => document.visibilityState === 'visible', { timeout: 15000 });
    assert.equal(await s.page.evaluate(() => window.__notReloaded), true);
    assert.equal(await storeTabs(s), 1);
  } finally {
    await s.close();
  }
});

test('a store tab the worker does not control is left alone: the click opens the url in a new window', async () => {
  const s = await grantedShopper('chromium-uncontrolled');
  try {
    const url = `${store.origin}/sale?utm_source=push&c=uncontrolled`;
    await pushCampaign(s, { title: 'Last day of the sale', url });
    const n = await onDesktop('Last day of the sale');
    await s.page.reload({ ignoreCache: true }); // Shift+Reload: the page bypasses the worker
    assert.equal(await s.page.evaluate(() => navigator.serviceWorker.controller), null);
    await otherTabInFront(s);
    desktop.click(n);
    const opened = await s.browser.waitForTarget((t) => t.url() === url, { timeout: 15000 });
    assert.notEqual(await opened.page(), s.page);
    assert.equal(s.page.url(), `${store.origin}/`);
  } finally {
    await s.close();
  }
});

test('dismissing the notification counts a close, not a click', async () => {
  const s = await grantedShopper('chromium-close');
  try {
    const { campaign } = await pushCampaign(s, { title: 'Price drop', url: `${store.origin}/p/1` });
    const [shown] = await s.worker.evaluate(() => self.__shown);
    assert.equal(shown.options.tag, `pc-${campaign.id}`, 'the server tags by campaign when the marketer did not');
    desktop.dismiss(await onDesktop('Price drop'));
    const stats = await pushcart.statsUntil(site, campaign.id, 'closed 1', (st) => st.closed === 1);
    assert.equal(stats.clicked, 0);
  } finally {
    await s.close();
  }
});

test('a push the worker cannot read still shows a notification', async () => {
  const s = await grantedShopper('chromium-garbage');
  try {
    const n = await deliver(s, '\u0001not json');
    assert.equal(n.outcome, 'shown');
    assert.equal(n.title, '127.0.0.1');
    assert.equal(n.options.renotify, true);
    assert.equal(n.options.tag, 'pushcart');
  } finally {
    await s.close();
  }
});

test('the demo store served by Pushcart loads the snippet, and its worker file is JavaScript', async () => {
  const demoSite = await pushcart.createSite([pushcart.url]);
  const worker = await fetch(`${pushcart.url}/demo/sw.js`, { redirect: 'manual' });
  assert.equal(worker.status, 200);
  assert.match(worker.headers.get('content-type'), /javascript/);
  assert.match(await worker.text(), /importScripts\('\/sdk\/pushcart-sw\.js'\)/);
  const context = await shopper();
  try {
    const page = await context.newPage();
    await page.evaluateOnNewDocument(RECORDER);
    await page.goto(`${pushcart.url}/demo/?site=${demoSite.id}`);
    await page.waitForFunction(() => window.pushcart && window.pushcart.version, { timeout: 10000 });
    await page.click('#ask');
    await page.waitForSelector('.pushcart-prompt', { timeout: 10000 });
    await page.click('[data-pushcart="decline"]');
    await eventSeen(page, 'decline');
    await page.waitForFunction(() => /pushcart:decline/.test(document.getElementById('log').textContent), { timeout: 10000 });
    // identify: the page shows how to sign (it never holds the identity secret) and needs the signature pasted in.
    assert.match(await page.$eval('#sign', (el) => el.textContent), /printf %s 'demo-customer-1' \| openssl dgst -sha256 -hmac "\$IDENTITY_SECRET"/);
    await page.click('#identify');
    await page.waitForFunction(() => /identify failed: .*needs both/.test(document.getElementById('log').textContent), { timeout: 10000 });
    await page.type('#signature', 'a'.repeat(64));
    await page.click('#identify');
    await page.waitForFunction(() => /identify\("demo-customer-1", "a{64}"\) → false/.test(document.getElementById('log').textContent), { timeout: 10000 });
  } finally {
    await context.close();
  }
});
