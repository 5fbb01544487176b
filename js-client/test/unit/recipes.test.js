'use strict';
// The page code docs/js-snippet.md gives stores (a product page, the cart, the back-in-stock
// "Notify me" button), run as written in the fake store page, embedded before the snippet has
// loaded as a store's inline script is.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { openPage } = require('../support/fake-page');

const DOC = fs.readFileSync(path.join(__dirname, '../../../docs/js-snippet.md'), 'utf8');
const plain = (v) => JSON.parse(JSON.stringify(v));
const events = (page) => page.calls.filter((c) => c.method === 'POST' && c.url.endsWith('/events')).map((c) => c.body);
// MARKETING.md §3: the data a page reports.
const PRODUCT_FIELDS = ['productId', 'variantId', 'name', 'price', 'currency', 'inStock', 'imageUrl', 'url'].sort();
const CART_FIELDS = ['cartId', 'items', 'total', 'currency', 'checkoutUrl'].sort();
const ITEM_FIELDS = ['productId', 'variantId', 'name', 'quantity', 'price', 'imageUrl', 'url'].sort();

/** The ```html block after `<!-- recipe: NAME -->`: its markup and its script. */
function recipe(name) {
  const m = new RegExp(`<!-- recipe: ${name} -->\\s*\\n\`\`\`html\\n([\\s\\S]*?)\\n\`\`\``).exec(DOC);
  assert.ok(m, `docs/js-snippet.md has the ${name} recipe`);
  const script = /<script>([\s\S]*?)<\/script>/.exec(m[1]);
  return { html: m[1].replace(script[0], ''), js: script[1] };
}

/** Opens the store page with the recipe's markup and script in it, before the snippet loads. */
function pageWith(name, options = {}) {
  const { html, js } = recipe(name);
  return openPage({
    ...options,
    before: (w) => {
      w.document.body.insertAdjacentHTML('beforeend', (options.markup || '') + html);
      w.eval(js);
    }
  });
}

/** Polls (bounded) until `done()` holds: the recipe's promise chains have no event to await. */
async function until(done) {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(done(), 'reached in time');
}

test('the product page recipe reports the variant shown, and another one when the shopper picks it', async () => {
  const markup = '<select id="size"><option>42</option><option data-variant-id="SH-1-43" data-name="Trail running shoes, size 43"' +
    ' data-price="92.50" data-in-stock="false" data-image-url="https://shop.example/img/sh-1.jpg"' +
    ' data-url="https://shop.example/p/trail-running-shoes?variant=SH-1-43">43</option></select>';
  const page = pageWith('product-page', { permission: 'granted', markup });
  await page.next('subscribed');
  await page.settle();
  const select = page.document.getElementById('size');
  select.selectedIndex = 1;
  select.dispatchEvent(new page.window.Event('change'));
  await page.settle();
  const [shown, picked] = events(page);
  assert.equal(shown.type, 'product.viewed');
  assert.deepEqual(Object.keys(shown.data).sort(), PRODUCT_FIELDS);
  assert.equal(shown.data.inStock, true);
  assert.deepEqual(plain(picked.data), {
    productId: 'SH-1', variantId: 'SH-1-43', name: 'Trail running shoes, size 43', price: 92.5, currency: 'EUR', inStock: false,
    imageUrl: 'https://shop.example/img/sh-1.jpg', url: 'https://shop.example/p/trail-running-shoes?variant=SH-1-43'
  });
});

test('the cart recipe reports the whole cart with the fields of cart.updated', async () => {
  const page = pageWith('cart', { permission: 'granted' });
  await page.next('subscribed');
  await page.settle();
  const [cart] = events(page);
  assert.equal(cart.type, 'cart.updated');
  assert.deepEqual(Object.keys(cart.data).sort(), CART_FIELDS);
  assert.ok(cart.data.items.length > 0);
  for (const item of cart.data.items) assert.deepEqual(Object.keys(item).sort(), ITEM_FIELDS);
  const sum = cart.data.items.reduce((t, i) => t + i.quantity * i.price, 0);
  assert.equal(Math.round(sum * 100), Math.round(cart.data.total * 100), 'the total is the items\'');
});

test('"Notify me" subscribes a shopper who is not subscribed, inside the click, then reports the variant out of stock', async () => {
  const page = pageWith('notify-me', { permission: 'default' });
  await page.settle();
  const button = page.document.getElementById('notify-me');
  assert.equal(button.hidden, false, 'shown once the script knows the browser can push');
  page.click(button);
  await until(() => button.textContent === "We'll let you know");
  assert.deepEqual(page.permissionCalls.map((c) => c.inClick), [true]);
  const registered = page.calls.findIndex((c) => c.method === 'POST' && c.url.endsWith('/subscriptions'));
  const reported = page.calls.findIndex((c) => c.method === 'POST' && c.url.endsWith('/events'));
  assert.ok(registered >= 0 && registered < reported, 'subscribed first, then the view');
  const [view] = events(page);
  assert.equal(view.type, 'product.viewed');
  assert.deepEqual(Object.keys(view.data).sort(), PRODUCT_FIELDS);
  assert.equal(view.data.inStock, false);
  assert.ok(view.data.variantId);
});

test('"Notify me" from a subscribed shopper asks nothing and subscribes nothing: it reports the view', async () => {
  const page = pageWith('notify-me', { permission: 'granted' });
  await page.next('subscribed');
  await page.settle();
  const subscribes = page.push.subscribeCalls.length;
  const registrations = page.calls.filter((c) => c.url.endsWith('/subscriptions')).length;
  page.click(page.document.getElementById('notify-me'));
  await until(() => events(page).length === 1);
  assert.equal(page.permissionCalls.length, 0);
  assert.equal(page.push.subscribeCalls.length, subscribes);
  assert.equal(page.calls.filter((c) => c.url.endsWith('/subscriptions')).length, registrations);
  assert.equal(events(page)[0].data.inStock, false);
});

test('"Notify me" stays hidden where it cannot work: notifications blocked, or no push in the browser', async () => {
  for (const options of [{ permission: 'denied' }, { supported: false }]) {
    const page = pageWith('notify-me', options);
    await page.settle();
    assert.equal(page.document.getElementById('notify-me').hidden, true, JSON.stringify(options));
  }
});

test('a shopper who declines at "Notify me" reports nothing', async () => {
  const page = pageWith('notify-me', { permission: 'default', answer: 'denied' });
  await page.settle();
  const button = page.document.getElementById('notify-me');
  page.click(button);
  await page.next('decline');
  await page.settle();
  assert.equal(events(page).length, 0);
  assert.equal(button.textContent, 'Notify me when it\'s back');
});
