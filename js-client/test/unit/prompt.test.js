'use strict';
// The soft prompt: its triggers, keyboard and click, the decline memory, texts and looks.
const test = require('node:test');
const assert = require('node:assert/strict');
const { openPage } = require('../support/fake-page');

test('the soft prompt appears when its delay has passed, not before', () => {
  const page = openPage({ dataset: 'data-site="SITE" data-delay="5"' });
  page.clock.tick(4999);
  assert.equal(page.dialog(), null);
  page.clock.tick(1);
  assert.ok(page.dialog());
  assert.equal(page.events[0].name, 'prompt');
});

test('a page-view trigger waits for that many page views in this browser', () => {
  const first = openPage({ dataset: 'data-site="SITE" data-page-views="2"' });
  first.clock.tick(60000);
  assert.equal(first.dialog(), null, 'first page view: no prompt');
  const second = openPage({ dataset: 'data-site="SITE" data-page-views="2"', storage: first.storage() });
  assert.ok(second.dialog(), 'second page view: prompt at once');
});

test('a scroll trigger shows the prompt once the shopper has seen that share of the page', () => {
  const page = openPage({
    dataset: 'data-site="SITE" data-scroll="50"',
    before(w) {
      Object.defineProperty(w.document.documentElement, 'scrollHeight', { value: 4000, configurable: true });
      Object.defineProperty(w, 'innerHeight', { value: 1000, configurable: true });
      Object.defineProperty(w, 'pageYOffset', { value: 0, writable: true, configurable: true });
    }
  });
  assert.equal(page.dialog(), null);
  page.window.pageYOffset = 900; // 47.5 %
  page.window.dispatchEvent(new page.window.Event('scroll'));
  assert.equal(page.dialog(), null);
  page.window.pageYOffset = 1000; // 50 %
  page.window.dispatchEvent(new page.window.Event('scroll'));
  assert.ok(page.dialog());
});

test('a manual trigger shows the prompt only when the page asks (e.g. on add-to-cart)', async () => {
  const page = openPage({ dataset: 'data-site="SITE" data-trigger="manual"' });
  page.clock.tick(600000);
  assert.equal(page.dialog(), null);
  assert.equal(await page.api.prompt(), true);
  assert.ok(page.dialog());
});

test('the prompt is an accessible dialog: role, label, description, focus on the question', () => {
  const page = openPage();
  page.document.getElementById('other').focus();
  page.clock.tick(5000);
  const dialog = page.dialog();
  assert.equal(dialog.getAttribute('role'), 'dialog');
  const title = page.document.getElementById(dialog.getAttribute('aria-labelledby'));
  const body = page.document.getElementById(dialog.getAttribute('aria-describedby'));
  assert.match(title.textContent, /deals/);
  assert.match(body.textContent, /turn it off/);
  assert.equal(page.document.activeElement, page.button('accept'));
  assert.equal(page.button('accept').tagName, 'BUTTON');
  assert.equal(page.button('decline').type, 'button');
});

test('the prompt does not take focus from a shopper typing in a field', () => {
  const page = openPage();
  const search = page.document.getElementById('search');
  search.focus();
  page.clock.tick(5000);
  assert.ok(page.dialog());
  assert.equal(page.document.activeElement, search);
});

test('accepting by click asks the browser inside that click and subscribes', async () => {
  const page = openPage({ answer: 'granted' });
  page.clock.tick(5000);
  const subscribed = page.next('subscribed');
  page.click(page.button('accept'));
  assert.equal(page.permissionCalls.length, 1);
  assert.equal(page.permissionCalls[0].inClick, true, 'requestPermission ran inside the click');
  assert.equal(page.dialog(), null);
  const { id } = await subscribed;
  const post = page.calls.find((c) => c.method === 'POST' && c.url.endsWith('/subscriptions'));
  assert.equal(post.url, 'https://push.test/v1/sites/SITE/subscriptions');
  assert.match(post.body.endpoint, /^https:\/\/push.test\/ep\/\d+$/);
  assert.equal(id, (await page.api.state()).subscriptionId);
});

test('accepting by keyboard (Enter on the focused button) works like a click', async () => {
  const page = openPage({ answer: 'granted' });
  page.clock.tick(5000);
  const accept = page.document.activeElement;
  assert.equal(accept, page.button('accept'));
  const subscribed = page.next('subscribed');
  // A browser turns Enter on a focused button into a click; jsdom does not, so do what it does.
  page.key('Enter', accept);
  page.click(accept);
  await subscribed;
  assert.equal(page.permissionCalls[0].inClick, true);
});

test('declining by click records the decline and restores focus', () => {
  const page = openPage();
  const other = page.document.getElementById('other');
  other.focus();
  page.clock.tick(5000);
  page.click(page.button('decline'));
  assert.equal(page.dialog(), null);
  assert.equal(page.permissionCalls.length, 0, 'the native prompt is never shown after "not now"');
  assert.ok(page.state().d > 0);
  assert.equal(page.document.activeElement, other);
  assert.deepEqual(page.events.map((e) => e.name), ['prompt', 'decline']);
});

test('Escape declines', () => {
  const page = openPage();
  page.clock.tick(5000);
  page.key('Escape');
  assert.equal(page.dialog(), null);
  assert.ok(page.state().d > 0);
});

