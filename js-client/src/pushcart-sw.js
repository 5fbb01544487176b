/*! Pushcart service worker 1.0.0 | docs/js-snippet.md */
// Loaded with importScripts() into the store's own worker. Every listener is registered
// synchronously at the top level: a browser only wakes a worker for the events it had
// listeners for when the script was first evaluated.
(() => {
  'use strict';
  const VERSION = '1.0.0';
  // Written by pushcart.js on each sync: {server, site, key, id, tags, attributes, identity}.
  const CONFIG_URL = '/__pushcart/config';
  const RECEIPT_TIMEOUT_MS = 10000;

  /** The notification to show for a push: Pushcart's JSON payload, or a fallback that still says something. */
  function readPayload(data, fallbackTitle) {
    let text = '';
    try {
      text = data ? data.text() : '';
    } catch (e) {
      text = '';
    }
    let msg = null;
    try {
      msg = JSON.parse(text);
    } catch (e) {
      msg = null;
    }
    if (msg && typeof msg === 'object' && typeof msg.title === 'string' && msg.title) return msg;
    // Unreadable or foreign: never show nothing (browsers revoke silent pushers).
    return { title: fallbackTitle, body: msg ? '' : text.slice(0, 200) };
  }

  /**
   * What a message's receipts count towards, as the server names it in their `data`: a campaign
   * {campaignId}, an automation's step {automationId, step, variant?, run?} (step 1-based), a
   * transactional push {notificationId}; null for none (no receipt). Reads a payload or a shown
   * notification's data.
   */
  function source(msg) {
    if (!msg) return null;
    if (msg.campaignId) return { campaignId: msg.campaignId };
    if (msg.automationId && Number.isInteger(msg.step) && msg.step >= 1) {
      const step = { automationId: msg.automationId, step: msg.step };
      // A step's variant travels with its receipts: the server counts them for it.
      if (typeof msg.variant === 'string' && msg.variant) step.variant = msg.variant;
      // And its run: the server counts them once per run, so a shopper's next cart counts again.
      if (typeof msg.run === 'string' && msg.run) step.run = msg.run;
      return step;
    }
    if (msg.notificationId) return { notificationId: msg.notificationId };
    return null;
  }

  /** showNotification options; features the browser lacks (actions, image) are left out, not failed on. */
  function notificationOptions(msg, maxActions) {
    const actions = Array.isArray(msg.actions) ? msg.actions.filter((a) => a && a.action && a.title) : [];
    const from = source(msg);
    const options = {
      body: msg.body || '',
      // pushcart-<campaignId>, pushcart-<automationId>-<step>, pushcart-<notificationId>: one per message.
      tag: msg.tag || ['pushcart'].concat(from ? Object.values(from) : []).join('-'),
      renotify: true, // a reused tag otherwise replaces the old notification silently
      requireInteraction: !!msg.requireInteraction,
      // The ids stay with the notification: the click and close receipts are sent from them.
      data: {
        url: msg.url || null,
        ...from,
        siteId: msg.siteId || null,
        actions: actions.map((a) => ({ action: String(a.action), url: a.url || null }))
      }
    };
    for (const k of ['icon', 'image', 'badge']) if (msg[k]) options[k] = msg[k];
    if (maxActions > 0 && actions.length) {
      options.actions = actions.slice(0, maxActions).map((a) => ({ action: String(a.action), title: String(a.title) }));
    }
    return options;
  }

  /** The url a click opens: the action's own url, else the notification's, else the worker's scope. */
  function clickTarget(data, action, scope) {
    const d = data || {};
    const own = action && (d.actions || []).find((a) => a.action === action);
    return new URL((own && own.url) || d.url || scope, scope).href;
  }

  /** RFC-free but fixed by the server: base64url (no padding) of the first 16 bytes of SHA-256(endpoint). */
  async function subscriptionId(endpoint) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(endpoint));
    let s = '';
    for (const b of new Uint8Array(digest).slice(0, 16)) s += String.fromCharCode(b);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  const helpers = { readPayload, notificationOptions, clickTarget, subscriptionId, VERSION };
  if (typeof ServiceWorkerGlobalScope === 'undefined' || !(self instanceof ServiceWorkerGlobalScope)) {
    if (typeof module === 'object' && module.exports) module.exports = helpers;
    return;
  }
  if (self.pushcartWorker) return; // imported twice: the first copy handles the events
  self.pushcartWorker = VERSION;

  async function config() {
    try {
      const cache = await caches.open('pushcart');
      const res = await cache.match(CONFIG_URL);
      return res ? await res.json() : null;
    } catch (e) {
      return null;
    }
  }

  async function saveConfig(cfg) {
    const cache = await caches.open('pushcart');
    await cache.put(CONFIG_URL, new Response(JSON.stringify(cfg), { headers: { 'Content-Type': 'application/json' } }));
  }

  async function call(server, site, method, path, body) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), RECEIPT_TIMEOUT_MS);
    try {
      const init = { method, mode: 'cors', credentials: 'omit', signal: abort.signal };
      if (body) {
        init.headers = { 'Content-Type': 'application/json' };
        init.body = JSON.stringify(body);
      }
      const res = await fetch(`${server}/v1/sites/${encodeURIComponent(site)}${path}`, init);
      if (!res.ok) throw new Error(`pushcart: ${method} ${path} answered ${res.status}`);
      return res.status === 201 || res.status === 200 ? await res.json() : null;
    } finally {
      clearTimeout(timer);
    }
  }

  /** delivered / clicked / closed, for the stats of the campaign, automation step or transactional push the message came from. */
  async function receipt(type, data, action) {
    const from = source(data);
    if (!from || !data.siteId) return;
    const cfg = await config();
    if (!cfg || !cfg.server) return;
    const sub = await self.registration.pushManager.getSubscription().catch(() => null);
    const id = sub ? await subscriptionId(sub.endpoint) : cfg.id;
    if (!id) return;
    const body = { subscriptionId: id, type, data: from };
    if (action) body.data.action = action;
    await call(cfg.server, data.siteId, 'POST', '/events', body);
  }

  // A synthetic event (tests, other code) cannot waitUntil; the work still runs.
  function keepAlive(event, promise) {
    const quiet = promise.catch(() => {});
    try {
      event.waitUntil(quiet);
    } catch (e) {
      /* not a trusted event */
    }
    return quiet;
  }

  async function show(msg) {
    const maxActions = (self.Notification && Notification.maxActions) || 0;
    const options = notificationOptions(msg, maxActions);
    try {
      await self.registration.showNotification(msg.title, options);
    } catch (e) {
      // An option this browser refuses must not cost the shopper the notification.
      await self.registration.showNotification(msg.title, { body: options.body, tag: options.tag, data: options.data });
    }
  }

  function onPush(event) {
    const fallback = new URL(self.registration.scope).hostname;
    const msg = readPayload(event.data, fallback);
    // Show first; the receipt follows and is never a condition for showing (iOS revoked
    // endpoints whose worker went to the network before showing).
    keepAlive(event, show(msg).then(() => receipt('notification.delivered', msg)));
  }

  async function openOrFocus(url) {
    const target = new URL(url);
    const there = (await clients.matchAll({ type: 'window', includeUncontrolled: true })).find((c) => c.url === url);
    if (there) return there.focus().catch(() => there);
    // Only a tab this worker controls can be navigated (navigate() refuses the others, e.g. one
    // opened with Shift+Reload or outside the scope), and a click allows one window action:
    // focusing a tab that then cannot be moved would leave the shopper on the wrong page.
    const tab = (await clients.matchAll({ type: 'window' })).find((c) => new URL(c.url).origin === target.origin);
    if (!tab) return clients.openWindow(url);
    // Focus first: the permission to raise a window lasts only briefly after the click.
    const focused = await tab.focus().catch(() => tab);
    const moved = await (focused || tab).navigate(url).catch(() => null);
    return moved || clients.openWindow(url);
  }

  function onClick(event) {
    const n = event.notification;
    const data = n.data || {};
    n.close();
    const url = clickTarget(data, event.action, self.registration.scope);
    keepAlive(event, Promise.all([
      openOrFocus(url),
      receipt('notification.clicked', data, event.action).catch(() => {})
    ]));
  }

  function onClose(event) {
    keepAlive(event, receipt('notification.closed', event.notification.data || {}));
  }

  // Firefox may fire this with both subscriptions null, Chrome never fires it: the page also
  // re-syncs on every visit. Here: subscribe again with the site's key and register it.
  async function resubscribe(event) {
    const cfg = await config();
    if (!cfg || !cfg.server || !cfg.site) return;
    let sub = event.newSubscription || await self.registration.pushManager.getSubscription();
    let subscribedWith = null;
    if (!sub) {
      const old = event.oldSubscription && event.oldSubscription.options;
      const key = cfg.key ? cfg.key : old && old.applicationServerKey;
      if (!key) return;
      sub = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      subscribedWith = typeof key === 'string' ? key : null;
    }
    const json = sub.toJSON();
    // A config written before signed identify may hold customerId as an attribute, which the
    // server now refuses: it is linked below, with the signature, or not at all.
    const attributes = { ...(cfg.attributes || {}) };
    delete attributes.customerId;
    const res = await call(cfg.server, cfg.site, 'POST', '/subscriptions', {
      endpoint: json.endpoint, keys: json.keys, tags: cfg.tags || [], attributes,
      // The key it was made with, when the page last wrote it: the server signs with that key's pair.
      ...(subscribedWith ? { applicationServerKey: subscribedWith } : {})
    });
    // The new subscription is linked to the customer the page identified (a refused signature
    // costs the link only).
    const identity = cfg.identity;
    if (identity && identity.customerId && identity.signature) {
      await call(cfg.server, cfg.site, 'PATCH', `/subscriptions/${res.id}`,
        { customerId: identity.customerId, signature: identity.signature }).catch(() => {});
    }
    if (cfg.id && cfg.id !== res.id) await call(cfg.server, cfg.site, 'DELETE', `/subscriptions/${cfg.id}`).catch(() => {});
    await saveConfig({ ...cfg, id: res.id });
  }

  self.addEventListener('push', onPush);
  self.addEventListener('notificationclick', onClick);
  self.addEventListener('notificationclose', onClose);
  self.addEventListener('pushsubscriptionchange', (event) => keepAlive(event, resubscribe(event)));
})();
