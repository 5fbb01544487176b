'use strict';
// A service worker global for src/pushcart-sw.js in a node:vm context: registration,
// notifications, clients, Cache Storage and fetch are recording fakes; crypto, URL and
// TextEncoder are Node's real ones.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const SOURCE = fs.readFileSync(path.join(__dirname, '../../src/pushcart-sw.js'), 'utf8');

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}

function startWorker(options = {}) {
  const o = { scope: 'https://shop.test/', maxActions: 2, endpoint: 'https://push.test/ep/w1', ...options };
  const listeners = {};
  const shown = [];
  const fetches = [];
  const opened = [];
  const cache = new Map();
  const log = [];
  const windows = (o.windows || []).map((w) => ({
    ...w,
    focused: false,
    focus() {
      log.push('focus ' + this.url);
      this.focused = true;
      return Promise.resolve(this);
    },
    navigate(url) {
      log.push('navigate ' + url);
      if (!this.controlled) return Promise.reject(new TypeError('not controlled'));
      this.url = url;
      return Promise.resolve(this);
    }
  }));
  let subscription = o.endpoint ? { endpoint: o.endpoint } : null;
  const subscribeCalls = [];
  const registration = {
    scope: o.scope,
    showNotification(title, opts) {
      log.push('show ' + title);
      if (o.refuse && o.refuse(opts)) return Promise.reject(new TypeError('refused option'));
      shown.push({ title, options: opts });
      return o.showGate ? o.showGate.promise : Promise.resolve();
    },
    pushManager: {
      getSubscription: () => Promise.resolve(subscription),
      subscribe(opts) {
        subscribeCalls.push(opts);
        subscription = {
          endpoint: 'https://push.test/ep/renewed',
          toJSON: () => ({ endpoint: 'https://push.test/ep/renewed', keys: { p256dh: 'P', auth: 'A' } })
        };
        return Promise.resolve(subscription);
      }
    }
  };
  const self = {};
  Object.assign(self, {
    registration,
    addEventListener(type, fn) {
      (listeners[type] = listeners[type] || []).push(fn);
    },
    caches: {
      open: () => Promise.resolve({
        match: async (url) => (cache.has(url) ? { json: async () => cache.get(url) } : undefined),
        put: async (url, res) => cache.set(url, JSON.parse(await res.text()))
      })
    },
    clients: {
      matchAll: (q) => {
        log.push('matchAll ' + JSON.stringify(q));
        // As in browsers: without includeUncontrolled, only the windows this worker controls.
        return Promise.resolve(q && q.includeUncontrolled ? windows : windows.filter((w) => w.controlled));
      },
      openWindow: (url) => {
        log.push('openWindow ' + url);
        opened.push(url);
        return Promise.resolve({ url });
      }
    },
    fetch: async (url, init) => {
      log.push(`fetch ${init.method} ${url}`);
      fetches.push({ url, method: init.method, body: init.body ? JSON.parse(init.body) : undefined });
      const status = init.method === 'DELETE' ? 204 : init.method === 'POST' && url.endsWith('/subscriptions') ? 201 : 202;
      return { ok: true, status, json: async () => ({ id: 'new-id' }) };
    },
    Notification: { maxActions: o.maxActions },
    crypto: globalThis.crypto,
    TextEncoder,
    URL,
    Response,
    AbortController,
    setTimeout,
    clearTimeout,
    btoa,
    console
  });
  if (o.config) cache.set('/__pushcart/config', o.config);
  const context = vm.createContext(self);
  // The context's global must be a ServiceWorkerGlobalScope, as in a browser's worker.
  vm.runInContext('globalThis.ServiceWorkerGlobalScope = class ServiceWorkerGlobalScope {};' +
    'Object.setPrototypeOf(globalThis, ServiceWorkerGlobalScope.prototype); globalThis.self = globalThis;', context);
  vm.runInContext(SOURCE, context);

  /** Dispatches an extendable event as a browser does and resolves when its waitUntil promises settle. */
  async function dispatch(type, init) {
    const waits = [];
    const event = { type, ...init, waitUntil: (p) => waits.push(p) };
    for (const fn of listeners[type] || []) fn(event);
    await Promise.all(waits);
    return event;
  }

  return {
    self: context, listeners, shown, fetches, opened, cache, log, windows, subscribeCalls, dispatch,
    setSubscription: (s) => { subscription = s; },
    push(payload) {
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      return dispatch('push', { data: payload === null ? null : { text: () => text } });
    },
    notification(data, action = '') {
      const n = { data, closed: false, close() { this.closed = true; } };
      return { n, click: () => dispatch('notificationclick', { notification: n, action }) };
    }
  };
}

module.exports = { startWorker, deferred, SOURCE };