test('Escape while the shopper types in the store\'s own field belongs to that field: the prompt stays', () => {
  const page = openPage();
  const search = page.document.getElementById('search');
  search.focus();
  page.clock.tick(5000);
  assert.ok(page.dialog());
  assert.equal(page.document.activeElement, search, 'typing is not interrupted');
  let pageSawIt = null;
  search.addEventListener('keydown', (e) => { pageSawIt = e.defaultPrevented; });
  page.key('Escape', search);
  assert.equal(pageSawIt, false, 'not swallowed by the prompt');
  assert.ok(page.dialog());
  assert.equal(page.state().d, undefined);
});

test('Tab and Shift+Tab cycle between the two buttons and do not leave the dialog', () => {
  const page = openPage();
  page.clock.tick(5000);
  assert.equal(page.document.activeElement, page.button('accept'));
  page.key('Tab');
  assert.equal(page.document.activeElement, page.button('decline'));
  page.key('Tab');
  assert.equal(page.document.activeElement, page.button('accept'));
  page.key('Tab', undefined, { shiftKey: true });
  assert.equal(page.document.activeElement, page.button('decline'));
});

test('a shopper who declined is not asked again on later visits, nor by the page API', async () => {
  const first = openPage();
  first.clock.tick(5000);
  first.click(first.button('decline'));
  const again = openPage({ storage: first.storage() });
  again.clock.tick(600000);
  assert.equal(again.dialog(), null);
  assert.equal(await again.api.prompt(), false);
  assert.equal(again.dialog(), null);
  assert.match((await again.api.state()).declinedUntil, /^\d{4}-/);
});

test('after the configured number of days the shopper may be asked again', () => {
  const old = JSON.stringify({ v: 3, d: Date.now() - 8 * 864e5 });
  const within = openPage({ dataset: 'data-site="SITE" data-delay="1" data-decline-days="10"', storage: { pushcart: old } });
  within.clock.tick(1000);
  assert.equal(within.dialog(), null);
  const after = openPage({ dataset: 'data-site="SITE" data-delay="1" data-decline-days="7"', storage: { pushcart: old } });
  after.clock.tick(1000);
  assert.ok(after.dialog());
});

test('a native "block" counts as a decline; a blocked browser is never prompted', () => {
  const page = openPage({ answer: 'denied' });
  page.clock.tick(5000);
  page.click(page.button('accept'));
  const blocked = openPage({ permission: 'denied', storage: {} });
  blocked.clock.tick(600000);
  assert.equal(blocked.dialog(), null);
});

test('texts follow the shopper\'s language, with store overrides and extra languages', () => {
  const de = openPage({ language: 'de-DE' });
  de.clock.tick(5000);
  assert.equal(de.button('decline').textContent, 'Jetzt nicht');
  const custom = openPage({
    queue: [['init', { lang: 'nl', texts: { nl: { accept: 'Toestaan' } }, text: { title: 'Sale alerts?' } }]]
  });
  custom.clock.tick(5000);
  assert.equal(custom.button('accept').textContent, 'Toestaan');
  assert.equal(custom.document.getElementById('pushcart-title').textContent, 'Sale alerts?');
  assert.equal(custom.button('decline').textContent, 'Not now', 'missing words fall back to English');
});

test('position and colours are configurable', () => {
  const page = openPage({ queue: [['init', { position: 'top', colors: { background: 'rgb(1, 2, 3)', accent: 'rgb(9, 9, 9)' } }]] });
  page.clock.tick(5000);
  const dialog = page.dialog();
  assert.equal(dialog.style.top, '16px');
  assert.equal(dialog.style.backgroundColor, 'rgb(1, 2, 3)');
  assert.equal(page.button('accept').style.backgroundColor, 'rgb(9, 9, 9)');
});

test('native mode asks the browser directly when triggered', () => {
  const page = openPage({ dataset: 'data-site="SITE" data-prompt="native" data-delay="2"' });
  page.clock.tick(2000);
  assert.equal(page.dialog(), null);
  assert.equal(page.permissionCalls.length, 1);
});

test('prompt mode "none" never shows anything by itself', async () => {
  const page = openPage({ dataset: 'data-site="SITE" data-prompt="none"' });
  page.clock.tick(600000);
  assert.equal(page.dialog(), null);
  assert.equal(await page.api.prompt(), false);
});

const IPHONE_17 = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const IPHONE_15 = 'Mozilla/5.0 (iPhone; CPU iPhone OS 15_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6 Mobile/15E148 Safari/604.1';

test('iOS Safari in a tab gets add-to-home-screen guidance instead of a prompt', () => {
  const page = openPage({ supported: false, userAgent: IPHONE_17 });
  page.clock.tick(5000);
  assert.ok(page.dialog());
  assert.match(page.dialog().textContent, /Add to Home Screen/);
  assert.equal(page.button('accept'), null);
  page.click(page.button('ok'));
  assert.equal(page.dialog(), null);
  const again = openPage({ supported: false, userAgent: IPHONE_17, storage: page.storage() });
  again.clock.tick(600000);
  assert.equal(again.dialog(), null, 'guidance read once is not repeated');
});

test('iOS before 16.4 cannot push at all: nothing is shown', () => {
  const page = openPage({ supported: false, userAgent: IPHONE_15 });
  page.clock.tick(600000);
  assert.equal(page.dialog(), null);
});
